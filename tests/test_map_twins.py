"""The map's script and the library answer the same questions alike: one case table
(tests/fixtures/twin_cases.json) runs through ``citegraph.lookup.find_paper``, ``citegraph.text.title_key``
and ``citegraph.paths.shortest_paths`` in Python, and through ``window.citegraph`` in the page (Chromium)."""

import json
from pathlib import Path

import networkx as nx
import pytest

from citegraph.assemble import compute_pagerank
from citegraph.errors import AmbiguousPaper, NoPath, PaperNotFound
from citegraph.lookup import find_paper
from citegraph.map.pagedata import markdown_line
from citegraph.map.render import MapOptions, render_map
from citegraph.paths import shortest_paths
from citegraph.questions import paper_link
from citegraph.text import title_key
from tests.conftest import OpenedMap

CASES = json.loads((Path(__file__).parent / "fixtures" / "twin_cases.json").read_text(encoding="utf-8"))


def case_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for paper in CASES["papers"]:
        graph.add_node(
            paper["id"],
            title=paper["title"],
            year=paper["year"],
            read=paper.get("read", False),
            queued=paper.get("queued", False),
            not_relevant=paper.get("not_relevant", False),
            externalIds={},
        )
    for citing, cited, influential in CASES["citations"]:
        graph.add_edge(citing, cited, isInfluential=influential, intents=[], contexts=[])
    compute_pagerank(graph)
    return graph


def python_find(graph, query) -> dict:
    try:
        return {"paper": find_paper(graph, query).paper_id}
    except AmbiguousPaper:
        return {"error": "ambiguous"}
    except PaperNotFound:
        return {"error": "not found"}


def python_paths(graph, case) -> list:
    """The paths asked for, in the direction asked (the CLI's fallback to the reverse direction is no answer here)."""
    try:
        found = shortest_paths(graph, case["from"], case["to"], undirected=case["undirected"], all_paths=case["all"])
    except NoPath:
        return []
    if found.direction == "reverse":
        return []
    return sorted([p.paperId for p in path] for path in found.paths)


def expected(case) -> dict:
    return {k: case[k] for k in ("paper", "error") if k in case}


@pytest.mark.parametrize("text, key", CASES["title_keys"])
def test_python_title_keys_follow_the_shared_table(text, key):
    assert title_key(text) == key


@pytest.mark.parametrize("case", CASES["find"], ids=lambda c: c["query"].strip())
def test_python_finds_the_paper_the_shared_table_names(case):
    assert python_find(case_graph(), case["query"]) == expected(case), case["why"]


@pytest.mark.parametrize("case", CASES["paths"], ids=lambda c: f"{c['from']}-{c['to']}-{c['undirected']}-{c['all']}")
def test_python_paths_follow_the_shared_table(case):
    assert python_paths(case_graph(), case) == sorted(case["paths"])


PAGE_ANSWERS = """cases => {
  const api = window.citegraph;
  const find = q => { try { return {paper: api.find(q)}; }
                      catch (e) { return {error: /papers match/.test(e.message) ? 'ambiguous' : 'not found'}; } };
  return {
    keys: cases.title_keys.map(([text]) => api.titleKey(text)),
    find: cases.find.map(c => find(c.query)),
    paths: cases.paths.map(c => api.path(c.from, c.to, {undirected: c.undirected, all: c.all})
                                  .map(p => p.join(' ')).sort().map(p => p.split(' '))),
  };
}"""


def test_the_page_answers_the_shared_table_as_python_does(browser, tmp_path):
    page_file = tmp_path / "twins.html"
    render_map(case_graph(), page_file, MapOptions(show="all"))
    opened = OpenedMap(browser, page_file)
    try:
        answers = opened.js(PAGE_ANSWERS, CASES)
        assert answers["keys"] == [key for _, key in CASES["title_keys"]]
        assert answers["find"] == [expected(case) for case in CASES["find"]]
        assert answers["paths"] == [sorted(case["paths"]) for case in CASES["paths"]]
        assert opened.console_errors == []
    finally:
        opened.close()


def test_the_page_copies_the_markdown_lines_python_makes(browser, tmp_path):
    graph = case_graph()
    page_file = tmp_path / "twins.html"
    render_map(graph, page_file, MapOptions(show="all"))
    opened = OpenedMap(browser, page_file)
    try:
        rows = opened.js("() => window.citegraph.unread()")
        for row in rows:
            opened.js("id => window.citegraph.tick(id)", row["paperId"])
        copied = opened.js("() => window.citegraph.copyRows('markdown')").splitlines()
        assert copied == [
            markdown_line(graph.nodes[r["paperId"]]["title"], paper_link(graph.nodes[r["paperId"]])) for r in rows
        ], CASES["markdown"]
        assert any("\\[Re\\] Attention is all you need" in line for line in copied)
    finally:
        opened.close()
