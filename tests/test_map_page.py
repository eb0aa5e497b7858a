"""The map, opened in real (Debian) Chromium from file:// with every network request blocked.

The page is driven through what it guarantees: its ``window.citegraph`` API, node coordinates and
label boxes read from the network, and points computed to be on a node (the layout is computed in
Python and has no overlaps, so a node's centre is its own).
"""

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import bibtexparser
import networkx as nx
import pytest

from citegraph.assemble import compute_pagerank, load_graph
from citegraph.map.render import MapOptions, render_map
from citegraph.questions import unread, unread_scores
from tests.conftest import MEASURE, WINDOW, Citegraph, OpenedMap
from tests.standin import Faults, StandinS2

pytestmark = pytest.mark.heavy


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory, sample_world):
    """The sample notes built once with the default options, for the tests that only open the page and
    ask questions of its data dir (the build itself is tested where its options vary)."""
    service = StandinS2(sample_world, Faults()).start()
    try:
        built = Citegraph(tmp_path_factory.mktemp("sample-map"), service.url)
        built.build_result = built.build()
        assert built.build_result.exit_code == 0, built.build_result.output
    finally:
        service.stop()
    return built


def expected_drawn(graph: nx.DiGraph, top_unread: int = 25) -> set[str]:
    read = {n for n, r in graph.nodes(data="read") if r}
    scores = unread_scores(unread(graph, top=None))
    top = set(sorted(scores, key=scores.get, reverse=True)[:top_unread])
    shared = {
        n for n in graph if sum(p in read for p in graph.pred[n]) >= 2 or sum(s in read for s in graph.succ[n]) >= 2
    }
    return read | top | shared


def dense_reading_list(tmp_path: Path) -> Path:
    """35 read papers sharing their classics: 150 references each cited by 2-3 of them, as real lists do."""
    rng = random.Random(3)
    graph = nx.DiGraph()
    read = [f"r{i}" for i in range(35)]
    for i, node in enumerate(read):
        name = f"Model{i}" if i % 2 else ""
        title = (
            f"{name}: Scaling Studies of Language Model Number {i}"
            if name
            else f"Efficient Methods for Task {i} in Vision"
        )
        graph.add_node(
            node,
            title=title,
            year=2015 + i % 10,
            read=True,
            citationCount=rng.randint(10, 90000),
            externalIds={"ArXiv": f"2101.{i:05d}"},
            topics=[f"topic {i % 5}"],
            authors=["A. Author"],
        )
    for j in range(150):
        graph.add_node(
            f"c{j}",
            title=f"Classic reference {j} on deep learning",
            year=1990 + j % 30,
            read=False,
            citationCount=rng.randint(10, 200000),
            externalIds={},
            authors=["B. Author"],
        )
        for reader in rng.sample(read, rng.choice([2, 3])):
            graph.add_edge(reader, f"c{j}", isInfluential=rng.random() < 0.2, intents=[], contexts=[])
    for j in range(60):  # cited by one paper only: folded
        graph.add_node(f"f{j}", title=f"Folded reference {j}", year=2000, read=False, citationCount=5, externalIds={})
        graph.add_edge(read[j % 35], f"f{j}", isInfluential=False, intents=[], contexts=[])
    compute_pagerank(graph)
    page_file = tmp_path / "dense.html"
    render_map(graph, page_file)
    return page_file


def test_sample_map_is_offline_and_accounts_for_every_paper(browser, sample_map):
    result = sample_map.build_result
    graph = load_graph(sample_map.data_dir / "graph.jsonl")
    opened = OpenedMap(browser, sample_map.output)
    try:
        assert opened.network_requests == [] and opened.console_errors == []
        drawn = set(opened.js("window.citegraph.network.body.nodeIndices"))
        assert drawn == expected_drawn(graph)
        page = opened.js(
            "(({drawn, total, folded, unlinked, overMaxNodes, summary}) => ({drawn, total, folded, unlinked,"
            " overMaxNodes, summary}))(window.citegraph.page)"
        )
        assert page["drawn"] + page["folded"] + page["unlinked"] + page["overMaxNodes"] == graph.number_of_nodes()
        assert page["folded"] == sum(
            1 for n in graph if n not in drawn and sum(graph.nodes[p]["read"] for p in graph.pred[n]) == 1
        )
        assert page["summary"] in opened.page.inner_text("#legend")
        assert f"map: {sample_map.output} ({page['summary']})" in result.output
    finally:
        opened.close()


@pytest.mark.parametrize("options", [["--max-nodes", "50"], ["--max-nodes", "50", "--show", "all"]])
def test_build_summary_accounts_for_every_paper(citegraph, options):
    result = citegraph.build(*options)
    assert result.exit_code == 0
    total = load_graph(citegraph.data_dir / "graph.jsonl").number_of_nodes()
    # The last map line: the map drawn once every influence flag is in (the first view's line comes before).
    line = [line for line in result.output.splitlines() if line.startswith("map: ")][-1]
    counts = [int(n.replace(",", "")) for n in re.findall(r"([\d,]+) (?:of|folded|not linked|left out)", line)]
    assert f"50 of {total:,} papers drawn" in line and "left out by --max-nodes 50 (the lowest unread scores)" in line
    assert counts[0] + sum(counts[1:]) == total, line


@pytest.mark.parametrize("world", ["sample", "sample, depth 2", "dense"])
def test_initial_view_is_readable_at_a_glance(browser, citegraph, tmp_path, world):
    if world.startswith("sample"):
        assert citegraph.build(*(["--depth", "2"] if "depth" in world else [])).exit_code == 0
        page_file = citegraph.output
    else:
        page_file = dense_reading_list(tmp_path)
    opened = OpenedMap(browser, page_file)
    try:
        measured = opened.js(MEASURE)
        opened.page.screenshot(path=str(tmp_path / f"initial-view-{world.replace(', ', '-').replace(' ', '')}.png"))
        assert measured["overlapping"] == 0, measured
        assert measured["touching"] <= 0.05 * measured["labels"], measured
        assert measured["medianLabel"] >= 10, measured
        assert measured["outside"] == 0, "the whole drawing fits the part of the window the panel leaves free"
        assert measured["labels"] >= opened.js("window.citegraph.page.read"), "every read paper is labelled"
    finally:
        opened.close()


def test_same_graph_gives_the_same_page(citegraph, tmp_path):
    assert citegraph.build().exit_code == 0
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
    render_map(graph, tmp_path / "again.html")
    assert (tmp_path / "again.html").read_bytes() == citegraph.output.read_bytes()


def cli_json(citegraph, *args):
    result = citegraph.query(*args, "--format", "json")
    return json.loads(result.stdout) if result.exit_code == 0 else None


def test_in_page_paths_equal_citegraph_path(browser, sample_map):
    graph = load_graph(sample_map.data_dir / "graph.jsonl")
    read = sorted(n for n, r in graph.nodes(data="read") if r)
    pairs = [(read[i], read[(i * 7 + 3) % len(read)]) for i in range(20)]
    opened = OpenedMap(browser, sample_map.output)
    try:
        for number, (a, b) in enumerate(pairs):
            undirected = number % 2 == 1
            answer = cli_json(sample_map, "path", a, b, *(["--undirected"] if undirected else []))
            forward = opened.js("([a, b, u]) => window.citegraph.path(a, b, {undirected: u})", [a, b, undirected])
            if answer is None:
                assert forward == [] and (
                    undirected or opened.js("([a, b]) => window.citegraph.path(b, a)", [a, b]) == []
                )
                continue
            cli_path = [p["paperId"] for p in answer["paths"][0]]
            if cli_path[0] != a:  # the CLI fell back to the reverse direction; the API answers only what is asked
                assert forward == []
                forward = opened.js("([a, b]) => window.citegraph.path(b, a)", [a, b])
            assert len(forward) == 1 and len(forward[0]) == len(cli_path)
            assert (forward[0][0], forward[0][-1]) == (cli_path[0], cli_path[-1])
            linked = graph.to_undirected(as_view=True) if undirected else graph
            assert nx.is_path(linked, forward[0])
        # all shortest paths: the same set as the CLI's
        for a, b in pairs[:6]:
            answer = cli_json(sample_map, "path", a, b, "--undirected", "--all")
            in_page = opened.js("([a, b]) => window.citegraph.path(a, b, {undirected: true, all: true})", [a, b])
            assert sorted(map(tuple, in_page)) == sorted(tuple(p["paperId"] for p in path) for path in answer["paths"])
    finally:
        opened.close()


def test_in_page_unread_equals_citegraph_unread(browser, sample_map, tmp_path):
    expected = cli_json(sample_map, "unread", "--top", "25")
    opened = OpenedMap(browser, sample_map.output)
    try:
        in_page = opened.js("window.citegraph.unread(25)")
        keys = ["paperId", "title", "score", "cited_by_count", "influential_count"]
        assert in_page == [{k: row[k] for k in keys} for row in expected]
        listed = opened.js("Array.from(document.querySelectorAll('#unreadList li')).map(li => li.dataset.paperId)")
        assert listed == [row["paperId"] for row in expected]
        first = opened.page.inner_text("#unreadList li:first-child")
        assert (
            f"cited by {expected[0]['cited_by_count']} of your papers ({expected[0]['influential_count']} influential)"
            in first
        )
        opened.page.click("#more")
        assert opened.js("document.querySelectorAll('#unreadList li').length") == min(
            50, opened.js("window.citegraph.page.unread.length")
        )
        opened.page.screenshot(path=str(tmp_path / "unread-panel.png"))
    finally:
        opened.close()


def test_unread_list_follows_the_filters(browser, sample_map):
    opened = OpenedMap(browser, sample_map.output)
    try:
        opened.page.fill("#minYear", "2010")
        opened.page.dispatch_event("#minYear", "input")
        years = opened.js(
            "Array.from(document.querySelectorAll('#unreadList li')).map(li =>"
            " window.citegraph.page.unread.find(r => r.paperId === li.dataset.paperId).year)"
        )
        assert years and all(year >= 2010 for year in years)
        hidden = set(opened.js("window.citegraph.nodes.get({filter: n => n.hidden}).map(n => n.id)"))
        rows = opened.js("window.citegraph.page.unread")
        assert {r["paperId"] for r in rows if (r["year"] or 0) < 2010} & set(
            opened.js("window.citegraph.network.body.nodeIndices")
        ) <= hidden
    finally:
        opened.close()


def tap_until(opened, tap, done, tries: int = 10) -> None:
    """Tap until ``done()``: vis recognises a tap only if press and release come close together (a double tap:
    two such within 300 ms), which a loaded machine may miss."""
    for _ in range(tries):
        tap()
        for _ in range(10):  # a second for the page to answer before the next tap
            if done():
                return
            opened.page.wait_for_timeout(100)


def test_click_selects_and_double_click_opens(browser, sample_map):
    graph = load_graph(sample_map.data_dir / "graph.jsonl")
    lora = next(n for n, t in graph.nodes(data="title") if t.startswith("LoRA"))
    bert = next(n for n, t in graph.nodes(data="title") if t.startswith("BERT"))
    opened = OpenedMap(browser, sample_map.output)
    try:
        point = opened.centre(lora)
        selected = "window.citegraph.network.getSelectedNodes()"
        tap_until(
            opened, lambda: opened.page.mouse.click(point["x"], point["y"]), lambda: opened.js(selected) == [lora]
        )
        assert opened.js(selected) == [lora]
        assert graph.nodes[lora]["title"] in opened.page.inner_text("#card")
        assert opened.js("window.__opened") is None, "selecting never opens a tab"
        assert opened.js("location.hash") == f"#paper={lora}"
        tap_until(
            opened, lambda: opened.page.mouse.dblclick(point["x"], point["y"]), lambda: opened.js("window.__opened")
        )
        assert opened.js("window.__opened") == f"https://arxiv.org/abs/{graph.nodes[lora]['externalIds']['ArXiv']}"
        arxiv = graph.nodes[lora]["externalIds"]["ArXiv"]
        assert opened.js(
            "q => window.citegraph.path(q, 'LoRA: Low-Rank Adaptation of Large Language Models')", f"arXiv:{arxiv}"
        ) == [[lora]]
        opened.js("id => window.citegraph.select(id)", bert)
        opened.page.go_back()
        opened.page.wait_for_function("id => window.citegraph.network.getSelectedNodes()[0] === id", arg=lora)
        opened.page.keyboard.press("Escape")
        assert opened.js("window.citegraph.network.getSelectedNodes()") == [] and not opened.page.is_visible("#card")
        opened.page.keyboard.press("/")
        assert opened.js("document.activeElement.id") == "search"
    finally:
        opened.close()


def test_search_autocompletes_every_paper_and_unfolds_it(browser, sample_map):
    graph = load_graph(sample_map.data_dir / "graph.jsonl")
    opened = OpenedMap(browser, sample_map.output)
    try:
        drawn = set(opened.js("window.citegraph.network.body.nodeIndices"))
        folded = sorted(n for n in graph if n not in drawn)[0]
        opened.page.fill("#search", graph.nodes[folded]["title"])
        opened.page.press("#search", "Enter")
        assert opened.js("window.citegraph.network.getSelectedNodes()") == [folded]
        assert folded in opened.js("window.citegraph.network.body.nodeIndices")
    finally:
        opened.close()


def test_collapsed_panel_gives_the_map_the_whole_window(browser, sample_map):
    opened = OpenedMap(browser, sample_map.output)
    try:
        opened.page.click("#collapse")
        assert not opened.page.is_visible("#unreadBox")
        measured = opened.js(MEASURE)
        assert measured["outside"] == 0
    finally:
        opened.close()


def test_path_view_highlights_lists_hops_and_survives_a_reload(browser, sample_map, tmp_path):
    graph = load_graph(sample_map.data_dir / "graph.jsonl")
    lora = next(n for n, t in graph.nodes(data="title") if t.startswith("LoRA"))
    attention = next(n for n, t in graph.nodes(data="title") if t == "Attention Is All You Need")
    opened = OpenedMap(browser, sample_map.output)
    try:
        opened.page.fill("#pathFrom", "LoRA: Low-Rank")
        opened.page.press("#pathFrom", "Enter")
        opened.page.fill("#pathTo", "Attention Is All You Need")
        opened.page.press("#pathTo", "Enter")
        opened.page.check("#undirected")
        opened.page.click("#findPath")
        path = opened.js("([a, b]) => window.citegraph.path(a, b, {undirected: true})", [lora, attention])[0]
        opacity = opened.js("Object.fromEntries(window.citegraph.nodes.get().map(n => [n.id, n.opacity]))")
        assert all(opacity[n] == 1.0 for n in path)
        assert all(value < 1.0 for n, value in opacity.items() if n not in path)
        assert len(opened.js("document.querySelectorAll('#pathResult .hop')")) == len(path) - 1
        assert re.search(
            r"(cites|is cited by) \((influential|not influential|influence unknown)",
            opened.page.inner_text("#pathResult"),
        )
        opened.page.screenshot(path=str(tmp_path / "path-view.png"))
        hash_ = opened.js("location.hash")
        assert f"from={lora}" in hash_ and f"to={attention}" in hash_ and "undirected=1" in hash_
        opened.js("id => window.citegraph.select(id)", path[-1])
        opened.page.wait_for_timeout(200)
        assert opened.js("ids => ids.map(id => window.citegraph.nodes.get(id).opacity)", path) == [1.0] * len(path), (
            "selecting a paper keeps the path shown"
        )
    finally:
        opened.close()
    reopened = OpenedMap(browser, sample_map.output, hash_)
    try:
        assert len(reopened.js("document.querySelectorAll('#pathResult .hop')")) == len(path) - 1
    finally:
        reopened.close()


def test_no_directed_path_offers_the_other_ways(browser, tmp_path):
    graph = nx.DiGraph()
    for node in "abc":
        graph.add_node(node, title=f"Paper {node}", year=2020, read=node == "a", externalIds={})
    graph.add_edge("a", "b", isInfluential=True)
    graph.add_edge("c", "b", isInfluential=None)
    compute_pagerank(graph)
    render_map(graph, tmp_path / "small.html", MapOptions(show="all"))
    opened = OpenedMap(browser, tmp_path / "small.html")
    try:
        assert opened.js("window.citegraph.path('b', 'a')") == []
        assert opened.js("window.citegraph.path('a', 'b')") == [["a", "b"]]
        assert opened.js("window.citegraph.path('a', 'c', {undirected: true})") == [["a", "b", "c"]]
        opened.js("window.citegraph.showPath('b', 'a', {})")
        text = opened.page.inner_text("#pathResult")
        assert "No chain of citations" in text and "Show the reverse direction" in text and "Ignore direction" in text
    finally:
        opened.close()


def test_copy_ticked_rows_as_bibtex_and_markdown(browser, sample_map):
    opened = OpenedMap(browser, sample_map.output)
    try:
        for row in range(1, 4):
            opened.page.check(f"#unreadList li:nth-child({row}) input.tick")
        opened.page.click("#copyBibtex")
        library = bibtexparser.parse_string(opened.page.input_value("#copyOut"))
        assert len(library.entries) == 3 and not library.failed_blocks
        opened.page.click("#copyMarkdown")
        lines = opened.page.input_value("#copyOut").splitlines()
        assert len(lines) == 3 and all(re.fullmatch(r"- \[.+\]\(https?://\S+\)", line) for line in lines)
    finally:
        opened.close()


def test_copied_bibtex_of_two_rows_with_the_same_key_has_distinct_keys(browser, tmp_path):
    graph = nx.DiGraph()
    graph.add_node("r", title="My reading", year=2024, read=True, authors=["Me"])
    for copy in ("v1", "v2"):  # S2 lists the same paper twice (preprint and proceedings): same key
        graph.add_node(copy, title="Attention Is All You Need", year=2017, read=False, authors=["Ashish Vaswani"])
        graph.add_edge("r", copy, isInfluential=True)
    compute_pagerank(graph)
    render_map(graph, tmp_path / "twins.html")
    opened = OpenedMap(browser, tmp_path / "twins.html")
    try:
        for row in (1, 2):
            opened.page.check(f"#unreadList li:nth-child({row}) input.tick")
        opened.page.click("#copyBibtex")
        library = bibtexparser.parse_string(opened.page.input_value("#copyOut"))
        assert not library.failed_blocks and len({entry.key for entry in library.entries}) == 2
    finally:
        opened.close()


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    'Read the <a href="javascript:alert(3)">href</a>',
    '"; alert(4); //',
    "</script><script>alert(5)</script>",
    "line\u2028separator\u2029<b>x</b>",
]


def test_hostile_titles_run_nothing_and_show_literally(browser, tmp_path):
    graph = nx.DiGraph()
    for i, title in enumerate(HOSTILE):
        graph.add_node(
            f"p{i}",
            title=title,
            read=i == 0,
            year=2020,
            authors=[title],
            venue=title,
            topics=[title],
            citationCount=i,
            externalIds={},
            url="javascript:alert(6)",
            note=title,
        )
    for i in range(1, len(HOSTILE)):
        graph.add_edge("p0", f"p{i}", isInfluential=True, intents=[], contexts=[])
    compute_pagerank(graph)
    page_file = tmp_path / "hostile.html"
    render_map(graph, page_file, MapOptions(show="all"))
    opened = OpenedMap(browser, page_file)
    try:
        # vis-network, the page's data (JSON, never run), the map's script and its packed block (base64 text,
        # never run): nothing injected
        assert opened.js("document.querySelectorAll('script').length") == 4
        assert opened.js("document.querySelectorAll('script[type=\"application/json\"]').length") == 1
        assert opened.js("document.querySelectorAll('script[type=\"text/plain\"]').length") == 1
        position = opened.centre("p1")
        opened.page.mouse.move(position["x"], position["y"])
        opened.page.wait_for_selector("#tip", state="visible", timeout=5000)
        assert HOSTILE[1] in opened.page.inner_text("#tip")
        opened.js("window.citegraph.select('p2')")
        assert HOSTILE[2] in opened.page.inner_text("#card")
        opened.page.fill("#search", "alert")
        assert HOSTILE[4] in opened.page.inner_text("#search + ul.suggest")
        assert HOSTILE[1] in opened.page.inner_text("#unreadList")
        assert HOSTILE[0] in opened.page.inner_text("#legend")
        opened.page.wait_for_timeout(300)
        assert opened.dialogs == [] and opened.console_errors == [] and opened.network_requests == []
        assert opened.js("document.querySelectorAll('img, b, a[href^=javascript]').length") == 0
    finally:
        opened.close()


def test_a_huge_title_makes_a_clamped_tooltip(browser, tmp_path):
    graph = nx.DiGraph()
    graph.add_node("a", title="Long" + "x" * 100_000, read=True, year=2020, externalIds={})
    graph.add_node("b", title="Short", read=False, year=2019, externalIds={})
    graph.add_edge("a", "b", isInfluential=False)
    compute_pagerank(graph)
    render_map(graph, tmp_path / "long.html", MapOptions(show="all"))
    opened = OpenedMap(browser, tmp_path / "long.html")
    try:
        position = opened.centre("a")
        opened.page.mouse.move(position["x"], position["y"])
        opened.page.wait_for_selector("#tip", state="visible", timeout=5000)
        box = opened.page.locator("#tip").bounding_box()
        assert box["width"] <= 440 and box["height"] <= 0.5 * WINDOW["height"]
    finally:
        opened.close()


def test_path_map_from_the_cli_highlights_the_path(browser, sample_map, tmp_path):
    html = tmp_path / "path.html"
    result = sample_map.query(
        "path", "LoRA", "Attention Is All You Need", "--undirected", "--html", html, "--format", "json"
    )
    assert result.exit_code == 0, result.output
    on_path = [p["paperId"] for p in json.loads(result.stdout)["paths"][0]]
    opened = OpenedMap(browser, html)
    try:
        opacity = opened.js("Object.fromEntries(window.citegraph.nodes.get().map(n => [n.id, n.opacity]))")
        assert all(opacity[n] == 1.0 for n in on_path if n in opacity) and set(on_path) <= set(opacity)
        assert all(value == 0.15 for n, value in opacity.items() if n not in on_path)
        assert "a highlighted path" in opened.page.inner_text("#legend")
    finally:
        opened.close()


def test_show_all_draws_every_paper(browser, citegraph):
    assert citegraph.build("--show", "all").exit_code == 0
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
    opened = OpenedMap(browser, citegraph.output)
    try:
        assert len(opened.js("window.citegraph.network.body.nodeIndices")) == graph.number_of_nodes()
        assert opened.js("window.citegraph.page.folded") == 0
        assert opened.console_errors == []
    finally:
        opened.close()


@pytest.mark.parametrize(
    "options",
    [["--color", "community"], ["--color", "year", "--layout", "timeline"], ["--max-nodes", "50", "--show", "all"]],
)
def test_map_variants_load_cleanly(browser, citegraph, options):
    assert citegraph.build(*options).exit_code == 0
    graph = load_graph(citegraph.data_dir / "graph.jsonl")
    opened = OpenedMap(browser, citegraph.output)
    try:
        assert opened.console_errors == [] and opened.network_requests == []
        drawn = opened.js("window.citegraph.network.body.nodeIndices.length")
        legend = opened.page.inner_text("#legend")
        assert f"{drawn:,} of {graph.number_of_nodes():,} papers drawn" in legend
        if "--max-nodes" in options:
            assert drawn == 50
            assert set(opened.js("window.citegraph.network.body.nodeIndices")) >= {
                n for n, r in graph.nodes(data="read") if r
            }, "your papers are always drawn"
        if "community" in options:
            assert "community 1" in legend
        if "timeline" in options:
            positions = opened.js("window.citegraph.network.getPositions()")
            years = {n: graph.nodes[n]["year"] for n in positions}
            oldest, newest = min(years, key=years.get), max(years, key=years.get)
            assert positions[oldest]["x"] < positions[newest]["x"]
    finally:
        opened.close()


def test_queued_papers_are_drawn_apart_from_read_and_unread(browser, tmp_path):
    graph = nx.DiGraph()
    graph.add_node("r", title="Read: a paper", read=True, year=2020, externalIds={})
    graph.add_node("q", title="Queued: a paper", read=False, queued=True, year=2020, externalIds={})
    graph.add_node("u", title="Unread: a paper", read=False, year=2019, externalIds={})
    graph.add_edge("r", "u", isInfluential=True)
    graph.add_edge("q", "u", isInfluential=False)
    compute_pagerank(graph)
    render_map(graph, tmp_path / "queued.html", MapOptions(show="all"))
    opened = OpenedMap(browser, tmp_path / "queued.html")
    try:
        looks = opened.js(
            "Object.fromEntries(['r', 'q', 'u'].map(id => { const o = window.citegraph.network.body.nodes[id].options;"
            " return [id, [o.borderWidth, JSON.stringify(o.shapeProperties.borderDashes), o.opacity]]; }))"
        )
        assert len({tuple(v) for v in looks.values()}) == 3, looks
        assert "reading queue" in opened.page.inner_text("#legend")
    finally:
        opened.close()


def test_card_lists_your_papers_first_marked_with_influence(browser, tmp_path):
    graph = nx.DiGraph()
    for node, year, read in (("A", 2022, True), ("B", 2000, True), ("U1", 2020, False), ("U2", 2010, False)):
        graph.add_node(node, title=f"Paper {node}", read=read, year=year, citationCount=1, externalIds={})
    graph.add_edge("A", "U2", isInfluential=True, intents=[], contexts=[])
    graph.add_edge("A", "U1", isInfluential=False, intents=[], contexts=[])
    graph.add_edge("A", "B", isInfluential=False, intents=[], contexts=[])
    compute_pagerank(graph)
    render_map(graph, tmp_path / "card.html", MapOptions(show="all"))
    opened = OpenedMap(browser, tmp_path / "card.html")
    try:
        opened.js("() => window.citegraph.select('A')")
        items = opened.js("() => [...document.querySelectorAll('#card li')].map(li => li.textContent)")
        assert items == ["✓ Paper B (2000)", "Paper U1 (2020)", "Paper U2 (2010) · influential"]
        assert "✓ in your notes" in opened.page.inner_text("#card")
    finally:
        opened.close()


def test_the_demo_draws_the_same_page_whatever_pythons_hash_seed(tmp_path):
    pages = []
    for seed in ("1", "2"):
        folder = tmp_path / seed
        done = subprocess.run(
            [sys.executable, "-m", "citegraph", "demo", "--data-dir", folder / "data", "-o", folder / "map.html"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        pages.append((folder / "map.html").read_bytes())
    assert pages[0] == pages[1]
