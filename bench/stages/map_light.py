"""The map's weight: first frame against a bare vis-network page with the same counts, page size,
layout and groups, a warm rebuild against the imports it needs, and `show` on a large graph.

``run(table, tmp, quick)`` adds its rows to ``table`` (bench.benchmark.Table); standalone, so the
harness can call it as one stage.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from bench.harness import Table, launch_chromium, run_citegraph
from bench.inputs import synthetic_graph
from bench.stages.map_library import BARE_PAGE, first_frame, library_graph

STAGE = "map-light"


def run(table: Table, tmp: Path, quick: bool) -> None:
    pages(table, tmp, quick)
    warm_rebuilds(table, tmp, quick)
    show_on_a_large_graph(table, tmp, quick)


def pages(table: Table, tmp: Path, quick: bool) -> None:
    """Libraries of 400 and 2,000 papers of yours: layout + groups, page size, first frame / bare page."""
    from playwright.sync_api import sync_playwright

    from citegraph.map.geometry import Box, cached_layout
    from citegraph.map.render import MapOptions, map_items, render_map

    libraries = [(100, 10, 2.5)] if quick else [(400, 30, 2.5), (2000, 30, 5.0)]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for read, per_read, most_mb in libraries:
                graph = library_graph(read, per_read)
                nodes, edges, data = map_items(graph, MapOptions())
                name = f"{read:,} yours, {data['drawn']:,} drawn of {graph.number_of_nodes():,}"
                boxes = {n["id"]: Box(n["size"]) for n in nodes}
                started = time.perf_counter()
                group_of = {n["id"]: n["cluster"] for n in nodes}
                cached_layout(graph, [n["id"] for n in nodes], boxes, "auto", group_of, None)
                seconds = graph.graph["groups_seconds"] + time.perf_counter() - started
                goal = read >= 2000
                table.add(
                    STAGE,
                    f"{name}: groups + layout",
                    round(seconds, 2),
                    "s",
                    "<= 3 s" if goal else "",
                    seconds <= 3 if goal else None,
                )
                page_file = tmp / f"light-{read}.html"
                render_map(graph, page_file)
                size = page_file.stat().st_size / 1e6
                table.add(STAGE, f"{name}: page size", round(size, 2), "MB", f"<= {most_mb:g} MB", size <= most_mb)
                bare_file = tmp / f"light-bare-{read}.html"
                vis = (
                    Path(__import__("pyvis").__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
                ).read_text()
                bare = {
                    "nodes": [{"id": n["id"], "x": n["x"], "y": n["y"], "size": n["size"]} for n in nodes],
                    "edges": [{"from": e["from"], "to": e["to"]} for e in edges],
                }
                bare_file.write_text(BARE_PAGE.format(vis=vis, data=json.dumps(bare)))
                # alternating, after one page that warms the browser up (its first page pays its start-up)
                first_frame(browser, bare_file)
                runs = [
                    (first_frame(browser, page_file), first_frame(browser, bare_file)) for _ in range(1 if quick else 3)
                ]
                ours, theirs = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
                table.add(STAGE, f"{name}: first frame, map / bare vis-network", f"{ours:.2f} / {theirs:.2f}", "s")
                ratio = ours / theirs
                table.add(STAGE, f"{name}: first frame ratio", round(ratio, 2), "x", "<= 1.5", ratio <= 1.5)
        finally:
            browser.close()


def warm_rebuilds(table: Table, tmp: Path, quick: bool) -> None:
    """A build that changes nothing on a 400-paper library in 8 topics (60 papers with --quick), against the
    imports (the sample notes' warm rebuild is the `warm` stage's)."""
    from bench.stages.warm import measure
    from tests.standin import generate_library

    count = 60 if quick else 400
    library = generate_library(n_read=count, n_topics=8, seed=0)
    library_notes = tmp / "light-library.md"
    library_notes.write_text(library.notes(True), encoding="utf-8")
    measure(
        table,
        tmp / "light-warm-library",
        f"{count}-paper library",
        library_notes,
        library.world,
        1 if quick else 5,
        STAGE,
    )


def show_on_a_large_graph(table: Table, tmp: Path, quick: bool) -> None:
    from citegraph.graphfile import graph_path, graph_stamp, save_graph

    papers, citations = (2_000, 20_000) if quick else (50_000, 500_000)
    graph = synthetic_graph(papers, citations)
    data = tmp / "light-show"
    save_graph(graph, graph_path(data), graph_stamp(0, "synthetic"))
    paper = [n for n, r in graph.nodes(data="read") if r][-1]
    runs = 1 if quick else 3
    seconds = statistics.median(run_citegraph("show", paper, "--data-dir", data) for _ in range(runs))
    table.add(
        STAGE,
        f"show one paper, {papers:,} papers / {citations:,} citations",
        round(seconds, 2),
        "s",
        "<= 1 s" if not quick else "",
        seconds <= 1 if not quick else None,
    )


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        run(Table(), Path(folder), "--quick" in sys.argv)
