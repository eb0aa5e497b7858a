"""What the map draws: the options, the papers chosen (the rest folded or left out, and counted), and their labels."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from citegraph.constants import (
    MAP_COLORS,
    MAP_LAYOUTS,
    MAP_MAX_NODES,
    MAP_MIN_NODES,
    MAP_SHOWS,
    MAP_TOP_UNREAD,
    check_choice,
    check_range,
)
from citegraph.questions import your_papers
from citegraph.text import one_line


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
    folded_into: Counter  # read paper -> how many references are folded into it
    unlinked: int  # not cited by your papers, citing fewer than two of them
    over_max_nodes: int  # would be drawn, left out by --max-nodes (lowest unread scores)

    def summary(self, total: int, max_nodes: int) -> str:
        """One sentence that accounts for every paper (the build prints it, the legend shows it)."""
        parts = [f"{len(self.drawn):,} of {total:,} papers drawn"]
        if self.folded_into:
            parts.append(f"{sum(self.folded_into.values()):,} folded into the one paper of yours citing them")
        if self.unlinked:
            parts.append(
                f"{self.unlinked:,} left out: not cited by your papers, citing fewer than two of them "
                "(--show all draws them)"
            )
        if self.over_max_nodes:
            parts.append(f"{self.over_max_nodes:,} left out by --max-nodes {max_nodes:,} (the lowest unread scores)")
        return "; ".join(parts)


RETRACTED_MARK = "⊘ "  # before a retracted paper's label


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


def paper_label(data: dict) -> str:
    """A paper's label on the map: its short label, marked when Crossref records it retracted."""
    label = short_label(data.get("title"), data.get("year"))
    return RETRACTED_MARK + label if label and data.get("retracted") else label


def choose_papers(
    graph: nx.DiGraph, yours: set[str], scores: dict[str, float], by_score: list[str], options: MapOptions
) -> Selection:
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
        rest = sorted(
            drawn - keep, key=lambda n: (scores.get(n, 0.0), graph.nodes[n].get("citationCount") or 0), reverse=True
        )
        kept = set(rest[: max(0, options.max_nodes - len(keep))])
        over = len(drawn) - len(keep) - len(kept)
        drawn = keep | kept
    unlinked = graph.number_of_nodes() - len(drawn) - sum(folded_into.values()) - over
    return Selection(sorted(drawn), folded_into, unlinked, over)


def color_mode(graph: nx.DiGraph, mode: str) -> str:
    """``auto``: by notes topic when your papers have two topics or more, else by group."""
    if mode != "auto":
        return mode
    topics = {t for n in your_papers(graph) for t in graph.nodes[n].get("topics") or []}
    return "topic" if len(topics) >= 2 else "cluster"
