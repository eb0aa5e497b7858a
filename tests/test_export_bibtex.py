"""BibTeX output: every entry parses back with bibtexparser, has a standard type and a unique key."""

import json
from pathlib import Path

import bibtexparser
import networkx as nx
import pytest
from click.testing import CliRunner

from citegraph.assemble import graph_path, graph_stamp, node_attributes, save_graph
from citegraph.cli import main
from citegraph.export.bibtex import STANDARD_ENTRY_TYPES, bibtex

RECORDED = Path(__file__).parent / "fixtures" / "recorded"
# Both served by the real S2 (s2-folks #89, #104; /work/shared/reference/s2-observed-behaviour.md).
S2_NONE = (
    "@None{Duflo2023ImprovingTA,\n author = {E. Duflo},\n title = {Improving Third-Party Audits},\n year = {2023}\n}\n"
)
S2_LIST = "@['JournalArticle', 'Conference']{Smith2020Deep,\n title = {Deep Things},\n year = {2020}\n}\n"


def parsed(text: str):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [], [b.error for b in library.failed_blocks]
    assert {e.entry_type for e in library.entries} <= STANDARD_ENTRY_TYPES
    keys = [e.key for e in library.entries]
    assert len(keys) == len(set(keys)), "keys are unique"
    assert all(key.isascii() and " " not in key for key in keys)
    return library


def record(paper_id, title, **fields):
    return {"paperId": paper_id, "title": title, "year": 2020, "authors": [{"name": "Ann Smith"}], **fields}


def graph_of(*records):
    graph = nx.DiGraph()
    for paper in records:
        graph.add_node(paper["paperId"], **node_attributes(paper))
    return graph


def test_s2_entries_with_broken_types_are_generated_instead():
    graph = graph_of(
        record(
            "a",
            "Improving Third-Party Audits",
            publicationTypes=["Conference"],
            venue="FAccT",
            citationStyles={"bibtex": S2_NONE},
        ),
        record(
            "b",
            "Deep Things",
            publicationTypes=["JournalArticle", "Conference"],
            venue="Nature",
            journal={"name": "Nature"},
            citationStyles={"bibtex": S2_LIST},
        ),
    )
    entries = {e.key: e for e in parsed(bibtex(graph, ["a", "b"])).entries}
    audits, deep = entries["Smith2020Improving"], entries["Smith2020Deep"]
    assert audits.entry_type == "inproceedings" and audits["booktitle"] == "FAccT"
    assert deep.entry_type == "inproceedings", "a conference paper S2 also calls a journal article"


def test_generated_entry_types_follow_the_metadata():
    graph = graph_of(
        record("c", "Conference Work", publicationTypes=["Conference"], venue="NeurIPS"),
        record(
            "j",
            "Journal Work",
            publicationTypes=["JournalArticle"],
            venue="Nat. Phys.",
            journal={"name": "Nature Physics"},
        ),
        record(
            "p",
            "Preprint Work",
            publicationTypes=None,
            venue="arXiv.org",
            journal={"name": "ArXiv"},
            externalIds={"ArXiv": "2401.00001", "DOI": "10.48550/arXiv.2401.00001"},
        ),
        record("m", "Misc Work", journal=None, publicationVenue=None, externalIds=None),
    )
    entries = {e.key: e for e in parsed(bibtex(graph, ["c", "j", "p", "m"])).entries}
    assert (entries["Smith2020Conference"].entry_type, entries["Smith2020Conference"]["booktitle"]) == (
        "inproceedings",
        "NeurIPS",
    )
    assert (entries["Smith2020Journal"].entry_type, entries["Smith2020Journal"]["journal"]) == (
        "article",
        "Nature Physics",
    )
    preprint = entries["Smith2020Preprint"]
    assert (preprint.entry_type, preprint["eprint"], preprint["archivePrefix"]) == ("misc", "2401.00001", "arXiv")
    assert "journal" not in preprint.fields_dict
    assert entries["Smith2020Misc"].entry_type == "misc"


def test_latex_specials_are_escaped_and_keys_deduplicated():
    graph = graph_of(
        record("x", "Deep Q&A for 100% of $x_1$ #1 {unbalanced"),
        record("y", "Deep again"),
        record("z", "The deep third"),
    )
    library = parsed(bibtex(graph, ["x", "y", "z"]))
    assert library.entries[0]["title"] == r"Deep Q\&A for 100\% of \$x\_1\$ \#1 \textbraceleft{}unbalanced"
    assert [e.key for e in library.entries] == ["Smith2020Deep", "Smith2020Deepa", "Smith2020Deepb"]


def test_s2_entry_is_kept_when_valid_with_our_key():
    graph = graph_of(
        record(
            "t",
            "Computing Machinery and Intelligence",
            authors=[{"name": "A. Turing"}],
            year=1950,
            citationStyles={
                "bibtex": "@Article{Turing1950ComputingMA,\n author = {A. Turing},\n "
                "journal = {Mind},\n title = {Computing Machinery and Intelligence},\n"
                " volume = {LIX},\n year = {1950}\n}\n"
            },
        )
    )
    entry = parsed(bibtex(graph, ["t"])).entries[0]
    assert (entry.key, entry.entry_type, entry["volume"], entry["journal"]) == (
        "Turing1950Computing",
        "article",
        "LIX",
        "Mind",
    )


THIN_S2_ARTICLE = "@Article{World2766,\n title = {LoRA: Low-Rank Adaptation},\n year = {2021}\n}\n"


def test_s2_article_without_a_journal_takes_the_venue_from_the_metadata():
    graph = graph_of(record("l", "LoRA: Low-Rank Adaptation", venue="ICML", citationStyles={"bibtex": THIN_S2_ARTICLE}))
    entry = parsed(bibtex(graph, ["l"])).entries[0]
    assert (entry.entry_type, entry["journal"]) == ("article", "ICML")


def test_s2_article_with_no_venue_anywhere_is_generated_instead():
    graph = graph_of(
        record(
            "l",
            "LoRA: Low-Rank Adaptation",
            externalIds={"ArXiv": "2106.09685"},
            citationStyles={"bibtex": THIN_S2_ARTICLE},
        )
    )
    entry = parsed(bibtex(graph, ["l"])).entries[0]
    assert (entry.entry_type, entry["eprint"]) == ("misc", "2106.09685")


def recorded_papers():
    for path in sorted(RECORDED.glob("*.json")):
        body = json.loads(path.read_text())
        for paper in body.get("data", []) if isinstance(body, dict) else body:
            if paper and paper.get("paperId"):
                yield paper


def test_recorded_s2_papers_give_valid_bibtex():
    papers = list(recorded_papers())
    assert len(papers) >= 5 and any((p.get("citationStyles") or {}).get("bibtex") for p in papers)
    text = bibtex(graph_of(*papers), [p["paperId"] for p in papers])
    assert len(parsed(text).entries) == len(papers)


@pytest.fixture
def broken_bibtex_graph(tmp_path):
    graph = graph_of(
        record("a", "Improving Third-Party Audits", citationStyles={"bibtex": S2_NONE}),
        record("b", "Deep Things", citationStyles={"bibtex": S2_LIST}),
    )
    graph.nodes["a"]["read"] = True
    graph.add_edge("a", "b", isInfluential=True, origin="references")
    save_graph(graph, graph_path(tmp_path / "data"), graph_stamp(1, "bib"))
    return tmp_path / "data"


def test_show_unread_and_export_bibtex_parse_back(broken_bibtex_graph, tmp_path):
    runner = CliRunner()
    show = runner.invoke(
        main, ["show", "Improving Third-Party Audits", "--format", "bibtex", "--data-dir", broken_bibtex_graph]
    )
    assert show.exit_code == 0 and "@None" not in show.stdout and len(parsed(show.stdout).entries) == 1
    unread = runner.invoke(main, ["unread", "--format", "bibtex", "--data-dir", broken_bibtex_graph])
    assert [e["title"] for e in parsed(unread.stdout).entries] == ["Deep Things"]
    for papers, titles in (("all", 2), ("read", 1), ("unread", 1)):
        out = tmp_path / f"{papers}.bib"
        result = runner.invoke(
            main, ["export", "--format", "bibtex", "--papers", papers, "-o", out, "--data-dir", broken_bibtex_graph]
        )
        assert result.exit_code == 0 and len(parsed(out.read_text()).entries) == titles


def test_sample_graph_bibtex_through_the_standin(citegraph, tmp_path):
    assert citegraph.build().exit_code == 0
    assert len(parsed(citegraph.query("unread", "--top", "50", "--format", "bibtex").stdout).entries) == 50
    assert citegraph.query("export", "--format", "bibtex", "-o", tmp_path / "all.bib").exit_code == 0
    library = parsed((tmp_path / "all.bib").read_text())
    assert len(library.entries) == int(
        citegraph.query("stats", "--format", "json").stdout.split('"papers": ')[1].split(",")[0]
    )


def test_s2_entry_raw_ampersand_is_escaped_and_its_markup_kept():
    s2 = (
        "@Article{Brynjolfsson2022TheTT,\n author = {Erik Brynjolfsson},\n journal = {Daedalus},\n"
        " title = {The Turing Trap: The Promise & Peril of {AI}},\n year = {2022}\n}\n"
    )
    graph = graph_of(record("t", "The Turing Trap", citationStyles={"bibtex": s2}))
    entry = parsed(bibtex(graph, ["t"])).entries[0]
    assert entry["title"] == r"The Turing Trap: The Promise \& Peril of {AI}"
