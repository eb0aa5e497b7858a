"""The map at a library's size: 400 read papers in 8 topics (a generated world of 12,000 papers), built
with the real CLI against the stand-in, opened in real Chromium at 1400x900.

Everything is measured from the network's own positions and label boxes through ``window.citegraph``;
the screenshots land in each test's tmp_path for a human to look at.
"""

import pytest

from citegraph.assemble import load_graph
from citegraph.map.render import MapOptions, render_map
from tests.conftest import MEASURE, OpenedMap

pytestmark = pytest.mark.heavy

GRID = """() => {
  const net = window.citegraph.network, ids = net.body.nodeIndices, at = net.getPositions(ids);
  const panel = document.getElementById('panel').getBoundingClientRect(), left = panel.right, width = innerWidth - left;
  const cells = new Set();
  ids.forEach(id => { const p = net.canvasToDOM(at[id]);
    if (p.x >= left && p.x < innerWidth && p.y >= 0 && p.y < innerHeight)
      cells.add(Math.floor((p.x - left) / width * 40) + ',' + Math.floor(p.y / innerHeight * 30)); });
  return cells.size / 1200;
}"""
LABEL_OF = """id => { const net = window.citegraph.network, node = net.body.nodes[id];
  if (!node.options.label) return null;
  const s = node.labelModule.size, a = net.canvasToDOM({x: s.left, y: s.top});
  const b = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
  return {height: b.y - a.y, left: a.x, right: b.x, top: a.y, bottom: b.y}; }"""
SMALLEST_LABEL = """() => { const net = window.citegraph.network; let low = Infinity;
  net.body.nodeIndices.forEach(id => { const n = net.body.nodes[id];
    if (n.options.label) low = Math.min(low, n.labelModule.size.height * net.getScale()); });
  return low; }"""


def names_overlap(boxes) -> bool:
    return any(
        a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
    )


@pytest.fixture(scope="module", params=["headings", "no headings"])
def library(request, built_library):
    return built_library(400, headings=request.param == "headings")


def test_initial_view_shows_named_groups_and_no_pile(browser, library, tmp_path):
    opened = OpenedMap(browser, library.output)
    try:
        opened.page.screenshot(path=str(tmp_path / "library-initial-view.png"))
        measured = opened.js(MEASURE)
        assert opened.console_errors == [] and opened.network_requests == []
        assert measured["drawn"] > 1000 and measured["overlapping"] == 0, measured
        assert measured["labels"] > 0 and measured["touching"] == 0, measured
        assert opened.js(SMALLEST_LABEL) >= 5
        assert opened.js(GRID) >= 0.25
        groups = opened.js("window.citegraph.clusters()")
        assert len(groups) == len(load_graph(library.data_dir / "graph.jsonl").graph["clusters"]) >= 2
        boxes = [g["box"] for g in groups]
        assert None not in boxes and all(box[3] >= 12 for box in boxes), boxes
        assert not names_overlap(boxes)
        assert sum(len(g["paperIds"]) for g in groups) == measured["drawn"]
    finally:
        opened.close()


def test_zooming_into_a_group_reveals_more_labels_never_overprinted(browser, library, tmp_path):
    opened = OpenedMap(browser, library.output)
    try:
        group = opened.js("window.citegraph.clusters()")[0]
        labelled = "ids => ids.filter(id => window.citegraph.network.body.nodes[id].options.label).length"
        before = opened.js(labelled, group["paperIds"])
        opened.js("id => window.citegraph.showCluster(id)", group["id"])
        opened.page.screenshot(path=str(tmp_path / "library-group-zoomed.png"))
        measured = opened.js(MEASURE)
        assert opened.js(labelled, group["paperIds"]) > before
        assert measured["touching"] == 0 and measured["overlapping"] == 0, measured
    finally:
        opened.close()


def test_select_zooms_until_the_label_is_readable(browser, library):
    graph = load_graph(library.data_dir / "graph.jsonl")
    paper = sorted(n for n, r in graph.nodes(data="read") if r)[17]
    opened = OpenedMap(browser, library.output)
    try:
        opened.js("id => window.citegraph.select(id)", paper)
        label = opened.js(LABEL_OF, paper)
        assert label is not None and label["height"] >= 10
        assert label["left"] >= 0 and label["right"] <= 1400 and label["top"] >= 0 and label["bottom"] <= 900
        assert opened.js(MEASURE)["touching"] == 0
    finally:
        opened.close()


def test_a_hovered_paper_shows_its_label(browser, library):
    opened = OpenedMap(browser, library.output)
    try:
        bare = opened.js(
            "() => { const net = window.citegraph.network, at = net.getPositions();"
            " return net.body.nodeIndices.find(id => { const p = net.canvasToDOM(at[id]);"
            " return !net.body.nodes[id].options.label && p.x > 420 && p.x < 1380 && p.y > 20 && p.y < 880; }); }"
        )
        assert bare is not None
        centre = opened.centre(bare)
        opened.page.mouse.move(centre["x"], centre["y"])
        opened.page.wait_for_function("id => !!window.citegraph.network.body.nodes[id].options.label", arg=bare)
        assert opened.js(LABEL_OF, bare)["height"] >= 10
    finally:
        opened.close()


def test_only_influential_citations_until_every_one_is_asked_for(browser, library):
    opened = OpenedMap(browser, library.output)
    try:
        shown = "() => window.citegraph.edges.get().filter(e => !e.hidden)"
        assert all(
            e.get("color", {}).get("color") == opened.js("window.citegraph.page.style.influential")
            for e in opened.js(shown)
        )
        opened.page.check("#allEdges")
        assert len(opened.js(shown)) == opened.js("window.citegraph.edges.length")
    finally:
        opened.close()


def test_a_path_across_two_groups_is_labelled_hop_by_hop(browser, library, tmp_path):
    graph = load_graph(library.data_dir / "graph.jsonl")
    names = graph.graph["clusters"]
    first = sorted(n for n, d in graph.nodes(data=True) if d["read"] and d.get("cluster") == names[0])[0]
    second = sorted(n for n, d in graph.nodes(data=True) if d["read"] and d.get("cluster") == names[1])[0]
    opened = OpenedMap(browser, library.output)
    try:
        path = opened.js("([a, b]) => window.citegraph.showPath(a, b, {undirected: true}).paths[0]", [first, second])
        opened.page.screenshot(path=str(tmp_path / "library-path-across-groups.png"))
        assert path[0] == first and path[-1] == second
        assert all(opened.js(LABEL_OF, paper) for paper in path), "every paper of the path is labelled"
        assert opened.js(MEASURE)["touching"] == 0
    finally:
        opened.close()


def test_timeline_puts_years_left_to_right_and_groups_in_bands(browser, library, tmp_path):
    graph = load_graph(library.data_dir / "graph.jsonl")
    page_file = tmp_path / "timeline.html"
    render_map(graph, page_file, MapOptions(layout="timeline"))
    opened = OpenedMap(browser, page_file)
    try:
        opened.page.screenshot(path=str(tmp_path / "library-timeline.png"))
        measured = opened.js(MEASURE)
        assert measured["overlapping"] == 0 and measured["touching"] == 0, measured
        at = opened.js("() => { const net = window.citegraph.network; return net.getPositions(net.body.nodeIndices); }")
        by_year = {}
        for node, p in at.items():
            if graph.nodes[node].get("year"):
                by_year.setdefault(graph.nodes[node]["year"], []).append(p["x"])
        years = sorted(by_year)
        assert all(max(by_year[a]) < min(by_year[b]) for a, b in zip(years, years[1:]))
        bands = {}
        for group in opened.js("window.citegraph.clusters()"):
            ys = [at[p]["y"] for p in group["paperIds"]]
            bands[group["id"]] = (min(ys), max(ys))
        spans = sorted(bands.values())
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), "groups are horizontal bands"
    finally:
        opened.close()
