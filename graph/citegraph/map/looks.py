"""How the map looks: colours, sizes and kinds of papers, and vis-network's node, edge and option items."""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx

from citegraph.map.geometry import Box, skeleton
from citegraph.map.selection import Selection
from citegraph.questions import notice_line, reading_status, your_papers
from citegraph.text import withheld_words

SMALL_MAP = 300  # up to this many drawn papers, room is kept for every label Python gives (yours, top unread)

# Every colour and mark of the page is defined here once; the page reads them from its data.
PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
]
OTHER_COLOR = "#9e9e9e"
STYLE = {
    "influential": "#e8590c",
    "ordinary": "#9a9a9a",
    "path": "#d6336c",
    "outline": "#111111",
    "label": "#111111",
    "labelStroke": "#ffffff",
    "other": OTHER_COLOR,
    "dimmedNode": 0.15,
    "dimmedEdge": 0.08,
    "pathWidth": 5,
    "influentialWidth": 2.5,
    "crossref": "#1c7ed6",
    "retracted": "#c92a2a",  # a citation Crossref gave; a retracted paper's outline
}
UNKNOWN_PER_PAPER = 3  # where influence is unknown: each of your papers' links to its most-cited references shown
UNKNOWN_SHOWN_MAX = 2000  # and at most this many such citations in all (those between your papers first)
# How each kind of paper is drawn (greyscale-safe: outline and lightness, not colour alone). "font": the label's size in
# canvas units; a small map keeps room for labels this big, so they read at 12 px once fitted to a window.
KINDS = {
    "read": {
        "borderWidth": 3.5,
        "dashes": False,
        "opacity": 1.0,
        "font": 24,
        "legend": "in your notes: solid black outline, full colour, labelled",
    },
    "queued": {
        "borderWidth": 3.5,
        "dashes": [5, 4],
        "opacity": 1.0,
        "font": 24,
        "legend": "in your reading queue: dashed black outline, labelled",
    },
    "unread": {
        "borderWidth": 0,
        "dashes": False,
        "opacity": 0.55,
        "font": 20,
        "legend": "not read: no outline, lighter; the top 10 unread are labelled",
    },
    "not-relevant": {
        "borderWidth": 1.5,
        "dashes": [2, 3],
        "opacity": 0.35,
        "font": 20,
        "legend": "marked not relevant in your notes: dotted outline, faded",
    },
}


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

        return (
            {n: year_color(graph.nodes[n].get("year")) for n in nodes},
            [(year_color(low), f"{low} (oldest)"), (year_color(high), f"{high} (newest)")],
        )
    if mode == "cluster":
        names = graph.graph.get("clusters") or []
        palette = {name: PALETTE[i] if i < len(PALETTE) else OTHER_COLOR for i, name in enumerate(names)}
        return (
            {n: palette.get(graph.nodes[n].get("cluster"), OTHER_COLOR) for n in nodes},
            [(palette[name], name) for name in names[: len(PALETTE)]],
        )
    if mode == "community":
        sub = skeleton(graph, nodes)
        groups = (
            sorted(nx.community.louvain_communities(sub, seed=1), key=len, reverse=True)
            if sub.number_of_edges()
            else [set(nodes)]
        )
        colors = {}
        legend = []
        for index, group in enumerate(groups):
            color = PALETTE[index] if index < len(PALETTE) else OTHER_COLOR
            colors.update(dict.fromkeys(group, color))
            if index < len(PALETTE):
                legend.append((color, f"community {index + 1} ({len(group)} papers)"))
        return colors, legend
    # topic: a paper of your notes (read or queued: a notes file that is all reading list is coloured too)
    # takes its most specific notes topic (the one fewest papers share); another paper takes the commonest
    # topic of your papers citing it
    mine = [n for n in nodes if graph.nodes[n].get("read") or graph.nodes[n].get("queued")]
    share = Counter(t for n in mine for t in graph.nodes[n].get("topics") or [])
    topic_of = {n: min(graph.nodes[n].get("topics") or ["(no topic)"], key=lambda t: share.get(t, 0)) for n in mine}
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


def node_size(graph: nx.DiGraph, node: str, yours: set[str]) -> float:
    """A dot's radius: grows with log citations and with how many of your papers cite it."""
    data = graph.nodes[node]
    readers = sum(1 for p in graph.pred[node] if p in yours)
    size = 4 + 0.7 * math.log1p(data.get("citationCount") or 0) + 1.5 * readers + (2 if node in yours else 0)
    return round(min(size, 16), 1)


def vis_nodes(
    graph: nx.DiGraph,
    selection: Selection,
    yours: set[str],
    colors: dict[str, str],
    boxes: dict[str, Box],
    labels: dict[str, str],
    positions: dict[str, tuple[float, float]],
) -> list[dict]:
    """vis-network's node items: position, size, look (a group) and the details the card shows."""
    items = []
    for node in selection.drawn:
        data = graph.nodes[node]
        # your papers citing it (ids: the page shows their titles), by title
        readers = sorted(
            (p for p in graph.pred[node] if p in yours and graph.nodes[p].get("title")),
            key=lambda p: graph.nodes[p]["title"],
        )
        details = {
            "authors": (data.get("authors") or [])[:12],
            "venue": data.get("venue"),
            "influentialCitationCount": data.get("influentialCitationCount"),
            "readers": readers[:10],
            "folded": selection.folded_into.get(node, 0),
            "note": (data.get("note") or "")[:1000],
            "notice": ("Crossref: " + notice_line(data)) if data.get("updates") else None,
            "withheld": withheld_words(data.get("referenceCount")) if data.get("referencesWithheld") else None,
            "retracted": bool(data.get("retracted")),
        }
        item = {
            "id": node,
            "group": f"{reading_status(data)} {colors[node]}",
            "size": boxes[node].radius,
            "x": positions[node][0],
            "y": positions[node][1],
            "paper": {k: v for k, v in details.items() if v is not None and v != "" and v != [] and v != 0},
        }
        if labels.get(node):
            item["label"] = labels[node]
        if data.get("retracted"):  # marked whatever its kind: a thick red outline (and its label: paper_label)
            item.update(borderWidth=4, color={"background": colors[node], "border": STYLE["retracted"]})
        # per paper, not per group: vis lets a group's opacity override the paper's, and the page dims papers
        if KINDS[reading_status(data)]["opacity"] != 1.0:
            item["opacity"] = KINDS[reading_status(data)]["opacity"]
        items.append(item)
    return items


def vis_edges(graph: nx.DiGraph, drawn: list[str], hide_ordinary: bool = False) -> list[dict]:
    """Citations between drawn papers: influential ones thick and orange, unknown influence dashed, those
    Crossref gave (``source``: S2 withholds the paper's references) dotted blue.

    ``hide_ordinary``: on a library's map only the influential ones show; the page shows the others
    on demand and around the hovered or selected paper. A paper none of whose references has a known
    flag (S2 gave none, or they are pending) would show nothing, so for those a bounded set of its
    citations shows, dashed (``unknownShown``): those between your papers first, then each such
    paper's links to its ``UNKNOWN_PER_PAPER`` most-cited references; once flags arrive, its
    influential citations take over."""
    shown = set(drawn)
    structure = unknown_influence_structure(graph, drawn, shown) if hide_ordinary else set()
    items = []
    for citing, cited, edge in graph.edges(drawn, data=True):
        if cited not in shown:
            continue
        influential = edge.get("isInfluential")
        item = {"from": citing, "to": cited}
        if edge.get("source") == "crossref":
            item.update(source="crossref", dashes=[2, 5], color={"color": STYLE["crossref"], "opacity": 0.8})
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


def unknown_influence_structure(graph: nx.DiGraph, drawn: list[str], shown: set[str]) -> set[tuple[str, str]]:
    """The citations :func:`vis_edges` shows for your drawn papers whose references carry no known flag."""
    ordered = your_papers(graph)
    unknown = [
        p
        for p in ordered
        if p in shown and graph.succ[p] and all(flag is None for _, _, flag in graph.out_edges(p, data="isInfluential"))
    ]
    if not unknown:
        return set()
    yours = set(ordered)
    between = [(p, c) for p in unknown for c in graph.succ[p] if c in yours and c in shown]
    most_cited = []
    for paper in unknown:
        cited = sorted(
            (c for c in graph.succ[paper] if c in shown and c not in yours),
            key=lambda c: (-(graph.nodes[c].get("citationCount") or graph.in_degree(c)), c),
        )
        most_cited += [(paper, c) for c in cited[:UNKNOWN_PER_PAPER]]
    return set((between + most_cited)[:UNKNOWN_SHOWN_MAX])


def groups(names: list[str]) -> dict:
    """vis-network groups named "read #1f77b4", "unread #1f77b4"...: the shared look of such papers.

    vis parses a group once and a per-node look once per node, which is most of a big map's start-up.
    """
    looks = {}
    for name in names:
        kind, color = name.split(" ")
        look = KINDS[kind]
        looks[name] = {
            "color": {
                "background": color,
                "border": STYLE["outline"] if look["borderWidth"] else color,
                "highlight": {"background": color, "border": STYLE["path"]},
            },
            "borderWidth": look["borderWidth"],
            "borderWidthSelected": look["borderWidth"] + 2,
            "shapeProperties": {"borderDashes": look["dashes"]},
            "font": {
                "size": look["font"],
                "color": STYLE["label"],
                "strokeWidth": 3,
                "strokeColor": STYLE["labelStroke"],
            },
        }
    return looks


def vis_options(nodes: list[dict]) -> dict:
    """vis-network options: positions are final (no physics); look by groups."""
    big = len(nodes) > SMALL_MAP
    return {
        "physics": {"enabled": False},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "selectConnectedEdges": False,
        },
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "width": 1,
            "color": {"color": STYLE["ordinary"], "opacity": 0.45},
        },
        # a selected label stays as it is (vis would make it bold, wider than the room the page gave it)
        "nodes": {"shape": "dot", "physics": False, "chosen": {"node": True, "label": False}},
        # the page may unfold any paper (a path, a row of the unread list): it takes the neutral colour
        "groups": groups(sorted({node["group"] for node in nodes} | {f"{kind} {OTHER_COLOR}" for kind in KINDS})),
        "layout": {"improvedLayout": False, "randomSeed": 1},
    }
