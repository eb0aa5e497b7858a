"""The map, opened in real (Debian) Chromium from file:// with every network request blocked."""

import json
import shutil
from pathlib import Path

import networkx as nx
import pytest

from citegraph.analysis import compute_pagerank, unread_scores
from citegraph.assemble import load_graph
from citegraph.render import MapOptions, render_map

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is needed for the map tests: apt-get install chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


class OpenedMap:
    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.network_requests, self.console_errors, self.dialogs, self.opened = [], [], [], []

        def route(request_route):
            url = request_route.request.url
            if url.startswith("file://"):
                request_route.continue_()
            else:
                self.network_requests.append(url)
                request_route.abort()

        self.page.route("**/*", route)
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-ready]", state="attached", timeout=30_000)
        self.page.wait_for_selector("body[data-stable]", state="attached", timeout=60_000)

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def clickable_point(self, node: str) -> dict | None:
        """A whole-pixel point on the node that no other node overlaps (vis may draw either on top), if any."""
        return self.js(f"""() => {{
            const network = window.citegraph.network, box = network.getBoundingBox('{node}');
            const others = network.body.nodeIndices.filter(id => id !== '{node}').map(id => network.getBoundingBox(id));
            for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {{
                const dom = network.canvasToDOM({{x: box.left + (box.right - box.left) * i / 20,
                                                  y: box.top + (box.bottom - box.top) * j / 20}});
                const point = {{x: Math.round(dom.x), y: Math.round(dom.y)}}, at = network.DOMtoCanvas(point);
                const inside = b => at.x >= b.left - 2 && at.x <= b.right + 2 && at.y >= b.top - 2 && at.y <= b.bottom + 2;
                if (inside(box) && !others.some(inside) && network.getNodeAt(point) === '{node}') return point;
            }}
            return null;
        }}""")

    def settled_position(self, node: str) -> dict:
        """Where a node is on screen once the view stops moving (focus animations, stabilisation)."""
        expression = f"window.citegraph.network.canvasToDOM(window.citegraph.network.getPositions(['{node}'])['{node}'])"
        previous = None
        for _ in range(100):
            current = self.js(expression)
            if current == previous:
                return current
            previous = current
            self.page.wait_for_timeout(100)
        raise AssertionError(f"node {node} never stopped moving")

    def close(self):
        self.page.close()


def expected_folded_nodes(graph: nx.DiGraph, top_unread: int = 25) -> set[str]:
    read = {n for n, r in graph.nodes(data="read") if r}
    scores = unread_scores(graph)
    top = set(sorted(scores, key=scores.get, reverse=True)[:top_unread])
    shared = {n for n in graph if sum(p in read for p in graph.pred[n]) >= 2 or sum(s in read for s in graph.succ[n]) >= 2}
    return read | top | shared


def test_sample_map_offline_counts_search_click_filter(browser, citegraph, tmp_path):
    assert citegraph.build().exit_code == 0
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
    opened = OpenedMap(browser, citegraph.output)
    try:
        assert opened.network_requests == [] and opened.console_errors == []
        drawn = set(opened.js("window.citegraph.network.body.nodeIndices"))
        assert drawn == expected_folded_nodes(graph)
        folded = opened.js("window.citegraph.meta.folded")
        assert folded == sum(1 for n in graph if n not in drawn and sum(graph.nodes[p]["read"] for p in graph.pred[n]) == 1)
        legend = opened.page.inner_text("#legend")
        assert f"{folded:,} references cited by one paper only are folded" in legend
        assert f"Showing {len(drawn):,} of {graph.number_of_nodes():,} papers" in legend

        lora = next(n for n, t in graph.nodes(data="title") if t.startswith("LoRA"))
        opened.js("() => { window.open = (url) => { window.__opened = url; }; }")
        # The layout decides which nodes are uncovered: click the first read paper that has a free point.
        clickable = ((n, opened.clickable_point(n)) for n in sorted(n for n in drawn if graph.nodes[n]["read"]))
        clicked, position = next(((n, p) for n, p in clickable if p), (None, None))
        assert position, "some read paper has a point no other node covers"
        for _ in range(3):  # vis recognises a tap only if press and release are close; a loaded CI box may miss one
            opened.page.mouse.click(position["x"], position["y"])
            if opened.js("window.__opened"):
                break
            opened.page.wait_for_timeout(300)
        assert opened.js("window.__opened") == f"https://arxiv.org/abs/{graph.nodes[clicked]['externalIds']['ArXiv']}"

        opened.js("window.citegraph.network.unselectAll()")
        opened.page.fill("#search", "low-rank adaptation")
        opened.page.press("#search", "Enter")
        assert opened.js("window.citegraph.network.getSelectedNodes()") == [lora]
        opened.settled_position(lora)
        centre = opened.js("window.citegraph.network.canvasToDOM(window.citegraph.network.getViewPosition())")
        assert opened.settled_position(lora) == pytest.approx(centre, abs=2), "the search result is centred"

        opened.page.fill("#minScore", "100")
        opened.page.dispatch_event("#minScore", "input")
        hidden = opened.js("window.citegraph.nodes.get({filter: n => n.hidden}).map(n => n.id)")
        assert set(hidden) == {n for n in drawn if not graph.nodes[n]["read"]}
        opened.page.screenshot(path=str(tmp_path / "map-screenshot.png"))
    finally:
        opened.close()


def test_show_all_draws_every_paper(browser, citegraph, tmp_path):
    assert citegraph.build("--show", "all").exit_code == 0
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
    opened = OpenedMap(browser, citegraph.output)
    try:
        assert len(opened.js("window.citegraph.network.body.nodeIndices")) == graph.number_of_nodes()
        assert opened.js("window.citegraph.meta.folded") == 0
        assert opened.console_errors == []
    finally:
        opened.close()


HOSTILE = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>", 'Read the <a href="javascript:alert(3)">href</a>',
           "\"; alert(4); //", "</script><script>alert(5)</script>"]


def test_hostile_titles_run_nothing_and_show_literally(browser, tmp_path):
    graph = nx.DiGraph()
    for i, title in enumerate(HOSTILE):
        graph.add_node(f"p{i}", title=title, read=i == 0, year=2020, authors=[title], venue=title, topics=[title],
                       citationCount=i, externalIds={}, url="https://www.semanticscholar.org/paper/p", note=title)
    for i in range(1, len(HOSTILE)):
        graph.add_edge("p0", f"p{i}", isInfluential=True, intents=[], contexts=[])
    compute_pagerank(graph)
    page_file = tmp_path / "hostile.html"
    render_map(graph, page_file, MapOptions(show="all"))
    opened = OpenedMap(browser, page_file)
    try:
        opened.page.wait_for_timeout(500)
        assert opened.dialogs == [] and opened.console_errors == [] and opened.network_requests == []
        assert opened.js("document.querySelectorAll('img, a[href]').length") == 0
        assert opened.js("document.querySelectorAll('script').length") == 2
        position = opened.settled_position("p1")
        opened.page.mouse.move(position["x"], position["y"])
        opened.page.wait_for_selector("#tip", state="visible", timeout=5000)
        assert HOSTILE[1] in opened.page.inner_text("#tip")
        assert HOSTILE[0] in opened.page.inner_text("#legend")
    finally:
        opened.close()


def test_path_map_highlights_the_path(browser, citegraph, tmp_path):
    assert citegraph.build().exit_code == 0
    html = tmp_path / "path.html"
    result = citegraph.query("path", "LoRA", "Attention Is All You Need", "--undirected", "--html", html, "--format", "json")
    assert result.exit_code == 0, result.output
    on_path = [p["paperId"] for p in json.loads(result.stdout)["paths"][0]]
    opened = OpenedMap(browser, html)
    try:
        opacity = opened.js("Object.fromEntries(window.citegraph.nodes.get().map(n => [n.id, n.opacity]))")
        assert all(opacity[n] == 1.0 for n in on_path if n in opacity) and set(on_path) <= set(opacity)
        assert all(value == 0.15 for n, value in opacity.items() if n not in on_path)
        assert "the path" in opened.page.inner_text("#legend")
    finally:
        opened.close()


@pytest.mark.parametrize("options", [["--color", "community"], ["--color", "year", "--layout", "timeline"],
                                     ["--max-nodes", "50", "--show", "all"]])
def test_map_variants_load_cleanly(browser, citegraph, options):
    assert citegraph.build(*options).exit_code == 0
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
    opened = OpenedMap(browser, citegraph.output)
    try:
        assert opened.console_errors == [] and opened.network_requests == []
        drawn = opened.js("window.citegraph.network.body.nodeIndices.length")
        legend = opened.page.inner_text("#legend")
        assert f"Showing {drawn:,} of {graph.number_of_nodes():,} papers" in legend
        if "--max-nodes" in options:
            assert drawn == 50
            assert set(opened.js("window.citegraph.network.body.nodeIndices")) >= {
                n for n, r in graph.nodes(data="read") if r}, "your papers are always drawn"
        if "community" in options:
            assert "community 1" in legend
        if "timeline" in options:
            positions = opened.js("window.citegraph.network.getPositions()")
            years = {n: graph.nodes[n]["year"] for n in positions}
            oldest, newest = min(years, key=years.get), max(years, key=years.get)
            assert positions[oldest]["x"] < positions[newest]["x"]
    finally:
        opened.close()
