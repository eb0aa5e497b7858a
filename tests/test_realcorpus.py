"""The real corpus (tests/fixtures/realcorpus: real S2 records, see SOURCES.md there) built end to end
with the real CLI against the stand-in serving it, from notes with the two fields as headings, and
offline from a copy of that store with the same notes without headings; the map opened in real
Chromium (screenshots in tmp_path)."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from citegraph.assemble import load_graph
from citegraph.cli import main
from citegraph.notes.reader import read_notes
from tests.conftest import OpenedMap
from tests.standin import Faults, StandinS2
from tests.standin.realworld import REAL_CORPUS, load_world, read_world_file

pytestmark = pytest.mark.heavy

DCS = "Direct current stimulation: cellular and in vitro studies"
PLACEHOLDERS = ("untitled", "unknown", "n/a")


@pytest.fixture(scope="module")
def world_file():
    return read_world_file()


@pytest.fixture(scope="module")
def real_service():
    service = StandinS2(load_world(), Faults()).start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def fetched() -> dict:
    """The data dir of each notes layout built so far in this module: the second layout starts from a copy
    of the first's store, which holds every answer it would fetch, and builds offline."""
    return {}


@pytest.fixture(scope="module", params=["notes.md", "notes-flat.md"])
def built(request, real_service, fetched, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param.replace(".", "-"))
    command = [
        "build",
        str(REAL_CORPUS / request.param),
        "--data-dir",
        str(folder / "data"),
        "-o",
        str(folder / "map.html"),
    ]
    if fetched:
        shutil.copytree(next(iter(fetched.values())), folder / "data")
        command.append("--offline")
    else:
        command += ["--rps", "1000"]
    result = CliRunner().invoke(main, command, env={"S2_API_URL": real_service.url}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    fetched[request.param] = folder / "data"
    return folder


def field_of_read_papers(folder: Path) -> dict[str, str]:
    """paperId -> the field its heading in notes.md names (the flat notes have none: notes.md says)."""
    by_id = {p.id: DCS if DCS in p.topics else "transformers" for p in read_notes([REAL_CORPUS / "notes.md"]).papers}
    report = json.loads((folder / "data" / "coverage.json").read_text())
    return {e["paperId"]: by_id[e["id"]] for e in report["entries"] if e["paperId"]}


def test_every_paper_of_the_notes_is_found(built):
    report = json.loads((built / "data" / "coverage.json").read_text())
    missing = [(e["id"], e["status"], e["reason"]) for e in report["entries"] if e["status"] != "ok"]
    assert missing == [] and report["totals"]["ok"] == 180


def test_each_read_papers_references_are_what_the_world_lists(built, world_file):
    graph = load_graph(built / "data" / "graph.jsonl")
    versions = graph.graph.get("versions") or {}
    report = json.loads((built / "data" / "coverage.json").read_text())
    expected: dict[str, set[str]] = {}
    for entry in report["entries"]:
        listed = {r["paperId"] for r in world_file["references"].get(entry["paperId"], []) if r["paperId"]}
        kept = versions.get(entry["paperId"], entry["paperId"])
        expected.setdefault(kept, set()).update(versions.get(r, r) for r in listed)
    for kept, references in expected.items():
        assert set(graph.succ[kept]) == references - {kept}, kept


def test_the_two_fields_are_never_in_one_group(built):
    graph = load_graph(built / "data" / "graph.jsonl")
    versions = graph.graph.get("versions") or {}
    fields = {versions.get(p, p): f for p, f in field_of_read_papers(built).items()}
    groups: dict[str, Counter] = {}
    for paper, field in fields.items():
        if graph.nodes[paper].get("cluster") is not None:  # (a paper citing and cited by none is in no group)
            groups.setdefault(graph.nodes[paper]["cluster"], Counter())[field] += 1
    for name, counts in groups.items():
        assert counts.most_common(1)[0][1] >= 0.95 * sum(counts.values()), (name, counts)


def test_no_group_is_named_by_a_placeholder(built):
    names = load_graph(built / "data" / "graph.jsonl").graph["clusters"]
    assert names and not [n for n in names if any(word in n.lower() for word in PLACEHOLDERS)]


def test_every_group_of_more_than_20_papers_is_drawn_with_citations(browser, built, tmp_path):
    opened = OpenedMap(browser, built / "map.html")
    try:
        opened.page.screenshot(path=str(tmp_path / "realcorpus.png"))
        assert opened.console_errors == []
        groups = opened.js("window.citegraph.clusters()")
        shown = opened.js("() => window.citegraph.edges.get().filter(e => !e.hidden).map(e => [e.from, e.to])")
    finally:
        opened.close()
    within = {
        g["label"]: sum(1 for a, b in shown if a in set(g["paperIds"]) and b in set(g["paperIds"])) for g in groups
    }
    assert [g["label"] for g in groups if len(g["paperIds"]) > 20 and not within[g["label"]]] == []


def page_data(map_file: Path) -> dict:
    html = map_file.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="citegraph-data">(.*?)</script>', html, re.S).group(1))["page"]


def test_a_notes_file_that_is_all_reading_list_is_coloured_by_its_topics(real_service, tmp_path):
    """Every paper of the notes queued (the file headed "Reading list"): the map colours them by their
    headings' topics, as it does read papers, and the legend names those topics."""
    notes = tmp_path / "reading-list.md"
    text = (REAL_CORPUS / "notes.md").read_text(encoding="utf-8")
    notes.write_text(text.replace("# Papers I have read", "# Reading list", 1), encoding="utf-8")
    folder = tmp_path / "built"
    run = ["build", str(notes), "--data-dir", str(folder / "data"), "-o", str(folder / "map.html"), "--rps", "1000"]
    result = CliRunner().invoke(main, run, env={"S2_API_URL": real_service.url}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = page_data(folder / "map.html")
    kinds = Counter(page["kindCodes"][paper[3]] for paper in page["papers"])
    assert kinds["queued"] == 180 and kinds["read"] == 0
    legend = dict((label, colour) for colour, label in page["legend"])
    assert DCS in legend and "Transformers, attention and sequence models" in legend
    queued_colours = Counter(
        page["looks"][row[4]].split(" ")[1]
        for row in page["nodes"]
        if page["papers"][row[0]][3] == page["kindCodes"].index("queued")
    )
    assert set(queued_colours) <= set(legend.values()), "each queued paper in its topic's colour, none grey"
    assert legend[DCS] in queued_colours and legend["Transformers, attention and sequence models"] in queued_colours
