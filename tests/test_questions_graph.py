"""Queries on a small hand-made graph with hand-computed answers, and on the sample notes via the stand-in."""

import json
import math
import re

import networkx as nx
import pytest

from citegraph.assemble import compute_pagerank, graph_path, graph_stamp, save_graph
from citegraph.questions import unread
from tests.conftest import query


def paper(graph, node, title, read=False, year=2020, citations=0, bibtex=None):
    graph.add_node(
        node,
        paperId=node,
        title=title,
        year=year,
        read=read,
        citationCount=citations,
        authors=["Ada Lovelace"],
        venue="Test Venue",
        externalIds={"ArXiv": f"2001.0000{len(graph)}"} if read else {"DOI": f"10.1/{node}"},
        url=f"https://www.semanticscholar.org/paper/{node}",
        topics=["T"] if read else [],
        sources=[],
        note=None,
        bibtex=bibtex,
        influentialCitationCount=0,
    )


def cite(graph, citing, cited, influential, intents=(), context=None, origin="references"):
    graph.add_edge(
        citing,
        cited,
        isInfluential=influential,
        intents=list(intents),
        contexts=[context] if context else [],
        origin=origin,
    )


@pytest.fixture
def hand_graph(tmp_path):
    g = nx.DiGraph(citations=True)  # as `build --citations` assembles it
    paper(g, "A", "Alpha paper", read=True, year=2021)
    paper(g, "B", "Beta paper", read=True, year=2019)
    paper(g, "C", "Gamma paper", read=True, year=2018)
    paper(
        g,
        "X",
        "Layer Normalization",
        citations=900,
        year=2016,
        bibtex="@article{ba2016,\n title={Layer Normalization}\n}",
    )
    paper(g, "Y", "Root Mean Square Layer Normalization", citations=50, year=2019)
    paper(g, "Z", "Zeta study", citations=10, year=2010)
    paper(g, "Z2", "Zeta two study", citations=500, year=2011)
    paper(g, "W", "Omega classic", citations=5000, year=1990)
    paper(g, "Q", "A citing survey", year=2023)
    cite(g, "A", "X", True)
    cite(g, "B", "X", False)
    cite(g, "C", "X", None, origin="batch")
    cite(g, "A", "Y", True)
    cite(g, "B", "Y", True)
    cite(g, "C", "Z", False)
    cite(g, "C", "Z2", False)
    cite(g, "X", "W", None, origin="batch")
    cite(g, "Y", "W", None, origin="batch")
    cite(g, "A", "B", True, ["methodology"], "we build directly on Beta")
    cite(g, "Q", "A", False, origin="citations")
    cite(g, "Q", "B", False, origin="citations")
    compute_pagerank(g)
    data_dir = tmp_path / "data"
    save_graph(g, graph_path(data_dir), graph_stamp(1, "hand"))
    return g, data_dir


def test_unread_ranking_signals_and_ties(hand_graph):
    graph, data_dir = hand_graph
    rows = json.loads(query(data_dir, "unread", "--format", "json").stdout)
    assert [r["paperId"] for r in rows] == ["X", "Y", "Z2", "Z"], "Z2 and Z tie on every signal: citationCount decides"
    x, y = rows[0], rows[1]
    assert (x["cited_by_count"], x["influential_count"], x["score"]) == (3, 1, 5.0)
    pr = nx.pagerank(graph)
    assert y["score"] == pytest.approx(2 + 2 + pr["Y"] / pr["X"], abs=1e-4)
    assert sorted(x["cited_by"]) == ["Alpha paper", "Beta paper", "Gamma paper"]
    assert set(x) == {
        "paperId",
        "title",
        "year",
        "score",
        "queued",
        "cited_by_count",
        "influential_count",
        "pagerank",
        "citationCount",
        "cited_by",
        "url",
        "notice",
    }
    assert [
        r["paperId"] for r in json.loads(query(data_dir, "unread", "--min-cited-by", "2", "--format", "json").stdout)
    ] == ["X", "Y"]
    assert [
        r["paperId"] for r in json.loads(query(data_dir, "unread", "--since", "2011", "--format", "json").stdout)
    ] == ["X", "Y", "Z2"]
    assert "W" not in unread(graph, top=None)["paperId"].tolist(), "cited only by unread papers: not a candidate"


def test_unread_formats(hand_graph):
    _, data_dir = hand_graph
    bib = query(data_dir, "unread", "--top", "2", "--format", "bibtex").stdout
    assert "@article{Lovelace2016Layer," in bib and "title = {Root Mean Square Layer Normalization}" in bib
    csv = query(data_dir, "unread", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("paperId,title,year,score") and len(csv) == 5
    md = query(data_dir, "unread", "--format", "md").stdout.splitlines()
    assert md[0].startswith("| paperId | title |") and len(md) == 6
    assert "Layer Normalization" in query(data_dir, "unread").stdout
    assert (
        "score = cited_by_count + influential_count + pagerank / max_pagerank"
        in query(data_dir, "unread", "--help").stdout
    )


def test_paths_forward_reverse_undirected_and_all(hand_graph):
    _, data_dir = hand_graph
    forward = json.loads(query(data_dir, "path", "Alpha paper", "Omega classic", "--all", "--format", "json").stdout)
    assert forward["directed"] is True and forward["length"] == 2
    assert sorted([p["paperId"] for p in path] for path in forward["paths"]) == [["A", "X", "W"], ["A", "Y", "W"]]
    reverse = query(data_dir, "path", "Omega classic", "Alpha paper")
    assert reverse.exit_code == 0
    assert "No chain from Omega classic (1990) to Alpha paper (2021); found one from Alpha paper" in reverse.stdout
    hop = query(data_dir, "path", "Alpha", "Beta")
    assert "cites (influential; methodology)" in hop.stdout and "we build directly on Beta" in hop.stdout
    unknown = query(data_dir, "path", "Gamma", "Layer Normalization")
    assert "influence unknown" in unknown.stdout
    none = query(data_dir, "path", "Zeta study", "Omega classic")
    assert none.exit_code == 1 and "--undirected" in none.stderr
    undirected = json.loads(
        query(data_dir, "path", "Zeta study", "Omega classic", "--undirected", "--format", "json").stdout
    )
    assert undirected["directed"] is False and [p["paperId"] for p in undirected["paths"][0]] == ["Z", "C", "X", "W"]


def test_paper_names_ids_titles_and_ambiguity(hand_graph):
    _, data_dir = hand_graph
    assert json.loads(query(data_dir, "show", "Layer Normalization", "--format", "json").stdout)["paperId"] == "X"
    assert json.loads(query(data_dir, "show", "root mean square", "--format", "json").stdout)["paperId"] == "Y"
    assert json.loads(query(data_dir, "show", "https://doi.org/10.1/Z2", "--format", "json").stdout)["paperId"] == "Z2"
    ambiguous = query(data_dir, "show", "normalization")
    assert ambiguous.exit_code == 2 and "matches 2 papers" in ambiguous.stderr
    assert "Root Mean Square Layer Normalization" in ambiguous.stderr
    missing = query(data_dir, "show", "quantum gravity")
    assert missing.exit_code == 2 and "no paper in the graph matches" in missing.stderr


def test_similar_citing_show_stats(hand_graph):
    _, data_dir = hand_graph
    rows = json.loads(query(data_dir, "similar", "Layer Normalization", "--format", "json").stdout)
    by_id = {r["paperId"]: r for r in rows}
    assert rows[0]["paperId"] == "Y"
    assert by_id["Y"]["cocitation"] == pytest.approx(2 / math.sqrt(3 * 2), abs=1e-4)
    assert by_id["Y"]["coupling"] == pytest.approx(1.0)
    assert by_id["Z"]["cocitation"] == pytest.approx(1 / math.sqrt(3), abs=1e-4)
    assert "A" not in by_id and "B" not in by_id, "read papers are not suggested"
    assert set(by_id["Y"]["shared"]) == {"Alpha paper", "Beta paper", "Omega classic"}
    citing = json.loads(query(data_dir, "citing", "--format", "json").stdout)
    assert [(r["paperId"], r["cites_read_count"]) for r in citing] == [("Q", 2)]
    card = json.loads(query(data_dir, "show", "Alpha paper", "--format", "json").stdout)
    assert {r["paperId"] for r in card["references"]} == {"X", "Y", "B"} and [
        c["paperId"] for c in card["cited_by"]
    ] == ["Q"]
    figures = json.loads(query(data_dir, "stats", "--format", "json").stdout)
    assert (figures["papers"], figures["read"], figures["citations"]) == (9, 3, 12)
    assert (figures["influential"], figures["influence_unknown"]) == (4, 3)


def test_exports_open_in_graph_tools(hand_graph, tmp_path):
    graph, data_dir = hand_graph
    for fmt, name in (("graphml", "g.graphml"), ("gexf", "g.gexf")):
        result = query(data_dir, "export", "--format", fmt, "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        back = nx.read_graphml(tmp_path / name) if fmt == "graphml" else nx.read_gexf(tmp_path / name)
        assert back.number_of_nodes() == 9 and back.number_of_edges() == 12
        assert back.edges["C", "X"]["isInfluential"] == "unknown"
    query(data_dir, "export", "--format", "json", "-o", str(tmp_path / "g.json"))
    assert len(json.loads((tmp_path / "g.json").read_text())["links"]) == 12
    written = query(data_dir, "export", "--format", "csv", "-o", str(tmp_path / "g.csv")).stderr
    assert "g.nodes.csv" in written and "g.edges.csv" in written
    assert len((tmp_path / "g.edges.csv").read_text().splitlines()) == 13


def test_no_graph_yet_is_one_line(tmp_path):
    result = query(tmp_path / "nothing", "unread")
    assert result.exit_code == 1 and "run `citegraph build NOTES` first" in result.stderr


def test_sample_notes_queries_through_the_standin(citegraph):
    assert citegraph.build().exit_code == 0
    rows = json.loads(citegraph.query("unread", "--top", "5", "--format", "json").stdout)
    assert len(rows) == 5 and rows[0]["score"] >= rows[-1]["score"] and rows[0]["cited_by"]
    found = json.loads(
        citegraph.query("path", "LoRA", "Attention Is All You Need", "--undirected", "--format", "json").stdout
    )
    assert found["from"]["title"].startswith("LoRA") and found["to"]["title"] == "Attention Is All You Need"
    figures = json.loads(citegraph.query("stats", "--format", "json").stdout)
    assert figures["read"] == 35 and figures["coverage"]["ok"] == 35


def test_unwritable_output_is_one_line(hand_graph, tmp_path):
    _, data_dir = hand_graph
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = query(data_dir, "export", "--format", "json", "-o", str(blocker / "graph.json"))
    assert result.exit_code == 1 and str(blocker) in result.stderr and "Traceback" not in result.output


def test_citing_papers_that_tie_are_listed_by_paper_id(tmp_path):
    g = nx.DiGraph(citations=True)
    paper(g, "A", "Alpha paper", read=True)
    paper(g, "B", "Beta paper", read=True)
    for citer in ("c3", "c1", "c2"):  # stored in no particular order, equal in every ranked column
        paper(g, citer, f"Citer {citer}", citations=7)
        cite(g, citer, "A", False, origin="citations")
        cite(g, citer, "B", False, origin="citations")
    compute_pagerank(g)
    save_graph(g, graph_path(tmp_path / "data"), graph_stamp(1, "ties"))
    rows = json.loads(query(tmp_path / "data", "citing", "--format", "json").stdout)
    assert [r["paperId"] for r in rows] == ["c1", "c2", "c3"]


def test_unread_markdown_links_papers_as_the_map_copies_them(hand_graph):
    graph, data_dir = hand_graph
    from citegraph.map.pagedata import markdown_line
    from citegraph.questions import paper_link, unread_papers

    table = query(data_dir, "unread", "--format", "md").stdout
    # the lines the map's "copy as markdown" copies (the page makes them as markdown_line does: tests/test_map_twins.py)
    copied = [
        (row.paperId, markdown_line(row.title, paper_link(graph.nodes[row.paperId]))) for row in unread_papers(graph)
    ]
    assert copied
    for paper, line in copied:
        link = re.search(r"\]\((\S+)\)$", line).group(1)
        assert any(paper in table_line and link in table_line for table_line in table.splitlines()), paper
