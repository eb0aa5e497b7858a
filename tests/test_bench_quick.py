"""The benchmark must keep working: run its quick mode as the README documents it.

Times and ratios depend on the machine and its load: they are reported by bench/run, never asserted
here. Only goals no load can move (request counts) are checked.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# Its map stages open Chromium.
pytestmark = pytest.mark.browser


def test_quick_benchmark_prints_its_table_and_meets_its_count_goals(tmp_path):
    result_file = tmp_path / "bench.json"
    done = subprocess.run(
        [str(ROOT / "bench" / "run"), "--quick", "--json", str(result_file)],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result_file.exists(), done.stdout + done.stderr
    report = json.loads(result_file.read_text())
    assert report["quick"] is True
    assert "stage" in done.stdout.splitlines()[0], "prints one table"
    stages = {row["stage"] for row in report["rows"]}
    assert {"requests", "rate", "warm", "queries", "memory", "map", "notes"} <= stages
    exact = [row for row in report["rows"] if row["exact"]]
    assert exact and all(row["ok"] for row in exact), [row for row in exact if not row["ok"]]
