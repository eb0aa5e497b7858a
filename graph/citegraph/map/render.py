"""The interactive map: one self-contained, offline HTML file made with pyvis.

The page answers the two questions itself: a ranked unread panel (the rows of
:func:`citegraph.questions.unread`, unchanged) and shortest paths computed in the browser over the
whole graph's compact adjacency (the answers of :func:`citegraph.paths.shortest_paths`).

Not a hairball: references cited by only one of your papers are folded into that paper (counted in
its tooltip and card) unless they are on a highlighted path or among the top unread. Positions
are computed here, deterministically (the same graph gives the same picture): your papers are
spread by what they share, their references placed around them, and no two boxes (a node with its
label) overlap.

The module works in steps, one function each: :func:`choose_papers` (what is drawn, what is folded,
what is left out and why), :func:`node_colors`, :func:`layout`, :func:`vis_nodes` / :func:`vis_edges`
(vis-network's items), :func:`page_data` (everything the page computes with), and
:func:`render_page`, the only place that talks to pyvis.
"""

from __future__ import annotations

import hashlib
import json
import os
import math
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd

from citegraph.questions import withheld_note
from citegraph.questions import notice_line
from citegraph.questions import flags_pending_note, paper_link, read_papers, reading_status, unread, unread_scores, your_papers
from citegraph.paths import first_context
from citegraph.constants import (INFLUENCE, MAP_COLORS, MAP_LAYOUTS, MAP_MAX_NODES, MAP_MIN_NODES, MAP_SHOWS, MAP_TOP_UNREAD, check_choice,
                        check_range)
from citegraph.datafiles import read_regular
from citegraph.text import one_line, shown_title, withheld_words
from citegraph.errors import OutputError
from citegraph.export.formats import bibtex_entries

TEMPLATES = Path(__file__).parent / "templates"
SMALL_MAP = 300           # up to this many drawn papers, room is kept for every label Python gives (yours, top unread)
SPRING_ITERATIONS = 30
SPRING_GROUP_LIMIT = 400  # (NetworkX switches to a slower method at 500) a bigger group is laid out in linear time (a spiral in breadth-first order)
DENSITY = 0.3             # the share of a group's region its papers' boxes fill
PADDING = 2.0             # around every box: dots never touch
GROUP_GAP = 60.0          # between two groups' regions
NAME_STRIP = 36.0         # above a group's region, for its name
LABELLED_UNREAD = 10      # the best unread papers carry a label too

# Every colour and mark of the page is defined here once; the page reads them from its data.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d"]
OTHER_COLOR = "#9e9e9e"
STYLE = {
    "influential": "#e8590c", "ordinary": "#9a9a9a", "path": "#d6336c", "outline": "#111111",
    "other": OTHER_COLOR, "dimmedNode": 0.15, "dimmedEdge": 0.08, "pathWidth": 5, "influentialWidth": 2.5,
    "crossref": "#1c7ed6", "retracted": "#c92a2a",  # a citation Crossref gave; a retracted paper's outline
}
RETRACTED_MARK = "⊘ "  # before a retracted paper's label
# How each kind of paper is drawn (greyscale-safe: outline and lightness, not colour alone).
KINDS = {
    "read": {"borderWidth": 3.5, "dashes": False, "opacity": 1.0, "font": 16,
             "legend": "in your notes: solid black outline, full colour, labelled"},
    "queued": {"borderWidth": 3.5, "dashes": [5, 4], "opacity": 1.0, "font": 16,
               "legend": "in your reading queue: dashed black outline, labelled"},
    "unread": {"borderWidth": 0, "dashes": False, "opacity": 0.55, "font": 14,
               "legend": "not read: no outline, lighter; the top 10 unread are labelled"},
    "not-relevant": {"borderWidth": 1.5, "dashes": [2, 3], "opacity": 0.35, "font": 14,
                     "legend": "marked not relevant in your notes: dotted outline, faded"},
}
FONT_WIDTH = 0.68         # a label character's width, in font sizes (generous: labels must not collide)
VIEW_ASPECT = 1.14        # width / height of the part of a window the panel leaves free
LABEL_GAP = 13            # vis draws a dot's label about this far below the dot


@dataclass
class MapOptions:
    """How to draw the map; defaults and allowed values: `citegraph.constants` (a wrong one raises ValueError)."""

    color: str = MAP_COLORS[0]
    show: str = MAP_SHOWS[0]
    max_nodes: int = MAP_MAX_NODES
    layout: str = MAP_LAYOUTS[0]
    top_unread: int = MAP_TOP_UNREAD
    path: list[str] = field(default_factory=list)

    def __post_init__(self):
        check_choice("color", self.color, MAP_COLORS)
        check_choice("show", self.show, MAP_SHOWS)
        check_choice("layout", self.layout, MAP_LAYOUTS)
        check_range("max_nodes", self.max_nodes, MAP_MIN_NODES)
        check_range("top_unread", self.top_unread, 0)


@dataclass
class Selection:
    """Which papers the map draws, and where every other paper went.

    ``drawn + sum(folded_into) + unlinked + over_max_nodes`` is the number of papers in the graph.
    """

    drawn: list[str]
    folded_into: Counter          # read paper -> how many references are folded into it
    unlinked: int                 # not cited by your papers, citing fewer than two of them
    over_max_nodes: int           # would be drawn, left out by --max-nodes (lowest unread scores)

    def summary(self, total: int, max_nodes: int) -> str:
        """One sentence that accounts for every paper (the build prints it, the legend shows it)."""
        parts = [f"{len(self.drawn):,} of {total:,} papers drawn"]
        if self.folded_into:
            parts.append(f"{sum(self.folded_into.values()):,} folded into the one paper of yours citing them")
        if self.unlinked:
            parts.append(f"{self.unlinked:,} left out: not cited by your papers, citing fewer than two of them "
                         "(--show all draws them)")
        if self.over_max_nodes:
            parts.append(f"{self.over_max_nodes:,} left out by --max-nodes {max_nodes:,} (the lowest unread scores)")
        return "; ".join(parts)


def short_label(title: str | None, year: int | None) -> str:
    """A label readable at a glance: the name before the colon ("LoRA 2021"), else the first words."""
    title = one_line(title or "")
    if not title.strip():  # an untitled paper is not labelled (its card names its paperId)
        return ""
    head, colon, _ = title.partition(":")
    if colon and 0 < len(head) <= 17:
        name = head
    else:
        name = ""
        for word in title.split(" "):
            if name and len(name) + 1 + len(word) > 17:
                name += "…"
                break
            name = f"{name} {word}".strip()
        name = name[:18]
    return f"{name} {year}" if year else name


def choose_papers(graph: nx.DiGraph, yours: set[str], scores: dict[str, float], by_score: list[str],
                  options: MapOptions) -> Selection:
    """Which papers to draw; every other paper is counted as folded, unlinked or over --max-nodes.

    ``yours`` are the papers in your notes (read or queued, `citegraph.questions.your_papers`),
    ``scores`` the unread scores and ``by_score`` the unread papers, best score first.
    """
    on_path = set(options.path)
    folded_into: Counter = Counter()
    if options.show == "all":
        drawn = set(graph.nodes)
    else:
        drawn = yours | on_path | set(by_score[: options.top_unread])
        for node in graph.nodes:
            if node in drawn:
                continue
            readers = [p for p in graph.pred[node] if p in yours]
            if len(readers) >= 2 or sum(1 for m in graph.succ[node] if m in yours) >= 2:
                drawn.add(node)
            elif len(readers) == 1:
                folded_into[readers[0]] += 1
    over = 0
    if len(drawn) > options.max_nodes:
        keep = yours | on_path
        rest = sorted(drawn - keep, key=lambda n: (scores.get(n, 0.0), graph.nodes[n].get("citationCount") or 0),
                      reverse=True)
        kept = set(rest[: max(0, options.max_nodes - len(keep))])
        over = len(drawn) - len(keep) - len(kept)
        drawn = keep | kept
    unlinked = graph.number_of_nodes() - len(drawn) - sum(folded_into.values()) - over
    return Selection(sorted(drawn), folded_into, unlinked, over)


def node_colors(graph: nx.DiGraph, nodes: list[str], mode: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Node colours and the legend entries explaining them."""
    if mode == "year":
        years = [graph.nodes[n].get("year") for n in nodes if graph.nodes[n].get("year")]
        low, high = (min(years), max(years)) if years else (0, 1)

        def year_color(year):
            if not year:
                return OTHER_COLOR
            t = (year - low) / max(1, high - low)
            return f"#{int(40 + 200 * t):02x}{int(90 + 40 * (1 - abs(2 * t - 1))):02x}{int(220 - 180 * t):02x}"

        return ({n: year_color(graph.nodes[n].get("year")) for n in nodes},
                [(year_color(low), f"{low} (oldest)"), (year_color(high), f"{high} (newest)")])
    if mode == "cluster":
        names = graph.graph.get("clusters") or []
        palette = {name: PALETTE[i] if i < len(PALETTE) else OTHER_COLOR for i, name in enumerate(names)}
        return ({n: palette.get(graph.nodes[n].get("cluster"), OTHER_COLOR) for n in nodes},
                [(palette[name], name) for name in names[: len(PALETTE)]])
    if mode == "community":
        sub = _skeleton(graph, nodes)
        groups = sorted(nx.community.louvain_communities(sub, seed=1), key=len, reverse=True) if sub.number_of_edges() else [set(nodes)]
        colors = {}
        legend = []
        for index, group in enumerate(groups):
            color = PALETTE[index] if index < len(PALETTE) else OTHER_COLOR
            colors.update(dict.fromkeys(group, color))
            if index < len(PALETTE):
                legend.append((color, f"community {index + 1} ({len(group)} papers)"))
        return colors, legend
    # topic: a read paper's most specific notes topic (the one fewest papers share); an unread paper
    # takes its readers' commonest topic
    read = [n for n in nodes if graph.nodes[n].get("read")]
    share = Counter(t for n in read for t in graph.nodes[n].get("topics") or [])
    topic_of = {n: min(graph.nodes[n].get("topics") or ["(no topic)"], key=lambda t: share.get(t, 0)) for n in read}
    for node in nodes:
        if node not in topic_of:
            votes = Counter(topic_of[p] for p in graph.pred[node] if p in topic_of)
            topic_of[node] = votes.most_common(1)[0][0] if votes else None
    ranked = [t for t, _ in Counter(t for t in topic_of.values() if t).most_common()]
    palette = {t: PALETTE[i] if i < len(PALETTE) else OTHER_COLOR for i, t in enumerate(ranked)}
    legend = [(palette[t], t) for t in ranked[: len(PALETTE)]]
    if len(ranked) > len(PALETTE):
        legend.append((OTHER_COLOR, f"{len(ranked) - len(PALETTE)} more topics"))
    return {n: palette.get(topic_of[n], OTHER_COLOR) for n in nodes}, legend


def _skeleton(graph: nx.DiGraph, nodes: list[str]) -> nx.Graph:
    """The drawn papers and their links, undirected and without attributes (copying those is slow)."""
    drawn = set(nodes)
    skeleton = nx.Graph()
    skeleton.add_nodes_from(nodes)
    skeleton.add_edges_from((a, b) for a, b in graph.edges(nodes) if b in drawn)
    return skeleton


def node_size(graph: nx.DiGraph, node: str, yours: set[str]) -> float:
    """A dot's radius: grows with log citations and with how many of your papers cite it."""
    data = graph.nodes[node]
    readers = sum(1 for p in graph.pred[node] if p in yours)
    size = 4 + 0.7 * math.log1p(data.get("citationCount") or 0) + 1.5 * readers + (2 if node in yours else 0)
    return round(min(size, 16), 1)


@dataclass
class Box:
    """What a drawn paper occupies: its dot (radius) and, below it, its label (width x height)."""

    radius: float
    label_width: float = 0.0
    label_height: float = 0.0


def label_box(label: str | None, font_size: int) -> tuple[float, float]:
    if not label:
        return 0.0, 0.0
    return len(label) * font_size * FONT_WIDTH + 6, font_size * 1.3


def layout(graph: nx.DiGraph, nodes: list[str], boxes: dict[str, Box], mode: str,
           group_of: dict[str, int] | None = None) -> tuple[dict[str, tuple[float, float]], dict[int, list[float]]]:
    """Deterministic positions in canvas units (about screen pixels at scale 1), and each group's region.

    Each group (``group_of``: paper -> group number, see :mod:`citegraph.clustering`) is laid out on
    its own: a spring layout of its citations, then every paper, most important first, takes the
    free place nearest to where the spring put it (a spatial hash finds the boxes it could touch,
    so no two boxes overlap at any size). The groups' regions are then packed in rows, largest
    first, each with room for its name above it. ``mode="timeline"``: x is the publication year
    and each group is a horizontal band. The regions are ``[left, top, right, bottom]``.
    """
    group_of = group_of or {}
    members: dict[int, list[str]] = {}
    for node in nodes:
        members.setdefault(group_of.get(node, -1), []).append(node)
    if mode == "timeline":
        return _timeline(graph, members, boxes)
    placed = {number: _group_positions(graph, group, boxes) for number, group in members.items()}
    return _pack(placed, boxes)


def cached_layout(graph: nx.DiGraph, nodes: list[str], boxes: dict[str, Box], mode: str, group_of: dict[str, int],
                  cache: Path | None) -> tuple[dict[str, tuple[float, float]], dict[int, list[float]]]:
    """:func:`layout`, kept in ``cache`` (a JSON file) under a digest of everything it depends on: the
    drawn papers, their boxes and groups, the citations among them and the mode. A rebuild of an
    unchanged graph reads the positions instead of computing them again."""
    drawn = set(nodes)
    # this module's own source too: a changed layout algorithm never reuses old positions
    inputs = [hashlib.sha256(Path(__file__).read_bytes()).hexdigest(), mode, [(n, boxes[n].radius, boxes[n].label_width, boxes[n].label_height, group_of.get(n, -1)) for n in nodes],
              [(a, b) for a in nodes for b in graph.succ[a] if b in drawn]]
    digest = hashlib.sha256(json.dumps(inputs).encode()).hexdigest()
    if cache is not None:
        try:
            stored = json.loads(read_regular(cache))  # a FIFO planted there is no cache
            if stored.get("digest") == digest:
                return ({n: (float(at[0]), float(at[1])) for n, at in stored["positions"].items()},
                        {int(k): v for k, v in stored["regions"].items()})
        except (OSError, ValueError, AttributeError, KeyError, TypeError, IndexError, RecursionError):
            pass  # no cache yet, or an unreadable one: compute
    positions, regions = layout(graph, nodes, boxes, mode, group_of)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            # A file of our own moved into place: whatever was planted at the cache's name (a FIFO would
            # block the write for ever, a link would be written through) is replaced, never opened.
            descriptor, partial = tempfile.mkstemp(dir=cache.parent, prefix=f"{cache.name}.", suffix=".part")
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                out.write(json.dumps({"digest": digest, "positions": positions, "regions": regions}))
            os.replace(partial, cache)
        except OSError:
            pass  # a cache that cannot be written only costs the next build time
    return positions, regions


def _rect(node: str, at: tuple[float, float], boxes: dict[str, Box]) -> tuple[float, float, float, float]:
    """The part of the canvas a paper takes at ``at``: its dot and the label below it, with padding."""
    box, (x, y) = boxes[node], at
    half = max(box.radius, box.label_width / 2) + PADDING
    bottom = y + box.radius + (LABEL_GAP + box.label_height if box.label_width else 0) + PADDING
    return x - half, y - box.radius - PADDING, x + half, bottom


class SpatialHash:
    """Placed rectangles bucketed by grid cell: a new rectangle is checked only against its cells' ones."""

    def __init__(self, cell: float):
        self.cell, self.cells = cell, {}

    def _cells(self, rect):
        left, top, right, bottom = (int(math.floor(v / self.cell)) for v in rect)
        return ((cx, cy) for cx in range(left, right + 1) for cy in range(top, bottom + 1))

    def free(self, rect) -> bool:
        for key in self._cells(rect):
            for other in self.cells.get(key, ()):
                if rect[0] < other[2] and other[0] < rect[2] and rect[1] < other[3] and other[1] < rect[3]:
                    return False
        return True

    def add(self, rect) -> None:
        for key in self._cells(rect):
            self.cells.setdefault(key, []).append(rect)


def _group_positions(graph: nx.DiGraph, group: list[str], boxes: dict[str, Box]) -> dict[str, tuple[float, float]]:
    """One group's positions around (0, 0): spring layout, then the nearest free place, most important first."""
    sizes = [_rect(n, (0, 0), boxes) for n in group]
    side = math.sqrt(sum((r[2] - r[0]) * (r[3] - r[1]) for r in sizes) / DENSITY)
    if len(group) > SPRING_GROUP_LIMIT:
        wanted = _spiral(graph, group, side)
    elif len(group) > 1:
        raw = nx.spring_layout(_skeleton(graph, group), seed=1, iterations=SPRING_ITERATIONS, k=1.0 / math.sqrt(len(group)))
        wanted = {n: (float(x) * side / 2, float(y) * side / 2) for n, (x, y) in raw.items()}
    else:
        wanted = {group[0]: (0.0, 0.0)}
    degree = {n: len(graph.pred[n]) + len(graph.succ[n]) for n in group}
    order = sorted(group, key=lambda n: (-boxes[n].label_width, -degree[n], n))
    cell = max(max(r[2] - r[0], r[3] - r[1]) for r in sizes)
    taken, positions = SpatialHash(cell), {}
    golden = math.pi * (3 - math.sqrt(5))
    for node in order:
        x0, y0 = wanted[node]
        rect = _rect(node, (0.0, 0.0), boxes)
        step = 0.4 * min(rect[2] - rect[0], rect[3] - rect[1])  # the search for room widens by about half a box a turn
        at, tries = (x0, y0), 0
        while not taken.free(_rect(node, at, boxes)):
            tries += 1
            distance = step * math.sqrt(tries)
            at = (x0 + distance * math.cos(tries * golden), y0 + distance * math.sin(tries * golden))
        taken.add(_rect(node, at, boxes))
        positions[node] = (round(at[0], 1), round(at[1], 1))
    return positions


def _spiral(graph: nx.DiGraph, group: list[str], side: float) -> dict[str, tuple[float, float]]:
    """A big group's wanted positions, in linear time: breadth-first from its most cited paper along
    citations, laid on a sunflower spiral, so linked papers sit close."""
    inside = set(group)
    order, seen = [], set()
    for start in sorted(group, key=lambda n: (-len(graph.pred[n]), n)):
        if start in seen:
            continue
        seen.add(start)
        queue = [start]
        for node in queue:
            order.append(node)
            for other in sorted(m for m in (*graph.pred[node], *graph.succ[node]) if m in inside and m not in seen):
                seen.add(other)
                queue.append(other)
    golden = math.pi * (3 - math.sqrt(5))
    radius = side / 2 / math.sqrt(len(order))
    return {n: (radius * math.sqrt(i) * math.cos(i * golden), radius * math.sqrt(i) * math.sin(i * golden))
            for i, n in enumerate(order)}


def _extent_of(positions: dict[str, tuple[float, float]], boxes: dict[str, Box]) -> list[float]:
    rects = [_rect(n, at, boxes) for n, at in positions.items()]
    return [min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects)]


def _pack(placed: dict[int, dict[str, tuple[float, float]]], boxes: dict[str, Box]
          ) -> tuple[dict[str, tuple[float, float]], dict[int, list[float]]]:
    """Groups packed in rows (largest first) to fill a ``VIEW_ASPECT`` window, each with its name's strip above it."""
    extents = {number: _extent_of(positions, boxes) for number, positions in placed.items()}
    heading = {number: NAME_STRIP * max(1.0, math.sqrt(e[2] - e[0]) / 12) for number, e in extents.items()}
    order = sorted(placed, key=lambda number: (-len(placed[number]), number))
    total = sum((e[2] - e[0] + GROUP_GAP) * (e[3] - e[1] + heading[n] + GROUP_GAP) for n, e in extents.items())
    row_width = max(math.sqrt(total * VIEW_ASPECT), max(e[2] - e[0] for e in extents.values()))
    positions, regions = {}, {}
    x = y = row_height = 0.0
    for number in order:
        left, top, right, bottom = extents[number]
        width, height = right - left, bottom - top + heading[number]
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + GROUP_GAP, 0.0
        dx, dy = x - left, y + heading[number] - top
        for node, (px, py) in placed[number].items():
            positions[node] = (round(px + dx, 1), round(py + dy, 1))
        regions[number] = [round(x, 1), round(y, 1), round(x + width, 1), round(y + height, 1)]
        x += width + GROUP_GAP
        row_height = max(row_height, height)
    return positions, regions


def _timeline(graph: nx.DiGraph, members: dict[int, list[str]], boxes: dict[str, Box]
              ) -> tuple[dict[str, tuple[float, float]], dict[int, list[float]]]:
    """x is the publication year (each year a column, wide enough for its fullest group), each group a band."""
    years = {n: graph.nodes[n].get("year") for group in members.values() for n in group}
    first = min((y for y in years.values() if y), default=2000)
    cell = 2 * max((b.radius for b in boxes.values()), default=8) + 2 * PADDING
    count: Counter = Counter()
    for number, group in members.items():
        for node in group:
            count[number, years[node] or first - 2]  += 1  # undated: a column of their own, left of the oldest
    rows = max(4, math.ceil(math.sqrt(max(count.values(), default=1) * 2)))
    columns = {year: max(math.ceil(c / rows) for (n, y), c in count.items() if y == year)
               for year in sorted({y for _, y in count})}
    x_of, x = {}, 0.0
    for year in sorted(columns):
        x_of[year] = x
        x += columns[year] * cell + cell
    positions, regions, top = {}, {}, 0.0
    strip = NAME_STRIP * 1.5
    order = sorted(members, key=lambda number: (-len(members[number]), number))
    for number in order:
        used: Counter = Counter()
        band = max(count[number, y] for y in columns)
        band_rows = min(rows, band)
        top += strip
        for node in sorted(members[number], key=lambda n: (-(boxes[n].radius), n)):
            year = years[node] or first - 2
            slot = used[year]
            used[year] += 1
            positions[node] = (round(x_of[year] + (slot // band_rows) * cell, 1), round(top + (slot % band_rows) * cell, 1))
        regions[number] = [-cell, round(top - strip, 1), round(x, 1), round(top + band_rows * cell, 1)]
        top += band_rows * cell + GROUP_GAP
    # Years drawn apart (never closer) until the timeline is as wide as a window: x stays monotone.
    stretch = max(1.0, VIEW_ASPECT * top / max(x, 1.0))
    positions = {n: (round(px * stretch, 1), py) for n, (px, py) in positions.items()}
    regions = {number: [r[0] * stretch, r[1], round(r[2] * stretch, 1), r[3]] for number, r in regions.items()}
    return positions, regions


def vis_nodes(graph: nx.DiGraph, selection: Selection, yours: set[str], colors: dict[str, str], boxes: dict[str, Box],
              labels: dict[str, str], positions: dict[str, tuple[float, float]], scores: dict[str, float]) -> list[dict]:
    """vis-network's node items: position, size, look (a group) and the details the card shows."""
    items = []
    for node in selection.drawn:
        data = graph.nodes[node]
        readers = [graph.nodes[p].get("title") for p in graph.pred[node] if p in yours]
        details = {"authors": (data.get("authors") or [])[:12], "venue": data.get("venue"),
                   "influentialCitationCount": data.get("influentialCitationCount"),
                   "readers": sorted(r for r in readers if r)[:10], "score": scores.get(node),
                   "folded": selection.folded_into.get(node, 0), "note": (data.get("note") or "")[:1000],
                   "notice": ("Crossref: " + notice_line(data)) if data.get("updates") else None,
                   "withheld": withheld_words(data.get("referenceCount")) if data.get("referencesWithheld") else None}
        item = {"id": node, "group": f"{reading_status(data)} {colors[node]}", "size": boxes[node].radius,
                "x": positions[node][0], "y": positions[node][1],
                "paper": {k: v for k, v in details.items() if v is not None and v != "" and v != [] and v != 0}}
        if labels.get(node):
            item["label"] = labels[node]
        if data.get("retracted"):  # marked whatever its kind: a thick red outline (and its label, see page_data)
            item.update(borderWidth=4, color={"background": colors[node], "border": STYLE["retracted"]})
        # per paper, not per group: vis lets a group's opacity override the paper's, and the page dims papers
        if KINDS[reading_status(data)]["opacity"] != 1.0:
            item["opacity"] = KINDS[reading_status(data)]["opacity"]
        items.append(item)
    return items


UNKNOWN_PER_PAPER = 3  # where influence is unknown: each of your papers' links to its most-cited references shown
UNKNOWN_SHOWN_MAX = 2000  # and at most this many such citations in all (those between your papers first)


def vis_edges(graph: nx.DiGraph, drawn: list[str], hide_ordinary: bool = False) -> list[dict]:
    """Citations between drawn papers: influential ones thick and orange, unknown influence dashed.

    ``hide_ordinary``: on a library's map only the influential ones show; the page shows the others
    on demand and around the hovered or selected paper. A paper none of whose references has a known
    flag (S2 gave none, or they are pending) would show nothing, so for those a bounded set of its
    citations shows, dashed (``unknownShown``): those between your papers first, then each such
    paper's links to its ``UNKNOWN_PER_PAPER`` most-cited references; once flags arrive, its
    influential citations take over."""
    shown = set(drawn)
    structure = _unknown_influence_structure(graph, drawn, shown) if hide_ordinary else set()
    items = []
    for citing, cited, edge in graph.edges(drawn, data=True):
        if cited not in shown:
            continue
        influential = edge.get("isInfluential")
        item = {"from": citing, "to": cited}
        if edge.get("source") == "crossref":  # S2 withholds it; Crossref's reference list gave it
            item.update(dashes=[2, 5], color={"color": STYLE["crossref"], "opacity": 0.8})
        elif influential:
            item.update(width=STYLE["influentialWidth"], color={"color": STYLE["influential"], "opacity": 0.9})
        else:
            if influential is None:
                item["dashes"] = True
            if (citing, cited) in structure:
                item["unknownShown"] = True
            elif hide_ordinary:
                item["hidden"] = item["ordinaryHidden"] = True
        items.append(item)
    return items


def _unknown_influence_structure(graph: nx.DiGraph, drawn: list[str], shown: set[str]) -> set[tuple[str, str]]:
    """The citations :func:`vis_edges` shows for your drawn papers whose references carry no known flag."""
    unknown = [p for p in your_papers(graph) if p in shown and graph.succ[p]
               and all(flag is None for _, _, flag in graph.out_edges(p, data="isInfluential"))]
    if not unknown:
        return set()
    yours = set(your_papers(graph))
    between = [(p, c) for p in unknown for c in graph.succ[p] if c in yours and c in shown]
    most_cited = []
    for paper in unknown:
        cited = sorted((c for c in graph.succ[paper] if c in shown and c not in yours),
                       key=lambda c: (-(graph.nodes[c].get("citationCount") or graph.in_degree(c)), c))
        most_cited += [(paper, c) for c in cited[:UNKNOWN_PER_PAPER]]
    return set((between + most_cited)[:UNKNOWN_SHOWN_MAX])


def groups(names: set[str]) -> dict:
    """vis-network groups named "read #1f77b4", "unread #1f77b4"...: the shared look of such papers.

    vis parses a group once and a per-node look once per node, which is most of a big map's start-up.
    """
    looks = {}
    for name in names:
        kind, color = name.split(" ")
        look = KINDS[kind]
        looks[name] = {"color": {"background": color, "border": STYLE["outline"] if look["borderWidth"] else color,
                                 "highlight": {"background": color, "border": STYLE["path"]}},
                       "borderWidth": look["borderWidth"], "borderWidthSelected": look["borderWidth"] + 2,
                       "shapeProperties": {"borderDashes": look["dashes"]},
                       "font": {"size": look["font"], "color": "#111", "strokeWidth": 3, "strokeColor": "#ffffff"}}
    return looks


def page_data(graph: nx.DiGraph, selection: Selection, legend: list, options: MapOptions, ranked) -> dict:
    """What the page computes with: every paper (compact), the adjacency, the ranked unread rows.

    ``ranked`` is :func:`citegraph.questions.unread` ``(graph, top=None)``: the panel shows its rows as they are.
    """
    ids = list(graph.nodes)
    index = {n: i for i, n in enumerate(ids)}
    flag_code = {False: 0, True: 1, None: 2}
    papers, adjacency, hop_details = [], [], {}
    for i, node in enumerate(ids):
        data = graph.nodes[node]
        papers.append([node, shown_title(data.get("title"), node), data.get("year"), reading_status(data),
                       data.get("citationCount"), paper_link(data), data.get("url") or "",
                       (RETRACTED_MARK if data.get("retracted") else "")
                       + short_label(data.get("title"), data.get("year"))])
        row = []
        for cited, edge in graph.succ[node].items():
            j = index[cited]
            row.append(j * 3 + flag_code[edge.get("isInfluential")])
            context, intents = first_context(edge), edge.get("intents") or []
            if context is not None or intents:
                hop_details[f"{i}>{j}"] = [intents, context]
        adjacency.append(row)
    rows = []
    # One call for the whole list: keys stay unique whichever rows are ticked and copied together.
    entries = bibtex_entries(graph, list(ranked["paperId"]))
    for row in ranked.itertuples(index=False):
        rows.append({"paperId": row.paperId, "title": row.title, "year": None if _missing(row.year) else int(row.year),
                     "score": float(row.score), "cited_by_count": int(row.cited_by_count),
                     "influential_count": int(row.influential_count), "cited_by": list(row.cited_by),
                     "markdown": f"- [{_markdown_text(row.title)}]({paper_link(graph.nodes[row.paperId])})",
                     "bibtex": entries[row.paperId]})
    # The legend's kinds, in KINDS' order: "not relevant" only when the notes mark a paper so.
    kinds = [k for k in KINDS if k != "not-relevant" or any(flag for _, flag in graph.nodes(data="not_relevant"))]
    return {
        "papers": papers, "adjacency": adjacency, "hops": hop_details, "unread": rows,
        "legend": legend, "kinds": {k: v["legend"] for k, v in KINDS.items() if k in kinds}, "kindOrder": kinds, "style": STYLE,
        "drawn": len(selection.drawn), "total": graph.number_of_nodes(),
        "folded": sum(selection.folded_into.values()), "unlinked": selection.unlinked,
        "overMaxNodes": selection.over_max_nodes, "maxNodes": options.max_nodes,
        "summary": selection.summary(graph.number_of_nodes(), options.max_nodes),
        "colorMode": options.color, "path": list(options.path), "read": len(read_papers(graph)),
        # S2's influence flag in words, as `path` writes it (keys: the flag as JS's String() has it)
        "influenceWords": {json_flag: INFLUENCE[flag].words for flag, json_flag in ((True, "true"), (False, "false"),
                                                                                     (None, "null"))},
        "flagsPending": flags_pending_note(graph),
        "crossrefCitations": sum(1 for _, _, source in graph.edges(data="source") if source == "crossref"),
        "retracted": sum(1 for _, flag in graph.nodes(data="retracted") if flag),
        "withheld": withheld_note(graph),
        "versions": graph.graph.get("version_ids") or {},  # ids of S2 records merged into another: resolve() maps them
    }


def _missing(value) -> bool:
    """None, NaN or pandas' NA (the ranking's integer columns hold NA for an unknown year)."""
    return value is None or bool(pd.isna(value))


def _markdown_text(title: str | None) -> str:
    return re.sub(r"([\[\]\\])", r"\\\1", one_line(title or ""))


def color_mode(graph: nx.DiGraph, mode: str) -> str:
    """``auto``: by notes topic when your papers have two topics or more, else by group."""
    if mode != "auto":
        return mode
    topics = {t for n in your_papers(graph) for t in graph.nodes[n].get("topics") or []}
    return "topic" if len(topics) >= 2 else "cluster"


def map_items(graph: nx.DiGraph, options: MapOptions, layout_cache: Path | None = None, later=None, changes=None
              ) -> tuple[list[dict], list[dict], dict]:
    """The map's vis-network nodes and edges and the page's data, for ``options`` (positions kept in
    ``layout_cache``, see :func:`cached_layout`; ``later``: see `render_map`)."""
    from citegraph.clustering import ensure_clusters

    # Your papers, the ranking and the groups are computed once here; every step below reads them.
    ranked = unread(graph, top=None)
    scores = unread_scores(ranked)
    by_score = sorted(scores, key=scores.get, reverse=True)
    yours = set(your_papers(graph))
    names = ensure_clusters(graph)
    selection = choose_papers(graph, yours, scores, by_score, options)
    mode = color_mode(graph, options.color)
    colors, legend = node_colors(graph, selection.drawn, mode)
    top_unread = set(by_score[:LABELLED_UNREAD])
    small = len(selection.drawn) <= SMALL_MAP
    labels, boxes = {}, {}
    for node in selection.drawn:
        kind = reading_status(graph.nodes[node])
        labelled = kind != "unread" or node in top_unread or node in options.path
        label = short_label(graph.nodes[node].get("title"), graph.nodes[node].get("year")) if labelled else ""
        labels[node] = label
        # Small maps keep room for these labels; on a library's map the page shows labels by level of detail.
        boxes[node] = Box(node_size(graph, node, yours), *label_box(label if small else "", KINDS[kind]["font"]))
    number = {name: i for i, name in enumerate(names)}
    group_of = {n: number.get(graph.nodes[n].get("cluster"), -1) for n in selection.drawn}
    positions, regions = cached_layout(graph, selection.drawn, boxes, options.layout, group_of, layout_cache)
    nodes = vis_nodes(graph, selection, yours, colors, boxes, labels, positions, scores)
    for item in nodes:
        item["cluster"] = group_of[item["id"]]
    edges = vis_edges(graph, selection.drawn, hide_ordinary=not small)
    data = page_data(graph, selection, legend, options, ranked)
    data["colorMode"] = mode
    data["extent"] = _extent(positions, boxes, regions.values())
    data["clusters"] = [{"id": n, "label": names[n] if n >= 0 else "other papers", "region": region,
                         "color": PALETTE[n] if 0 <= n < len(PALETTE) else OTHER_COLOR}
                        for n, region in sorted(regions.items())]
    data["labelFonts"] = {kind: look["font"] for kind, look in KINDS.items()}
    data["opacity"] = {kind: look["opacity"] for kind, look in KINDS.items()}
    data["labelPriority"] = sorted(selection.drawn, key=lambda n: (
        reading_status(graph.nodes[n]) == "unread", n not in top_unread, -(scores.get(n) or 0),
        -(graph.nodes[n].get("citationCount") or 0), n))
    data["laterWork"] = later_work_data(graph, later)
    data["changes"] = changes_data(changes)
    return nodes, edges, data


def _extent(positions: dict[str, tuple[float, float]], boxes: dict[str, Box], regions) -> dict:
    """The drawing's bounding box, labels and group names included, so the page can fit it to the free area."""
    if not positions:
        return {"left": -1, "right": 1, "top": -1, "bottom": 1}
    left, top, right, bottom = _extent_of(positions, boxes)
    for region in regions:
        left, top, right, bottom = min(left, region[0]), min(top, region[1]), max(right, region[2]), max(bottom, region[3])
    return {"left": left, "right": right, "top": top, "bottom": bottom}


def vis_options(nodes: list[dict]) -> dict:
    """vis-network options: positions are final (no physics); look by groups."""
    big = len(nodes) > SMALL_MAP
    return {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "selectConnectedEdges": False},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "width": 1,
                  "color": {"color": STYLE["ordinary"], "opacity": 0.45}},
        # a selected label stays as it is (vis would make it bold, wider than the room the page gave it)
        "nodes": {"shape": "dot", "physics": False, "chosen": {"node": True, "label": False}},
        # the page may unfold any paper (a path, a row of the unread list): it takes the neutral colour
        "groups": groups({node["group"] for node in nodes} | {f"{kind} {OTHER_COLOR}" for kind in KINDS}),
        "layout": {"improvedLayout": False, "randomSeed": 1},
    }


def render_page(nodes: list[dict], edges: list[dict], options: dict, data: dict) -> str:
    """The pyvis adapter: our items, vis options and page data in, the HTML page out.

    pyvis renders the page through its own template mechanism (``set_template_dir`` and
    ``generate_html``) with our Jinja2 template, ``templates/map.html.j2``. Its template search path
    also holds pyvis's own templates folder, so the template inlines pyvis's copy of vis-network
    exactly as pyvis's template does (``{% include 'lib/vis-9.1.2/...' %}``). Two documented
    departures from pyvis's usual use:

    * the node and edge lists are handed over whole (``net.nodes``, ``net.edges``): ``add_node`` and
      ``add_edge`` scan every existing item, which is quadratic for thousands of papers, and
      ``generate_html`` only reads these two lists;
    * the page data (``data``) reaches the template as the Jinja2 global ``page``, beside the
      variables pyvis passes (``nodes``, ``edges``, ``options``).
    """
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.set_template_dir([str(TEMPLATES), net.template_dir], "map.html.j2")
    net.templateEnv.globals["page"] = data
    net.nodes, net.edges, net.options = nodes, edges, options
    return net.generate_html(name="map.html")  # the name only passes pyvis's ".html" check; we write the file


def render_map(graph: nx.DiGraph, output: Path, options: MapOptions | None = None, later=None, changes=None) -> dict:
    """Write the interactive map of ``graph`` to ``output``.

    Parameters
    ----------
    graph : networkx.DiGraph
        The citation graph (citing -> cited), as :func:`citegraph.load` returns it.
    output : Path
        The HTML file to write (its folder is created).
    options : MapOptions, optional
        Colours, folding, ``max_nodes``, layout and a path to highlight (a list of paperIds).
    later : citegraph.suggestions.Suggestions, optional
        The last stored suggestions, for the "Later work & suggestions" panel (see `later_work_data`).
    changes : citegraph.history.Changes, optional
        What changed since the previous build: the "new" badges and filter (see `changes_data`).

    Returns
    -------
    dict
        ``drawn``, ``total``, ``folded``, ``unlinked``, ``overMaxNodes`` (they add up to ``total``)
        and ``summary``, the sentence saying so.

    Raises
    ------
    OutputError
        ``output`` could not be written (a full disk, a missing permission); the message names it.

    Example
    -------
    >>> import networkx as nx, tempfile, pathlib
    >>> g = nx.DiGraph()
    >>> g.add_node("a", title="LoRA: Low-Rank Adaptation", year=2021, read=True)
    >>> g.add_node("b", title="Attention Is All You Need", year=2017, read=False)
    >>> g.add_edge("a", "b", isInfluential=True)
    >>> meta = render_map(g, pathlib.Path(tempfile.mkdtemp()) / "map.html")
    >>> meta["summary"]
    '2 of 2 papers drawn'
    """
    options = options or MapOptions()
    output = Path(output)
    # The layout is kept beside the page (a hidden file): an unchanged graph is not laid out again.
    nodes, edges, data = map_items(graph, options, output.with_name(f".{output.name}.layout.json"), later,
                                  changes)
    html = render_page(nodes, edges, vis_options(nodes), data)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or output}: {exc.strerror or exc}") from exc
    return {key: data[key] for key in ("drawn", "total", "folded", "unlinked", "overMaxNodes", "summary")}


# ---- the "Later work & suggestions" panel (issue 20) ------------------------------------------------

LATER_WORK_ROWS = 200  # papers citing yours listed at most, newest first


def later_work_data(graph: nx.DiGraph, later=None) -> dict:
    """The page data of the "Later work & suggestions" panel.

    ``citing``: papers citing yours (stored by ``build --citations``), newest first, as
    `citegraph.questions.top_citing` with ``min_cites=1, sort="year"`` lists them. ``suggestions``:
    the last stored `citegraph.suggestions.Suggestions` (``later``), each with the paperIds of your papers
    it cites and shares references with (the page draws it near them), ``new`` and its copy texts.
    """
    from citegraph.questions import has_citations, top_citing

    citing = []
    if has_citations(graph):
        frame = top_citing(graph, top=LATER_WORK_ROWS, min_cites=1, sort="year")
        entries = bibtex_entries(graph, list(frame["paperId"]))
        for row in frame.itertuples(index=False):
            citing.append({"paperId": row.paperId, "title": row.title, "year": None if _missing(row.year) else int(row.year),
                           "cites_read_count": int(row.cites_read_count), "cites": list(row.cites),
                           "markdown": f"- [{_markdown_text(row.title)}]({row.url})", "bibtex": entries[row.paperId]})
    rows = []
    if later is not None and len(later.table):
        papers = later.graph()
        entries = bibtex_entries(papers, list(later.table["paperId"]))
        for row in later.table.itertuples(index=False):
            data, why = papers.nodes[row.paperId], later.reasons.get(row.paperId, {})
            title = data.get("title")  # the checked record's (None when S2 gave none), never a frame's NaN
            rows.append({"paperId": row.paperId, "title": title, "year": None if _missing(row.year) else int(row.year),
                         "venue": row.venue, "citationCount": None if _missing(row.citationCount) else int(row.citationCount),
                         "new": bool(row.new), "cites": [p for p in why.get("cites", []) if p in graph],
                         "shares": [[p, n] for p, n in why.get("shares", {}).items() if p in graph],
                         "label": short_label(title, data.get("year")), "link": row.url, "s2url": data.get("url") or "",
                         "markdown": f"- [{_markdown_text(title or row.paperId)}]({row.url})",
                         "bibtex": entries[row.paperId]})
    return {"citing": citing, "suggestions": rows,
            "asked": later.asked_at[:10] if later is not None else None,
            "previous": later.previous[:10] if later is not None and later.previous else None}


# ---- What changed since the previous build -----------------------------------------------------------


def changes_data(changes=None) -> dict:
    """The page data of the "What changed" panel: the rows `citegraph changes` prints (``rows``), the
    paperIds marked new (``newIds``), the summary and the saturation figure of the build."""
    if changes is None or changes.since is None:  # a first build's page is the page of its graph alone
        return {"rows": [], "newIds": [], "summary": None, "saturation": None}
    return {"rows": changes.rows, "newIds": changes.new_papers(), "summary": changes.summary(),
            "saturation": changes.saturation_words()}
