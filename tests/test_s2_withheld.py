"""References a publisher withholds: S2 answers /references with data null and a notice; a build
asks once, goes on, and says so everywhere (summary, coverage.json, stats, show, MCP, the map)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import anyio
import pytest
from click.testing import CliRunner
from mcp import Client

from citegraph.cli import main
from citegraph.mcp import create_server
from citegraph.store import Store
from citegraph.store.schema import FetchKind, FetchStatus
from tests.standin import Faults, StandinS2, generate_library
from tests.standin.server import withhold_references

READ = 40


@pytest.fixture(scope="module")
def withheld_build(tmp_path_factory):
    """A 40-paper library, a fifth of whose papers' references the publisher withholds, built once."""
    folder = tmp_path_factory.mktemp("withheld")
    library = generate_library(n_read=READ, n_topics=4, seed=3)
    yours = [library.world.by_external[f"arxiv:{arxiv}"] for arxiv in library.topic_of]
    withheld = withhold_references(library.world, yours, 0.2)
    notes = folder / "reading.md"
    notes.write_text(library.notes(), encoding="utf-8")
    service = StandinS2(library.world, Faults()).start()
    try:
        args = [
            "build",
            str(notes),
            "--data-dir",
            str(folder / "data"),
            "-o",
            str(folder / "map.html"),
            "--rps",
            "1000",
        ]
        first = CliRunner().invoke(main, args, env={"S2_API_URL": service.url}, catch_exceptions=False)
        asked = [r["path"] for r in service.log.requests if r["path"].endswith("/references")]
        service.reset()
        again = CliRunner().invoke(main, args, env={"S2_API_URL": service.url}, catch_exceptions=False)
        asked_again = [r["path"] for r in service.log.requests if r["path"].endswith("/references")]
    finally:
        service.stop()
    return {
        "folder": folder,
        "data": folder / "data",
        "withheld": withheld,
        "library": library,
        "first": first,
        "asked": asked,
        "again": again,
        "asked_again": asked_again,
    }


def run(data_dir: Path, *args):
    result = CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_a_library_with_withheld_references_builds_completely(withheld_build):
    assert len(withheld_build["withheld"]) == READ // 5
    assert withheld_build["first"].exit_code == 0, withheld_build["first"].output
    assert "references withheld by the publisher: 8 of your 40 papers" in withheld_build["first"].output


def test_withheld_references_are_asked_once_and_never_again(withheld_build):
    for paper in withheld_build["withheld"]:
        assert sum(paper in path for path in withheld_build["asked"]) == 1
        assert not any(paper in path for path in withheld_build["asked_again"])
    assert withheld_build["again"].exit_code == 0


def test_coverage_lists_withheld_papers_with_s2s_count_neither_failed_nor_pending(withheld_build):
    report = json.loads((withheld_build["data"] / "coverage.json").read_text())
    assert report["totals"]["references_withheld"] == 8
    assert report["totals"]["failed"] == 0 and report["totals"]["flags_pending"] == 0
    rows = [e for e in report["entries"] if e["references_withheld"]]
    assert sorted(e["paperId"] for e in rows) == sorted(withheld_build["withheld"])
    papers = withheld_build["library"].world.papers
    for row in rows:
        count = papers[row["paperId"]]["referenceCount"]
        assert row["status"] == "ok" and row["references"] == 0 and row["reference_count"] == count
        assert row["reason"] == f"references withheld by the publisher (S2 counts {count})"


def test_stats_counts_withheld_papers(withheld_build):
    result = run(withheld_build["data"], "stats", "--format", "json")
    figures = json.loads(result.stdout)
    assert figures["references_withheld"] == 8 and figures["coverage"]["references_withheld"] == 8


def test_show_says_the_references_are_withheld_with_s2s_count(withheld_build):
    paper = withheld_build["withheld"][0]
    count = withheld_build["library"].world.papers[paper]["referenceCount"]
    result = run(withheld_build["data"], "show", paper)
    assert f"references withheld by the publisher (S2 counts {count})" in result.stdout


def test_the_mcp_coverage_tool_names_withheld_papers(withheld_build):
    async def call():
        async with Client(create_server(withheld_build["data"])) as client:
            return await client.call_tool("coverage", {})

    result = anyio.run(call)
    assert "references withheld by the publisher: 8 of your papers" in result.content[0].text
    assert result.structured_content["totals"]["references_withheld"] == 8


def test_the_map_card_and_legend_say_the_references_are_withheld(withheld_build):
    page = (withheld_build["folder"] / "map.html").read_text()
    assert "references withheld by the publisher: 8 of your 40 papers" in page
    paper = withheld_build["withheld"][0]
    count = withheld_build["library"].world.papers[paper]["referenceCount"]
    # the page data names papers by number: the paper's row in "papers", its drawn row in "nodes" (details last)
    data = json.loads(re.search(r'id="citegraph-data">(.*?)</script>', page, re.S).group(1))["page"]
    number = [row[0] for row in data["papers"]].index(paper)
    details = next(row[-1] for row in data["nodes"] if row[0] == number)
    assert details["withheld"] == f"references withheld by the publisher (S2 counts {count})"


def test_a_null_list_without_a_notice_fails_that_paper_only_and_is_asked_once(tmp_path, standin, sample_notes):
    standin.replay(r"GET .*/references", 200, json.dumps({"offset": 0, "data": None}))
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(sample_notes),
            "--data-dir",
            str(tmp_path / "data"),
            "-o",
            str(tmp_path / "map.html"),
            "--rps",
            "500",
            "--max-wait",
            "60",
        ],
        env={"S2_API_URL": standin.url},
        catch_exceptions=False,
    )
    report = json.loads((tmp_path / "data" / "coverage.json").read_text())
    failed = [e for e in report["entries"] if e["status"] == "failed"]
    assert len(failed) == 1 and "data null" in failed[0]["reason"]
    assert report["totals"]["ok"] + report["totals"]["title_matched"] == report["totals"]["entries"] - 1 - (
        report["totals"]["skipped"] + report["totals"]["not_found"] + report["totals"]["uncertain_match"]
    )
    paper = failed[0]["paperId"]
    assert sum(paper in r["path"] for r in standin.log.requests if r["path"].endswith("/references")) == 1
    assert result.output.count("data null") == 2  # the notice while fetching, the summary's failed line


def test_a_store_from_before_withheld_references_is_upgraded(tmp_path):
    path = tmp_path / "citegraph.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.executescript(
        "ALTER TABLE fetch_log RENAME TO x; CREATE TABLE fetch_log (subject TEXT NOT NULL, what TEXT "
        "NOT NULL, status TEXT NOT NULL CHECK (status IN ('ok', 'not_found', 'failed', 'partial')), "
        "reason TEXT, items INTEGER, fetched_at REAL NOT NULL, PRIMARY KEY (subject, what)); DROP TABLE x;"
        "INSERT INTO fetch_log VALUES ('p', 'references', 'ok', NULL, 3, 0); PRAGMA user_version=1;"
    )
    db.close()
    store = Store(path)
    store.record_status(["q"], FetchKind.REFERENCES, FetchStatus.WITHHELD, "withheld")
    assert {s: v[0] for s, v in store.statuses(FetchKind.REFERENCES).items()} == {"p": "ok", "q": "withheld"}
