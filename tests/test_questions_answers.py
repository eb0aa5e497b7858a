"""The CLI answers questions from the saved graph without NetworkX or pandas, and its answers are
the library's answers on the NetworkX graph (`citegraph.load`), to the last digit.

Checked on the sample notes' world and on a generated library world (60 papers of yours, built
with --citations), both fetched from the stand-in for real.
"""

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from citegraph.cli import main
from citegraph.constants import ReadingStatus
from citegraph.datadir import COVERAGE_FILE, load
from citegraph.paths import shortest_paths
from citegraph.questions import graph_stats, most_similar, paper_card, reading_status, top_citing, unread
from tests.conftest import ROOT, SAMPLE_NOTES
from tests.standin import StandinS2, generate_world, sample_notes_seeds

LIBRARY_PAPERS = 60


def library_notes(path: Path) -> Path:
    path.write_text(
        "# Library\n"
        + "".join(
            f"- [Library paper {i}](https://arxiv.org/abs/2{i % 4}0{i % 9 + 1}.{20000 + i})\n"
            for i in range(LIBRARY_PAPERS)
        )
    )
    return path


def seeds_of(notes: Path) -> list[tuple[str, str]]:
    return sample_notes_seeds([notes])


@pytest.fixture(scope="module", params=["sample", "library"])
def built(request, tmp_path_factory):
    """A data dir built through the stand-in, and the ids of a few of its papers."""
    tmp = tmp_path_factory.mktemp(request.param)
    notes = SAMPLE_NOTES if request.param == "sample" else library_notes(tmp / "library.md")
    world = generate_world(seeds_of(notes), n_papers=1500 if request.param == "sample" else 2500, seed=17)
    service = StandinS2(world).start()
    try:
        data_dir = tmp / "data"
        result = CliRunner().invoke(
            main,
            [
                "build",
                str(notes),
                "--data-dir",
                str(data_dir),
                "-o",
                str(tmp / "g.html"),
                "--rps",
                "1000",
                "--citations",
            ],
            env={"S2_API_URL": service.url},
        )
        assert result.exit_code == 0, result.output
    finally:
        service.stop()
    return data_dir


def cli_json(data_dir: Path, *args):
    result = CliRunner().invoke(main, [*map(str, args), "--format", "json", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def frame_json(frame) -> list[dict]:
    """What the CLI printed before it stopped using pandas: a DataFrame's rows as plain values."""
    return json.loads(json.dumps(frame.astype(object).where(frame.notna(), None).to_dict("records"), default=str))


def as_json(value) -> dict:
    return json.loads(json.dumps(value.to_dict(), default=str))


def picks(graph: nx.DiGraph) -> tuple[str, str, str]:
    """Three of your papers: the first, the last and one in the middle."""
    yours = [n for n, data in graph.nodes(data=True) if reading_status(data) == ReadingStatus.READ]
    return yours[0], yours[-1], yours[len(yours) // 2]


def test_unread_similar_citing_answers_equal_the_networkx_graphs(built):
    graph = load(built)
    first, _, middle = picks(graph)
    assert cli_json(built, "unread") == frame_json(unread(graph))
    assert cli_json(built, "unread", "--top", "500", "--since", "2015", "--min-cited-by", "2") == frame_json(
        unread(graph, top=500, min_cited_by=2, since=2015)
    )
    for paper in (first, middle):
        assert cli_json(built, "similar", paper, "--top", "50") == frame_json(most_similar(graph, paper, top=50))
    assert cli_json(built, "citing", "--min-cites", "1", "--top", "100") == frame_json(
        top_citing(graph, top=100, min_cites=1)
    )


def test_path_show_stats_answers_equal_the_networkx_graphs(built):
    graph = load(built)
    first, last, middle = picks(graph)
    for a, b in ((first, last), (middle, first), (first, middle)):
        for extra, all_paths in (([], False), (["--all"], True)):
            assert cli_json(built, "path", a, b, *extra) == as_json(shortest_paths(graph, a, b, all_paths=all_paths))
    for paper in (first, middle, next(iter(graph.succ[first]))):
        assert cli_json(built, "show", paper) == as_json(paper_card(graph, paper))
    assert cli_json(built, "stats") == as_json(graph_stats(graph, coverage_file=built / COVERAGE_FILE))


def test_paths_are_the_ones_networkx_finds(built):
    graph = load(built)
    yours = [n for n, data in graph.nodes(data=True) if reading_status(data) == ReadingStatus.READ]
    targets = list(graph)[:: max(1, len(graph) // 25)]
    for source in yours[:8]:
        for target in targets:
            if source == target or not nx.has_path(graph, source, target):
                continue
            found = shortest_paths(graph, source, target, all_paths=True)
            expected = list(nx.all_shortest_paths(graph, source, target))
            assert [[p.paperId for p in path] for path in found.paths] == expected[:20]
            assert found.more == max(0, len(expected) - 20)
            assert [p.paperId for p in shortest_paths(graph, source, target).paths[0]] == nx.shortest_path(
                graph, source, target
            )


@pytest.mark.parametrize(
    "args",
    [
        ["unread"],
        ["path", "{a}", "{b}"],
        ["path", "{a}", "{b}", "--undirected"],
        ["show", "{a}"],
        ["similar", "{a}"],
        ["citing", "--min-cites", "1"],
        ["stats"],
    ],
)
def test_questions_never_import_networkx_pandas_or_scipy(built, args):
    first, last, _ = picks(load(built))
    argv = [arg.format(a=first, b=last) for arg in args] + ["--data-dir", str(built)]
    code = (
        "import sys; from citegraph.cli import main\n"
        f"try: main({argv!r})\nexcept SystemExit as exc: assert not exc.code, exc.code\n"
        "print(sorted(m for m in ('networkx', 'pandas', 'scipy', 'numpy') if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
