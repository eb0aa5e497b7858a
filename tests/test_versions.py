"""One paper, one node: a preprint and its published version, two S2 records, are merged; either id
finds the merged paper in every command and in the page; --no-merge-versions keeps them apart."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from citegraph.assemble import load_graph
from citegraph.cli import main
from tests.conftest import SAMPLE_NOTES, OpenedMap, build_on
from tests.standin import Citation, sample_notes_seeds

VERSION_ID = "f" * 40
VERSION_DOI = "10.9999/published.version"


@pytest.fixture(scope="module")
def versions_world(sample_world):
    """The sample world plus the published version of one read paper, cited by another read paper."""
    world = copy.deepcopy(sample_world)
    read = sorted(world.resolve(f"ARXIV:{arxiv}") for arxiv, _ in sample_notes_seeds([SAMPLE_NOTES]))
    preprint, citing = read[0], read[1]
    record = copy.deepcopy(world.papers[preprint])
    record.update(
        paperId=VERSION_ID,
        year=record["year"] + 1,
        externalIds={"DOI": VERSION_DOI},
        title=record["title"].upper() + "\n",
        url=f"https://www.semanticscholar.org/paper/{VERSION_ID}",
    )
    world.add_paper(record, [])
    citation = Citation(VERSION_ID, record["title"], True, [], [])
    world.references[citing].append(citation)
    world.citations[VERSION_ID].append((citing, citation))
    world.papers[citing]["referenceCount"] += 1
    return world, preprint, citing


@pytest.fixture(scope="module")
def merged(versions_world, tmp_path_factory):
    return build_on(versions_world[0], tmp_path_factory.mktemp("merged"))


def run(folder, *args):
    result = CliRunner().invoke(main, [*args, "--data-dir", str(folder / "data")])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_versions_of_one_paper_are_one_node_with_both_citations(merged, versions_world):
    _, preprint, citing = versions_world
    graph = load_graph(merged / "data" / "graph.jsonl")
    assert VERSION_ID not in graph and graph.has_edge(citing, preprint)
    assert graph.nodes[preprint]["alsoS2"] == [VERSION_ID]


def test_coverage_lists_the_merged_versions(merged, versions_world):
    report = json.loads((merged / "data" / "coverage.json").read_text())
    assert [(v["paperId"], v["also"]) for v in report["versions"]] == [(versions_world[1], [VERSION_ID])]
    assert report["totals"]["versions_merged"] == 1


@pytest.mark.parametrize("name", [VERSION_ID, f"DOI:{VERSION_DOI}", f"https://doi.org/{VERSION_DOI}"])
def test_every_id_of_either_version_finds_the_merged_paper(merged, versions_world, name):
    card = json.loads(run(merged, "show", name, "--format", "json"))
    assert card["paperId"] == versions_world[1]
    assert f"also S2 record {VERSION_ID}" in run(merged, "show", name)


def test_the_page_finds_the_merged_paper_by_the_other_versions_id(browser, merged, versions_world):
    opened = OpenedMap(browser, merged / "map.html")
    try:
        assert opened.js("id => window.citegraph.select(id)", VERSION_ID) == versions_world[1]
    finally:
        opened.close()


def test_no_merge_versions_keeps_both_records(versions_world, tmp_path):
    folder = build_on(versions_world[0], tmp_path, "--no-merge-versions")
    graph = load_graph(folder / "data" / "graph.jsonl")
    assert VERSION_ID in graph and versions_world[1] in graph
    assert json.loads((folder / "data" / "coverage.json").read_text())["versions"] == []
