"""The map at its weight: a rebuild that changed nothing keeps the page it drew; the page's data is
sized for the page; a reading list of up to 100 papers is labelled whole; a selected paper stands
out; group names stay clear of the panel. Measured in real Chromium from the network's own
positions, label boxes and item opacities."""

import os

import pytest

from citegraph.assemble import load_graph
from tests.conftest import MEASURE, OpenedMap
from tests.test_map_page import dense_reading_list


def test_a_rebuild_that_changed_nothing_keeps_the_page(built):
    os.utime(built.output, (1, 1))  # a page rewritten would get a new time
    result = built.build()
    assert result.exit_code == 0 and "papers drawn" in result.output, "the build still says what the map shows"
    assert built.output.stat().st_mtime == 1


def test_a_rebuild_with_other_map_options_draws_the_page_again(built):
    os.utime(built.output, (1, 1))
    assert built.build("--color", "year").exit_code == 0
    assert built.output.stat().st_mtime != 1


def test_a_deleted_page_is_drawn_again(built):
    built.output.unlink()
    assert built.build().exit_code == 0
    assert built.output.exists()


def test_page_data_names_papers_by_number_and_never_twice(built):
    html = built.output.read_text(encoding="utf-8")
    graph = load_graph(built.data_dir / "graph.jsonl")
    for paper in list(graph)[:20]:
        assert html.count(paper) == 1, "each paperId once, in the papers list"


READ_LABELS = """() => {
  const net = window.citegraph.network, P = window.citegraph.page.papers;
  const read = new Set(P.filter(p => p[3] === window.citegraph.page.kindCodes.indexOf('read')).map(p => p[0]));
  const ids = net.body.nodeIndices.filter(id => read.has(id));
  return {read: ids.length, labelled: ids.filter(id => net.body.nodes[id].options.label).length, scale: net.getScale()};
}"""


@pytest.mark.parametrize("world", ["sample", "dense"])
def test_every_read_paper_is_labelled_at_the_initial_fit(browser, citegraph, tmp_path, world):
    if world == "sample":
        assert citegraph.build().exit_code == 0
        page_file = citegraph.output
    else:
        page_file = dense_reading_list(tmp_path)
    opened = OpenedMap(browser, page_file)
    try:
        measured, read = opened.js(MEASURE), opened.js(READ_LABELS)
        opened.page.screenshot(path=str(tmp_path / f"labelled-{world}.png"))
        assert read["labelled"] == read["read"] > 0, (read, measured)
        assert measured["overlapping"] == 0 and measured["touching"] == 0, measured
        assert measured["medianLabel"] >= 12, (measured, read)
    finally:
        opened.close()


EDGE_OPACITY = """id => { const net = window.citegraph.network, linked = new Set(net.getConnectedEdges(id));
  const all = Object.values(net.body.edges).filter(e => e.options.hidden !== true);
  return {linked: all.filter(e => linked.has(e.id)).map(e => e.options.color.opacity),
          rest: all.filter(e => !linked.has(e.id)).map(e => e.options.color.opacity),
          near: net.getConnectedNodes(id).concat([id]).map(n => net.body.nodes[n].options.opacity),
          far: net.body.nodeIndices.filter(n => n !== id && !net.getConnectedNodes(id).includes(n))
                 .map(n => net.body.nodes[n].options.opacity)}; }"""


def test_a_selected_paper_stands_out_from_the_faded_rest(browser, citegraph, tmp_path):
    assert citegraph.build().exit_code == 0
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
    lora = next(n for n, t in graph.nodes(data="title") if t.startswith("LoRA"))
    opened = OpenedMap(browser, citegraph.output)
    try:
        opened.js("id => window.citegraph.select(id)", lora)
        looks = opened.js(EDGE_OPACITY, lora)
        opened.page.screenshot(path=str(tmp_path / "selection.png"))
        assert looks["linked"] and min(looks["linked"]) == 1.0, "its citations and citers in full"
        assert looks["rest"] and max(looks["rest"]) <= 0.1, "every other citation faded"
        assert min(looks["near"]) == 1.0 and max(looks["far"]) <= 0.15
        opened.page.keyboard.press("Escape")
        restored = opened.js(EDGE_OPACITY, lora)
        assert max(restored["rest"]) > 0.1, "unselected, nothing is faded"
    finally:
        opened.close()


def test_a_hovered_paper_stands_out_too(browser, citegraph):
    assert citegraph.build().exit_code == 0
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
    bert = next(n for n, t in graph.nodes(data="title") if t.startswith("BERT"))
    opened = OpenedMap(browser, citegraph.output)
    try:
        centre = opened.centre(bert)
        opened.page.mouse.move(centre["x"], centre["y"])
        opened.page.wait_for_function(
            "id => window.citegraph.network.body.nodes[id].options.opacity === 1 &&"
            " Object.values(window.citegraph.network.body.nodes).some(n => n.options.opacity"
            " === window.citegraph.page.style.dimmedNode)",
            arg=bert,
        )
        assert max(opened.js(EDGE_OPACITY, bert)["rest"]) <= 0.1
    finally:
        opened.close()


LABEL_ALPHA = """id => { const net = window.citegraph.network, near = new Set(net.getConnectedNodes(id).concat([id]));
  const alpha = colour => { const m = /^rgba\\(.*,\\s*([\\d.]+)\\)$/.exec(colour); return m ? parseFloat(m[1]) : 1; };
  const labelled = net.body.nodeIndices.filter(n => net.body.nodes[n].options.label);
  const look = n => { const font = net.body.nodes[n].options.font;
                      return Math.max(alpha(font.color), alpha(font.strokeColor)); };
  return {near: labelled.filter(n => near.has(n)).map(look), far: labelled.filter(n => !near.has(n)).map(look),
          faded: window.citegraph.page.style.dimmedNode}; }"""


def test_a_selected_papers_faded_neighbours_have_faded_labels(browser, citegraph, tmp_path):
    assert citegraph.build().exit_code == 0
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
    lora = next(n for n, t in graph.nodes(data="title") if t.startswith("LoRA"))
    opened = OpenedMap(browser, citegraph.output)
    try:
        opened.js("id => window.citegraph.select(id)", lora)
        labels = opened.js(LABEL_ALPHA, lora)
        opened.page.screenshot(path=str(tmp_path / "selection-labels.png"))
        assert labels["near"] and min(labels["near"]) == 1, "its own label and its neighbours' in full"
        assert labels["far"] and max(labels["far"]) <= labels["faded"], "every other label as faded as its paper"
        opened.page.keyboard.press("Escape")
        opened.page.wait_for_selector("body[data-stable]", state="attached")
        restored = opened.js(LABEL_ALPHA, lora)
        assert min(restored["near"] + restored["far"]) == 1, "unselected, no label is faded"
    finally:
        opened.close()


def test_a_hovered_papers_faded_neighbours_have_faded_labels(browser, citegraph):
    assert citegraph.build().exit_code == 0
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
    bert = next(n for n, t in graph.nodes(data="title") if t.startswith("BERT"))
    opened = OpenedMap(browser, citegraph.output)
    try:
        centre = opened.centre(bert)
        opened.page.mouse.move(centre["x"], centre["y"])
        opened.page.wait_for_function(
            "() => Object.values(window.citegraph.network.body.nodes).some(n => n.options.opacity"
            " === window.citegraph.page.style.dimmedNode)"
        )
        labels = opened.js(LABEL_ALPHA, bert)
        assert labels["far"] and max(labels["far"]) <= labels["faded"]
        assert min(labels["near"]) == 1
    finally:
        opened.close()


NAMES_CLEAR_OF_PANEL = """() => { const panel = document.getElementById('panel').getBoundingClientRect();
  return window.citegraph.clusters().map(c => c.box).filter(Boolean).filter(([x, y, w, h]) =>
    x < panel.right && panel.left < x + w && y < panel.bottom && panel.top < y + h).length; }"""


def test_group_names_never_sit_under_the_panel(browser, tmp_path):
    page_file = dense_reading_list(tmp_path)
    opened = OpenedMap(browser, page_file)
    try:
        groups = opened.js("window.citegraph.clusters()")
        assert len(groups) >= 2 and opened.js(NAMES_CLEAR_OF_PANEL) == 0
        for shift in (150, 150):  # the drawing dragged left, under the panel, twice
            opened.js(
                "dx => new Promise(done => { const n = window.citegraph.network, c = n.getViewPosition();"
                " n.once('afterDrawing', done);"
                " n.moveTo({position: {x: c.x + dx / n.getScale(), y: c.y}, animation: false}); })",
                shift,
            )
            opened.page.wait_for_selector("body[data-stable]", state="attached")
            assert opened.js(NAMES_CLEAR_OF_PANEL) == 0
            assert any(g["box"] for g in opened.js("window.citegraph.clusters()")), "names move, not all vanish"
    finally:
        opened.close()


def test_a_rebuild_whose_changes_differ_draws_the_page_again(tmp_path):
    import networkx as nx

    from citegraph.history import Changes, Snapshot
    from citegraph.map.render import render_map

    graph = nx.DiGraph()
    graph.add_node("a", title="LoRA: Low-Rank Adaptation", year=2021, read=True)
    graph.add_node("b", title="Attention Is All You Need", year=2017)
    graph.add_edge("a", "b", isInfluential=True)
    output, stamp = tmp_path / "map.html", {"notes": "the same notes"}
    earlier, now = Snapshot(1, "2026-01-01T10:00:00", {}), Snapshot(2, "2026-01-02T10:00:00", {})
    render_map(graph, output, stamp=stamp, changes=Changes(earlier, now, []))
    os.utime(output, (1, 1))
    row = {
        "change": "cites yours",
        "paperId": "b",
        "title": "Attention Is All You Need",
        "year": 2017,
        "rank": None,
        "score": None,
        "detail": "cites LoRA",
    }
    render_map(graph, output, stamp=stamp, changes=Changes(earlier, now, [row]))
    assert output.stat().st_mtime != 1 and "cites LoRA" in output.read_text(encoding="utf-8")
