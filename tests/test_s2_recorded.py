"""Real recorded S2 answers (tests/fixtures/recorded/): the stand-in answers each recorded request
as S2 did, our client turns each recorded body into the right stored result, and a build from
recorded answers (and the odd shapes seen in the wild) survives every query."""

import json
import re
import sqlite3

import httpx
import pytest

from citegraph.errors import S2AuthError, S2Unavailable
from citegraph.s2.client import S2Client
from citegraph.s2.config import S2Config
from citegraph.store import Store
from citegraph.store.schema import FetchKind, FetchStatus
from tests.conftest import Citegraph
from tests.standin import Faults, StandinS2
from tests.standin.recorded import load_recording, recorded_world, recording_names

# Error answers the stand-in gives through its faults (S2 gives them for load, keys or timeouts).
FAULT_FOR_STATUS = {429: Faults(rate_429=1.0), 403: Faults(status=403), 504: Faults(status=504)}


@pytest.fixture(scope="module")
def world():
    return recorded_world()


@pytest.fixture
def service(world):
    running = StandinS2(world).start()
    yield running
    running.stop()


def content_type(headers) -> str:
    return headers.get("content-type", "").split(";")[0]


@pytest.mark.parametrize("name", recording_names())
def test_the_standin_answers_each_recorded_request_as_recorded(service, name):
    recording = load_recording(name)
    service.set_faults(FAULT_FOR_STATUS.get(recording.status, Faults()))
    answer = httpx.request(
        recording.method,
        service.url + recording.path,
        params=recording.query,
        content=recording.request_body.encode() if recording.request_body else None,
    )
    assert answer.status_code == recording.status
    assert content_type(answer.headers) == content_type(
        {k.lower(): v for k, v in recording.headers.items()} or {"content-type": "application/json"}
    )
    assert answer.headers.get("x-amzn-errortype") == recording.headers.get("x-amzn-ErrorType")
    assert "retry-after" not in answer.headers
    got, recorded = answer.json(), recording.json
    if recording.path.endswith("/paper/search") and recorded.get("data"):
        # A search's hits, total and next page depend on the whole corpus: the shape must agree.
        assert set(got) - {"next"} == set(recorded) - {"next"} and {frozenset(i) for i in got["data"]} == {
            frozenset(i) for i in recorded["data"]
        }
    elif recording.path.endswith("/search/match") and recording.status == 200:
        assert got["data"][0].pop("matchScore") > 0
        recorded["data"][0].pop("matchScore")
        assert got == recorded
    else:
        assert got == recorded


def replay(service, name, pattern, times=1):
    recording = load_recording(name)
    for _ in range(times):
        service.replay(pattern, recording.status, recording.body, {"Content-Type": "application/json"})
    return recording


@pytest.fixture
def client(service):
    with S2Client(S2Config(api_url=service.url, rps=200)) as made:
        yield made


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "recorded.db")
    yield opened
    opened.close()


def test_a_batch_with_null_stores_not_found_and_papers(service, client, store):
    recording = replay(service, "danielnsilva__semanticscholar__get_papers_return_not_found", "POST .*/paper/batch")
    ids = json.loads(recording.request_body)["ids"]
    store.record_batch_references(client.papers_with_references(ids))
    statuses = store.statuses(FetchKind.METADATA)
    assert [statuses[i.lower()][0] for i in ids] == [FetchStatus.NOT_FOUND] + [FetchStatus.OK] * 3
    assert store.aliases()["corpusid:470667"][0] == recording.json[1]["paperId"]


def test_recorded_reference_pages_store_edges_and_count_items_without_paperid(service, client, store):
    pages = [
        replay(service, f"danielnsilva__semanticscholar__get_paper_references_0{n}of02", "/references") for n in (1, 2)
    ]
    for page in client.linked_pages("10.2139/ssrn.2250500", "references"):
        store.record_links_page("p" * 40, FetchKind.REFERENCES, page)
    rows = [row["citedPaper"] for page in pages for row in page.json["data"]]
    assert [r["query"]["offset"] for r in service.log.requests] == ["0", "50"], "follows next"
    assert len(list(store.edges())) == len({r["paperId"] for r in rows if r["paperId"]})
    assert store.unresolved_counts() == {"p" * 40: sum(1 for r in rows if r["paperId"] is None)}
    assert store.statuses(FetchKind.REFERENCES)["p" * 40][0] == FetchStatus.OK


def test_recorded_first_and_last_citation_pages(service, client, store):
    first = replay(service, "danielnsilva__semanticscholar__get_paper_citations_01of19", "/citations")
    last = replay(service, "danielnsilva__semanticscholar__get_paper_citations_19of19", "/citations")
    for page in client.linked_pages("CorpusID:14514057", "citations"):
        store.record_links_page("CorpusID:14514057", FetchKind.CITATIONS, page)
    citers = {row["citingPaper"]["paperId"] for page in (first, last) for row in page.json["data"]} - {None}
    assert {citing for citing, *_ in store.edges()} == citers
    assert store.statuses(FetchKind.CITATIONS)["CorpusID:14514057"] == (FetchStatus.OK, None, len(citers))


def test_a_recorded_429_is_waited_out(service, client):
    replay(service, "danielnsilva__semanticscholar__hist2026_search_paper_with_429_retries_01of03", "/batch")
    known = next(iter(service.world.papers))
    assert client.papers([known])[known]["paperId"] == known
    assert client.rate_limited == 1 and client.requests == 2


@pytest.mark.parametrize(
    "name, reason",
    [
        (
            "danielnsilva__semanticscholar__hist2023_batch_500_error_02of02",
            "server error (HTTP 500: Internal Server Error)",
        ),
        (
            "danielnsilva__semanticscholar__hist2023_paper_citations_504_gateway_timeout_02of02",
            "server error (HTTP 504: Endpoint request timed out)",
        ),
    ],
)
def test_recorded_server_errors_are_retried_then_failures(service, client, name, reason):
    replay(service, name, "/batch")
    assert client.papers(["CorpusId:470667"])["CorpusId:470667"], "retried: the next answer is good"
    assert client.requests == 2
    replay(service, name, "/batch", times=1000)
    impatient = S2Client(S2Config(api_url=service.url, rps=200, max_wait=0.3))
    with pytest.raises(S2Unavailable, match=re.escape(reason)):
        impatient.papers(["CorpusId:470667"])


def test_a_recorded_403_is_a_key_problem(service, client):
    replay(service, "danielnsilva__semanticscholar__debug", "/batch")
    keyed = S2Client(S2Config(api_url=service.url, api_key="bad", rps=200))
    with pytest.raises(S2AuthError, match="refused the API key"):
        keyed.papers(["CorpusId:470667"])


@pytest.mark.parametrize(
    "name", ["Future-House__paper-qa__bad_titles_01of02", "danielnsilva__semanticscholar__empty_paginated_results"]
)
def test_recorded_misses_are_not_found(service, client, store, name):
    replay(service, name, "/search/match")
    store.record_match("some title", client.match_title("askldjrq3rjaw938h"))
    assert store.statuses(FetchKind.MATCH)["some title"][0] == FetchStatus.NOT_FOUND


@pytest.mark.parametrize("n", [0, 1, 2])
def test_recorded_title_matches_are_accepted_when_titles_agree(service, client, store, n):
    recording = replay(service, f"Future-House__paper-qa__title_search_{n}", "/search/match")
    matched = client.match_title(recording.query["query"])
    assert matched["paperId"] == recording.json["data"][0]["paperId"]


def test_a_different_title_is_an_uncertain_match_not_a_read_paper(service, citegraph_on, tmp_path):
    recording = replay(service, "Future-House__paper-qa__title_search_1", "/search/match")
    notes = tmp_path / "notes.md"
    notes.write_text(
        "[PaperQA 2: Superhuman Synthesis of Scientific Knowledge](https://openreview.net/forum?id=x)\n"
        "https://doi.org/10.2139/ssrn.2250500\n"
    )
    citegraph = citegraph_on(service)
    result = citegraph.build(notes=notes)
    assert result.exit_code == 0, result.output
    entry = next(e for e in citegraph.coverage()["entries"] if e["title"].startswith("PaperQA 2"))
    assert entry["status"] == "uncertain_match" and entry["paperId"] is None
    assert entry["candidate"]["paperId"] == recording.json["data"][0]["paperId"]
    assert entry["candidate"]["title"] == recording.json["data"][0]["title"]
    shown = json.loads(citegraph.query("show", recording.json["data"][0]["paperId"], "--format", "json").stdout)
    assert not shown["read"]


def test_an_agreeing_title_with_a_subtitle_is_a_title_match(service, citegraph_on, tmp_path):
    replay(service, "Future-House__paper-qa__title_search_1", "/search/match")
    notes = tmp_path / "notes.md"
    notes.write_text("[PaperQA](https://openreview.net/forum?id=x)\n")
    citegraph = citegraph_on(service)
    assert citegraph.build(notes=notes).exit_code == 0
    assert citegraph.coverage()["entries"][0]["status"] == "title_matched"


@pytest.fixture
def citegraph_on(tmp_path):
    return lambda service: Citegraph(tmp_path, service.url)


def wild(world):
    """The recorded world with every odd shape seen in the wild (s2-observed-behaviour.md 12-18)."""
    papers = list(world.papers.values())
    papers[0]["corpusId"] = str(papers[0].get("corpusId") or "236503748")
    papers[1]["externalIds"] = None
    papers[2]["openAccessPdf"] = {"url": "", "status": None, "license": None, "disclaimer": "..."}
    papers[3]["authors"] = [{"authorId": None, "name": "A. Nonymous"}, {"authorId": "1", "name": None}]
    papers[4]["journal"] = {"pages": "1-10"}
    papers[5]["publicationVenue"], papers[5]["venue"] = None, "Journal of Free Text"
    papers[6]["citationStyles"] = {"bibtex": "@None{Duflo2023ImprovingTA,\n title = {x}\n}"}
    return world


def test_a_build_from_recorded_answers_and_wild_shapes_survives_every_query(tmp_path):
    world = wild(recorded_world())
    # A DOI S2 stores in upper case, asked for in lower case and written twice in the notes.
    world.papers[world.resolve("10.2139/ssrn.2250500")]["externalIds"]["DOI"] = "10.2139/SSRN.2250500"
    service = StandinS2(world).start()
    try:
        notes = tmp_path / "recorded.md"
        notes.write_text(
            "# Recorded\nhttps://doi.org/10.2139/ssrn.2250500\ndoi:10.2139/SSRN.2250500\n"
            "CorpusId:470667\nCorpusId:14514057\n"
            "[PaperQA: Retrieval-Augmented Generative Agent for Scientific Research](https://openreview.net/forum?id=y)\n"
        )
        citegraph = Citegraph(tmp_path, service.url)
        result = citegraph.build("--citations", notes=notes)
        assert result.exit_code == 0, result.output
        statuses = {e["id"] or e["title"]: e["status"] for e in citegraph.coverage()["entries"]}
        assert set(statuses.values()) <= {"ok", "title_matched"}, statuses
        ssrn = next(e for e in citegraph.coverage()["entries"] if e["id"] and "2250500" in e["id"])
        assert ssrn["unresolved_references"] == 23, "paperId-null items are kept only as a count"
        for command in (
            ["unread", "--format", "json"],
            ["unread", "--format", "csv"],
            ["stats"],
            ["show", "10.2139/ssrn.2250500"],
            ["show", "CorpusId:470667", "--format", "json"],
        ):
            shown = citegraph.query(*command)
            assert shown.exit_code == 0 and "Traceback" not in shown.output, (command, shown.output)
        for fmt in ("json", "graphml", "gexf", "csv"):
            exported = citegraph.query("export", "--format", fmt, "-o", tmp_path / f"graph.{fmt}")
            assert exported.exit_code == 0, (fmt, exported.output)
        db = sqlite3.connect(citegraph.data_dir / "citegraph.db")
        junk = db.execute("SELECT count(*) FROM papers WHERE paper_id IS NULL OR paper_id = ''").fetchone()[0]
        assert junk == 0
    finally:
        service.stop()


def test_an_empty_page_past_9999_is_the_end_and_says_so(tmp_path):
    from tests.standin import Citation, World

    world = World()
    refs = [Citation(f"{n:040x}", f"Cited {n}", False, [], []) for n in range(10_200)]
    for n in range(10_200):
        world.add_paper({"paperId": f"{n:040x}", "title": f"Cited {n}", "externalIds": {"CorpusId": 100 + n}})
    world.add_paper({"paperId": "b" * 40, "title": "A huge survey", "externalIds": {"ArXiv": "2401.00001"}}, refs)
    service = StandinS2(world.finish()).start()
    try:
        notes = tmp_path / "big.md"
        notes.write_text("https://arxiv.org/abs/2401.00001\n")
        citegraph = Citegraph(tmp_path, service.url)
        assert citegraph.build(notes=notes).exit_code == 0
        entry = citegraph.coverage()["entries"][0]
        assert entry["status"] == "ok" and entry["references"] == 9_999
        assert "truncated by S2 at 9,999" in entry["reason"]
    finally:
        service.stop()


def test_a_paper_interrupted_between_pages_resumes_at_the_next_offset(tmp_path):
    from tests.standin import Citation, World

    world = World()
    for n in range(2_500):
        world.add_paper({"paperId": f"{n:040x}", "title": f"Cited {n}", "externalIds": {"CorpusId": 100 + n}})
    world.add_paper(
        {"paperId": "b" * 40, "title": "A survey", "externalIds": {"ArXiv": "2401.00001"}},
        [Citation(f"{n:040x}", f"Cited {n}", False, [], []) for n in range(2_500)],
    )
    service = StandinS2(world.finish(), Faults(status=503, after=3)).start()
    try:
        notes = tmp_path / "big.md"
        notes.write_text("https://arxiv.org/abs/2401.00001\n")
        citegraph = Citegraph(tmp_path, service.url)
        assert citegraph.build("--max-wait", "0.2", notes=notes).exit_code == 3
        service.set_faults(Faults())
        service.reset()
        assert citegraph.build(notes=notes).exit_code == 0
        assert [r["query"]["offset"] for r in service.log.requests] == ["2000"]
        assert citegraph.coverage()["entries"][0]["references"] == 2_500
    finally:
        service.stop()
