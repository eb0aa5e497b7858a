"""The map's "Later work & suggestions" panel, in real Chromium, from stored citations and suggestions."""

import datetime

import pytest

from citegraph.demo.world import add_later_work
from tests.conftest import SAMPLE_NOTES, Citegraph, OpenedMap
from tests.standin import StandinS2, generate_world, sample_notes_seeds

HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> Hostile later work'


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """A build with citations, one `suggest`, then an offline build that draws the panel."""
    world = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=800, seed=3)
    added = add_later_work(world, datetime.date.today(), 30, seed=3)
    for paper_id in added[:5]:  # titles a hostile server could send
        world.papers[paper_id]["title"] = HOSTILE
    service = StandinS2(world).start()
    try:
        cg = Citegraph(tmp_path_factory.mktemp("later"), service.url)
        assert cg.build("--citations").exit_code == 0
        assert cg.query("suggest", "--top", "12").exit_code == 0
    finally:
        service.stop()
    result = cg.build("--offline", "--citations")
    assert result.exit_code == 0, result.output
    return cg


@pytest.fixture
def page(browser, drawn):
    opened = OpenedMap(browser, drawn.output)
    yield opened
    opened.close()


def test_suggestions_are_drawn_near_your_papers_and_marked_new(page):
    rows = page.js("() => window.citegraph.later.suggestions()")
    assert len(rows) == 12 and all(r["new"] for r in rows)
    for row in rows:
        node = page.js("id => window.citegraph.nodes.get(id)", row["paperId"])
        assert node is not None and node["label"].startswith("new · ")
        if row["cites"]:
            drawn_cited = page.js(
                "([a, b]) => window.citegraph.edges.get({filter: e => e.from === a && e.to === b}).length",
                [row["paperId"], row["cites"][0]],
            )
            assert drawn_cited == 1, "an edge to the paper of yours it cites"
    items = page.page.locator("#suggestionList li")
    assert items.count() == 12 and items.first.locator(".new").inner_text().strip() == "new"


def test_hovering_a_row_highlights_the_paper_and_its_citations_of_yours(page):
    row = next(r for r in page.js("() => window.citegraph.later.suggestions()") if r["cites"])
    page.page.locator(f"#suggestionList li[data-paper-id='{row['paperId']}']").hover()
    selected = page.js("() => window.citegraph.network.getSelection()")
    assert selected["nodes"] == [row["paperId"]] and selected["edges"]


def test_clicking_a_row_shows_its_card(page):
    row = page.js("() => window.citegraph.later.citing()")[0]
    page.page.locator(f"#laterList li[data-paper-id='{row['paperId']}'] button").click()
    assert page.page.locator("#card").is_visible()
    assert page.js("() => window.citegraph.network.getSelectedNodes()") == [row["paperId"]]


def test_later_work_is_newest_first_and_copies_as_bibtex(page):
    citing = page.js("() => window.citegraph.later.citing()")
    years = [r["year"] for r in citing]
    assert citing and years == sorted(years, reverse=True)
    page.js("id => window.citegraph.later.tick(id)", citing[0]["paperId"])
    text = page.js("() => window.citegraph.later.copy('bibtex')")
    assert text.startswith("@") and page.page.locator("#laterCopyOut").is_visible()


def test_hostile_titles_in_the_panel_run_nothing(page):
    hostile = page.page.locator("#panel li", has_text="Hostile later work")
    assert hostile.count() >= 1
    assert "<img" in hostile.first.inner_text()
    page.page.mouse.move(5, 5)
    assert page.js("() => window.pwned") is None
    assert page.page.locator("#panel img").count() == 0 and not page.dialogs and not page.console_errors
    assert page.network_requests == []
