"""The map of a generated library at a lab's size: groups, layout, page, first frame beside bare vis-network."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import networkx as nx

from bench.harness import Table, launch_chromium, run_time
from citegraph.assemble import compute_pagerank, node_attributes

BARE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><script>{vis}</script></head>
<body style="margin:0"><div id="map" style="position:absolute;inset:0"></div><script>
var data = {data};
var net = new vis.Network(document.getElementById("map"),
  {{nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}},
  {{physics: {{enabled: false}}, layout: {{improvedLayout: false}}, nodes: {{shape: "dot"}},
    edges: {{smooth: false}}}});
net.fit();
net.once("afterDrawing", function () {{ document.body.setAttribute("data-ready", "1"); }});
</script></body></html>"""


def library_graph(read: int, papers_per_read: int) -> nx.DiGraph:
    """The graph a depth-1 build of a generated library gives (its read papers and their references),
    assembled in memory from the generated world: groups and PageRank as a build stores them."""
    from citegraph.clustering import assign_clusters
    from citegraph.demo.world import generate_library

    library = generate_library(n_read=read, papers_per_read=papers_per_read, seed=0)
    world, graph = library.world, nx.DiGraph()
    read_ids = {pid for pid, p in world.papers.items() if (p.get("externalIds") or {}).get("ArXiv") in library.topic_of}
    for pid in read_ids:
        for citation in world.references[pid]:
            for node in (pid, citation.cited):
                if node not in graph:
                    record = world.papers[node]
                    attrs = node_attributes(record)
                    if node in read_ids:
                        attrs.update(read=True, topics=[])
                    graph.add_node(node, **attrs)
            graph.add_edge(pid, citation.cited, isInfluential=citation.is_influential, origin="references")
    compute_pagerank(graph)
    started = time.perf_counter()
    assign_clusters(graph)
    graph.graph["groups_seconds"] = time.perf_counter() - started
    return graph


def first_frame(browser, page_file: Path) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    started = time.perf_counter()
    page.goto(page_file.as_uri())
    page.wait_for_selector("body[data-ready]", state="attached", timeout=300_000)
    elapsed = time.perf_counter() - started
    page.close()
    return elapsed


def run(table: Table, tmp: Path, quick: bool) -> None:
    """Libraries of 400 and 2,000 read papers (notes without headings): groups, layout, page, first frame."""
    from playwright.sync_api import sync_playwright

    libraries = [(100, 10)] if quick else [(400, 30), (2000, 10)]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for read, per_read in libraries:
                graph = library_graph(read, per_read)
                page_file = tmp / f"library-{read}.html"
                nodes, edges = measure_python(table, graph, read, per_read, page_file)
                measure_first_frame(table, browser, tmp, read, nodes, edges, page_file, 1 if quick else 3)
        finally:
            browser.close()


def measure_python(table: Table, graph: nx.DiGraph, read: int, per_read: int, page_file: Path) -> tuple[list, list]:
    """Groups and layout, the map's items and the page, timed in this process; the map's nodes and edges."""
    from citegraph.map.render import Box, MapOptions, cached_layout, map_items, render_map

    name = f"{read:,} yours"
    table.add("map-library", f"{name}: papers in the graph (world {read * per_read:,})", graph.number_of_nodes())
    started = time.perf_counter()
    nodes, edges, data = map_items(graph, MapOptions())
    items = time.perf_counter() - started
    table.add("map-library", f"{name}: papers drawn", data["drawn"])
    # the layout alone, uncached, on the papers the map draws
    boxes = {n["id"]: Box(n["size"]) for n in nodes}
    started = time.perf_counter()
    cached_layout(graph, [n["id"] for n in nodes], boxes, "auto", {n["id"]: n["cluster"] for n in nodes}, None)
    laid_out = time.perf_counter() - started
    groups_and_layout = graph.graph["groups_seconds"] + laid_out
    table.add(
        "map-library",
        f"{name}: groups + layout",
        round(groups_and_layout, 2),
        "s",
        "<= 3 s" if read >= 2000 else "",
        groups_and_layout <= 3 if read >= 2000 else None,
    )
    table.add("map-library", f"{name}: map items (ranking, groups, layout, data)", round(items, 2), "s")
    started = time.perf_counter()
    render_map(graph, page_file)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    render_map(graph, page_file)
    warm = time.perf_counter() - started
    imports = run_time([sys.executable, "-c", "import networkx, pandas, pyvis"])
    table.add("map-library", f"{name}: render_map cold / with its cached layout", f"{cold:.2f} / {warm:.2f}", "s")
    table.add(
        "map-library",
        f"{name}: cached render_map / import networkx, pandas, pyvis",
        round(warm / imports, 2),
        "x",
    )
    table.add("map-library", f"{name}: page size", round(page_file.stat().st_size / 2**20, 2), "MiB")
    return nodes, edges


def measure_first_frame(
    table: Table, browser, tmp: Path, read: int, nodes: list, edges: list, page_file: Path, runs: int
) -> None:
    """The page's first frame in Chromium beside a bare vis-network page with the same nodes and edges (medians
    of ``runs`` alternating runs)."""
    name = f"{read:,} yours"
    bare_file = tmp / f"bare-{read}.html"
    vis = (
        Path(__import__("pyvis").__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    ).read_text()
    bare_nodes = [{"id": n["id"], "x": n["x"], "y": n["y"], "size": n["size"]} for n in nodes]
    bare_edges = [{"from": e["from"], "to": e["to"]} for e in edges]
    bare_file.write_text(BARE_PAGE.format(vis=vis, data=json.dumps({"nodes": bare_nodes, "edges": bare_edges})))
    # alternating, after one page that warms the browser up (its first page pays its start-up)
    first_frame(browser, bare_file)
    frames = [(first_frame(browser, page_file), first_frame(browser, bare_file)) for _ in range(runs)]
    ours, bare = statistics.median(r[0] for r in frames), statistics.median(r[1] for r in frames)
    table.add("map-library", f"{name}: first frame, map / bare vis-network", f"{ours:.2f} / {bare:.2f}", "s")
    table.add(
        "map-library",
        f"{name}: first frame ratio",
        round(ours / bare, 2),
        "x",
        "<= 1.5",
        ours / bare <= 1.5,
    )
