"""`citegraph suggest`: S2's recommendations through the semanticscholar client, against the stand-in."""

import copy
import datetime
import json
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from semanticscholar import AsyncSemanticScholar
from semanticscholar.ApiRequester import ApiRequester

from citegraph.cli import main
from citegraph.demo.world import add_later_work
from citegraph.notes.reader import read_notes
from tests.conftest import ROOT, SAMPLE_NOTES, Citegraph, built_once, subprocess_env
from tests.fixtures.notes.zotero_library import ZoteroLibrary
from tests.standin import Faults, StandinS2

pytestmark = pytest.mark.heavy

LORA, QLORA = "ARXIV:2106.09685", "ARXIV:2305.14314"


@pytest.fixture(scope="module")
def later_world(sample_world):
    """The sample world with 60 papers of the last 120 days building on the notes' papers."""
    world = copy.deepcopy(sample_world)
    add_later_work(world, datetime.date.today(), 60, seed=7)
    return world


@pytest.fixture
def service(later_world):
    running = StandinS2(later_world).start()
    yield running
    running.stop()


@pytest.fixture
def cg(tmp_path, service):
    return Citegraph(tmp_path, service.url)


@pytest.fixture(scope="module")
def sample_built_once(later_world, tmp_path_factory):
    return built_once(later_world, tmp_path_factory.mktemp("built"))


@pytest.fixture
def built(cg, tmp_path, sample_built_once):
    """``cg`` once `citegraph build` of the sample notes has run: a copy of the module's one build (its data
    dir and map), so that each test starts from the same built library without fetching it again."""
    shutil.copytree(sample_built_once, tmp_path, dirs_exist_ok=True)
    return cg


def suggestions(cg, *args):
    result = cg.query("suggest", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def notes_ids(service, notes=SAMPLE_NOTES) -> set[str]:
    return {service.world.resolve(p.id) for p in read_notes([notes]).papers if p.id} - {None}


def recommendation_requests(service):
    return [r for r in service.log.requests if r["path"].startswith("/recommendations/")]


def test_suggestions_say_which_of_your_papers_they_cite(built, service):
    service.reset()
    rows, stderr = suggestions(built, "--top", "10")
    assert len(rows) == 10 and re.search(
        r"^10 suggestions \(recent pool, your read papers, asked \d{4}-\d\d-\d\d\); "
        r"first answer",
        stderr,
        re.M,
    )
    titles = {p["paperId"]: p["title"] for p in service.world.papers.values()}
    for row in rows:
        cited = {c.cited for c in service.world.references[row["paperId"]]}
        yours = notes_ids(service) & cited
        assert sorted(row["cites"]) == sorted(titles[p] for p in yours), "cites = your papers it really cites"
        assert row["year"] == service.world.papers[row["paperId"]]["year"] and "venue" in row and "citationCount" in row
    assert any(row["cites"] for row in rows) and any(row["shares"] for row in rows)
    by_path = service.stats()["by_endpoint"]
    assert by_path == {"/recommendations/v1/papers/": 1, "/graph/v1/paper/batch": 1}, "one batch for the reasons"
    batch = next(r for r in service.log.requests if r["path"] == "/graph/v1/paper/batch")
    assert "references.paperId" in batch["query"]["fields"] and len(json.loads(batch["body"])["ids"]) == 10


def test_recent_pool_is_the_last_60_days_and_all_cs_asks_per_paper(built, service):
    recent, _ = suggestions(built, "--top", "30")
    since = (datetime.date.today() - datetime.timedelta(days=60)).isoformat()
    assert all(service.world.papers[r["paperId"]]["publicationDate"] >= since for r in recent)
    service.reset()
    lora = service.world.resolve(LORA)
    older, _ = suggestions(built, "--pool", "all-cs", "--from-paper", "LoRA", "--top", "5")
    assert [r["query"]["from"] for r in recommendation_requests(service)] == ["all-cs"]
    assert recommendation_requests(service)[0]["path"].endswith(f"/forpaper/{lora}")
    assert len(older) == 5


def test_papers_marked_not_relevant_are_sent_as_negatives(cg, service, tmp_path):
    notes = tmp_path / "notes"
    shutil.copytree(SAMPLE_NOTES, notes)
    (notes / "verdicts.md").write_text(
        "- [-] https://arxiv.org/abs/2106.09685\n- https://arxiv.org/abs/2305.14314 #not-relevant\n"
    )
    assert cg.build(notes=notes).exit_code == 0
    service.reset()
    rows, _ = suggestions(cg)
    [request] = recommendation_requests(service)
    body = json.loads(request["body"])
    negatives = {service.world.resolve(LORA), service.world.resolve(QLORA)}
    assert set(body["negativePaperIds"]) == negatives
    assert not negatives & set(body["positivePaperIds"])
    assert not negatives & {r["paperId"] for r in rows}


def test_papers_in_your_notes_are_never_suggested(built, service):
    service.reset()
    rows, _ = suggestions(built, "--pool", "all-cs", "--from-paper", "LoRA", "--top", "50")
    seed = service.world.resolve(LORA)
    status, body = service.recommend_for_paper(seed, {"from": "all-cs", "fields": "title", "limit": "5"})
    assert body["recommendedPapers"][0]["paperId"] == seed, "S2 (and the stand-in) recommend the seed itself"
    assert not {r["paperId"] for r in rows} & (notes_ids(service) | {seed})


def test_offline_after_one_fetch_and_what_is_new_later(built, service, tmp_path):
    first, _ = suggestions(built, "--top", "5")
    assert all(r["new"] for r in first)
    service.stop()  # no network from here on
    offline, stderr = suggestions(built, "--top", "5", "--offline")
    assert [r["paperId"] for r in offline] == [r["paperId"] for r in first]
    assert "stored answer of" in stderr
    restarted = StandinS2(service.world).start()
    try:
        more, stderr = suggestions(Citegraph(tmp_path, restarted.url), "--top", "8")
    finally:
        restarted.stop()
    today = datetime.date.today().isoformat()
    assert f"3 new since {today}" in stderr
    assert [r["paperId"] for r in more if r["new"]] == [r["paperId"] for r in more[5:]]


def test_offline_without_a_stored_answer_is_one_line(built, service):
    result = built.query("suggest", "--offline")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no stored suggestions for your read papers (recent pool)")
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unknown_seed_is_one_error_line(built, service):
    service.replay(r"POST /recommendations/v1/papers", 404, json.dumps({"error": "Paper with id X not found"}))
    result = built.query("suggest")
    assert result.exit_code == 1 and result.stderr == "error: Paper with id X not found\n"


def test_the_client_makes_the_calls_over_our_transport(built, service, monkeypatch):
    called = []
    original = AsyncSemanticScholar.get_recommended_papers_from_lists

    async def spy(self, *args, **kwargs):
        called.append(type(self._requester).__name__)
        return await original(self, *args, **kwargs)

    async def refuse(self, *args, **kwargs):
        raise AssertionError("the semanticscholar requester made a request of its own")

    monkeypatch.setattr(AsyncSemanticScholar, "get_recommended_papers_from_lists", spy)
    monkeypatch.setattr(ApiRequester, "_get_data_async", refuse)
    rows, _ = suggestions(built, "--top", "3")
    assert called == ["TransportRequester"] and len(rows) == 3
    assert {r["api_key"] for r in recommendation_requests(service)} == {built.env["S2_API_KEY"]}


def test_a_suggest_beside_a_build_shares_the_rate_budget(later_world, tmp_path):
    """A build and a suggest on one data dir, at 2 requests/s together, against a server answering 429 to a
    request that follows another within 0.25 s: two budgets, each at 2/s, would meet there at nearly every
    request; the shared one only where a loaded machine delayed a request by half its turn, so two such are
    allowed."""
    service = StandinS2(later_world, Faults(rps=4)).start()
    try:
        cg = Citegraph(tmp_path, service.url)
        assert cg.build().exit_code == 0  # the graph suggest needs
        service.reset()
        build = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "citegraph",
                "build",
                str(SAMPLE_NOTES),
                "--refresh",
                "--data-dir",
                str(cg.data_dir),
                "-o",
                str(tmp_path / "again.html"),
                "--rps",
                "2",
            ],
            env=subprocess_env(service.url),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(3):
                result = cg.query("suggest", "--top", "3")
                assert result.exit_code == 0, result.output
        finally:
            build.wait(timeout=300)
        statuses = [r["status"] for r in service.log.requests]
        assert len(statuses) > 20 and statuses.count(429) <= 2
    finally:
        service.stop()


def test_not_relevant_marks_in_every_kind_of_notes(tmp_path):
    (tmp_path / "a.md").write_text(
        "- [-] https://arxiv.org/abs/2106.09685\n## Not relevant\n- https://arxiv.org/abs/1706.03762\n"
    )
    (tmp_path / "b.org").write_text("* Paper https://arxiv.org/abs/2305.14314 :notrelevant:\n")
    library = ZoteroLibrary(tmp_path / "zotero.sqlite")
    item = library.item("AAAA1111", title="Layer Normalization", url="https://arxiv.org/abs/1607.06450")
    library.tag(item, "not-relevant")
    library.close()
    result = CliRunner().invoke(
        main,
        [
            "notes",
            str(tmp_path / "a.md"),
            str(tmp_path / "b.org"),
            "--zotero",
            str(tmp_path / "zotero.sqlite"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    status = {p["id"]: p["status"] for p in json.loads(result.stdout)["papers"]}
    assert status == {
        LORA: "not-relevant",
        "ARXIV:1706.03762": "not-relevant",
        QLORA: "not-relevant",
        "ARXIV:1607.06450": "not-relevant",
    }


def test_citing_reads_as_later_work_newest_first(cg, service):
    assert cg.build("--citations").exit_code == 0
    this_year = datetime.date.today().year
    result = cg.query(
        "citing", "--since", this_year - 1, "--sort", "year", "--min-cites", "1", "--top", "200", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    years = [row["year"] for row in rows]
    assert rows and min(years) >= this_year - 1 and years == sorted(years, reverse=True)
    later = {
        p
        for p, r in service.world.papers.items()
        if r["year"] >= this_year - 1 and notes_ids(service) & {c.cited for c in service.world.references[p]}
    }
    assert {row["paperId"] for row in rows} == later
    by_cites = json.loads(
        cg.query("citing", "--since", this_year - 1, "--min-cites", "1", "--top", "200", "--format", "json").stdout
    )
    counts = [row["cites_read_count"] for row in by_cites]
    assert counts == sorted(counts, reverse=True) and {r["paperId"] for r in by_cites} == later


def test_nothing_recent_says_what_to_try(citegraph):
    """The plain sample world has no paper of the last 60 days."""
    assert citegraph.build().exit_code == 0
    result = citegraph.query("suggest")
    assert result.exit_code == 0 and "0 suggestions" in result.stderr and "try --pool all-cs" in result.stderr


def test_build_suggest_draws_fresh_suggestions(cg, service):
    result = cg.build("--suggest")
    assert result.exit_code == 0, result.output
    assert re.search(r"^suggest: 20 suggestions \(recent pool, your read papers, asked ", result.stdout, re.M)
    page = cg.output.read_text()
    rows, _ = suggestions(cg, "--offline")
    assert rows and all(row["paperId"] in page for row in rows)


def test_python_callers_get_a_dataclass_with_a_frame(built, service):
    import citegraph
    import citegraph.pipeline  # noqa: F401 (binds the package's submodules: the function must still win)
    from citegraph.s2.config import S2Config

    result = citegraph.suggest(built.data_dir, top=3, s2_config=S2Config(api_url=service.url, rps=500))
    assert isinstance(result, citegraph.Suggestions) and list(result.table["paperId"]) == [
        row["paperId"] for row in result.to_dict()["suggestions"]
    ]
    assert len(result.table) == 3 and result.requests == 2 and result.to_dict()["new"] == 3


def test_a_cluster_of_your_papers_is_the_positives(built, service):
    from citegraph.assemble import graph_path, graph_stamp, load_graph, save_graph

    graph = load_graph(graph_path(built.data_dir))
    read = sorted(n for n, d in graph.nodes(data=True) if d.get("read"))
    for number, node in enumerate(read):  # groups of our own choosing, stored as a build stores them
        graph.nodes[node]["cluster"] = "transformers" if number % 2 else "diffusion"
    graph.graph["clusters"] = ["diffusion", "transformers"]
    save_graph(graph, graph_path(built.data_dir), graph_stamp(0, "clusters"))
    service.reset()
    rows, stderr = suggestions(built, "--cluster", "transformers", "--top", "5")
    [request] = recommendation_requests(service)
    assert sorted(json.loads(request["body"])["positivePaperIds"]) == read[1::2]
    assert "cluster transformers" in stderr and len(rows) == 5
    unknown = built.query("suggest", "--cluster", "optics")
    assert unknown.exit_code == 2 and "the groups are: diffusion; transformers" in unknown.stderr
