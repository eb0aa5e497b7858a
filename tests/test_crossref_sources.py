"""Crossref as the second source, as a researcher sees it: retracted papers marked wherever they
appear, the fewest requests (stored, asked again only after --refresh-crossref days), an outage
said in one line and never fatal, and every DOI kept at home with --no-crossref. Real builds
against the S2 stand-in and the Crossref stand-in serving one world where every paper has a DOI."""

import csv
import datetime
import json
import math
import re
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from mcp import Client

from citegraph.crossref.client import CrossrefClient, CrossrefConfig
from citegraph.datadir import load
from citegraph.demo.world import add_later_work
from citegraph.errors import CrossrefError
from citegraph.mcp import create_server
from tests.conftest import SAMPLE_NOTES, Citegraph, OpenedMap
from tests.standin import StandinS2, generate_world, sample_notes_seeds
from tests.standin.crossref import StandinCrossref, give_every_paper_a_doi
from tests.standin.server import withhold_references

MAILTO = "researcher@example.org"


@pytest.fixture(scope="module")
def doi_world():
    return give_every_paper_a_doi(generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=600, seed=11))


def your_paper_ids(world) -> list[str]:
    return sorted(p for p, record in world.papers.items() if "ArXiv" in record["externalIds"])


class Services:
    def __init__(self, world, **crossref):
        self.s2 = StandinS2(world).start()
        self.crossref = StandinCrossref(world, **crossref).start()

    def runner(self, tmp_path) -> Citegraph:
        run = Citegraph(tmp_path, self.s2.url)
        run.env.update(CROSSREF_API_URL=self.crossref.url, CROSSREF_MAILTO=MAILTO)
        return run

    def stop(self):
        self.s2.stop()
        self.crossref.stop()


@pytest.fixture
def services(doi_world):
    running = Services(doi_world)
    yield running
    running.stop()


def unread_json(run, *args) -> list[dict]:
    result = run.query("unread", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def retracted(doi_world, tmp_path_factory):
    """A build whose top unread paper, and one of your papers, Crossref records as retracted (the
    second unread paper corrected), planted after a first build and seen by a build that asks again."""
    running = Services(doi_world)
    run = running.runner(tmp_path_factory.mktemp("retracted"))
    assert run.build().exit_code == 0
    first, second = unread_json(run, "--top", "2")
    yours = your_paper_ids(doi_world)[0]
    notices = {
        "top": running.crossref.plant(first["paperId"], date=(2010, 2, 6)),
        "corrected": running.crossref.plant(second["paperId"], "correction", "publisher"),
        "yours": running.crossref.plant(yours, source="publisher"),
    }
    rebuilt = run.build("--refresh-crossref", "0")
    assert rebuilt.exit_code == 0, rebuilt.output
    yield {
        "run": run,
        "top": first,
        "second": second,
        "yours": yours,
        "notices": notices,
        "output": rebuilt.output,
        "crossref": running.crossref,
    }
    running.stop()


def test_a_retracted_paper_is_never_among_the_top_unread_by_default(retracted):
    assert retracted["top"]["paperId"] not in [row["paperId"] for row in unread_json(retracted["run"], "--top", "20")]


def test_include_retracted_ranks_a_retracted_paper_as_any_other_with_its_notice(retracted):
    first = unread_json(retracted["run"], "--top", "1", "--include-retracted")[0]
    assert first["paperId"] == retracted["top"]["paperId"]
    assert first["notice"] == f"retracted 2010-02-06 (notice {retracted['notices']['top']})"


def test_a_correction_is_shown_in_the_unread_column_and_not_demoted(retracted):
    first = unread_json(retracted["run"], "--top", "1")[0]
    assert first["paperId"] == retracted["second"]["paperId"]
    assert first["notice"].startswith("corrected 2020-02-06")
    table = retracted["run"].query("unread", "--top", "3", "--wide").output
    assert "notice" in table.splitlines()[0] and "corrected 2020-02-06" in table


def test_show_prints_the_retraction_notice_with_its_doi_and_date(retracted):
    shown = retracted["run"].query("show", retracted["top"]["paperId"]).output
    assert re.search(rf"notice: retracted 2010-02-06 \(notice {re.escape(retracted['notices']['top'])}\)", shown)
    card = json.loads(retracted["run"].query("show", retracted["top"]["paperId"], "--format", "json").stdout)
    assert card["retracted"] is True
    assert card["updates"] == [
        {
            "kind": "retraction",
            "notice": retracted["notices"]["top"],
            "source": "retraction-watch",
            "date": "2010-02-06",
        }
    ]


def test_stats_and_the_build_summary_say_how_many_of_your_papers_are_retracted(retracted):
    stats = retracted["run"].query("stats")
    assert "1 of your papers is retracted: " in stats.output
    assert "1 of your papers is retracted" in retracted["output"]
    figures = json.loads(retracted["run"].query("stats", "--format", "json").stdout)
    assert len(figures["retracted"]) == 1 and figures["coverage"]["retracted_papers"] == 1


def test_every_export_marks_retracted_papers(retracted, tmp_path):
    run, top = retracted["run"], retracted["top"]["paperId"]
    for fmt in ("graphml", "gexf", "json", "csv"):
        assert run.query("export", "--format", fmt, "-o", tmp_path / f"g.{fmt}").exit_code == 0
    graphml = (tmp_path / "g.graphml").read_text()
    assert re.search(rf'<node id="{top}">.*?<data key="d\d+">true</data>', graphml, re.S)
    assert "retracted 2010-02-06" in (tmp_path / "g.gexf").read_text()
    nodes = {n["id"]: n for n in json.loads((tmp_path / "g.json").read_text())["nodes"]}
    assert nodes[top]["retracted"] is True and nodes[top]["updates"][0]["kind"] == "retraction"
    rows = {row["paperId"]: row for row in csv.DictReader((tmp_path / "g.nodes.csv").open())}
    assert rows[top]["retracted"] == "True" and rows[top]["notice"].startswith("retracted 2010-02-06")


def test_the_map_marks_retracted_papers_with_a_red_outline_and_the_notice_on_their_card(retracted, browser):
    opened = OpenedMap(browser, retracted["run"].output)
    try:
        yours = retracted["yours"]
        node = opened.js("id => window.citegraph.network.body.data.nodes.get(id)", yours)
        assert node["color"]["border"] == "#c92a2a" and node["borderWidth"] == 4
        # its label (the page's papers hold each one's short label) starts with the mark
        assert re.search(rf'\["{yours}", [^\]]*?"\\u2298 ', retracted["run"].output.read_text())
        opened.js("id => window.citegraph.select(id)", yours)
        assert f"Crossref: retracted 2020-02-06 (notice {retracted['notices']['yours']})" in opened.page.inner_text(
            "#card"
        )
        assert "⊘ retracted (Crossref): red outline" in opened.page.inner_text("#legend")
        assert opened.console_errors == []
    finally:
        opened.close()


def mcp_answer(data_dir, name, **arguments):
    async def session():
        async with Client(create_server(data_dir)) as client:
            return await client.call_tool(name, arguments)

    with ThreadPoolExecutor(1) as thread:  # the map tests' browser holds this thread's event loop
        result = thread.submit(anyio.run, session).result()
    assert not result.is_error, result.content[0].text
    return result


def test_mcp_answers_name_the_retraction(retracted):
    data_dir = retracted["run"].data_dir
    stats = mcp_answer(data_dir, "stats")
    assert "1 of your papers is retracted" in stats.content[0].text
    paper = mcp_answer(data_dir, "paper", paper=retracted["top"]["paperId"])
    assert "Crossref notice: retracted 2010-02-06" in paper.content[0].text
    unread = mcp_answer(data_dir, "unread", top=20)
    assert retracted["top"]["paperId"] not in [row["paperId"] for row in unread.structured_content["papers"]]


def test_a_cold_build_asks_crossref_once_per_hundred_papers_plus_one_and_a_warm_build_nothing(services, tmp_path):
    run = services.runner(tmp_path)
    assert run.build().exit_code == 0
    cold = services.crossref.count()
    yours = len(your_paper_ids(services.crossref.world))
    assert 0 < cold <= math.ceil(yours / 100) + 1
    assert run.build().exit_code == 0
    assert services.crossref.count() == cold


def test_crossref_is_asked_by_filter_for_the_fields_needed_with_the_mailto_in_the_user_agent(services, tmp_path):
    assert services.runner(tmp_path).build().exit_code == 0
    first = services.crossref.requests[0]
    assert first["path"] == "/works" and first["query"]["filter"].startswith("doi:")
    assert first["query"]["filter"].count("doi:") == int(first["query"]["rows"])
    assert set(first["query"]["select"].split(",")) <= {"DOI", "updated-by", "reference"}
    assert f"mailto:{MAILTO}" in first["user_agent"]


def test_no_crossref_sends_no_doi_and_offline_asks_nothing(services, tmp_path):
    run = services.runner(tmp_path)
    assert run.build("--no-crossref").exit_code == 0
    assert run.build("--offline").exit_code == 0
    assert services.crossref.count() == 0


def test_a_crossref_outage_is_one_line_and_the_build_completes_with_s2s_data(doi_world, tmp_path):
    running = Services(doi_world, mode="drop")
    try:
        run = running.runner(tmp_path)
        result = run.build("--max-wait", "2")
    finally:
        running.stop()
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if "Crossref" in line]
    assert len(said) == 1 and said[0].startswith("Crossref: no answer (")
    report = run.coverage()
    assert report["crossref"]["outage"] and report["crossref"]["retraction_status_unknown"] == report["totals"]["ok"]
    assert report["totals"]["ok"] == 35 and report["totals"]["references"] > 0


def test_a_doi_crossref_does_not_hold_is_none_from_its_404_resource_not_found(services):
    with CrossrefClient(CrossrefConfig(api_url=services.crossref.url, rps=100)) as client:
        assert client.work("10.1002/(SICI)1098-1063(1996)6:1<79::AID-HIPO13>3.0.CO;2-H") is None
    assert services.crossref.requests[-1]["path"] == "/works/10.1002/(SICI)1098-1063(1996)6:1<79::AID-HIPO13>3.0.CO;2-H"


def test_crossref_429s_are_retried_and_its_rate_headers_slow_the_pace(doi_world):
    crossref = StandinCrossref(doi_world, rate_429=0.5, seed=3).start()
    crossref.rate_limit = (2, "1s")
    dois = [doi_world.papers[p]["externalIds"]["DOI"] for p in your_paper_ids(doi_world)[:5]]
    try:
        with CrossrefClient(CrossrefConfig(api_url=crossref.url, rps=100, max_wait=30)) as client:
            for doi in dois:
                assert client.works([doi])[doi.lower()] is not None
            assert client.rate_limited > 0 and client._pacer.base >= 0.5
    finally:
        crossref.stop()


@pytest.mark.parametrize("mode", ["html", "wrong_shape"])
def test_an_answer_that_is_no_crossref_work_list_is_one_error_line(doi_world, mode):
    crossref = StandinCrossref(doi_world, mode=mode).start()
    try:
        config = CrossrefConfig(api_url=crossref.url, rps=100, max_wait=1)
        with (
            CrossrefClient(config) as client,
            pytest.raises(CrossrefError, match="unexpected answer from Crossref") as raised,
        ):
            client.works(["10.5555/any"])
    finally:
        crossref.stop()
    assert "\n" not in str(raised.value)


# -- the references S2 withholds, recovered ------------------------------------------------------

WITHOUT_DOI = 0.1  # of Crossref's reference items, deposited without a DOI: counted, never invented


@pytest.fixture(scope="module")
def recovered(tmp_path_factory):
    """The sample notes on a world where a fifth of your papers' references are withheld by S2 and
    every paper has a DOI; built cold, then warm."""
    world = give_every_paper_a_doi(generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=600, seed=12))
    withheld = withhold_references(world, your_paper_ids(world), 0.2)
    running = Services(world, references_without_doi=WITHOUT_DOI)
    run = running.runner(tmp_path_factory.mktemp("recovered"))
    cold = run.build()
    cold_requests = running.crossref.count()
    warm = run.build()
    yield {
        "world": world,
        "withheld": withheld,
        "run": run,
        "cold": cold,
        "warm": warm,
        "cold_requests": cold_requests,
        "warm_requests": running.crossref.count() - cold_requests,
        "crossref": running.crossref,
    }
    running.stop()


def listed_with_a_doi(recovered) -> set[tuple[str, str]]:
    """The withheld citations Crossref lists with the DOI of a paper S2 knows (every world paper)."""
    crossref, world = recovered["crossref"], recovered["world"]
    return {
        (paper, citation.cited)
        for paper in recovered["withheld"]
        for n, citation in enumerate(world.references[paper])
        if citation.cited and not crossref._deposited_without_doi(world.papers[paper]["externalIds"]["DOI"], n)
    }


def test_withheld_references_crossref_lists_with_a_known_doi_are_in_the_graph_marked_crossref(recovered):
    assert recovered["cold"].exit_code == 0, recovered["cold"].output
    expected = listed_with_a_doi(recovered)
    assert len(recovered["withheld"]) == 7 and len(expected) > 100
    graph = load(recovered["run"].data_dir)
    marked = {(a, b) for a, b, source in graph.edges(data="source") if source == "crossref"}
    assert len(expected & marked) >= 0.95 * len(expected)
    assert marked <= expected  # nothing invented: no reference without a DOI became an edge
    assert all(graph.edges[edge]["isInfluential"] is None and "intents" not in graph.edges[edge] for edge in marked)


def test_the_unread_ranking_recovers_the_papers_withheld_references_add(recovered):
    only_there = (
        {cited for _, cited in listed_with_a_doi(recovered)}
        - {
            c.cited
            for p in your_paper_ids(recovered["world"])
            if p not in recovered["withheld"]
            for c in recovered["world"].references[p]
        }
        - set(your_paper_ids(recovered["world"]))
    )
    ranked = {row["paperId"] for row in unread_json(recovered["run"], "--top", "100000")}
    assert only_there and only_there <= ranked


def test_crossref_requests_stay_within_one_per_withheld_paper_plus_one_per_hundred_plus_one(recovered):
    yours = len(your_paper_ids(recovered["world"]))
    assert 0 < recovered["cold_requests"] <= len(recovered["withheld"]) + math.ceil(yours / 100) + 1
    assert recovered["warm_requests"] == 0


def test_references_are_counted_by_source_in_coverage_stats_and_the_build_summary(recovered):
    totals = recovered["run"].coverage()["totals"]
    graph = load(recovered["run"].data_dir)
    from_crossref = sum(1 for _, _, source in graph.edges(data="source") if source == "crossref")
    assert totals["references_from_crossref"] == from_crossref > 0
    counts = sum(recovered["world"].papers[p]["referenceCount"] for p in recovered["withheld"])
    assert totals["references_withheld_not_recovered"] == counts - from_crossref > 0
    assert (
        f"references: {totals['references_from_s2']:,} from S2, {from_crossref:,} from Crossref"
        in recovered["cold"].output
    )
    assert f"{totals['references_withheld_not_recovered']:,} references not recovered" in recovered["cold"].output
    figures = json.loads(recovered["run"].query("stats", "--format", "json").stdout)
    assert figures["citations_from_crossref"] == from_crossref
    missing = recovered["run"].coverage()["crossref"]["withheld_not_recovered"]
    assert {m["paperId"] for m in missing} == set(recovered["withheld"])  # a tenth came without a DOI
    assert all("without a DOI" in m["why"] for m in missing)


def test_show_path_exports_and_mcp_say_a_citation_came_from_crossref(recovered, tmp_path):
    run, paper = recovered["run"], recovered["withheld"][0]
    assert "[from Crossref]" in run.query("show", paper).output
    card = json.loads(run.query("show", paper, "--format", "json").stdout)
    assert card["references"] and {r["source"] for r in card["references"]} == {"crossref"}
    cited = card["references"][0]["paperId"]
    assert "from Crossref" in run.query("path", paper, cited).output
    assert json.loads(run.query("path", paper, cited, "--format", "json").stdout)["hops"][0][0]["source"] == "crossref"
    assert run.query("export", "--format", "csv", "-o", tmp_path / "g.csv").exit_code == 0
    edges = list(csv.DictReader((tmp_path / "g.edges.csv").open()))
    assert {row["source"] for row in edges if row["citing"] == paper} == {"crossref"}
    assert run.query("export", "--format", "json", "-o", tmp_path / "g.json").exit_code == 0
    links = json.loads((tmp_path / "g.json").read_text())["links"]
    assert {link["citation_source"] for link in links if link["source"] == paper} == {"crossref"}
    assert "references come from Crossref" in mcp_answer(run.data_dir, "paper", paper=paper).content[0].text
    hops = mcp_answer(run.data_dir, "path", **{"from": paper, "to": cited})
    assert "from Crossref" in hops.content[0].text


def test_the_map_draws_citations_from_crossref_in_their_own_style_with_a_legend_entry(recovered, browser):
    opened = OpenedMap(browser, recovered["run"].output)
    try:
        edges = opened.js(
            "() => window.citegraph.network.body.data.edges.get().filter(e => e.color && "
            "e.color.color === '#1c7ed6').length"
        )
        assert edges > 0
        assert "citation from Crossref" in opened.page.inner_text("#legend")
        assert opened.console_errors == []
    finally:
        opened.close()


# -- Crossref's answers as they come: real shapes, wrong types -----------------------------------

WAKEFIELD = {  # the shape of Crossref's answer for a retracted work (fields as the API writes them)
    "status": "ok",
    "message-type": "work-list",
    "message-version": "1.0.0",
    "message": {
        "total-results": 1,
        "items-per-page": 2,
        "items": [
            {
                "DOI": "10.1016/S0140-6736(97)11096-0",
                "updated-by": [
                    {
                        "updated": {
                            "date-parts": [[2010, 2, 6]],
                            "date-time": "2010-02-06T00:00:00Z",
                            "timestamp": 1265414400000,
                        },
                        "DOI": "10.1016/S0140-6736(10)60175-4",
                        "type": "retraction",
                        "source": "retraction-watch",
                        "label": "Retraction",
                        "record-id": 3253,
                    },
                    {
                        "updated": {"date-parts": [[2004]]},
                        "DOI": "10.1016/S0140-6736(04)15715-2",
                        "type": "partial_retraction",
                        "source": "publisher",
                        "label": "Partial retraction",
                    },
                    "not a notice",
                    {"type": 5, "updated": "yesterday"},
                ],
                "reference": [
                    {
                        "key": "r1",
                        "doi-asserted-by": "publisher",
                        "DOI": "10.1002/(SICI)1098-1063(1996)6:1<79::AID-HIPO13>3.0.CO;2-H",
                    },
                    {"key": "r2", "unstructured": "A. Author. An old paper. 1990"},
                    {"key": "r3", "DOI": "not a doi"},
                    ["a list"],
                ],
            }
        ],
    },
}


def test_a_real_shaped_work_keeps_its_notices_and_references_and_drops_what_is_no_notice():
    from citegraph.crossref.schema import work_list

    (work,) = work_list(WAKEFIELD, with_references=True)
    assert work.doi == "10.1016/s0140-6736(97)11096-0"
    assert [(u.kind, u.notice, u.source, u.date) for u in work.updates] == [
        ("retraction", "10.1016/s0140-6736(10)60175-4", "retraction-watch", "2010-02-06"),
        ("partial_retraction", "10.1016/s0140-6736(04)15715-2", "publisher", "2004"),
    ]
    assert [r.doi for r in work.references] == [
        "10.1002/(sici)1098-1063(1996)6:1<79::aid-hipo13>3.0.co;2-h",
        None,
        None,
    ]
    assert work.references[1].unstructured == "A. Author. An old paper. 1990"


def test_suggest_asks_crossref_once_for_its_suggestions_and_shows_their_notices(tmp_path):
    world = give_every_paper_a_doi(generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=600, seed=13))
    add_later_work(world, datetime.date.today(), 30, seed=13)
    running = Services(world)
    try:
        run = running.runner(tmp_path)
        assert run.build().exit_code == 0
        first = json.loads(run.query("suggest", "--top", "5", "--format", "json", "--no-crossref").stdout)[0]
        notice = running.crossref.plant(first["paperId"])
        before = running.crossref.count()
        rows = json.loads(run.query("suggest", "--top", "5", "--format", "json").stdout)
        assert running.crossref.count() == before + 1
        assert rows[0]["paperId"] == first["paperId"] and rows[0]["notice"] == f"retracted 2020-02-06 (notice {notice})"
    finally:
        running.stop()
