"""The benchmark must keep working: run its quick mode as the README documents it."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def test_quick_benchmark_runs_and_meets_its_goals(tmp_path):
    result_file = tmp_path / "bench.json"
    done = subprocess.run([str(ROOT / "bench" / "run"), "--quick", "--json", str(result_file)], cwd=ROOT,
                          env={**os.environ, "PYTHON": sys.executable}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(result_file.read_text())
    assert report["quick"] is True and report["seconds"] < 120
    stages = {row["stage"] for row in report["rows"]}
    assert {"requests", "rate", "warm", "queries", "memory", "map"} <= stages
    assert all(row["ok"] is not False for row in report["rows"])
    assert "stage" in done.stdout.splitlines()[0], "prints one table"
