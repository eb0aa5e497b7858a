"""Questions on a library of papers of yours, as whole commands against the interpreter's floor."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from bench.harness import ROOT, Table, answer_times, citegraph_command, run_citegraph
from bench.inputs import synthetic_notes
from tests.standin import StandinS2, generate_world


def run(table: Table, tmp: Path, quick: bool) -> None:
    """Questions on a library of 400 papers of yours (about 3,000 papers in the graph), against the floor."""
    count = 20 if quick else 400
    notes = tmp / f"library{count}.md"
    seeds = synthetic_notes(count, notes)
    service = StandinS2(generate_world(seeds, n_papers=300 if quick else 3000, seed=21)).start()
    data = tmp / "library"
    try:
        run_citegraph("build", notes, "--data-dir", data, "-o", data / "g.html", "--rps", "1000", env_url=service.url)
    finally:
        service.stop()
    stats = json.loads(
        subprocess.run(
            [*citegraph_command(), "stats", "--format", "json", "--data-dir", str(data)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    ids = [
        line.split(",", 1)[0]
        for line in subprocess.run(
            [*citegraph_command(), "notes", str(notes), "--format", "csv"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[1:]
    ]
    questions = {
        "unread --top 10": ["unread", "--top", "10"],
        "path A B -u": ["path", ids[0], ids[-1], "--undirected"],
        "show A": ["show", ids[0]],
    }
    runs = 1 if quick else 5
    floor, times = answer_times(questions, data, runs)
    size = f"{count} yours, {stats['papers']:,} in graph"
    table.add("library", f"python -c 'import click, json' (floor, median of {runs})", round(floor, 3), "s")
    for name, (wall, _) in times.items():
        table.add("library", f"citegraph {name}, {size}", round(wall, 3), "s")
        table.add("library", "  / floor", round(wall / floor, 1), "x", "<= 5", wall / floor <= 5)
