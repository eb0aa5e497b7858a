"""`citegraph suggest` against a hostile recommendations server: every recommended record is checked
before it is stored, so no answer can poison the store for later builds, and each paper is listed once."""

import json

from tests.test_suggest_command import cg, later_world, service, suggestions  # noqa: F401  (fixtures)

RECOMMEND = r"POST /recommendations/v1/papers"


def unread_papers(world, count: int) -> list[str]:
    return [p for p in sorted(world.papers) if not world.papers[p].get("read")][:count]


def test_wrong_typed_duplicated_and_unusable_recommendations_never_reach_the_store(cg, service):  # noqa: F811
    assert cg.build().exit_code == 0
    first, second = unread_papers(service.world, 2)
    hostile = [
        {
            "paperId": first,
            "title": 123,
            "venue": ["a", "list"],
            "journal": "a string",
            "authors": {"an": "object"},
            "year": 1e308,
            "citationCount": "many",
            "url": "javascript:alert(1)",
        },
        {"paperId": first, "title": "the same paper again"},
        {"paperId": second, "title": "A usable paper", "year": 2024, "url": "https://example.org/p"},
        {"paperId": "../../etc/passwd", "title": "a path"},
        {"paperId": "a" * 100_000, "title": "a huge id"},
        {"paperId": "ab\x00cd", "title": "a NUL"},
        {"title": "no id at all"},
    ]
    service.replay(RECOMMEND, 200, json.dumps({"recommendedPapers": hostile}))
    rows, _ = suggestions(cg)
    assert [row["paperId"] for row in rows] == [first, second]
    assert rows[0]["title"] is None and rows[0]["year"] is None and rows[0]["venue"] == ""
    exported = cg.query("suggest", "--offline", "--format", "bibtex")
    assert exported.exit_code == 0 and "javascript:" not in exported.output
    rebuilt = cg.build("--offline")  # the map draws the stored suggestions
    assert rebuilt.exit_code == 0, rebuilt.output


def test_a_recommendation_without_any_usable_paper_is_answered_at_once(cg, service):  # noqa: F811
    assert cg.build().exit_code == 0
    service.reset()
    service.replay(RECOMMEND, 200, json.dumps({"recommendedPapers": [{"title": "no id"}]}))
    rows, _ = suggestions(cg)
    assert rows == []
    assert sum(r["path"].startswith("/recommendations/") for r in service.log.requests) == 1
