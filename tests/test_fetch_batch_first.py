"""Batch first (issue 19): a first map from /paper/batch's nested references, S2's influence flags after.

Every test runs real builds against the stand-in over HTTP and looks at what a user sees: the
requests made, the map and graph written, coverage.json, and the commands' output.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citegraph.assemble import graph_path, load_graph
from citegraph.pipeline import build
from citegraph.s2.client import NESTED_FIELDS, PAPER_FIELDS
from citegraph.s2.config import S2Config
from tests.conftest import ROOT, SAMPLE_NOTES, Citegraph, subprocess_env, two_builds_at_once
from tests.interrupt import ctrl_c_as_at_a_terminal
from tests.standin import Citation, Faults, StandinS2, World, sample_notes_seeds

pytestmark = pytest.mark.heavy

BATCH, REFERENCES = "/graph/v1/paper/batch", "/graph/v1/paper/{id}/references"


def sample_paper_ids(world) -> list[str]:
    return [world.resolve(f"ARXIV:{arxiv}") for arxiv, _ in sample_notes_seeds([SAMPLE_NOTES])]


def world_references(world, paper_id: str) -> set[str]:
    return {c.cited for c in world.references[paper_id] if c.cited}


def references_asked(service) -> list[str]:
    return [r["path"].split("/")[4] for r in service.log.requests if r["path"].endswith("/references")]


def graph_contents(graph) -> tuple[dict, dict, dict]:
    """Everything a graph says, PageRank rounded (its last digits follow the order papers were stored in)."""
    nodes = {n: {**data, "pagerank": round(data["pagerank"], 9)} for n, data in graph.nodes(data=True)}
    return nodes, {(a, b): data for a, b, data in graph.edges(data=True)}, dict(graph.graph)


def test_the_first_map_is_drawn_from_the_batch_with_influence_unknown(standin, tmp_path):
    seen = {}

    def first_view(view):
        seen["requests"] = standin.stats()["by_endpoint"]
        seen["view"] = view
        seen["map"] = (tmp_path / "g.html").read_text()
        seen["graph"] = load_graph(graph_path(tmp_path / "data"))

    config = S2Config(api_url=standin.url, rps=500)
    result = build(
        [SAMPLE_NOTES],
        data_dir=tmp_path / "data",
        output=tmp_path / "g.html",
        s2_config=config,
        first_view=first_view,
        first_view_after=0,  # at 500 requests a second the flags take a moment: drawn first all the same
    )
    assert seen["requests"] == {BATCH: 1}, "the first map needs one batch request for 35 papers"
    assert seen["view"].pending == 35 and seen["view"].papers == 35
    first = seen["graph"]
    for paper in sample_paper_ids(standin.world):
        assert set(first.succ[paper]) == world_references(standin.world, paper)
    assert {flag for _, _, flag in first.edges(data="isInfluential")} == {None}
    assert first.graph["flags_pending"] == 35
    assert "influence flags pending for 35 of 35 papers" in seen["map"]

    assert standin.stats()["by_endpoint"] == {BATCH: 1, REFERENCES: 35}, "then the flags, one request per paper"
    assert result.complete and result.graph.graph["flags_pending"] == 0
    assert {flag for _, _, flag in result.graph.edges(data="isInfluential")} == {True, False}
    assert "influence flags pending" not in (tmp_path / "g.html").read_text()


def test_the_flags_of_papers_the_batch_did_not_list_come_first(standin, citegraph):
    lora = standin.world.resolve("ARXIV:2106.09685")
    standin.set_faults(Faults(empty_nested=[lora]))
    quick = citegraph.build("--quick")
    assert quick.exit_code == 0, quick.output
    entry = next(e for e in citegraph.coverage()["entries"] if e["paperId"] == lora)
    assert entry["status"] == "ok" and entry["flags_pending"] and "the batch listed 0 of" in entry["reason"]
    assert not load_graph(graph_path(citegraph.data_dir)).succ[lora], "no references yet"

    standin.reset()
    assert citegraph.build().exit_code == 0
    assert references_asked(standin)[0] == lora, "the paper without references is asked first"
    assert set(load_graph(graph_path(citegraph.data_dir)).succ[lora]) == world_references(standin.world, lora)


def big_paper_world() -> World:
    world = World()
    for n in range(1500):
        world.add_paper(
            {"paperId": f"{n:040x}", "title": f"Cited {n}", "year": 2000, "externalIds": {"CorpusId": 100 + n}}
        )
    world.add_paper(
        {
            "paperId": "b" * 40,
            "title": "A survey citing everything",
            "year": 2024,
            "externalIds": {"ArXiv": "2401.00001", "CorpusId": 1},
        },
        [Citation(f"{n:040x}", f"Cited {n}", n % 10 == 0, ["background"], [f"context {n}"]) for n in range(1500)],
    )
    return world.finish()


def test_a_nested_list_cut_at_1000_is_fetched_page_by_page(tmp_path):
    service = StandinS2(big_paper_world()).start()
    try:
        notes = tmp_path / "big.md"
        notes.write_text("https://arxiv.org/abs/2401.00001\n")
        citegraph = Citegraph(tmp_path, service.url)
        assert citegraph.build("--quick", notes=notes).exit_code == 0
        entry = citegraph.coverage()["entries"][0]
        assert entry["references"] == 1000 and "the batch listed 1,000 of 1500 references" in entry["reason"]

        service.reset()
        assert citegraph.build(notes=notes).exit_code == 0
        assert service.stats()["by_endpoint"] == {REFERENCES: 2}, "both pages, from the first"
        assert citegraph.coverage()["entries"][0]["references"] == 1500
        graph = load_graph(graph_path(citegraph.data_dir))
        assert sum(1 for _, _, flag in graph.edges(data="isInfluential") if flag) == 150
    finally:
        service.stop()


def test_a_batch_answer_over_the_size_limit_is_asked_again_in_halves(standin, citegraph, tmp_path):
    ids = [f"ARXIV:{arxiv}" for arxiv, _ in sample_notes_seeds([SAMPLE_NOTES])]
    _, whole = standin.batch({"ids": ids}, {"fields": ",".join(PAPER_FIELDS + NESTED_FIELDS)})
    standin.set_faults(Faults(max_batch_bytes=len(json.dumps(whole)) * 2 // 3))
    result = citegraph.build("--quick")
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in standin.log.requests] == [400, 200, 200]
    assert citegraph.coverage()["totals"]["flags_pending"] == 35 and citegraph.coverage()["totals"]["failed"] == 0
    graph = load_graph(graph_path(citegraph.data_dir))
    assert all(set(graph.succ[p]) == world_references(standin.world, p) for p in sample_paper_ids(standin.world))


def test_an_interrupted_build_writes_its_map_and_resumes_without_asking_twice(standin, tmp_path):
    standin.set_faults(Faults(hang_after=12))
    data_dir, page = tmp_path / "data", tmp_path / "g.html"
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
            str(page),
            "--rps",
            "10",  # the flags then take the seconds that earn a first map
        ],
        cwd=ROOT,
        env=subprocess_env(standin.url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_as_at_a_terminal,
    )
    deadline = time.time() + 60
    while not standin.log.hanging and time.time() < deadline:
        time.sleep(0.05)
    assert standin.log.hanging, "the build never reached the hanging request"
    page.unlink()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "first view; influence flags for 35 papers follow" in out
    assert "interrupted: everything fetched so far is stored" in err
    assert "influence flags pending for 24 of 35 papers" in page.read_text(), "Ctrl-C draws what it has"
    coverage = json.loads((data_dir / "coverage.json").read_text())
    assert coverage["totals"]["flags_pending"] == 24 and coverage["totals"]["ok"] == 35
    first_run = references_asked(standin)

    standin.set_faults(Faults())
    standin.reset()
    result = Citegraph(tmp_path, standin.url).build()
    assert result.exit_code == 0, result.output
    second_run = references_asked(standin)
    assert standin.stats()["by_endpoint"] == {REFERENCES: 24}, "no batch again, no paper twice"
    assert not set(first_run) & set(second_run) and len(first_run) == 11


def test_unread_and_stats_say_how_many_papers_still_lack_flags(citegraph):
    assert citegraph.build("--quick").exit_code == 0
    line = "influence flags pending for 35 of 35 papers: run `citegraph build` to finish"
    unread = citegraph.query("unread", "--format", "json")
    assert unread.exit_code == 0 and line in unread.stderr
    assert all(row["influential_count"] == 0 for row in json.loads(unread.stdout))
    stats = citegraph.query("stats", "--format", "json")
    assert json.loads(stats.stdout)["flags_pending"] == 35 and line in stats.stderr
    assert citegraph.coverage()["totals"]["flags_pending"] == 35

    assert citegraph.build().exit_code == 0
    unread = citegraph.query("unread", "--format", "json")
    assert "pending" not in unread.stderr and any(row["influential_count"] for row in json.loads(unread.stdout))
    assert json.loads(citegraph.query("stats", "--format", "json").stdout)["flags_pending"] == 0


def test_two_builds_at_once_ask_for_each_paper_once(standin, tmp_path):
    standin.set_faults(Faults(delay=0.02))
    two_builds_at_once(standin.url, tmp_path)
    asked = references_asked(standin)
    assert sorted(asked) == sorted(set(asked)) and len(asked) == 35
    batch_ids = [i for r in standin.log.requests if r["path"] == BATCH for i in json.loads(r["body"])["ids"]]
    assert len(batch_ids) == len(set(batch_ids)) == 35


def test_depth_2_is_drawn_only_when_asked(built, standin):
    depth1 = load_graph(graph_path(built.data_dir))
    assert built.build("--depth", "2").exit_code == 0
    deeper = load_graph(graph_path(built.data_dir))
    assert deeper.number_of_nodes() > depth1.number_of_nodes()

    standin.reset()
    plain = built.build()
    assert plain.exit_code == 0 and standin.stats()["requests"] == 0
    assert graph_contents(load_graph(graph_path(built.data_dir))) == graph_contents(depth1)
    assert built.build("--depth", "2", "--offline").exit_code == 0
    assert load_graph(graph_path(built.data_dir)).number_of_nodes() == deeper.number_of_nodes()


def library(world, count: int, path: Path) -> tuple[Path, list[str]]:
    """Notes naming ``count`` papers of the world (a few by title only), and their paperIds."""
    papers = [p for p in world.papers.values() if p["externalIds"].get("DOI")][-count:]
    titles = [p["title"] for p in world.papers.values()]
    lines = []
    for n, paper in enumerate(papers):
        by_title = n % 20 == 0 and titles.count(paper["title"]) == 1
        lines.append(
            f"- [{paper['title']}](https://openreview.net/forum?id=x{n})"
            if by_title
            else f"- https://doi.org/{paper['externalIds']['DOI']}"
        )
    path.write_text("# Library\n" + "\n".join(lines) + "\n")
    return path, [p["paperId"] for p in papers]


@pytest.mark.parametrize("size", ["sample", "40 papers"])
def test_the_complete_graph_is_the_one_a_page_by_page_build_makes(tmp_path, size, sample_world):
    world = sample_world
    notes, yours = (
        (SAMPLE_NOTES, sample_paper_ids(world)) if size == "sample" else library(world, 40, tmp_path / "l.md")
    )
    batch_first = StandinS2(world).start()
    # The batch listing no references for your papers: theirs come page by page, as citegraph
    # fetched them before it asked the batch for them.
    page_by_page = StandinS2(world, Faults(empty_nested=yours)).start()
    try:
        graphs = []
        for name, service in (("batch", batch_first), ("pages", page_by_page)):
            citegraph = Citegraph(tmp_path / name, service.url)
            # Crossref fills no reference list S2 gives: left out, the two builds compare the same
            result = citegraph.build("--citations", "--depth", "2", "--no-crossref", notes=notes)
            assert result.exit_code == 0, result.output
            graphs.append(load_graph(graph_path(citegraph.data_dir)))
        assert graph_contents(graphs[0]) == graph_contents(graphs[1])
        assert graphs[0].graph["flags_pending"] == 0 and graphs[0].number_of_edges() > 10_000
    finally:
        batch_first.stop()
        page_by_page.stop()


def test_a_nested_list_never_overwrites_flags_already_stored(built):
    flags = {(a, b): flag for a, b, flag in load_graph(graph_path(built.data_dir)).edges(data="isInfluential")}
    assert built.build("--refresh", "--quick").exit_code == 0, "the batch is asked again, nested lists and all"
    again = {(a, b): flag for a, b, flag in load_graph(graph_path(built.data_dir)).edges(data="isInfluential")}
    assert again == flags and None not in again.values()
