"""Withheld references cost no build time: python -m bench.withheld [--read N] [--rps R] [--runs K].

Builds a generated library against the stand-in twice per run, once as it is and once with a fifth of
the read papers' references withheld by their publisher (S2's data-null answer), each into a fresh data
dir, and prints the median wall time of each and their ratio (the goal: at most 1.2).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from citegraph.cli import main
from tests.standin import Faults, StandinS2, generate_library
from tests.standin.server import withhold_references


def timed_build(read: int, share: float, rps: float, folder: Path) -> float:
    library = generate_library(n_read=read, n_topics=4, seed=3)
    yours = [library.world.by_external[f"arxiv:{arxiv}"] for arxiv in library.topic_of]
    withhold_references(library.world, yours, share)
    notes = folder / "reading.md"
    notes.write_text(library.notes(), encoding="utf-8")
    service = StandinS2(library.world, Faults()).start()
    try:
        started = time.perf_counter()
        result = CliRunner().invoke(main, ["build", str(notes), "--data-dir", str(folder / "data"), "-o",
                                           str(folder / "map.html"), "--rps", str(rps)],
                                    env={"S2_API_URL": service.url})
        seconds = time.perf_counter() - started
    finally:
        service.stop()
    if result.exit_code != 0:
        raise SystemExit(f"the build failed: {result.output}")
    return seconds


def main_bench() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.withheld", description=__doc__)
    parser.add_argument("--read", type=int, default=100)
    parser.add_argument("--rps", type=float, default=50.0, help="requests per second the build makes")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"plain": [], "withheld": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for name, share in (("plain", 0.0), ("withheld", 0.2)):
                folder = Path(tmp) / f"{name}{run}"
                folder.mkdir()
                times[name].append(timed_build(args.read, share, args.rps, folder))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(json.dumps({"read": args.read, "rps": args.rps, "runs": args.runs, "median_seconds": medians,
                      "ratio": round(medians["withheld"] / medians["plain"], 3)}))


if __name__ == "__main__":
    main_bench()
