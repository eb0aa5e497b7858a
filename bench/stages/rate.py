"""A paced cold build against a strict bucket at the same rate: 429s and wall time against the request floor."""

from __future__ import annotations

from pathlib import Path

from bench.harness import SAMPLE_NOTES, Table, run_citegraph
from tests.standin import Faults, StandinS2, generate_world, sample_notes_seeds


def run(table: Table, tmp: Path, quick: bool) -> None:
    # The paced build against a strict bucket (the stand-in answers 429 to any request less than
    # 1/rate after the last one it served), at the same --rps: issue 12's goal is at most one 429
    # and a whole build within 1.1x the request floor.
    rate = 10.0 if quick else 1.0
    world = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=1500, seed=12)
    service = StandinS2(world, Faults(rps=rate)).start()
    try:
        data = tmp / "real-rate"
        wall = run_citegraph(
            "build", SAMPLE_NOTES, "--data-dir", data, "-o", data / "g.html", "--rps", rate, env_url=service.url
        )
        served = service.log.count(served_only=True)
        floor = served / rate
        limited = service.stats()["statuses"].get("429", 0)
        table.add("rate", f"paced build at --rps {rate:g} vs a strict {rate:g}/s bucket: requests", served, "req")
        table.add("rate", "429 answers received", limited, "", "<= 1", limited <= 1)
        table.add("rate", f"wall time, whole command ({served} requests)", round(wall, 2), "s")
        table.add("rate", "wall time / request floor", round(wall / floor, 2), "x", "<= 1.1", wall / floor <= 1.1)
    finally:
        service.stop()
