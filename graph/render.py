"""The interactive map: one self-contained, offline HTML file made with pyvis.

The page answers the two questions itself: a ranked unread panel (the rows of
:func:`citegraph.analysis.unread`, unchanged) and shortest paths computed in the browser over the
whole graph's compact adjacency (the answers of :func:`citegraph.analysis.shortest_paths`).

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

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd
import numpy as np

from .analysis import (first_context, flags_pending_note, paper_link, read_papers, reading_status, unread,
                       unread_scores, your_papers)
from .entries import one_line
from .errors import OutputError
from .export import bibtex_entries

TEMPLATES = Path(__file__).parent / "templates"
SPRING_LIMIT = 3000       # above this many drawn papers, the year timeline (spring layouts cost O(n^2))
OVERLAP_LIMIT = 1500      # overlap removal compares every pair of boxes: bounded to this many papers
LABELLED_UNREAD = 10      # the best unread papers carry a label too

# Every colour and mark of the page is defined here once; the page reads them from its data.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d"]
OTHER_COLOR = "#9e9e9e"
STYLE = {
    "influential": "#e8590c", "ordinary": "#9a9a9a", "path": "#d6336c", "outline": "#111111",
    "other": OTHER_COLOR, "dimmedNode": 0.15, "dimmedEdge": 0.08, "pathWidth": 5, "influentialWidth": 2.5,
}
# How each kind of paper is drawn (greyscale-safe: outline and lightness, not colour alone).
KINDS = {
    "read": {"borderWidth": 3.5, "dashes": False, "opacity": 1.0, "font": 16,
             "legend": "in your notes: solid black outline, full colour, labelled"},
    "queued": {"borderWidth": 3.5, "dashes": [5, 4], "opacity": 1.0, "font": 16,
               "legend": "in your reading queue: dashed black outline, labelled"},
    "unread": {"borderWidth": 0, "dashes": False, "opacity": 0.55, "font": 14,
               "legend": "not read: no outline, lighter; the top 10 unread are labelled"},
}
FONT_WIDTH = 0.68         # a label character's width, in font sizes (generous: labels must not collide)
SPREAD = 0.8              # the anchors' initial spread, in box areas: compact; pushing apart makes room
X_PREFERENCE = 1.4
MAX_STEP = 120.0          # the most a box moves in one round of pushing
VIEW_ASPECT = 1.14        # width / height of the part of a window the panel leaves free
LABEL_GAP = 13            # vis draws a dot's label about this far below the dot


@dataclass
class MapOptions:
    color: str = "topic"
    show: str = "folded"
    max_nodes: int = 2000
    layout: str = "auto"
    top_unread: int = 25
    path: list[str] = field(default_factory=list)


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

    ``yours`` are the papers in your notes (read or queued, `citegraph.analysis.your_papers`),
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


def layout(graph: nx.DiGraph, nodes: list[str], boxes: dict[str, Box], mode: str) -> dict[str, tuple[float, float]]:
    """Deterministic positions in canvas units (about screen pixels at scale 1).

    Your papers are laid out first, pulled together by the references they share; each other paper
    starts between the papers of yours it is linked to, then boxes are pushed apart until none overlap.
    Above ``SPRING_LIMIT`` papers (or with ``mode="timeline"``) x is the publication year.
    """
    if mode == "timeline" or len(nodes) > SPRING_LIMIT:
        return _timeline(graph, nodes)
    drawn = set(nodes)
    anchors = [n for n in nodes if graph.nodes[n].get("read")] or nodes[:1]
    affinity = nx.Graph()
    affinity.add_nodes_from(anchors)
    anchor_set = set(anchors)
    shared: Counter = Counter()
    for node in graph.nodes:
        linked = sorted({p for p in graph.pred[node] if p in anchor_set})
        for i, a in enumerate(linked):
            for b in linked[i + 1:]:
                shared[a, b] += 1
    for (a, b), count in shared.items():
        affinity.add_edge(a, b, weight=count)
    for a, b in graph.subgraph(anchors).edges:
        affinity.add_edge(a, b, weight=affinity.get_edge_data(a, b, {"weight": 0})["weight"] + 2)
    # Room each anchor needs: its own box and the boxes of the papers placed around it.
    area = sum(max(2 * b.radius, b.label_width) * (2 * b.radius + b.label_height) for b in boxes.values())
    spread = math.sqrt(area * SPREAD)
    raw = nx.spring_layout(affinity, seed=1, iterations=200, weight="weight",
                           k=2.2 / math.sqrt(max(1, len(anchors)))) if len(anchors) > 1 else {anchors[0]: (0.0, 0.0)}
    positions = {n: (float(x) * spread / 2, float(y) * spread / 2) for n, (x, y) in raw.items()}
    placed_around: Counter = Counter()
    golden = math.pi * (3 - math.sqrt(5))
    pending = [n for n in nodes if n not in positions]
    for _ in range(3):  # a paper linked only to papers placed in this pass waits for the next one
        waiting = []
        for node in pending:
            linked = [m for m in (*graph.pred[node], *graph.succ[node]) if m in positions and m in drawn]
            # around the papers of yours it is linked to; else around whichever drawn papers it is linked to
            neighbours = [m for m in linked if m in anchor_set] or linked
            if not neighbours:
                waiting.append(node)
                continue
            cx = sum(positions[m][0] for m in neighbours) / len(neighbours)
            cy = sum(positions[m][1] for m in neighbours) / len(neighbours)
            key = tuple(sorted(neighbours))
            placed_around[key] += 1
            step = placed_around[key]
            radius = 28 * math.sqrt(step)
            positions[node] = (cx + radius * math.cos(step * golden), cy + radius * math.sin(step * golden))
        pending = waiting
    for index, node in enumerate(pending):  # unconnected to anything drawn: a ring outside
        angle = index * golden
        positions[node] = (spread * 0.6 * math.cos(angle), spread * 0.6 * math.sin(angle))
    if len(nodes) <= OVERLAP_LIMIT:
        positions = remove_overlaps(positions, boxes)
    return positions


def remove_overlaps(positions: dict[str, tuple[float, float]], boxes: dict[str, Box],
                    padding: float = 4.0) -> dict[str, tuple[float, float]]:
    """Positions where no two boxes (dot and label) overlap, as compact as a few tries make them.

    Boxes that overlap are pushed apart along their smaller overlap until none does; then the
    drawing is shrunk towards its centre and pushed apart again, keeping the try that fits a
    ``VIEW_ASPECT`` window at the largest scale. Deterministic: no randomness; a tiny fixed shift per
    paper keeps centres apart.
    """
    names = list(positions)
    xy = np.array([positions[n] for n in names], dtype=float)
    xy -= xy.mean(axis=0)
    half_w = np.array([max(boxes[n].radius, boxes[n].label_width / 2) for n in names]) + padding / 2
    top = np.array([boxes[n].radius for n in names]) + padding / 2
    bottom = np.array([boxes[n].radius + (LABEL_GAP + boxes[n].label_height if boxes[n].label_width else 0)
                       for n in names]) + padding / 2
    half_h, offset = (top + bottom) / 2, (bottom - top) / 2   # a box's centre sits below its dot's
    # Sums of half sizes for every pair; never overlapping with itself.
    reach_x = (half_w[:, None] + half_w[None, :]).astype(np.float32)
    reach_y = (half_h[:, None] + half_h[None, :]).astype(np.float32)
    np.fill_diagonal(reach_x, -1e9)
    offset = offset.astype(np.float32)
    # A tiny fixed shift per paper: no two centres coincide, so every push has a direction.
    xy += np.arange(len(names))[:, None] * 1e-3

    def push_apart(xy: np.ndarray) -> np.ndarray:
        xy = xy.astype(np.float32)
        while True:
            for _ in range(30):
                dx = xy[None, :, 0] - xy[:, None, 0]
                cy = xy[:, 1] + offset
                dy = cy[None, :] - cy[:, None]
                over_x = reach_x - np.abs(dx)
                over_y = reach_y - np.abs(dy)
                overlapping = (over_x > 0) & (over_y > 0)
                if not overlapping.any():
                    return xy.astype(float)
                along_x = over_x < over_y * X_PREFERENCE  # boxes are wide: sideways pushes keep the drawing wide
                # each box moves away from every box it overlaps (overshooting a little settles faster)
                step_x = (over_x * np.sign(dx) * (overlapping & along_x)).sum(axis=1)
                step_y = (over_y * np.sign(dy) * (overlapping & ~along_x)).sum(axis=1)
                # a box in a crowd is not shot far away: it moves at most MAX_STEP per round
                xy[:, 0] -= np.clip(0.8 * step_x, -MAX_STEP, MAX_STEP)
                xy[:, 1] -= np.clip(0.8 * step_y, -MAX_STEP, MAX_STEP)
            xy *= 1.05  # pushing alone did not settle: spread everything and push again (this always ends)

    def fit_scale(xy: np.ndarray) -> float:
        width = (xy[:, 0] + half_w).max() - (xy[:, 0] - half_w).min()
        height = (xy[:, 1] + offset + half_h).max() - (xy[:, 1] + offset - half_h).min()
        return min(VIEW_ASPECT / width, 1.0 / height)

    xy[:, 0] *= VIEW_ASPECT
    best = push_apart(xy)
    tried = best
    for _ in range(3):
        tried = push_apart(tried * 0.75)
        if fit_scale(tried) > fit_scale(best):
            best = tried
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(names, best)}


def _timeline(graph: nx.DiGraph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    years = [graph.nodes[n].get("year") or 0 for n in nodes]
    first = min((y for y in years if y), default=2000)
    lanes: Counter = Counter()
    positions = {}
    for node, year in zip(nodes, years):
        year = year or first - 2  # undated papers get a column of their own, left of the oldest
        lanes[year] += 1
        offset = (lanes[year] // 2) * (1 if lanes[year] % 2 else -1)
        positions[node] = ((year - first) * 160.0, offset * 30.0)
    return positions


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
                   "folded": selection.folded_into.get(node, 0), "note": (data.get("note") or "")[:1000]}
        item = {"id": node, "group": f"{reading_status(data)} {colors[node]}", "size": boxes[node].radius,
                "x": positions[node][0], "y": positions[node][1],
                "paper": {k: v for k, v in details.items() if v is not None and v != "" and v != [] and v != 0}}
        if labels.get(node):
            item["label"] = labels[node]
        items.append(item)
    return items


def vis_edges(graph: nx.DiGraph, drawn: list[str]) -> list[dict]:
    """Citations between drawn papers: influential ones thick and orange, unknown influence dashed."""
    shown = set(drawn)
    items = []
    for citing, cited, influential in graph.edges(drawn, data="isInfluential"):
        if cited not in shown:
            continue
        item = {"from": citing, "to": cited}
        if influential:
            item.update(width=STYLE["influentialWidth"], color={"color": STYLE["influential"], "opacity": 0.9})
        elif influential is None:
            item["dashes"] = True
        items.append(item)
    return items


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
                       "opacity": look["opacity"], "shapeProperties": {"borderDashes": look["dashes"]},
                       "font": {"size": look["font"], "color": "#111", "strokeWidth": 3, "strokeColor": "#ffffff"}}
    return looks


def page_data(graph: nx.DiGraph, selection: Selection, legend: list, options: MapOptions, ranked) -> dict:
    """What the page computes with: every paper (compact), the adjacency, the ranked unread rows.

    ``ranked`` is :func:`citegraph.analysis.unread` ``(graph, top=None)``: the panel shows its rows as they are.
    """
    ids = list(graph.nodes)
    index = {n: i for i, n in enumerate(ids)}
    flag_code = {False: 0, True: 1, None: 2}
    papers, adjacency, hop_details = [], [], {}
    for i, node in enumerate(ids):
        data = graph.nodes[node]
        papers.append([node, data.get("title") or "", data.get("year"), reading_status(data), data.get("citationCount"),
                       paper_link(data), data.get("url") or "", short_label(data.get("title"), data.get("year"))])
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
    return {
        "papers": papers, "adjacency": adjacency, "hops": hop_details, "unread": rows,
        "legend": legend, "kinds": {k: v["legend"] for k, v in KINDS.items()}, "style": STYLE,
        "drawn": len(selection.drawn), "total": graph.number_of_nodes(),
        "folded": sum(selection.folded_into.values()), "unlinked": selection.unlinked,
        "overMaxNodes": selection.over_max_nodes, "maxNodes": options.max_nodes,
        "summary": selection.summary(graph.number_of_nodes(), options.max_nodes),
        "colorMode": options.color, "path": list(options.path), "read": len(read_papers(graph)),
        "flagsPending": flags_pending_note(graph),
    }


def _missing(value) -> bool:
    """None, NaN or pandas' NA (the ranking's integer columns hold NA for an unknown year)."""
    return value is None or bool(pd.isna(value))


def _markdown_text(title: str | None) -> str:
    return re.sub(r"([\[\]\\])", r"\\\1", one_line(title or ""))


def map_items(graph: nx.DiGraph, options: MapOptions) -> tuple[list[dict], list[dict], dict]:
    """The map's vis-network nodes and edges and the page's data, for ``options``."""
    # Your papers and the ranking are computed once here; every step below reads them.
    ranked = unread(graph, top=None)
    scores = unread_scores(ranked)
    by_score = sorted(scores, key=scores.get, reverse=True)
    yours = set(your_papers(graph))
    selection = choose_papers(graph, yours, scores, by_score, options)
    colors, legend = node_colors(graph, selection.drawn, options.color)
    top_unread = set(by_score[:LABELLED_UNREAD])
    labels, boxes = {}, {}
    for node in selection.drawn:
        kind = reading_status(graph.nodes[node])
        labelled = kind != "unread" or node in top_unread or node in options.path
        label = short_label(graph.nodes[node].get("title"), graph.nodes[node].get("year")) if labelled else ""
        labels[node] = label
        boxes[node] = Box(node_size(graph, node, yours), *label_box(label, KINDS[kind]["font"]))
    positions = layout(graph, selection.drawn, boxes, options.layout)
    nodes = vis_nodes(graph, selection, yours, colors, boxes, labels, positions, scores)
    edges = vis_edges(graph, selection.drawn)
    data = page_data(graph, selection, legend, options, ranked)
    data["extent"] = _extent(positions, boxes)
    return nodes, edges, data


def _extent(positions: dict[str, tuple[float, float]], boxes: dict[str, Box]) -> dict:
    """The drawing's bounding box, labels included, so the page can fit it to the free area."""
    if not positions:
        return {"left": -1, "right": 1, "top": -1, "bottom": 1}
    return {
        "left": min(x - max(boxes[n].radius, boxes[n].label_width / 2) for n, (x, _) in positions.items()),
        "right": max(x + max(boxes[n].radius, boxes[n].label_width / 2) for n, (x, _) in positions.items()),
        "top": min(y - boxes[n].radius for n, (_, y) in positions.items()),
        "bottom": max(y + boxes[n].radius + LABEL_GAP + boxes[n].label_height for n, (_, y) in positions.items()),
    }


def vis_options(nodes: list[dict]) -> dict:
    """vis-network options: positions are final (no physics); look by groups."""
    big = len(nodes) > 2000
    return {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "selectConnectedEdges": False},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "width": 1,
                  "color": {"color": STYLE["ordinary"], "opacity": 0.45}},
        "nodes": {"shape": "dot", "physics": False},
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


def render_map(graph: nx.DiGraph, output: Path, options: MapOptions | None = None) -> dict:
    """Write the interactive map of ``graph`` to ``output``.

    Parameters
    ----------
    graph : networkx.DiGraph
        The citation graph (citing -> cited), as :func:`citegraph.load` returns it.
    output : Path
        The HTML file to write (its folder is created).
    options : MapOptions, optional
        Colours, folding, ``max_nodes``, layout and a path to highlight (a list of paperIds).

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
    nodes, edges, data = map_items(graph, options)
    html = render_page(nodes, edges, vis_options(nodes), data)
    output = Path(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or output}: {exc.strerror or exc}") from exc
    return {key: data[key] for key in ("drawn", "total", "folded", "unlinked", "overMaxNodes", "summary")}
