"""The interactive map: one self-contained, offline HTML file made with pyvis.

What we fix in pyvis 0.3.2: its template loads Bootstrap (and, unless inlined, vis-network) from
CDNs and switches tooltips to ``innerHTML`` when a title contains "href"; its add_node/add_edge
scan every existing node/edge (quadratic). We fill pyvis's node and edge lists directly and give
it our own template, which inlines vis-network, builds every tooltip with ``textContent`` and
adds the legend, search and filters.

Not a hairball: references cited by only one of your papers are folded into that paper (shown on
hover and as a "+N" badge) unless they are on a highlighted path or among the top unread.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .analysis import read_papers, unread_scores

TEMPLATES = Path(__file__).parent / "templates"
PHYSICS_LIMIT = 400
SPRING_LIMIT = 3000
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d"]
OTHER_COLOR = "#9e9e9e"


@dataclass
class MapOptions:
    color: str = "topic"
    show: str = "folded"
    max_nodes: int = 2000
    layout: str = "auto"
    top_unread: int = 25
    path: list[str] = field(default_factory=list)


def paper_link(data: dict) -> str:
    external = data.get("externalIds") or {}
    if external.get("ArXiv"):
        return f"https://arxiv.org/abs/{external['ArXiv']}"
    if external.get("DOI"):
        return f"https://doi.org/{external['DOI']}"
    return data.get("url") or ""


def _choose_nodes(graph: nx.DiGraph, scores: dict[str, float], options: MapOptions) -> tuple[list[str], Counter]:
    """Which papers to draw, and how many references are folded into each read paper."""
    read = set(read_papers(graph))
    on_path = set(options.path)
    folded_into: Counter = Counter()
    if options.show == "all":
        drawn = set(graph.nodes)
    else:
        top = set(sorted(scores, key=scores.get, reverse=True)[: options.top_unread])
        drawn = read | on_path | top
        for node in graph.nodes:
            if node in drawn:
                continue
            readers = [p for p in graph.pred[node] if p in read]
            if len(readers) >= 2 or sum(1 for m in graph.succ[node] if m in read) >= 2:
                drawn.add(node)
            elif len(readers) == 1:
                folded_into[readers[0]] += 1
    if len(drawn) > options.max_nodes:
        keep = read | on_path
        rest = sorted(drawn - keep, key=lambda n: (scores.get(n, 0.0), graph.nodes[n].get("citationCount") or 0),
                      reverse=True)
        drawn = keep | set(rest[: max(0, options.max_nodes - len(keep))])
    return sorted(drawn), folded_into


def _colors(graph: nx.DiGraph, nodes: list[str], mode: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
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


def _positions(graph: nx.DiGraph, nodes: list[str], layout: str) -> dict[str, tuple[float, float]] | None:
    if layout == "timeline" or len(nodes) > SPRING_LIMIT:
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
    if len(nodes) <= PHYSICS_LIMIT and layout == "auto":
        return None
    sub = _skeleton(graph, nodes)
    # networkx's spring layout costs O(n^2) per iteration: start from the (cheap) spectral layout
    # and spend a bounded number of iterations, so building stays within a second or two.
    start = nx.spectral_layout(sub) if sub.number_of_edges() else None
    iterations = max(5, min(50, int(50 * (PHYSICS_LIMIT / len(nodes)) ** 2)))
    raw = nx.spring_layout(sub, pos=start, seed=1, iterations=iterations, scale=60.0 * math.sqrt(len(nodes)))
    return {n: (float(x), float(y)) for n, (x, y) in raw.items()}


def map_data(graph: nx.DiGraph, options: MapOptions) -> tuple[list[dict], list[dict], dict]:
    """Nodes, edges and legend metadata of the map, as vis-network takes them."""
    scores = unread_scores(graph)
    nodes, folded_into = _choose_nodes(graph, scores, options)
    drawn = set(nodes)
    colors, legend = _colors(graph, nodes, options.color)
    positions = _positions(graph, nodes, options.layout)
    read = set(read_papers(graph))
    on_path = set(options.path)
    path_edges = set(zip(options.path, options.path[1:])) | set(zip(options.path[1:], options.path))
    vis_nodes = []
    for node in nodes:
        data = graph.nodes[node]
        is_read = node in read
        readers = [graph.nodes[p].get("title") for p in graph.pred[node] if p in read]
        size = 6 + 1.5 * math.log1p(data.get("citationCount") or 0) + 3 * len(readers) + (4 if is_read else 0)
        label = (data.get("title") or "")[:40] + ("…" if len(data.get("title") or "") > 40 else "")
        if folded_into.get(node):
            label += f"  +{folded_into[node]}"
        paper = {"title": data.get("title"), "authors": (data.get("authors") or [])[:8], "year": data.get("year"),
                 "venue": data.get("venue"), "citationCount": data.get("citationCount"),
                 "influentialCitationCount": data.get("influentialCitationCount"), "read": is_read,
                 "readers": sorted(r for r in readers if r)[:10], "score": scores.get(node),
                 "folded": folded_into.get(node, 0), "note": (data.get("note") or "")[:400],
                 "link": paper_link(data), "onPath": node in on_path}
        # Tooltip data, turned into DOM text by the page (never parsed as markup); empty fields left
        # out. Styling, colour included, lives in one group per (read, colour): vis parses a group
        # once, a per-node colour once per node, which is most of a big map's start-up.
        entry = {"id": node, "group": f"{'read' if is_read else 'unread'} {colors[node]}",
                 "size": round(min(size, 40), 1),
                 "paper": {k: v for k, v in paper.items() if v is not None and v != "" and v != []}}
        if is_read or node in on_path:
            entry["label"] = label
        if node in on_path:
            entry["opacity"] = 1.0
        elif on_path:
            entry.update(opacity=0.15, font={"color": "#999"})
        if positions:
            entry.update(x=round(positions[node][0], 1), y=round(positions[node][1], 1))
        vis_nodes.append(entry)
    vis_edges = []
    for citing, cited, edge in graph.edges(data=True):
        if citing not in drawn or cited not in drawn:
            continue
        influential = edge.get("isInfluential")
        entry = {"from": citing, "to": cited}
        if (citing, cited) in path_edges:
            entry.update(width=5, color={"color": "#d6336c", "opacity": 1.0})
        elif influential:
            entry.update(width=3, color={"color": "#e8590c", "opacity": 0.1 if on_path else 0.9})
        elif on_path:
            entry["color"] = {"color": "#b0b0b0", "opacity": 0.1}
        if influential is None:
            entry["dashes"] = True
        vis_edges.append(entry)
    meta = {
        "legend": legend, "drawn": len(nodes), "total": graph.number_of_nodes(), "folded": sum(folded_into.values()),
        "physics": positions is None, "maxNodes": options.max_nodes,
        "hasPath": bool(on_path), "colorMode": options.color,
        "years": sorted({graph.nodes[n].get("year") for n in nodes if graph.nodes[n].get("year")}),
    }
    return vis_nodes, vis_edges, meta


def _groups(names: set[str]) -> dict:
    """vis-network groups named "read #1f77b4" / "unread #1f77b4": the shared look of such papers."""
    groups = {}
    for name in names:
        kind, color = name.split(" ")
        read = kind == "read"
        groups[name] = {"color": {"background": color, "border": "#111" if read else color},
                        "borderWidth": 3 if read else 1, "opacity": 1.0 if read else 0.75,
                        "shapeProperties": {"borderDashes": False if read else [3, 3]},
                        "font": {"size": 14 if read else 10, "color": "#222"}}
    return groups


def render_map(graph: nx.DiGraph, output: Path, options: MapOptions | None = None) -> dict:
    """Write the map to ``output``; returns its metadata (drawn, total, folded)."""
    from pyvis.network import Network

    options = options or MapOptions()
    nodes, edges, meta = map_data(graph, options)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    # pyvis's add_node/add_edge look through every existing item; for thousands that is quadratic.
    net.nodes, net.edges = nodes, edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    physics = {"enabled": meta["physics"], "solver": "barnesHut",
               "barnesHut": {"gravitationalConstant": -12000, "springLength": 200, "avoidOverlap": 0.3},
               "stabilization": {"enabled": True, "iterations": 300, "fit": True}}
    net.options = {
        "physics": physics,
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(nodes) > 2000,
                        "hideEdgesOnZoom": len(nodes) > 2000},
        "edges": {"smooth": False if len(nodes) > PHYSICS_LIMIT else {"type": "continuous"}, "arrows": "to",
                  "width": 1, "color": {"color": "#b0b0b0", "opacity": 0.5}},
        "nodes": {"shape": "dot", "physics": meta["physics"]},
        "groups": _groups({node["group"] for node in nodes}),
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "citegraph": meta,
    }
    net.set_template_dir(str(TEMPLATES), "map.html.j2")
    html = net.generate_html(name=str(Path(output).with_suffix(".html").name))
    assets = Path(__import__("pyvis").__file__).parent / "lib" / "vis-9.1.2"
    html = html.replace("/*VIS_NETWORK_JS*/", (assets / "vis-network.min.js").read_text(encoding="utf-8"), 1)
    html = html.replace("/*VIS_NETWORK_CSS*/", (assets / "vis-network.css").read_text(encoding="utf-8"), 1)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    return meta
