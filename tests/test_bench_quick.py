"""The benchmark must keep working: run its quick mode as the README documents it.

Times and ratios depend on the machine and its load: they are reported by bench/run, never asserted
here. Only goals no load can move (request counts) are checked. The stages run in two halves, this file
and tests/test_bench_quick_pages.py, so that the two test workers share them.
"""

import json
import os
import subprocess
import sys

import pytest

from bench.harness import load_stages, runs_by_default
from tests.conftest import ROOT

# Its map stages open Chromium.
pytestmark = [pytest.mark.browser, pytest.mark.heavy]

FETCHING = ["requests", "rate", "first", "warm", "library", "queries"]
PAGES = [
    "map",
    "map-library",
    "notes",
    "suggest",
    "hostile-notes",
    "hostile-server",
    "map-light",
    "history",
    "withheld",
]


def quick_bench(tmp_path, stages: list[str]) -> tuple[dict, str]:
    """``bench/run --quick --only STAGE…``: its JSON report and what it printed."""
    result_file = tmp_path / "bench.json"
    only = [arg for stage in stages for arg in ("--only", stage)]
    done = subprocess.run(
        [str(ROOT / "bench" / "run"), "--quick", *only, "--json", str(result_file)],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result_file.exists(), done.stdout + done.stderr
    return json.loads(result_file.read_text()), done.stdout


def assert_quick_run(report: dict, printed: str, stages: list[str]) -> None:
    assert report["quick"] is True
    assert "stage" in printed.splitlines()[0], "prints one table"
    assert {row["stage"] for row in report["rows"]} >= set(stages)
    exact = [row for row in report["rows"] if row["exact"]]
    assert all(row["ok"] for row in exact), [row for row in exact if not row["ok"]]


def test_the_two_halves_run_every_stage_the_benchmark_runs_by_default():
    default = [name for name, stage in load_stages().items() if runs_by_default(stage)]
    assert sorted(FETCHING + PAGES) == sorted(default)


def test_the_quick_fetching_stages_print_their_table_and_meet_their_count_goals(tmp_path):
    report, printed = quick_bench(tmp_path, FETCHING)
    assert_quick_run(report, printed, FETCHING + ["memory"])
    assert any(row["exact"] for row in report["rows"]), "the request counts are checked"
