"""Odd servers and outages: wrong shapes, HTML, refusals, a dying service, an echoed key. Each is one
line to the user, never a traceback, and never stored as "not found" or "ok"."""

import re
import sqlite3

import pytest

from citegraph.pipeline import build
from citegraph.s2.client import S2Client
from citegraph.s2.config import S2Config
from tests.conftest import SAMPLE_NOTES, Citegraph
from tests.standin import Faults

KEY = "test-key-do-not-leak"


def paper_entries(citegraph):
    return [e for e in citegraph.coverage()["entries"] if e["status"] != "skipped"]


def coverage_text(citegraph) -> str:
    return (citegraph.data_dir / "coverage.json").read_text()


def one_line_no_traceback(result):
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize("body", ["empty_list", "empty_object", "short_list", "html"])
def test_a_wrong_shaped_batch_answer_is_a_failure_asked_again(citegraph, standin, body):
    standin.set_faults(Faults(body=body, matching="/batch"))
    result = citegraph.build("--max-wait", "0.3")
    assert result.exit_code == 1
    assert "unexpected answer from Semantic Scholar" in one_line_no_traceback(result)
    entries = paper_entries(citegraph)
    assert entries and all(e["status"] == "failed" and "unexpected answer" in e["reason"] for e in entries)

    standin.set_faults(Faults())
    assert citegraph.build().exit_code == 0
    assert citegraph.coverage()["totals"]["ok"] == 35, "nothing was stored as not found"


@pytest.mark.parametrize("body", ["empty_list", "html"])
def test_a_wrong_shaped_answer_is_retried_until_a_good_one(citegraph, standin, body):
    standin.set_faults(Faults(body=body, until=2))
    assert citegraph.build().exit_code == 0
    assert standin.stats()["statuses"]["200"] == 2 + 36, "two wrong answers, then the 36 requests again"
    assert citegraph.coverage()["totals"]["ok"] == 35


@pytest.mark.parametrize("body", ["empty_object", "html"])
def test_a_wrong_shaped_page_is_a_failure_not_zero_references(citegraph, standin, body):
    standin.set_faults(Faults(body=body, matching="/references"))
    result = citegraph.build("--max-wait", "0.2")
    assert result.exit_code == 3, result.stderr
    assert all(e["status"] == "failed" and e["references"] is None for e in paper_entries(citegraph))


def test_an_outage_stops_the_build_early_and_it_resumes(citegraph, standin):
    standin.set_faults(Faults(status=503, after=6))
    result = citegraph.build("--max-wait", "0.3")
    assert result.exit_code == 3
    line = one_line_no_traceback(result)
    assert re.search(r"Semantic Scholar stopped answering at \d\d:\d\d \(server error \(HTTP 503", line)
    assert "5 of 35 papers fetched; run the same command later to resume" in line
    assert "… and 20 more: see" in result.stderr, "ten papers listed, the rest counted"
    asked = {r["path"] for r in standin.log.requests if r["path"].endswith("/references")}
    assert len(asked) == 5 + 3, "three papers fail in a row, the others are not tried"
    assert citegraph.coverage()["totals"]["ok"] == 5, "what was fetched is kept"

    standin.set_faults(Faults())
    standin.reset()
    assert citegraph.build().exit_code == 0
    assert standin.stats()["by_endpoint"] == {"/graph/v1/paper/{id}/references": 30}


def test_a_non_retryable_status_is_asked_once(citegraph, standin):
    standin.set_faults(Faults(status=501, after=1))
    result = citegraph.build()
    assert result.exit_code == 3
    assert "HTTP 501" in one_line_no_traceback(result)
    assert standin.stats()["statuses"] == {"200": 1, "501": 3}


def test_a_service_that_drops_connections_stops_the_build(citegraph, standin):
    standin.set_faults(Faults(die_after=4))
    result = citegraph.build("--max-wait", "0.5", "--rps", "50")
    assert result.exit_code == 3
    assert "Semantic Scholar stopped answering at" in one_line_no_traceback(result)
    assert "(connection failed" in result.stderr
    assert "3 of 35 papers fetched" in result.stderr


def test_a_service_that_accepts_but_never_answers_stops_the_build(standin, tmp_path):
    standin.set_faults(Faults(hang_after=4))
    # Long enough for the answered batch of 35 papers on a slow, loaded machine (0.3 s seen under load).
    config = S2Config(api_url=standin.url, rps=50, max_wait=2, timeout=2)
    result = build([SAMPLE_NOTES], data_dir=tmp_path / "data", output=None, s2_config=config)
    assert result.stopped.startswith("Semantic Scholar stopped answering at")
    assert "(no answer within 2s" in result.stopped
    assert "3 of 35 papers fetched" in result.stopped and not result.complete


def test_retries_are_announced(standin):
    standin.set_faults(Faults(status=503, until=1))
    lines = []
    client = S2Client(S2Config(api_url=standin.url, rps=100), notice=lines.append)
    assert client.papers(["ARXIV:2106.09685"])["ARXIV:2106.09685"]
    assert len(lines) == 1 and lines[0].startswith("waiting ") and lines[0].endswith(" s after HTTP 503 (attempt 2)")


def test_some_failed_papers_make_a_partial_build(citegraph, standin):
    lora = standin.world.resolve("ARXIV:2106.09685")
    standin.set_faults(Faults(status=503, matching=lora))
    result = citegraph.build("--max-wait", "0.2")
    assert result.exit_code == 3, "the map is drawn, but the build is not complete"
    assert "partial: 1 of 35 papers could not be fetched" in result.stderr
    assert citegraph.output.exists()


@pytest.mark.parametrize(
    "status, says",
    [
        (401, "asks for an API key (HTTP 401)"),
        (403, "refused the API key (HTTP 403 Forbidden)"),
        (400, "rejected the request (HTTP 400: Bad Request)"),
    ],
)
def test_refusals_are_one_line_each(citegraph, standin, status, says):
    standin.set_faults(Faults(status=status))
    result = citegraph.build()
    assert result.exit_code == 1
    assert says in one_line_no_traceback(result)


def test_html_error_pages_are_reduced_to_their_title(citegraph, standin):
    standin.set_faults(Faults(status=502, body="html"))
    result = citegraph.build("--max-wait", "0.2")
    assert "server error (HTTP 502: 502 Bad Gateway)" in one_line_no_traceback(result)
    assert "<" not in result.stderr and "padding" not in coverage_text(citegraph)


def test_api_url_with_the_graph_path_or_a_wrong_path(tmp_path, standin):
    assert Citegraph(tmp_path / "a", standin.url + "/graph/v1/").build().exit_code == 0
    wrong = Citegraph(tmp_path / "b", standin.url + "/api").build()
    assert wrong.exit_code == 1
    assert "S2_API_URL" in one_line_no_traceback(wrong) and "base URL" in wrong.stderr


@pytest.mark.parametrize("status", [400, 500])
def test_an_echoed_key_is_redacted_everywhere(citegraph, standin, status):
    standin.set_faults(Faults(status=status, body="echo_key", after=1))
    result = citegraph.build("--max-wait", "0.2")
    assert "[redacted]" in result.stderr
    assert KEY not in result.output and KEY not in result.stderr
    assert KEY not in coverage_text(citegraph)
    db = sqlite3.connect(citegraph.data_dir / "citegraph.db")
    assert "[redacted]" in " ".join(r[0] for r in db.execute("SELECT reason FROM fetch_log WHERE reason IS NOT NULL"))
    for path in citegraph.data_dir.iterdir():
        assert KEY.encode() not in path.read_bytes(), path


def test_builds_sharing_a_data_dir_share_one_rate_budget(tmp_path):
    from citegraph.s2.pacing import RateBudget

    first, second = RateBudget(2.0, tmp_path / "rate"), RateBudget(2.0, tmp_path / "rate")
    starts = [budget.reserve(now=1000.0) for budget in (first, second, first, second)]
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:])]
    assert all(gap >= 0.5 for gap in gaps), "together they stay under the rate"


def test_a_429_slows_the_pace_and_success_recovers_it_slowly():
    from citegraph.s2.pacing import RateBudget

    budget = RateBudget(1.0, None)
    paced = budget.interval
    budget.slow_down()
    assert budget.interval > paced
    budget.recover()
    assert paced < budget.interval, "recovery is slower than the slow-down"
    for _ in range(100):
        budget.recover()
    assert budget.interval == paced


def test_a_gateway_missing_token_answer_names_the_url(tmp_path, standin):
    standin.set_faults(Faults(status=403, body="missing_token"))
    result = Citegraph(tmp_path, standin.url).build()
    assert result.exit_code == 1
    assert "no such endpoint (HTTP 403" in one_line_no_traceback(result) and "S2_API_URL" in result.stderr
