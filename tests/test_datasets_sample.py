"""S2's own Datasets sample shards (tests/fixtures/s2-datasets-sample: 100 real rows of each dataset,
see SOURCES.md there) imported with `citegraph datasets import` and built from with
`build --source datasets:`: every paper's title and ids read back as S2 wrote them."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from citegraph.assemble import load_graph
from citegraph.cli import main

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "s2-datasets-sample"


def sample_rows(dataset: str) -> list[dict]:
    (shard,) = (SAMPLE / dataset).glob("*.jsonl.gz")
    with gzip.open(shard, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    release = folder / "release"
    shutil.copytree(SAMPLE, release)
    runner = CliRunner()
    imported = runner.invoke(main, ["datasets", "import", str(release)], catch_exceptions=False)
    assert imported.exit_code == 0, imported.output
    notes = folder / "notes.md"
    notes.write_text("".join(f"- {row['url']}\n" for row in sample_rows("papers")), encoding="utf-8")
    result = runner.invoke(
        main,
        [
            "build",
            str(notes),
            "--data-dir",
            str(folder / "data"),
            "-o",
            str(folder / "map.html"),
            "--source",
            f"datasets:{release}",
        ],
        env={"S2_API_URL": "http://127.0.0.1:9"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "100 resolved" in result.output and "0 requests to Semantic Scholar" in result.output
    return folder


def test_every_sample_paper_is_read_back_with_its_title_as_s2_wrote_it(built):
    graph = load_graph(built / "data" / "graph.jsonl")
    titles = {row["url"].rsplit("/", 1)[1]: row["title"] for row in sample_rows("papers")}
    assert {paper: graph.nodes[paper]["title"] for paper in titles if paper in graph} == titles


def test_every_sample_paper_keeps_its_ids_as_s2_wrote_them(built):
    graph = load_graph(built / "data" / "graph.jsonl")
    for row in sample_rows("papers"):
        paper = row["url"].rsplit("/", 1)[1]
        written = {kind: str(value) for kind, value in row["externalids"].items() if value is not None}
        assert {k: str(v) for k, v in graph.nodes[paper]["externalIds"].items()} == written, paper
        assert str(row["corpusid"]) == written["CorpusId"]


def test_a_sample_paper_is_found_by_its_corpus_id(built):
    row = sample_rows("papers")[7]
    result = CliRunner().invoke(
        main, ["show", f"CorpusId:{row['corpusid']}", "--format", "json", "--data-dir", str(built / "data")]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == row["title"]
