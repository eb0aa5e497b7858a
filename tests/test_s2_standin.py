"""The stand-in answers like the real S2: checked against S2's OpenAPI description and recorded answers."""

import json
import re

import httpx
import pytest

from tests.conftest import FIXTURES
from tests.standin import Faults, StandinS2, generate_world
from tests.standin.server import PAPER_FIELDS

SPEC = (FIXTURES.parent / "s2-academic-graph-openapi.yml").read_text()


def recorded_body(cassette: str) -> dict:
    text = (FIXTURES / cassette).read_text()
    body = re.search(r"(?:string|content): '(\{.*?\})\s*'", text, re.S).group(1)
    return json.loads(re.sub(r"\s*\n\s*", " ", body))


@pytest.fixture(scope="module")
def service():
    world = generate_world([("2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models")], n_papers=300, seed=2)
    running = StandinS2(world).start()
    yield running
    running.stop()


def test_endpoints_and_fields_exist_in_the_published_spec():
    for path in (
        "/paper/batch:",
        "/paper/search/match:",
        "/paper/{paper_id}:",
        "/paper/{paper_id}/references:",
        "/paper/{paper_id}/citations:",
    ):
        assert f"\n  {path}" in SPEC
    for name in PAPER_FIELDS | {"contexts", "intents", "isInfluential", "matchScore", "citedPaper", "citingPaper"}:
        assert re.search(rf"\n\s+{name}:", SPEC), name


def test_error_bodies_have_the_recorded_shape(service):
    api = service.url + "/graph/v1"
    not_found = httpx.get(f"{api}/paper/ARXIV:2106.09685v1", params={"fields": "title"})
    recorded_404 = recorded_body("test_not_found.yaml")
    assert not_found.status_code == 404 and set(not_found.json()) == set(recorded_404) == {"error"}
    assert not_found.json()["error"] == "Paper with id ARXIV:2106.09685v1 not found"
    bad_field = httpx.get(f"{api}/paper/ARXIV:2106.09685", params={"fields": "unknown"})
    recorded_400 = recorded_body("test_bad_query_parameters.yaml")
    assert bad_field.status_code == 400 and bad_field.json() == recorded_400
    too_many = httpx.post(f"{api}/paper/batch", params={"fields": "title"}, json={"ids": ["x"] * 501})
    assert too_many.status_code == 400 and "500" in too_many.json()["error"]
    big_page = httpx.get(f"{api}/paper/ARXIV:2106.09685/references", params={"limit": 1001})
    assert big_page.status_code == 400
    no_match = httpx.get(f"{api}/paper/search/match", params={"query": "zzzz qqqq", "fields": "title"})
    assert no_match.status_code == 404 and no_match.json() == {"error": "Title match not found"}


def test_batch_nulls_pagination_and_unresolved_references(service):
    api = service.url + "/graph/v1"
    answer = httpx.post(
        f"{api}/paper/batch",
        params={"fields": "title,externalIds"},
        json={"ids": ["ARXIV:2106.09685", "ARXIV:2106.09685v2", "DOI:10.1/none"]},
    ).json()
    assert answer[0]["title"].startswith("LoRA") and answer[1] is None and answer[2] is None
    pages, offset = [], 0
    while True:
        page = httpx.get(
            f"{api}/paper/ARXIV:2106.09685/references",
            params={"fields": "isInfluential,title", "offset": offset, "limit": 10},
        ).json()
        pages.append(page)
        if "next" not in page:
            break
        offset = page["next"]
    items = [row for page in pages for row in page["data"]]
    assert len(items) == len(service.world.references[service.world.resolve("ARXIV:2106.09685")])
    assert all(set(row) == {"isInfluential", "citedPaper"} for row in items)
    assert any(row["citedPaper"]["paperId"] is None and row["citedPaper"]["title"] for row in items)
    matched = httpx.get(
        f"{api}/paper/search/match",
        params={"query": "LoRA low-rank adaptation of large language models", "fields": "title"},
    ).json()["data"][0]
    assert matched["title"].startswith("LoRA") and matched["matchScore"] > 0


def test_faults_look_like_s2(service):
    service.set_faults(Faults(rate_429=1.0))
    limited = httpx.get(f"{service.url}/graph/v1/paper/ARXIV:2106.09685")
    assert limited.status_code == 429 and "retry-after" not in limited.headers
    service.set_faults(Faults(rate_5xx=1.0))
    failed = httpx.get(f"{service.url}/graph/v1/paper/ARXIV:2106.09685")
    assert failed.status_code in (500, 502, 503, 504) and set(failed.json()) == {"message"}
    service.set_faults(Faults())
