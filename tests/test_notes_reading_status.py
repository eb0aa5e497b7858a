"""Queued papers in the graph: fetched like read ones, marked queued (not read), listed first by `unread`."""

import json

import networkx as nx
from click.testing import CliRunner

from citegraph.assemble import compute_pagerank, graph_path, graph_stamp, load_graph, save_graph
from citegraph.cli import main
from tests.conftest import SAMPLE_NOTES


def add_paper(graph, node, title, read=False, queued=False, citations=0):
    graph.add_node(
        node,
        paperId=node,
        title=title,
        year=2020,
        read=read,
        queued=queued,
        citationCount=citations,
        authors=[],
        venue="",
        externalIds={},
        url=f"https://www.semanticscholar.org/paper/{node}",
        topics=[],
        sources=[],
        note=None,
        bibtex=None,
        influentialCitationCount=0,
    )


def saved_graph(tmp_path):
    """A and B read, Q queued. Both read papers cite X (influentially); A cites Q; Q cites R."""
    graph = nx.DiGraph()
    add_paper(graph, "A", "Alpha read", read=True)
    add_paper(graph, "B", "Beta read", read=True)
    add_paper(graph, "Q", "Queued paper", queued=True)
    add_paper(graph, "X", "Popular reference", citations=900)
    add_paper(graph, "R", "Reference of the queued paper")
    for citing, cited, influential in (("A", "X", True), ("B", "X", True), ("A", "Q", False), ("Q", "R", True)):
        graph.add_edge(citing, cited, isInfluential=influential, origin="references")
    compute_pagerank(graph)
    data_dir = tmp_path / "data"
    save_graph(graph, graph_path(data_dir), graph_stamp(1, "status"))
    return data_dir


def stdout_of(data_dir, *args):
    result = CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_unread_lists_queued_papers_first_and_counts_their_references(tmp_path):
    data_dir = saved_graph(tmp_path)
    rows = json.loads(stdout_of(data_dir, "unread", "--format", "json"))
    assert [(r["paperId"], r["queued"]) for r in rows[:1]] == [("Q", True)], (
        "in your queue: first, though X scores higher"
    )
    scores = {r["paperId"]: r["score"] for r in rows}
    assert scores["X"] > scores["Q"]
    assert {r["paperId"] for r in rows} == {"Q", "X", "R"}, "a queued paper's references count"
    assert "in your queue" in stdout_of(data_dir, "unread")


def test_stats_count_read_queued_and_unread(tmp_path):
    figures = json.loads(stdout_of(saved_graph(tmp_path), "stats", "--format", "json"))
    assert (figures["read"], figures["queued"], figures["unread"]) == (2, 1, 2)


def test_build_marks_queued_papers_queued_not_read(citegraph, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "read.md").write_text((SAMPLE_NOTES / "nlp-notes.md").read_text())
    (notes / "queue.md").write_text(
        "## Reading list\n- https://arxiv.org/abs/1706.03762 Attention\n"
        "- [x] https://arxiv.org/abs/2307.09288 Llama 2, done after all\n"
    )
    result = citegraph.build(notes=notes)
    assert result.exit_code == 0, result.output
    graph = load_graph(graph_path(citegraph.data_dir))
    [attention] = [data for _, data in graph.nodes(data=True) if data.get("queued")]
    assert attention["read"] is False and attention["externalIds"].get("ArXiv") == "1706.03762"
    llama = [d for _, d in graph.nodes(data=True) if (d.get("externalIds") or {}).get("ArXiv") == "2307.09288"]
    assert llama[0]["read"] is True and llama[0]["queued"] is False, "ticked [x] under a queue heading: read"
    assert graph.out_degree(attention["paperId"]) > 0, "a queued paper's references are fetched"
    figures = json.loads(citegraph.query("stats", "--format", "json").stdout)
    assert figures["queued"] == 1


def test_map_draws_a_queued_paper_as_yours(tmp_path):
    from citegraph.map.render import render_map

    graph = nx.DiGraph()
    add_paper(graph, "A", "Alpha read", read=True)
    add_paper(graph, "Q", "Queued paper", queued=True)
    add_paper(graph, "Z", "Reference of the queued paper")
    graph.add_edge("Q", "Z", isInfluential=True, origin="references")
    compute_pagerank(graph)
    drawn = render_map(graph, tmp_path / "map.html")
    assert drawn["drawn"] == 3, drawn["summary"]
    assert "not cited by your papers" not in drawn["summary"]


def test_export_selects_papers_by_reading_status(tmp_path):
    data_dir = saved_graph(tmp_path)
    selected = {}
    for papers in ("read", "queued", "unread"):
        stdout_of(data_dir, "export", "--format", "json", "--papers", papers, "-o", str(tmp_path / f"{papers}.json"))
        selected[papers] = {n["id"] for n in json.loads((tmp_path / f"{papers}.json").read_text())["nodes"]}
    assert selected == {"read": {"A", "B"}, "queued": {"Q"}, "unread": {"X", "R"}}


def test_citing_counts_queued_papers_as_yours_and_never_lists_them(tmp_path):
    """As `unread` and the map: your papers are read or queued. C cites A (read) and Q (queued): two
    of yours; Q itself cites A but is in your notes, so it is not a citing paper of yours."""
    graph = nx.DiGraph(citations=True)
    add_paper(graph, "A", "Alpha read", read=True)
    add_paper(graph, "Q", "Queued paper", queued=True)
    add_paper(graph, "C", "Citing paper")
    for citing, cited in (("C", "A"), ("C", "Q"), ("Q", "A")):
        graph.add_edge(citing, cited, isInfluential=False, origin="citations")
    compute_pagerank(graph)
    save_graph(graph, graph_path(tmp_path / "data"), graph_stamp(1, "citing"))
    rows = json.loads(stdout_of(tmp_path / "data", "citing", "--min-cites", "1", "--format", "json"))
    assert [(r["paperId"], r["cites_read_count"], r["cites"]) for r in rows] == [
        ("C", 2, ["Alpha read", "Queued paper"])
    ]
