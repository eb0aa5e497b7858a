"""The `semanticscholar` client's API over our transport, against the stand-in over real HTTP."""

import asyncio
import json

import pytest
from semanticscholar.ApiRequester import ApiRequester
from semanticscholar.Paper import Paper

from citegraph.errors import S2NotFound, S2Unavailable
from citegraph.s2.adapter import async_client, client
from citegraph.s2.client import S2Client
from citegraph.s2.config import S2Config
from tests.standin import Faults

KEY = "test-key-do-not-leak"
RELEASES = json.dumps(["2026-11-03", "2026-11-10"])
RELEASE = json.dumps(
    {
        "release_id": "2026-11-10",
        "README": "Semantic Scholar datasets",
        "datasets": [{"name": "papers", "description": "Core paper metadata", "README": "..."}],
    }
)
DATASET = json.dumps(
    {
        "name": "papers",
        "description": "Core paper metadata",
        "README": "...",
        "files": ["https://files.example/papers-part0.jsonl.gz?X-Amz-Signature=secret"],
    }
)
DIFFS = json.dumps(
    {
        "dataset": "papers",
        "start_release": "2026-11-03",
        "end_release": "2026-11-10",
        "diffs": [
            {
                "from_release": "2026-11-03",
                "to_release": "2026-11-10",
                "update_files": ["https://files.example/u0.jsonl.gz"],
                "delete_files": ["https://files.example/d0.jsonl.gz"],
            }
        ],
    }
)


@pytest.fixture
def no_own_requester(monkeypatch):
    """Fails the test if the package's own requester (its httpx calls) is ever used."""
    calls = []

    async def refuse(self, *args, **kwargs):
        calls.append(args)
        raise AssertionError("the semanticscholar requester made a request of its own")

    monkeypatch.setattr(ApiRequester, "_get_data_async", refuse)
    return calls


def config(standin, **overrides) -> S2Config:
    return S2Config(api_url=standin.url, api_key=KEY, rps=500, **overrides)


def test_dataset_calls_are_made_by_the_client_over_our_transport(standin, no_own_requester):
    for pattern, body in [
        (r"GET /datasets/v1/release/$", RELEASES),
        (r"GET /datasets/v1/release/2026-11-10$", RELEASE),
        (r"GET /datasets/v1/release/2026-11-10/dataset/papers$", DATASET),
        (r"GET /datasets/v1/diffs/2026-11-03/to/latest/papers$", DIFFS),
    ]:
        standin.replay(pattern, 200, body)
    with client(config(standin)) as s2:
        assert s2.get_available_releases() == ["2026-11-03", "2026-11-10"]
        assert [d.name for d in s2.get_release("2026-11-10").datasets] == ["papers"]
        assert s2.get_dataset_download_links("2026-11-10", "papers").files[0].startswith("https://files.example/")
        diff = s2.get_dataset_diffs("papers", "2026-11-03", "latest")
        assert [d.delete_files for d in diff.diffs] == [["https://files.example/d0.jsonl.gz"]]
    paths = [r["path"] for r in standin.log.requests]
    assert paths == [
        "/datasets/v1/release/",
        "/datasets/v1/release/2026-11-10",
        "/datasets/v1/release/2026-11-10/dataset/papers",
        "/datasets/v1/diffs/2026-11-03/to/latest/papers",
    ]
    assert {r["api_key"] for r in standin.log.requests} == {KEY}, "the transport sends the key"
    assert no_own_requester == []


def test_recommendations_from_lists_send_both_lists_through_our_transport(standin, no_own_requester):
    positive, negative = list(standin.world.papers)[-2:], list(standin.world.papers)[:1]
    standin.replay(
        r"POST /recommendations/v1/papers/?$",
        200,
        json.dumps({"recommendedPapers": [{"paperId": "a" * 40, "title": "Later work", "year": 2026}]}),
    )
    transport = S2Client(config(standin))
    papers = client(transport).get_recommended_papers_from_lists(positive, negative, fields=["title", "year"], limit=7)
    assert [(type(p), p.title) for p in papers] == [(Paper, "Later work")]
    sent = standin.log.requests[-1]
    assert json.loads(sent["body"]) == {"positivePaperIds": positive, "negativePaperIds": negative}
    assert sent["query"] == {"fields": "title,year", "limit": "7"}
    assert transport.requests == 1, "counted by our transport"
    assert no_own_requester == []


def test_the_async_client_uses_our_transport_too(standin, no_own_requester):
    standin.replay(r"GET /datasets/v1/release/$", 200, RELEASES)
    releases = asyncio.run(async_client(config(standin)).get_available_releases())
    assert releases == ["2026-11-03", "2026-11-10"]
    assert no_own_requester == []


def test_a_wrong_shaped_datasets_answer_is_one_error_line_at_once(standin):
    standin.set_faults(Faults(status=200, body="empty_object", matching="^/datasets/"))
    with pytest.raises(
        S2Unavailable,
        match=r"^Semantic Scholar's Datasets API gave an answer citegraph cannot use "
        r"\(releases are a list",
    ) as error:
        client(config(standin, max_wait=30)).get_available_releases()
    assert "\n" not in str(error.value) and standin.stats()["requests"] == 1  # it would not change if asked again


def test_a_wrong_shaped_recommendation_answer_is_asked_again(standin):
    standin.set_faults(Faults(status=200, body="empty_object", matching="^/recommendations/", until=1))
    paper_id = next(iter(standin.world.papers))
    client(config(standin, max_wait=60)).get_recommended_papers(paper_id)
    assert [r["status"] for r in standin.log.requests] == [200, 200]


def test_a_recommendation_answer_wrong_shaped_until_the_wait_ends_is_one_error_line(standin):
    standin.set_faults(Faults(status=200, body="empty_object", matching="^/recommendations/"))
    with pytest.raises(S2Unavailable, match=r"^unexpected answer from Semantic Scholar \(recommendations are") as error:
        client(config(standin, max_wait=0.3)).get_recommended_papers("649def34f8be52c8b66281af98ae884c09aef38b")
    assert "\n" not in str(error.value)


def test_429s_are_retried_at_our_pace(standin):
    standin.set_faults(Faults(status=429, until=2))
    transport = S2Client(config(standin))
    seed = next(p for p, r in standin.world.papers.items() if "ArXiv" in r["externalIds"])
    papers = client(transport).get_recommended_papers(seed, fields=["title"], limit=5, pool_from="all-cs")
    assert len(papers) == 5 and transport.rate_limited == 2
    assert [r["status"] for r in standin.log.requests] == [429, 429, 200]


def test_an_unknown_paper_is_a_citegraph_not_found(standin):
    standin.replay(r"GET /recommendations/v1/papers/forpaper/", 404, json.dumps({"error": "Paper with id X not found"}))
    with pytest.raises(S2NotFound, match="^Paper with id X not found$"):
        client(config(standin)).get_recommended_papers("X")


def test_an_echoed_key_is_redacted(standin):
    standin.set_faults(Faults(status=400, body="echo_key"))
    with pytest.raises(S2Unavailable) as error:
        client(config(standin)).get_release("2026-11-10")
    assert KEY not in str(error.value) and "[redacted]" in str(error.value)


def test_an_id_cannot_leave_the_api_path(standin):
    standin.replay(r"GET /recommendations/v1/papers/forpaper/", 200, json.dumps({"recommendedPapers": []}))
    client(config(standin)).get_recommended_papers("CorpusId:1?evil=1#x")
    with pytest.raises(ValueError, match="'..'"):
        client(config(standin)).get_recommended_papers("../../graph/v1/paper/batch")
    [sent] = standin.log.requests
    assert sent["path"] == "/recommendations/v1/papers/forpaper/CorpusId:1%3Fevil%3D1%23x"
    assert "evil" not in sent["query"]


def test_old_papers_get_an_empty_list_not_an_error(standin):
    old = next(p for p, r in standin.world.papers.items() if r["year"] < 2005)
    assert client(config(standin)).get_recommended_papers(old, pool_from="all-cs") == []
