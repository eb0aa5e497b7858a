"""citegraph against a hostile Semantic Scholar (tests/standin/hostile.py), three notes papers each.

Every build ends, with exit 0 or 3 and what it could fetch stored, or exit 1 with one line; the
store stays usable (`build --offline`, `stats`, `unread`); nothing hostile is stored as it came.
"""

import json
import re
import socket
import sqlite3

import pytest

from citegraph.pipeline import build
from citegraph.s2.config import S2Config
from tests.conftest import Citegraph
from tests.standin import Faults, StandinS2
from tests.standin.hostile import BAD_IDS, WRONG_TYPES, HostileS2

pytestmark = pytest.mark.heavy

MAX_WAIT = "1"


@pytest.fixture(scope="module")
def three_papers(sample_world) -> list[str]:
    """Three papers of the world with references (fewer than one page each)."""
    chosen = [p for p, refs in sample_world.references.items() if 20 <= len(refs) < 1000]
    return chosen[:3]


@pytest.fixture
def notes(tmp_path, three_papers):
    path = tmp_path / "notes.md"
    path.write_text("".join(f"- https://www.semanticscholar.org/paper/{p}\n" for p in three_papers))
    return path


@pytest.fixture
def hostile(sample_world):
    servers = []

    def serve(mode: str) -> HostileS2:
        servers.append(HostileS2(sample_world, mode).start())
        return servers[-1]

    yield serve
    for server in servers:
        server.stop()


def run_build(tmp_path, server, notes, *args):
    citegraph = Citegraph(tmp_path, server.url)
    return citegraph, citegraph.build("--max-wait", MAX_WAIT, *args, notes=notes)


def stored(citegraph, sql: str) -> list:
    db = sqlite3.connect(citegraph.data_dir / "citegraph.db")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def assert_usable_afterwards(citegraph, notes):
    assert "Traceback" not in citegraph.build("--offline", notes=notes).output
    assert citegraph.build("--offline", notes=notes).exit_code in (0, 3)
    assert citegraph.query("stats").exit_code == 0
    assert citegraph.query("unread").exit_code == 0


def references_reasons(citegraph) -> list[str]:
    return [e["reason"] or "" for e in citegraph.coverage()["entries"]]


@pytest.mark.parametrize("case", list(WRONG_TYPES))
def test_a_field_of_the_wrong_type_is_stored_as_null_and_counted(tmp_path, hostile, notes, three_papers, case):
    citegraph, result = run_build(tmp_path, hostile(f"wrong_type:{case}"), notes)
    assert result.exit_code == 0, result.output
    field = WRONG_TYPES[case][0]
    report = citegraph.coverage()
    assert report["dropped_fields"] == {paper: [field] for paper in three_papers}
    assert report["totals"]["dropped_fields"] == 3
    values = stored(
        citegraph,
        f"SELECT json_extract(data, '$.{field}') FROM papers WHERE paper_id IN "
        f"({','.join(repr(p) for p in three_papers)})",
    )
    assert values == [(None,)] * 3
    assert_usable_afterwards(citegraph, notes)


def test_lone_surrogates_and_control_characters_are_removed_before_storing(tmp_path, hostile, notes, three_papers):
    citegraph, result = run_build(tmp_path, hostile("surrogates"), notes)
    assert result.exit_code == 0, result.output
    titles = [t for (t,) in stored(citegraph, "SELECT json_extract(data, '$.title') FROM papers")]
    contexts = [c for (c,) in stored(citegraph, "SELECT contexts FROM edges WHERE contexts IS NOT NULL")]
    assert titles and contexts
    for text in titles + contexts:
        assert not any(
            0xD800 <= ord(c) <= 0xDFFF or (ord(c) < 32 and c not in "\t\n") for c in json.loads(json.dumps(text))
        ), text
    assert json.loads(contexts[0]) == ["a context  with  a bell"]
    assert_usable_afterwards(citegraph, notes)


def test_unknown_fields_are_not_stored(tmp_path, hostile, notes):
    citegraph, result = run_build(tmp_path, hostile("junk_field"), notes)
    assert result.exit_code == 0, result.output
    assert stored(citegraph, "SELECT count(*) FROM papers WHERE json_extract(data, '$.junk') IS NOT NULL") == [(0,)]
    assert_usable_afterwards(citegraph, notes)


def test_ids_that_are_no_paper_ids_are_skipped_counted_and_never_requested(tmp_path, hostile, notes):
    server = hostile("bad_ids")
    citegraph, result = run_build(tmp_path, server, notes)
    assert result.exit_code == 0, result.output
    assert citegraph.coverage()["totals"]["skipped_items"] == 1 + 2 * 2, "one batch item, two per page"
    assert all(path.startswith("/graph/v1/paper/") for path in server.paths)
    assert not any("admin" in path or BAD_IDS[0] in path for path in server.paths)
    assert stored(citegraph, "SELECT count(*) FROM papers WHERE length(paper_id) != 40") == [(0,)]
    assert_usable_afterwards(citegraph, notes)


def test_an_answer_nested_too_deep_is_an_unexpected_answer(tmp_path, hostile, notes):
    citegraph, result = run_build(tmp_path, hostile("deep_nesting"), notes)
    assert result.exit_code == 3, result.output
    assert all("unexpected answer" in reason for reason in references_reasons(citegraph))
    assert_usable_afterwards(citegraph, notes)


@pytest.mark.parametrize("mode", ["next_self", "negative_next"])
def test_a_next_page_that_does_not_move_forward_ends_the_paper_as_truncated(tmp_path, hostile, notes, mode):
    server = hostile(mode)
    citegraph, result = run_build(tmp_path, server, notes)
    assert result.exit_code == 0, result.output
    assert all("truncated at" in reason and "does not move past" in reason for reason in references_reasons(citegraph))
    assert sum(path.split("?")[0].endswith("/references") for path in server.paths) == 3, "one page per paper"
    assert stored(citegraph, "SELECT count(*) FROM fetch_log WHERE items < 0") == [(0,)]
    server.paths.clear()
    assert citegraph.build("--max-wait", MAX_WAIT, notes=notes).exit_code == 0
    assert server.paths == [], "nothing was stored as a place to resume at"


def test_pages_without_end_stop_at_the_papers_reference_count(tmp_path, hostile, notes):
    server = hostile("pages_forever")
    citegraph, result = run_build(tmp_path, server, notes)
    assert result.exit_code == 0, result.output
    assert all("truncated at" in reason and "pages its count" in reason for reason in references_reasons(citegraph))
    counts = [
        c
        for (c,) in stored(citegraph, "SELECT json_extract(data, '$.referenceCount') FROM papers WHERE detail = 'full'")
    ]
    pages = sum(path.split("?")[0].endswith("/references") for path in server.paths)
    assert pages == sum(-(-(count or 9_999) // 1000) + 1 for count in counts)
    assert_usable_afterwards(citegraph, notes)


@pytest.mark.parametrize("mode", ["slow_body", "slow_headers"])
def test_a_trickled_answer_is_given_up_at_its_deadline(tmp_path, hostile, notes, mode):
    citegraph, result = run_build(tmp_path, hostile(mode), notes)
    assert result.exit_code == 3, result.output
    assert "Semantic Scholar is not answering (no answer within" in result.stderr
    assert any("no answer within" in reason for reason in references_reasons(citegraph))
    assert_usable_afterwards(citegraph, notes)


@pytest.mark.parametrize("mode", ["gzip_bomb", "huge_answer"])
def test_an_answer_too_big_is_not_read_past_the_limit(tmp_path, hostile, notes, mode):
    citegraph, result = run_build(tmp_path, hostile(mode), notes, "--max-wait", "0")  # one attempt each
    assert result.exit_code == 3, result.output
    reasons = references_reasons(citegraph)
    assert all("larger than 32 MB" in reason for reason in reasons), reasons
    assert_usable_afterwards(citegraph, notes)


def test_a_big_html_error_page_is_summarised_in_one_short_line(tmp_path, hostile, notes):
    citegraph, result = run_build(tmp_path, hostile("html_error"), notes)
    assert result.exit_code == 3, result.output
    reasons = references_reasons(citegraph)
    assert all("HTTP 502" in reason and len(reason) < 400 for reason in reasons), reasons
    assert_usable_afterwards(citegraph, notes)


def test_an_outage_is_said_at_once_on_stderr_in_a_pipe(tmp_path, sample_world, notes):
    service = StandinS2(sample_world, Faults(die_after=1)).start()
    try:
        citegraph, result = run_build(tmp_path, service, notes)
    finally:
        service.stop()
    assert result.exit_code == 3, result.output
    alerts = [line for line in result.stderr.splitlines() if "is not answering" in line]
    assert len(alerts) == 1, "said once, while nothing answers"
    assert alerts[0].startswith("Semantic Scholar is not answering (connection failed")
    assert "; retrying until " in alerts[0] and alerts[0].endswith("; Ctrl-C stops, a later build resumes")
    assert citegraph.coverage()["totals"]["dropped_fields"] == 0
    assert_usable_afterwards(citegraph, notes)


def test_nothing_answering_stops_the_build_within_the_outage_window_whatever_max_wait(tmp_path, sample_world, notes):
    service = StandinS2(sample_world, Faults(hang_after=1)).start()
    config = S2Config(api_url=service.url, rps=50, max_wait=600, timeout=0.5, outage_window=2)
    try:
        result = build([notes], data_dir=tmp_path / "data", output=None, s2_config=config)
    finally:
        service.stop()
    assert result.stopped.startswith("Semantic Scholar stopped answering at")
    assert re.search(r"\(nothing answered for \d+ s; the last try: no answer within", result.stopped)
    assert result.report.resolved == 0 and result.report.totals["failed"] == 3


def test_a_malformed_api_url_is_one_error_line(tmp_path, notes):
    citegraph = Citegraph(tmp_path, "http://[::1")
    result = citegraph.build(notes=notes)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "error: S2_API_URL ('http://[::1') is not a usable URL (Invalid IPv6 URL); set it to the API's base URL, "
        "like https://api.semanticscholar.org, or unset it"
    ]


def test_credentials_in_the_api_url_are_redacted(tmp_path, notes):
    with socket.socket() as unused:  # bound, never listening, for the whole build: no other test takes its port
        unused.bind(("127.0.0.1", 0))
        citegraph = Citegraph(tmp_path, f"http://someone:hunter2secret@127.0.0.1:{unused.getsockname()[1]}")
        result = citegraph.build("--max-wait", "0.2", notes=notes)
    assert result.exit_code == 1
    assert "hunter2secret" not in result.output and "someone" not in result.output
    assert "http://[redacted]@127.0.0.1" in result.stderr
