"""The map of a large synthetic graph: page size, first interactive frame in Chromium, in-page path queries."""

from __future__ import annotations

import random
import time
from pathlib import Path

from bench.harness import Table, launch_chromium
from bench.inputs import synthetic_graph

PATH_QUERY = """([pairs]) => pairs.map(([a, b]) => {
    const started = performance.now();
    window.citegraph.path(a, b, {undirected: true, all: true});
    return performance.now() - started;
})"""


def run(table: Table, tmp: Path, quick: bool) -> None:
    from playwright.sync_api import sync_playwright

    from citegraph.map.render import MapOptions, render_map

    sizes = [500] if quick else [2000, 20000]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for size in sizes:
                graph = synthetic_graph(size, size * 3, read_every=20)
                page_file = tmp / f"map-{size}.html"
                started = time.perf_counter()
                render_map(graph, page_file, MapOptions(show="all", max_nodes=size))
                rendered = time.perf_counter() - started
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
                started = time.perf_counter()
                page.goto(page_file.as_uri())
                page.wait_for_selector("body[data-ready]", state="attached", timeout=120_000)
                first_frame = time.perf_counter() - started
                # in-page shortest paths (undirected, all of them) between random pairs of the whole graph
                rng = random.Random(size)
                pairs = [[f"p{rng.randrange(size)}", f"p{rng.randrange(size)}"] for _ in range(20)]
                query_times = sorted(page.evaluate(PATH_QUERY, [pairs]))
                page.close()
                table.add("map", f"{size:,} papers: page size", round(page_file.stat().st_size / 2**20, 2), "MiB")
                table.add("map", f"{size:,} papers: render in Python", round(rendered, 2), "s")
                table.add(
                    "map",
                    f"{size:,} papers: navigation -> first interactive frame",
                    round(first_frame, 2),
                    "s",
                    "<= 3 s",
                    first_frame <= 3.0,
                )
                median_query = query_times[len(query_times) // 2]
                table.add(
                    "map",
                    f"{size:,} papers: in-page path query (median of 20)",
                    round(median_query, 1),
                    "ms",
                    "<= 50 ms" if size >= 20000 else "",
                    median_query <= 50 if size >= 20000 else None,
                )
                table.add(
                    "map", f"{size:,} papers: in-page path query (slowest of 20)", round(query_times[-1], 1), "ms"
                )
        finally:
            browser.close()
