"""Files planted in a data dir or beside the map, and commands run where they cannot write: each is
one line or ignored, never a traceback or a hang."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from citegraph.assemble import compute_pagerank, graph_path, graph_stamp, save_graph
from citegraph.cli import main
from citegraph.demo.examples import example_graph
from tests.conftest import SAMPLE_NOTES
from tests.test_hostile_files import CITEGRAPH, can_unshare, in_mount_namespace

DEEP_JSON = "[" * 100_000 + "]" * 100_000


def saved_example(data_dir: Path) -> Path:
    graph = example_graph()
    compute_pagerank(graph)
    save_graph(graph, graph_path(data_dir), graph_stamp(1, "hostile"))
    return data_dir


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_coverage_report_nested_100000_deep_is_one_line(tmp_path):
    data_dir = saved_example(tmp_path / "data")
    (data_dir / "coverage.json").write_text('{"totals": ' + DEEP_JSON + "}")
    done = cli("stats", "--data-dir", data_dir)
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert (
        done.output == f"error: {data_dir / 'coverage.json'} is damaged (nested deeper than any report); "
        "`citegraph build NOTES --offline` writes it again\n"
    )


@pytest.mark.parametrize("planted", ["deep", "wrong types", "fifo"])
def test_a_planted_layout_cache_is_ignored(built, tmp_path, planted):
    cache = built.output.with_name(f".{built.output.name}.layout.json")
    cache.unlink()
    if planted == "deep":
        cache.write_text('{"digest": ' + DEEP_JSON + "}")
    elif planted == "wrong types":
        cache.write_text('{"digest": 5, "positions": [1, 2], "regions": "x"}')
    else:
        os.mkfifo(cache)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "citegraph",
            "build",
            str(SAMPLE_NOTES),
            "--offline",
            "--data-dir",
            str(built.data_dir),
            "-o",
            str(built.output),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("planted", ["deep", "wrong types", "fifo"])
def test_a_planted_page_note_is_ignored_and_the_page_drawn_again(built, planted):
    note = built.output.with_name(f".{built.output.name}.page.json")
    note.unlink()
    if planted == "deep":
        note.write_text('{"key": ' + DEEP_JSON + "}")
    elif planted == "wrong types":
        note.write_text('{"key": [1], "size": "big", "meta": 3}')
    else:
        os.mkfifo(note)
    os.utime(built.output, (1, 1))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "citegraph",
            "build",
            str(SAMPLE_NOTES),
            "--offline",
            "--data-dir",
            str(built.data_dir),
            "-o",
            str(built.output),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert built.output.stat().st_mtime != 1 and note.is_file()


def test_bidirectional_controls_in_titles_never_reach_the_terminal(tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("# Reading\n\n- [Attention \u202eevil\u202c Is All You Need](https://arxiv.org/abs/1706.03762)\n")
    done = cli("notes", notes)
    assert done.exit_code == 0 and "Attention" in done.output
    assert not any(c in done.output for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_a_group_name_from_a_heading_is_text_in_markdown(citegraph, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    sample = (SAMPLE_NOTES / "nlp-notes.md").read_text()
    (notes / "hostile.md").write_text("# <img src=x onerror=alert(1)> [click](javascript:alert(1))\n\n" + sample)
    assert citegraph.build(notes=notes).exit_code == 0
    done = citegraph.query("clusters", "--format", "md")
    assert done.exit_code == 0
    assert "<img" not in done.output and "](javascript:" not in done.output


@pytest.mark.skipif(not can_unshare(), reason="needs a private mount namespace (unshare -m) to mount read-only")
def test_the_demo_in_a_read_only_folder_says_where_and_how_to_move_it(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    done = in_mount_namespace(
        f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && cd {folder} && {CITEGRAPH} demo",
        env=dict(os.environ),
        timeout=300,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"the demo cannot write in {folder}/data/demo (Read-only file system)" in done.stderr
    assert "--data-dir DIR" in done.stderr


def test_three_demos_at_once_share_one_release(tmp_path):
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "citegraph",
                "demo",
                "--data-dir",
                str(tmp_path / "demo"),
                "-o",
                str(tmp_path / f"demo{n}.html"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in processes]
    assert all(code == 0 for code, _ in results), results
    assert all((tmp_path / f"demo{n}.html").exists() for n in range(3))
    assert not [p for p in (tmp_path / "demo").iterdir() if p.name.startswith(".release-")]
