"""The map at its weight: a rebuild that changed nothing keeps the page it drew; the page's data is
sized for the page; a reading list of up to 100 papers is labelled whole; a selected paper stands
out; group names stay clear of the panel. Measured in real Chromium from the network's own
positions, label boxes and item opacities."""

import os

import pytest

from citegraph.assemble import load_graph
from citegraph.map.render import render_map
from tests.test_map import MEASURE, OpenedMap, browser, dense_reading_list  # noqa: F401  (the browser fixture)


def test_a_rebuild_that_changed_nothing_keeps_the_page(citegraph):
    assert citegraph.build().exit_code == 0
    os.utime(citegraph.output, (1, 1))  # a page rewritten would get a new time
    result = citegraph.build()
    assert result.exit_code == 0 and "papers drawn" in result.output, "the build still says what the map shows"
    assert citegraph.output.stat().st_mtime == 1


def test_a_rebuild_with_other_map_options_draws_the_page_again(citegraph):
    assert citegraph.build().exit_code == 0
    os.utime(citegraph.output, (1, 1))
    assert citegraph.build("--color", "year").exit_code == 0
    assert citegraph.output.stat().st_mtime != 1


def test_a_deleted_page_is_drawn_again(citegraph):
    assert citegraph.build().exit_code == 0
    citegraph.output.unlink()
    assert citegraph.build().exit_code == 0
    assert citegraph.output.exists()


def test_page_data_names_papers_by_number_and_never_twice(citegraph):
    assert citegraph.build().exit_code == 0
    html = citegraph.output.read_text(encoding="utf-8")
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
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
