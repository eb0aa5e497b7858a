"""A paced cold build against a strict bucket at the same rate: 429s and wall time against the request floor."""

from __future__ import annotations

from pathlib import Path

from bench.harness import SAMPLE_NOTES, Table, run_citegraph
from bench.inputs import synthetic_notes
from tests.standin import Faults, StandinS2, generate_world, sample_notes_seeds


def run(table: Table, tmp: Path, quick: bool) -> None:
    # The paced build against a strict bucket (the stand-in answers 429 to any request less than
    # 1/rate after the last one it served), at the same --rps: the goal is at most one 429 (none
    # on this run's own budget) and a whole build within 1.1x the request floor, on the sample and
    # on a library of 100 papers of yours (--quick: the sample only).
    rate = 10.0 if quick else 1.0
    sample = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=1500, seed=12)
    measure(table, tmp / "real-rate", "sample", SAMPLE_NOTES, sample, rate)
    if quick:
        return
    count = 100
    notes = tmp / f"rate-library{count}.md"
    library = generate_world(synthetic_notes(count, notes), n_papers=10 * count, seed=22)
    measure(table, tmp / "rate-library", f"{count} papers", notes, library, rate)


def measure(table: Table, data: Path, name: str, notes: Path, world, rate: float) -> None:
    """One cold build at ``--rps rate`` against a bucket of the same rate: requests, 429s, wall time / floor."""
    service = StandinS2(world, Faults(rps=rate)).start()
    try:
        wall = run_citegraph(
            "build",
            notes,
            "--data-dir",
            data,
            "-o",
            data / "g.html",
            "--rps",
            rate,
            "--no-crossref",
            env_url=service.url,
        )
        served = service.log.count(served_only=True)
        floor = served / rate
        limited = service.stats()["statuses"].get("429", 0)
        table.add("rate", f"{name}: paced build at --rps {rate:g} vs a strict {rate:g}/s bucket", served, "req")
        table.add("rate", f"{name}: 429 answers received", limited, "", "<= 1", limited <= 1)
        table.add("rate", f"{name}: wall time, whole command", round(wall, 2), "s")
        table.add(
            "rate", f"{name}: wall time / request floor", round(wall / floor, 2), "x", "<= 1.1", wall / floor <= 1.1
        )
    finally:
        service.stop()
