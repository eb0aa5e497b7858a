"""Enrichment from the S2 stand-in over real HTTP: request counts, faults, interruptions, bad input."""

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from citegraph.s2.client import S2Client, parse_links_page
from citegraph.s2.config import S2Config
from citegraph.store import Store
from citegraph.store.schema import FetchKind
from tests.conftest import ROOT, SAMPLE_NOTES, Citegraph, subprocess_env, two_builds_at_once
from tests.standin import Citation, Faults, StandinS2, World, load_recorded_paper


def test_cold_build_warm_rebuild_and_one_added_paper(citegraph, standin, tmp_path):
    result = citegraph.build()
    assert result.exit_code == 0, result.output
    assert standin.stats()["by_endpoint"] == {"/graph/v1/paper/batch": 1, "/graph/v1/paper/{id}/references": 35}
    assert "35 resolved" in result.output and "36 requests" in result.output
    assert standin.stats()["connections"] < 36, "connections are reused"
    coverage = citegraph.coverage()
    assert coverage["totals"]["ok"] == 35 and coverage["totals"]["skipped"] == 6
    lora = next(e for e in coverage["entries"] if e["id"] == "ARXIV:2106.09685")
    assert lora["status"] == "ok" and lora["references"] > 0 and lora["unresolved_references"] is not None

    standin.reset()
    warm = citegraph.build()
    assert warm.exit_code == 0 and "(unchanged)" in warm.output, "the saved graph is reused, not rebuilt"
    assert standin.stats()["requests"] == 0, "a warm rebuild asks nothing"

    notes = tmp_path / "notes"
    notes.mkdir()
    for source in SAMPLE_NOTES.iterdir():
        (notes / source.name).write_text(source.read_text())
    paper = next(iter(p for p in standin.world.papers.values() if "ArXiv" not in p["externalIds"]))
    (notes / "new.md").write_text(
        f"https://doi.org/{paper['externalIds'].get('DOI') or '10.1/none'}\n"
        if paper["externalIds"].get("DOI")
        else f"CorpusId:{paper['corpusId']}\n"
    )
    standin.reset()
    assert citegraph.build(notes=notes).exit_code == 0
    assert standin.stats()["requests"] <= 2
    assert citegraph.coverage()["totals"]["ok"] == 36


def test_faults_change_nothing_that_is_stored(sample_world, tmp_path):
    clean_service = StandinS2(sample_world).start()
    faulty_service = StandinS2(sample_world, Faults(rate_429=0.3, rate_5xx=0.1, seed=3)).start()
    try:
        clean = Citegraph(tmp_path / "clean", clean_service.url)
        faulty = Citegraph(tmp_path / "faulty", faulty_service.url)
        assert clean.build().exit_code == 0
        result = faulty.build()
        assert result.exit_code == 0, result.output
        statuses = faulty_service.stats()["statuses"]
        assert statuses.get("429", 0) > 5 and sum(statuses.get(s, 0) for s in ("500", "502", "503", "504")) > 1
        assert faulty.dump() == clean.dump()
        assert faulty.coverage()["totals"]["failed"] == 0
    finally:
        clean_service.stop()
        faulty_service.stop()


def test_server_errors_never_look_like_no_references(citegraph, standin):
    standin.set_faults(Faults(rate_5xx=1.0))
    result = citegraph.build("--max-wait", "0.5")
    assert result.exit_code == 1 and "none of the notes' papers could be resolved" in result.stderr
    assert "server error (HTTP 5" in result.stderr
    entries = [e for e in citegraph.coverage()["entries"] if e["status"] != "skipped"]
    assert entries and all(e["status"] == "failed" for e in entries)
    assert all("server error (HTTP 5" in e["reason"] and e["references"] is None for e in entries)

    standin.set_faults(Faults(rate_429=1.0))
    citegraph.build("--max-wait", "0.3")
    entries = [e for e in citegraph.coverage()["entries"] if e["status"] != "skipped"]
    assert all("rate limited (HTTP 429)" in e["reason"] for e in entries)

    standin.set_faults(Faults())
    assert citegraph.build().exit_code == 0, "failed items are fetched again once the service is back"
    assert citegraph.coverage()["totals"]["ok"] == 35


def test_killed_build_resumes_without_asking_again(standin, tmp_path):
    data_dir = tmp_path / "data"
    standin.set_faults(Faults(hang_after=12))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli",
            "build",
            str(SAMPLE_NOTES),
            "--data-dir",
            str(data_dir),
            "-o",
            str(tmp_path / "g.html"),
            "--rps",
            "500",
        ],
        cwd=ROOT,
        env=subprocess_env(standin.url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while not standin.log.hanging and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    first_run = [r["path"] for r in standin.log.requests]
    assert len(first_run) == 12

    stored = Store(data_dir / "citegraph.db")
    done_refs = {s for s, (status, _, _) in stored.statuses(FetchKind.REFERENCES).items() if status == "ok"}
    stored.close()
    assert len(done_refs) == 11, "every answer received before the kill is stored"

    standin.set_faults(Faults())
    standin.reset()
    result = Citegraph(tmp_path, standin.url).build()
    assert result.exit_code == 0, result.output
    second_run = [r["path"] for r in standin.log.requests]
    assert "/graph/v1/paper/batch" not in second_run
    assert not {p.split("/")[4] for p in second_run if p.endswith("/references")} & done_refs
    assert len(second_run) == 35 - 11


def test_first_run_without_a_route_says_what_can_be_done(tmp_path):
    citegraph = Citegraph(tmp_path, "http://127.0.0.1:9")
    result = citegraph.build()
    assert result.exit_code == 1
    assert "cannot reach Semantic Scholar at http://127.0.0.1:9" in result.stderr
    assert "check the network and S2_API_URL" in result.stderr
    assert "`citegraph demo` needs no network" in result.stderr
    assert "`python -m tests.standin --port 8765 &`" in result.stderr, "the README's stand-in command"
    assert "--offline" not in result.stderr, "--offline cannot help: nothing is stored"
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    offline = citegraph.build("--offline")
    assert offline.exit_code == 1 and "run without --offline" not in offline.stderr
    assert "`python -m tests.standin --port 8765 &`" in offline.stderr


def test_unreachable_api_with_a_store_points_to_offline(built, tmp_path):
    notes = tmp_path / "more.md"
    notes.write_text((SAMPLE_NOTES / "research-papers.md").read_text() + "\nhttps://arxiv.org/abs/2101.00001\n")
    cut_off = Citegraph(tmp_path, "http://127.0.0.1:9")
    result = cut_off.build(notes=notes)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "cannot reach Semantic Scholar at http://127.0.0.1:9" in result.stderr and "--offline" in result.stderr


def test_unknown_ids_and_title_entries(citegraph, standin, tmp_path):
    known = next(p for p in standin.world.papers.values() if "ArXiv" not in p["externalIds"])
    notes = tmp_path / "mixed.md"
    notes.write_text(
        "# Mixed\n"
        "https://arxiv.org/abs/2012.13255v1 versioned link\n"
        "https://arxiv.org/abs/9999.99999 a paper S2 does not know\n"
        f"[{known['title']}](https://openreview.net/forum?id=abc)\n"
        "[Completely unknown title about nothing](https://openreview.net/forum?id=zzz)\n"
    )
    result = citegraph.build("--report", tmp_path / "report.json", notes=notes)
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "report.json").read_text()) == citegraph.coverage()
    by_title = {e["title"]: e for e in citegraph.coverage()["entries"]}
    assert by_title["versioned link"]["status"] == "ok"
    assert by_title["a paper S2 does not know"]["status"] == "not_found"
    matched = by_title[known["title"]]
    assert matched["status"] == "title_matched" and matched["paperId"] == known["paperId"]
    assert "match score" in matched["reason"]
    assert by_title["Completely unknown title about nothing"]["status"] == "not_found"
    assert "not found: ARXIV:9999.99999" in result.stderr


def test_offline_builds_from_the_store_and_says_what_is_missing(built, standin, tmp_path):
    standin.reset()
    notes = tmp_path / "more.md"
    notes.write_text((SAMPLE_NOTES / "research-papers.md").read_text() + "\nhttps://arxiv.org/abs/2101.00001\n")
    result = built.build("--offline", notes=notes)
    assert result.exit_code == 0
    assert standin.stats()["requests"] == 0
    assert "1 entries are not stored yet" in result.stderr
    missing = [e for e in built.coverage()["entries"] if e["status"] == "failed"]
    assert [e["id"] for e in missing] == ["ARXIV:2101.00001"] and "offline" in missing[0]["reason"]


def test_api_key_is_sent_everywhere_and_stored_nowhere(citegraph, standin):
    assert citegraph.build().exit_code == 0
    assert standin.stats()["api_keys"] == ["test-key-do-not-leak"]
    assert all(r["api_key"] for r in standin.log.requests), "also on paginated /references (the client forgets it)"
    for path in [*citegraph.data_dir.iterdir(), citegraph.output]:
        assert b"test-key-do-not-leak" not in path.read_bytes(), path


def test_more_than_1000_references_and_depth_2_and_citations(tmp_path, sample_world):
    world = World()
    big = {
        "paperId": "b" * 40,
        "title": "A survey citing everything",
        "year": 2024,
        "externalIds": {"ArXiv": "2401.00001", "CorpusId": 1},
    }
    for n in range(1500):
        world.add_paper(
            {"paperId": f"{n:040x}", "title": f"Cited {n}", "year": 2000, "externalIds": {"CorpusId": 100 + n}},
            [Citation("c" * 40, "Old root", False, [], [])] if n < 3 else [],
        )
    world.add_paper({"paperId": "c" * 40, "title": "Old root", "year": 1990, "externalIds": {"CorpusId": 99}})
    refs = [Citation(f"{n:040x}", f"Cited {n}", n % 10 == 0, ["background"], [f"context {n}"]) for n in range(1500)]
    refs.append(Citation(None, "A reference S2 could not resolve", False, [], []))
    world.add_paper(big, refs)
    for n in range(1200):
        world.add_paper(
            {"paperId": f"{n + 5000:040x}", "title": f"Citer {n}", "year": 2025, "externalIds": {"CorpusId": 9000 + n}},
            [Citation(big["paperId"], big["title"], n < 5, [], [])],
        )
    service = StandinS2(world.finish()).start()
    try:
        notes = tmp_path / "big.md"
        notes.write_text("https://arxiv.org/abs/2401.00001\n")
        citegraph = Citegraph(tmp_path, service.url)
        result = citegraph.build("--depth", "2", "--citations", "--max-citations", "1100", notes=notes)
        assert result.exit_code == 0, result.output
        by_endpoint = service.stats()["by_endpoint"]
        assert by_endpoint["/graph/v1/paper/{id}/references"] == 2
        assert by_endpoint["/graph/v1/paper/batch"] == 1 + 3, "1 metadata + ceil(1500 / 500) nested"
        assert by_endpoint["/graph/v1/paper/{id}/citations"] == 2
        entry = citegraph.coverage()["entries"][0]
        assert entry["references"] == 1500 and entry["unresolved_references"] == 1
        db = sqlite3.connect(citegraph.data_dir / "citegraph.db")
        flags = dict(db.execute("SELECT origin, count(*) FROM edges GROUP BY origin"))
        assert flags == {"references": 1500, "batch": 3, "citations": 1100}
        assert (
            db.execute("SELECT count(*) FROM edges WHERE origin='batch' AND is_influential IS NOT NULL").fetchone()[0]
            == 0
        )
        assert (
            db.execute("SELECT count(*) FROM edges WHERE origin='references' AND is_influential=1").fetchone()[0] == 150
        )
    finally:
        service.stop()


def test_recorded_null_record_and_full_record(tmp_path, fixture_json):
    world = World()
    full = fixture_json("Paper.json")
    load_recorded_paper(world, full)
    nulls = fixture_json("PaperWithNullValues.json")
    nulls = {**nulls, "paperId": "d" * 40, "title": None, "externalIds": {"DOI": "10.9999/nulls"}}
    world.add_paper(nulls)
    service = StandinS2(world.finish()).start()
    try:
        notes = tmp_path / "recorded.md"
        notes.write_text("https://doi.org/10.1093/mind/lix.236.433\nhttps://doi.org/10.9999/nulls\n")
        citegraph = Citegraph(tmp_path, service.url)
        result = citegraph.build("--citations", notes=notes)
        assert result.exit_code == 0, result.output
        entries = {e["id"]: e for e in citegraph.coverage()["entries"]}
        assert entries["DOI:10.1093/mind/lix.236.433"]["references"] == len(
            [r for r in full["references"] if r["paperId"]]
        )
        assert entries["DOI:10.9999/nulls"]["status"] == "ok" and entries["DOI:10.9999/nulls"]["references"] == 0
        shown = citegraph.query("show", "Computing Machinery and Intelligence", "--format", "json")
        card = json.loads(shown.stdout)
        # 1,000 recorded citers, two of them versions of one paper (Granville's "Proof in the time of
        # machines": the arXiv preprint of 2023 and Bull. AMS 2024), merged into one.
        assert card["year"] == 1950 and len(card["cited_by"]) == 999
        assert citegraph.query("show", "10.9999/nulls").exit_code == 0
    finally:
        service.stop()


def test_corrupt_and_foreign_stores_are_named(citegraph, tmp_path):
    citegraph.data_dir.mkdir(parents=True)
    store = citegraph.data_dir / "citegraph.db"
    store.write_bytes(b"this is not sqlite at all" * 100)
    result = citegraph.build()
    assert result.exit_code == 1 and str(store) in result.stderr and "Traceback" not in result.output
    store.unlink()
    foreign = sqlite3.connect(store)
    foreign.execute("CREATE TABLE invoices (id INTEGER)")
    foreign.commit()
    foreign.close()
    result = citegraph.build()
    assert result.exit_code == 1 and "another program" in result.stderr


def test_two_builds_at_once_share_the_store(standin, tmp_path):
    standin.set_faults(Faults(delay=0.01))
    two_builds_at_once(standin.url, tmp_path)
    db = sqlite3.connect(tmp_path / "data" / "citegraph.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM fetch_log WHERE what='references' AND status='ok'").fetchone()[0] == 35


def test_client_wrapper_parses_recorded_shapes(standin, fixture_json, tmp_path):
    client = S2Client(S2Config(api_url=standin.url, rps=500))
    store = Store(tmp_path / "recorded.db")
    reference, citation = fixture_json("Reference.json"), fixture_json("Citation.json")
    store.record_links_page("e" * 40, FetchKind.REFERENCES, parse_links_page("e" * 40, "references", 0, [reference]))
    store.record_links_page("e" * 40, FetchKind.CITATIONS, parse_links_page("e" * 40, "citations", 0, [citation]))
    edges = {(a, b): (flag, intents) for a, b, flag, intents, _, _ in store.edges()}
    assert edges[("e" * 40, reference["citedPaper"]["paperId"])] == (reference["isInfluential"], reference["intents"])
    assert edges[(citation["citingPaper"]["paperId"], "e" * 40)] == (citation["isInfluential"], citation["intents"])
    answers = client.papers(["ARXIV:2106.09685", "ARXIV:2012.13255v1", "ARXIV:2012.13255"])
    assert answers["ARXIV:2012.13255v1"] is None, "S2 answers 404/null to versioned arXiv ids"
    assert answers["ARXIV:2012.13255"]["title"].startswith("Intrinsic Dimensionality")
    with pytest.raises(ValueError):
        client.papers([f"CorpusId:{n}" for n in range(501)])
