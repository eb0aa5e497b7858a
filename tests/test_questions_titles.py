"""Titles match without regard to accents, in the notes, in S2's title matches and in `show`."""

import json

from click.testing import CliRunner

from citegraph.assemble import compute_pagerank, graph_path, graph_stamp, save_graph
from citegraph.cli import main
from citegraph.demo.examples import example_graph
from citegraph.fetch import titles_agree
from citegraph.notes.reader import read_notes


def test_show_finds_an_accented_title_by_its_unaccented_spelling(tmp_path):
    graph = example_graph()
    graph.add_node("S", title="Schrödinger Bridges: Diffusion Between Distributions", year=2021, read=True)
    compute_pagerank(graph)
    save_graph(graph, graph_path(tmp_path / "data"), graph_stamp(1, "titles"))
    for query in ("Schrodinger Bridges", "schrodinger bridges diffusion between distributions"):
        result = CliRunner().invoke(main, ["show", query, "--format", "json", "--data-dir", str(tmp_path / "data")])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["paperId"] == "S"


def test_accented_and_unaccented_title_only_mentions_are_one_paper(tmp_path):
    (tmp_path / "a.bib").write_text("@article{s,\n  title={Schrödinger Bridges: Diffusion Between Distributions}\n}\n")
    (tmp_path / "b.bib").write_text("@article{s,\n  title={Schrodinger bridges: diffusion between distributions}\n}\n")
    papers = read_notes([tmp_path]).papers
    assert len(papers) == 1 and len(papers[0].sources) == 2


def test_s2_title_match_agrees_across_accents():
    assert titles_agree("Schrodinger Bridges", "Schrödinger Bridges: Diffusion Between Distributions")
