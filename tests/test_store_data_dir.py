"""The saved graph and the store on disk: nothing in a data dir runs code, damage is one line,
read-only data dirs are read, failed saves leave nothing behind, and a build draws what it was asked.

Files are damaged for real in tmp_path; read-only folders are made read-only for real (as root, the
commands run without the capability that lets root write anywhere).
"""

import ctypes
import json
import os
import pickle
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from citegraph.assemble import assemble, graph_path, graph_stamp, load_graph, read_stamp, save_graph
from citegraph.cli import main
from citegraph.datadir import load, open_store
from citegraph.graphfile import BLOCK
from citegraph.notes.reader import read_notes
from tests.conftest import ROOT, SAMPLE_NOTES


class Planted:
    """Unpickling this touches ``marker``: what a hostile graph.pickle in a shared data dir would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return Path.touch, (self.marker,)


def plant_pickle(path: Path, marker: Path) -> None:
    payload = pickle.dumps(Planted(marker))
    pickle.loads(payload)
    assert marker.exists(), "the planted pickle really runs code when unpickled"
    marker.unlink()
    path.write_bytes(payload)


def one_line_error(result) -> str:
    assert result.exit_code != 0 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_planted_pickle_at_the_old_path_is_never_loaded(built, tmp_path):
    marker = tmp_path / "pwned"
    plant_pickle(built.data_dir / "graph.pickle", marker)
    assert built.query("stats").exit_code == 0
    assert built.build("--offline").exit_code == 0
    assert not marker.exists()


def test_a_pickle_in_place_of_the_saved_graph_is_one_line_and_never_run(built, tmp_path):
    marker = tmp_path / "pwned"
    plant_pickle(graph_path(built.data_dir), marker)
    line = one_line_error(built.query("stats"))
    assert "is damaged" in line and "run `citegraph build NOTES` again" in line
    assert not marker.exists()


def test_the_saved_graph_loads_as_it_was_assembled(citegraph):
    assert citegraph.build("--citations").exit_code == 0
    store = open_store(citegraph.data_dir)
    try:
        assembled = assemble(store, read_notes([SAMPLE_NOTES]), citations=True)
    finally:
        store.close()
    loaded = load(citegraph.data_dir)
    assert nx.utils.graphs_equal(assembled, loaded)
    assert list(loaded) == list(assembled)
    for node in assembled:
        assert list(loaded.succ[node]) == list(assembled.succ[node]), "references keep their order"
        assert list(loaded.pred[node]) == list(assembled.pred[node]), "citers keep their order"
        assert list(loaded.nodes[node]) == list(assembled.nodes[node]), "attributes keep their order"
    some_edge = next(iter(loaded.edges))
    assert loaded.succ[some_edge[0]][some_edge[1]] is loaded.pred[some_edge[1]][some_edge[0]], "one dict per edge"


def test_the_saved_graph_is_plain_json_with_its_stamp_first(built):
    path = graph_path(built.data_dir)
    data = path.read_bytes()
    stamp_line, header_line, *block_lines = data.rstrip(b"\n").split(b"\n")
    assert json.loads(stamp_line) == read_stamp(path) and read_stamp(path)["citations"] is False
    header = json.loads(header_line)
    body = data[len(stamp_line) + len(header_line) + 2 :]
    blocks = {
        name: [json.loads(body[start:end]) for start, end in zip(offsets, offsets[1:])]
        for name, offsets in header["offsets"].items()
    }
    assert sum(map(len, blocks.values())) == len(block_lines), "the index says where each line starts"
    assert sum(map(len, blocks["ids"])) == header["nodes"] and sum(map(len, blocks["target"])) == header["edges"]


def test_an_older_saved_graph_is_one_line_asking_for_a_build(built):
    path = graph_path(built.data_dir)
    stamp_line, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(json.dumps({**json.loads(stamp_line), "version": 2}) + "\n" + rest)
    line = one_line_error(built.query("show", "Attention Is All You Need"))
    assert line == f"error: {path} was saved by another citegraph version; run `citegraph build NOTES` again"
    result = built.build()
    assert result.exit_code == 0 and "(unchanged)" not in result.output
    assert built.query("show", "Attention Is All You Need").exit_code == 0


def test_show_reads_only_the_blocks_of_the_papers_it_prints(tmp_path):
    data_dir = tmp_path / "data"
    path = graph_path(data_dir)
    graph = nx.DiGraph()
    for i in range(3 * BLOCK):
        graph.add_node(f"p{i}", title=f"Paper {i}", year=2000 + i % 20, read=i < 10)
    graph.add_edge("p0", "p1", isInfluential=True)
    save_graph(graph, path, graph_stamp(1, "blocks"))
    path.write_bytes(damage_block(path.read_bytes(), "node:title", 2))  # titles of papers far from p0 and p1
    shown = CliRunner().invoke(main, ["show", "p0", "--data-dir", str(data_dir)])
    assert shown.exit_code == 0 and "Paper 0" in shown.output and "Paper 1 " in shown.output
    line = one_line_error(CliRunner().invoke(main, ["show", f"p{3 * BLOCK - 1}", "--data-dir", str(data_dir)]))
    assert str(path) in line and "is damaged" in line


def test_a_stale_graph_is_replaced_without_being_loaded(built):
    path = graph_path(built.data_dir)
    stale = {**read_stamp(path), "generation": -1}
    path.write_text(json.dumps(stale) + "\n" + "this body is never parsed")
    result = built.build("--offline")
    assert result.exit_code == 0 and "(unchanged)" not in result.output
    assert read_stamp(path) != stale and load_graph(path).number_of_nodes() > 35


def small_graph() -> nx.DiGraph:
    graph = nx.DiGraph(unresolved_references={"a": 2})
    graph.add_node("a", title="A", read=True, notesTitle="A (notes)")
    graph.add_node("b", title="B", read=False)
    graph.add_edge("a", "b", isInfluential=True, origin="references", contexts=["we use B"])
    return graph


def damage_block(data: bytes, section: str, number: int) -> bytes:
    """``data`` with one block of ``section`` replaced by a shorter list of the same byte length: the
    index still points at every line, only that block no longer holds its rows."""
    stamp_end = data.index(b"\n") + 1
    body = data.index(b"\n", stamp_end) + 1
    offsets = json.loads(data[stamp_end:body])["offsets"][section]
    start, end = body + offsets[number], body + offsets[number + 1]
    shorter = json.dumps(json.loads(data[start:end])[:-1] if section == "target" else [1]).encode()
    return data[:start] + shorter.ljust(end - start - 1) + b"\n" + data[end:]


def damage_body(text: str) -> str:
    return damage_block(text.encode(), "target", 0).decode()


DAMAGES = {
    "truncated": lambda text: text[: len(text) * 2 // 3],
    "another program's JSON": lambda text: '{"hello": "world"}\n[]',
    "a list in place of the graph": lambda text: text.split("\n")[0] + "\n[1, 2, 3]",
    "columns of different lengths": damage_body,
    "empty": lambda text: "",
    "nested a million deep": lambda text: text.split("\n")[0] + "\n" + "[" * 10**6 + "]" * 10**6,
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_saved_graph_is_one_line(tmp_path, damage):
    data_dir = tmp_path / "data"
    path = graph_path(data_dir)
    save_graph(small_graph(), path, graph_stamp(1, "small"))
    assert nx.utils.graphs_equal(load_graph(path), small_graph())
    path.write_text(DAMAGES[damage](path.read_text()))
    line = one_line_error(CliRunner().invoke(main, ["unread", "--data-dir", str(data_dir)]))
    assert str(path) in line and "run `citegraph build NOTES` again" in line


def cli_process(*args, env: dict, limit_file_size: int | None = None, read_only_rules: bool = False):
    """A real `citegraph` process; optionally with a file size limit, or bound by file permissions even as root."""

    def before_exec():
        if limit_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))
        if read_only_rules and os.geteuid() == 0:
            libc = ctypes.CDLL(None, use_errno=True)
            for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
                if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                    raise OSError(ctypes.get_errno(), "cannot drop CAP_DAC_OVERRIDE")

    return subprocess.run(
        [sys.executable, "-c", "from citegraph.cli import main; main()", *map(str, args)],
        cwd=ROOT,
        env=env,
        preexec_fn=before_exec,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_save_that_fails_leaves_no_temporary_file(built, tmp_path):
    path = graph_path(built.data_dir)
    limit = path.stat().st_size // 2
    assert (built.data_dir / "coverage.json").stat().st_size < limit, "only the graph is too big to write"
    path.unlink()
    done = cli_process(
        "build",
        SAMPLE_NOTES,
        "--offline",
        "--data-dir",
        built.data_dir,
        "-o",
        tmp_path / "map.html",
        env={**os.environ, **built.env},
        limit_file_size=limit,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: could not save the graph as {path}: File too large; "
        "free some space or use another --data-dir, then run `citegraph build` again"
    ]
    assert sorted(p.name for p in built.data_dir.iterdir()) == [
        ".rankings.json",  # kept by the first build
        "citegraph.db",
        "coverage.json",
        "crossref-rate",
        "s2-rate",
    ]


@pytest.fixture
def read_only_data_dir(built):
    files = list(built.data_dir.iterdir())
    for file in files:
        file.chmod(0o444)
    built.data_dir.chmod(0o555)
    yield built
    built.data_dir.chmod(0o755)
    for file in files:
        file.chmod(0o644)


def test_queries_read_a_read_only_data_dir(read_only_data_dir):
    citegraph = read_only_data_dir
    done = cli_process(
        "unread",
        "--top",
        "3",
        "--format",
        "json",
        "--data-dir",
        citegraph.data_dir,
        env={**os.environ, **citegraph.env},
        read_only_rules=True,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 3


def test_an_offline_build_reads_a_read_only_data_dir(read_only_data_dir, tmp_path):
    citegraph = read_only_data_dir
    graph_file = graph_path(citegraph.data_dir)
    graph_file.chmod(0o644)
    graph_file.write_text("")  # damaged: the build must assemble the graph from the read-only store
    graph_file.chmod(0o444)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in citegraph.data_dir.iterdir())
    done = cli_process(
        "build",
        SAMPLE_NOTES,
        "--offline",
        "--data-dir",
        citegraph.data_dir,
        "-o",
        tmp_path / "map.html",
        env={**os.environ, **citegraph.env},
        read_only_rules=True,
    )
    assert done.returncode == 0, done.stderr
    assert "notes: 35 resolved" in done.stdout and (tmp_path / "map.html").exists()
    assert sorted((p.name, p.stat().st_mtime_ns) for p in citegraph.data_dir.iterdir()) == before, (
        "nothing written there"
    )


def test_a_build_that_must_fetch_says_the_data_dir_is_read_only(read_only_data_dir, tmp_path):
    citegraph = read_only_data_dir
    done = cli_process(
        "build",
        SAMPLE_NOTES,
        "--data-dir",
        citegraph.data_dir,
        "-o",
        tmp_path / "map.html",
        env={**os.environ, **citegraph.env},
        read_only_rules=True,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: {citegraph.data_dir} is read-only: a build that fetches stores every answer there; "
        "build from what is stored with --offline, or use a writable --data-dir"
    ]


def test_a_damaged_page_in_the_store_is_one_line(built):
    store_file = built.data_dir / "citegraph.db"
    db = sqlite3.connect(store_file)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name='edges'").fetchone()[0]
    db.close()
    with open(store_file, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xa5" * page_size)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(store_file).execute("SELECT * FROM edges").fetchall()
    graph_path(built.data_dir).unlink()  # so the build must read the edges again
    line = one_line_error(built.build("--offline"))
    assert line.startswith(f"error: {store_file} is damaged (") and "move it away" in line


def edge_set(data_dir: Path) -> tuple[set, set]:
    graph = load(data_dir)
    return set(graph.nodes), set(graph.edges)


def test_a_plain_build_after_citations_draws_only_references(built):
    plain_nodes, plain_edges = edge_set(built.data_dir)
    assert built.build("--citations").exit_code == 0
    cited_nodes, cited_edges = edge_set(built.data_dir)
    assert cited_nodes > plain_nodes and cited_edges > plain_edges
    again = built.build()
    assert again.exit_code == 0 and "(unchanged)" not in again.output
    assert edge_set(built.data_dir) == (plain_nodes, plain_edges)
    offline = built.build("--offline", "--citations")
    assert offline.exit_code == 0 and edge_set(built.data_dir) == (cited_nodes, cited_edges), "still stored"


def test_a_read_only_folder_without_a_store_is_one_line(tmp_path):
    empty = tmp_path / "shared"
    empty.mkdir()
    empty.chmod(0o555)
    try:
        done = cli_process(
            "build",
            SAMPLE_NOTES,
            "--offline",
            "--data-dir",
            empty,
            "-o",
            tmp_path / "map.html",
            env=dict(os.environ),
            read_only_rules=True,
        )
    finally:
        empty.chmod(0o755)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: {empty} is read-only and holds no citegraph store yet; "
        "use --data-dir to choose a folder citegraph can write"
    ]
