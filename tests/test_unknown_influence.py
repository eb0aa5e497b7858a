"""Where S2 gives no influence flags, a library's map still shows structure: a bounded set of dashed
citations (between your papers, then to each paper's most-cited references), the legend saying so;
once flags are known the influential ones take over. Opened in real Chromium."""

from __future__ import annotations

import pytest

from citegraph.map.render import UNKNOWN_PER_PAPER, MapOptions, render_map
from citegraph.questions import your_papers
from tests.conftest import OpenedMap
from tests.library import build_library

SHOWN = "() => window.citegraph.edges.get().filter(e => !e.hidden)"
LEGEND = "() => document.getElementById('legend').innerText"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return build_library(tmp_path_factory.mktemp("unknown"), 150, headings=True, n_topics=4)


@pytest.fixture(scope="module")
def unknown_map(library, tmp_path_factory):
    """The same library's map with every influence flag unknown (as from a release without flags)."""
    graph = library.graph()
    for _, _, edge in graph.edges(data=True):
        edge["isInfluential"] = None
    path = tmp_path_factory.mktemp("unknown-map") / "map.html"
    render_map(graph, path, MapOptions())
    return graph, path


def test_unknown_influence_still_draws_dashed_citations_of_every_paper_of_yours(browser, unknown_map, tmp_path):
    graph, path = unknown_map
    opened = OpenedMap(browser, path)
    try:
        opened.page.screenshot(path=str(tmp_path / "unknown-influence.png"))
        shown = opened.js(SHOWN)
        assert opened.console_errors == []
        assert shown and all(e.get("dashes") for e in shown)
        drawn = {n["id"] for n in opened.js("() => window.citegraph.nodes.get()")}
        yours = [p for p in your_papers(graph) if p in drawn and any(c in drawn for c in graph.succ[p])]
        citing = {e["from"] for e in shown}
        assert set(yours) <= citing
    finally:
        opened.close()


def test_unknown_influence_shows_a_bounded_set_between_your_papers_first(browser, unknown_map):
    graph, path = unknown_map
    opened = OpenedMap(browser, path)
    try:
        shown = {(e["from"], e["to"]) for e in opened.js(SHOWN)}
        drawn = {n["id"] for n in opened.js("() => window.citegraph.nodes.get()")}
    finally:
        opened.close()
    yours = set(your_papers(graph))
    between = {(a, b) for a, b in graph.edges if a in yours and b in yours and a in drawn and b in drawn}
    assert between and between <= shown
    assert len(shown - between) <= UNKNOWN_PER_PAPER * len(yours)


def test_the_legend_says_which_citations_of_unknown_influence_are_shown(browser, unknown_map):
    opened = OpenedMap(browser, unknown_map[1])
    try:
        assert "influence unknown: citations between your papers and to their most-cited references shown" in opened.js(
            LEGEND
        )
    finally:
        opened.close()


def test_once_flags_are_known_only_influential_citations_show(browser, library):
    opened = OpenedMap(browser, library.output)
    try:
        shown = opened.js(SHOWN)
        assert shown and all(e.get("influential") or e.get("width") for e in shown)
        assert "most-cited references shown" not in opened.js(LEGEND)
    finally:
        opened.close()
