"""Where every drawn paper goes: deterministic positions with no two boxes (a dot and its label) overlapping,
each group in its own region, the regions of groups that cite each other most placed side by side."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from citegraph.map.keptfiles import UNREADABLE, read_kept, write_kept

SPRING_ITERATIONS = 30
SPRING_WORK = 3000  # a group of n papers gets SPRING_WORK / n spring rounds (within 10 and 30)
# A bigger group is laid out in linear time, a spiral in breadth-first order (NetworkX switches to a slower
# method at 500)
SPRING_GROUP_LIMIT = 400
# The share of a group's region its papers' boxes fill, and how far the spring layout's positions
# reach across it (the rest packs around them): a group with room kept for labels is packed tight,
# so its labels read at 12 px once fitted to a window; a library's groups (no labels kept) loosely,
# which is quicker to place.
DENSITY = {"labelled": 0.7, "dots": 0.3}
SPREAD = {"labelled": 0.5, "dots": 1.0}
PADDING = 2.0  # around every box: dots never touch
GROUP_GAP = 40.0  # between two groups' regions
NAME_STRIP = 28.0  # above a group's region, for its name
FONT_WIDTH = 0.62  # a label character's width, in font sizes (Arial's widest labels: 0.60)
VIEW_ASPECT = 1.14  # width / height of the part of a window the panel leaves free
LABEL_GAP = 13  # vis draws a dot's label about this far below the dot


def skeleton(graph: nx.DiGraph, nodes: list[str]) -> nx.Graph:
    """The drawn papers and their links, undirected and without attributes (copying those is slow)."""
    drawn = set(nodes)
    skeleton = nx.Graph()
    skeleton.add_nodes_from(nodes)
    skeleton.add_edges_from((a, b) for a, b in graph.edges(nodes) if b in drawn)
    return skeleton


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


def layout(
    graph: nx.DiGraph, nodes: list[str], boxes: dict[str, Box], mode: str, group_of: dict[str, int] | None = None
) -> tuple[dict[str, tuple[float, float]], dict[int, list[float]]]:
    """Deterministic positions in canvas units (about screen pixels at scale 1), and each group's region.

    Each group (``group_of``: paper -> group number, see :mod:`citegraph.clustering`) is laid out on
    its own: a spring layout of its citations, then every paper, most important first, takes the
    free place nearest to where the spring put it (a spatial hash finds the boxes it could touch,
    so no two boxes overlap at any size). The groups' regions are then packed in rows, in a chain
    where neighbours cite each other most (`group_order`), each with room for its name above it.
    ``mode="timeline"``: x is the publication year
    and each group is a horizontal band. The regions are ``[left, top, right, bottom]``.
    """
    group_of = group_of or {}
    members: dict[int, list[str]] = {}
    for node in nodes:
        members.setdefault(group_of.get(node, -1), []).append(node)
    if mode == "timeline":
        return _timeline(graph, members, boxes)
    placed = {number: _group_positions(graph, group, boxes) for number, group in members.items()}
    return _pack(placed, boxes, group_order(graph, members))


def cached_layout(
    graph: nx.DiGraph, nodes: list[str], boxes: dict[str, Box], mode: str, group_of: dict[str, int], cache: Path | None
) -> tuple[dict[str, tuple[float, float]], dict[int, list[float]]]:
    """:func:`layout`, kept in ``cache`` (a JSON file) under a digest of everything it depends on: the
    drawn papers, their boxes and groups, the citations among them and the mode. A rebuild of an
    unchanged graph reads the positions instead of computing them again."""
    drawn = set(nodes)
    # this module's own source too: a changed layout algorithm never reuses old positions
    inputs = [
        hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
        mode,
        [(n, boxes[n].radius, boxes[n].label_width, boxes[n].label_height, group_of.get(n, -1)) for n in nodes],
        [(a, b) for a in nodes for b in graph.succ[a] if b in drawn],
    ]
    digest = hashlib.sha256(json.dumps(inputs).encode()).hexdigest()
    if cache is not None:
        try:
            stored = read_kept(cache)  # a FIFO or a planted, deep or oddly shaped JSON there is no cache
            if stored.get("digest") == digest:
                return (
                    {n: (float(at[0]), float(at[1])) for n, at in stored["positions"].items()},
                    {int(k): v for k, v in stored["regions"].items()},
                )
        except UNREADABLE:
            pass  # no cache yet, or an unreadable one: compute
    positions, regions = layout(graph, nodes, boxes, mode, group_of)
    if cache is not None:
        write_kept(cache, {"digest": digest, "positions": positions, "regions": regions})
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

    def _cells(self, rect) -> Iterator[tuple[int, int]]:
        cell, floor = self.cell, math.floor
        rows = range(floor(rect[1] / cell), floor(rect[3] / cell) + 1)
        for cx in range(floor(rect[0] / cell), floor(rect[2] / cell) + 1):
            for cy in rows:
                yield cx, cy

    def free(self, rect) -> bool:
        # the cells walked inline, not through _cells: this is the most called function of a layout
        left, top, right, bottom = rect
        cells, cell, floor = self.cells, self.cell, math.floor
        rows = range(floor(top / cell), floor(bottom / cell) + 1)
        for cx in range(floor(left / cell), floor(right / cell) + 1):
            for cy in rows:
                for other in cells.get((cx, cy), ()):
                    if left < other[2] and other[0] < right and top < other[3] and other[1] < bottom:
                        return False
        return True

    def add(self, rect) -> None:
        for key in self._cells(rect):
            self.cells.setdefault(key, []).append(rect)


def _group_positions(graph: nx.DiGraph, group: list[str], boxes: dict[str, Box]) -> dict[str, tuple[float, float]]:
    """One group's positions around (0, 0): spring layout, then the nearest free place, most important first."""
    sizes = [_rect(n, (0, 0), boxes) for n in group]
    packing = "labelled" if any(boxes[n].label_width for n in group) else "dots"
    side = math.sqrt(sum((r[2] - r[0]) * (r[3] - r[1]) for r in sizes) / DENSITY[packing])
    if len(group) > SPRING_GROUP_LIMIT:
        wanted = _spiral(graph, group, side)
    elif len(group) > 1:
        # fewer rounds for a big group (each costs its size squared): the free places settle the rest
        rounds = max(SPRING_ITERATIONS // 3, min(SPRING_ITERATIONS, SPRING_WORK // len(group)))
        raw = nx.spring_layout(skeleton(graph, group), seed=1, iterations=rounds, k=1.0 / math.sqrt(len(group)))
        reach = side / 2 * SPREAD[packing]
        wanted = {n: (float(x) * reach, float(y) * reach) for n, (x, y) in raw.items()}
    else:
        wanted = {group[0]: (0.0, 0.0)}
    degree = {n: len(graph.pred[n]) + len(graph.succ[n]) for n in group}
    order = sorted(group, key=lambda n: (-boxes[n].label_width, -degree[n], n))
    cell = max(max(r[2] - r[0], r[3] - r[1]) for r in sizes)
    taken, positions = SpatialHash(cell), {}
    golden = math.pi * (3 - math.sqrt(5))
    for node in order:
        x0, y0 = wanted[node]
        left, top, right, bottom = _rect(node, (0.0, 0.0), boxes)  # offsets from where the paper is
        step = 0.4 * min(right - left, bottom - top)  # the search for room widens by about half a box a turn
        x, y, tries = x0, y0, 0
        while not taken.free((x + left, y + top, x + right, y + bottom)):
            tries += 1
            distance = step * math.sqrt(tries)
            x, y = x0 + distance * math.cos(tries * golden), y0 + distance * math.sin(tries * golden)
        taken.add((x + left, y + top, x + right, y + bottom))
        positions[node] = (round(x, 1), round(y, 1))
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
    return {
        n: (radius * math.sqrt(i) * math.cos(i * golden), radius * math.sqrt(i) * math.sin(i * golden))
        for i, n in enumerate(order)
    }


def _extent_of(positions: dict[str, tuple[float, float]], boxes: dict[str, Box]) -> list[float]:
    rects = [_rect(n, at, boxes) for n, at in positions.items()]
    return [min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects)]


def group_order(graph: nx.DiGraph, members: dict[int, list[str]]) -> list[int]:
    """The groups in a chain where each is the one citing (or cited by) the previous most: the
    biggest first, then always the unplaced group most linked to the last one placed (ties: to all
    placed ones, then the bigger, then the lower number). Deterministic."""
    group_of = {n: number for number, group in members.items() for n in group}
    links: Counter = Counter()
    for node, number in group_of.items():
        for cited in graph.succ[node]:
            other = group_of.get(cited)
            if other is not None and other != number:
                links[min(number, other), max(number, other)] += 1

    def weight(a: int, b: int) -> int:
        return links[min(a, b), max(a, b)]

    left = sorted(members, key=lambda n: (-len(members[n]), n))
    order = [left.pop(0)] if left else []
    while left:
        best = max(left, key=lambda n: (weight(order[-1], n), sum(weight(p, n) for p in order), len(members[n]), -n))
        left.remove(best)
        order.append(best)
    return order


def _rows(order: list[int], widths: dict[int, float], row_width: float) -> list[list[int]]:
    rows: list[list[int]] = [[]]
    x = 0.0
    for number in order:
        if rows[-1] and x + widths[number] > row_width:
            rows.append([])
            x = 0.0
        rows[-1].append(number)
        x += widths[number] + GROUP_GAP
    return rows


def _pack(
    placed: dict[int, dict[str, tuple[float, float]]], boxes: dict[str, Box], order: list[int]
) -> tuple[dict[str, tuple[float, float]], dict[int, list[float]]]:
    """Groups packed in rows, in ``order``, each with its name's strip above it. Rows run left to right,
    then right to left (so a group's neighbours in ``order`` stay its neighbours on the map); the row
    width is the one whose drawing fills a ``VIEW_ASPECT`` window best."""
    extents = {number: _extent_of(positions, boxes) for number, positions in placed.items()}
    heading = {number: NAME_STRIP * max(1.0, math.sqrt(e[2] - e[0]) / 12) for number, e in extents.items()}
    widths = {n: e[2] - e[0] for n, e in extents.items()}
    heights = {n: e[3] - e[1] + heading[n] for n, e in extents.items()}
    total = sum((widths[n] + GROUP_GAP) * (heights[n] + GROUP_GAP) for n in extents)
    widest = max(widths.values())

    def fit(rows) -> float:  # the scale the drawing could be shown at, in a window of VIEW_ASPECT x 1
        width = max(sum(widths[n] + GROUP_GAP for n in row) - GROUP_GAP for row in rows)
        height = sum(max(heights[n] for n in row) + GROUP_GAP for row in rows) - GROUP_GAP
        return min(VIEW_ASPECT / width, 1 / height)

    candidates = [_rows(order, widths, max(widest, math.sqrt(total * VIEW_ASPECT) * f / 10)) for f in range(5, 21)]
    rows = max(candidates, key=fit)  # the first of equals: deterministic
    positions, regions = {}, {}
    y = 0.0
    for at, row in enumerate(rows):
        x = 0.0
        for number in row if at % 2 == 0 else row[::-1]:
            left, top = extents[number][0], extents[number][1]
            dx, dy = x - left, y + heading[number] - top
            for node, (px, py) in placed[number].items():
                positions[node] = (round(px + dx, 1), round(py + dy, 1))
            regions[number] = [round(x, 1), round(y, 1), round(x + widths[number], 1), round(y + heights[number], 1)]
            x += widths[number] + GROUP_GAP
        y += max(heights[n] for n in row) + GROUP_GAP
    return positions, regions


def _timeline(
    graph: nx.DiGraph, members: dict[int, list[str]], boxes: dict[str, Box]
) -> tuple[dict[str, tuple[float, float]], dict[int, list[float]]]:
    """x is the publication year (each year a column, wide enough for its fullest group), each group a band."""
    years = {n: graph.nodes[n].get("year") for group in members.values() for n in group}
    first = min((y for y in years.values() if y), default=2000)
    cell = 2 * max((b.radius for b in boxes.values()), default=8) + 2 * PADDING
    count: Counter = Counter()
    for number, group in members.items():
        for node in group:
            count[number, years[node] or first - 2] += 1  # undated: a column of their own, left of the oldest
    rows = max(4, math.ceil(math.sqrt(max(count.values(), default=1) * 2)))
    columns = {
        year: max(math.ceil(c / rows) for (n, y), c in count.items() if y == year)
        for year in sorted({y for _, y in count})
    }
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
            positions[node] = (
                round(x_of[year] + (slot // band_rows) * cell, 1),
                round(top + (slot % band_rows) * cell, 1),
            )
        regions[number] = [-cell, round(top - strip, 1), round(x, 1), round(top + band_rows * cell, 1)]
        top += band_rows * cell + GROUP_GAP
    # Years drawn apart (never closer) until the timeline is as wide as a window: x stays monotone.
    stretch = max(1.0, VIEW_ASPECT * top / max(x, 1.0))
    positions = {n: (round(px * stretch, 1), py) for n, (px, py) in positions.items()}
    regions = {number: [r[0] * stretch, r[1], round(r[2] * stretch, 1), r[3]] for number, r in regions.items()}
    return positions, regions


def extent(positions: dict[str, tuple[float, float]], boxes: dict[str, Box], regions) -> dict:
    """The drawing's bounding box, labels and group names included, so the page can fit it to the free area."""
    if not positions:
        return {"left": -1, "right": 1, "top": -1, "bottom": 1}
    left, top, right, bottom = _extent_of(positions, boxes)
    for region in regions:
        left, top = min(left, region[0]), min(top, region[1])
        right, bottom = max(right, region[2]), max(bottom, region[3])
    return {"left": left, "right": right, "top": top, "bottom": bottom}
