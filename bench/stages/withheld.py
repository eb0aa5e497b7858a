"""Withheld references cost no build time (``bench/run --only withheld``).

Builds a generated library against the stand-in, once as it is and once with a fifth of the read
papers' references withheld by their publisher (S2's data-null answer), each into a fresh data dir:
the median wall time of each and their ratio (the goal: at most 1.2).
"""

from __future__ import annotations

import statistics
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
        result = CliRunner().invoke(
            main,
            [
                "build",
                str(notes),
                "--data-dir",
                str(folder / "data"),
                "-o",
                str(folder / "map.html"),
                "--rps",
                str(rps),
            ],
            env={"S2_API_URL": service.url},
        )
        seconds = time.perf_counter() - started
    finally:
        service.stop()
    if result.exit_code != 0:
        raise SystemExit(f"the build failed: {result.output}")
    return seconds


def run(table, tmp: Path, quick: bool) -> None:
    """A library where a fifth of your papers' references are withheld, built beside the same library
    without withholding: the withheld state costs no retries (goal: at most 1.2 times the plain build)."""
    read, runs = (10, 1) if quick else (100, 3)
    times: dict[str, list[float]] = {"plain": [], "withheld": []}
    for number in range(runs):
        for name, share in (("plain", 0.0), ("withheld", 0.2)):
            folder = tmp / f"withheld-{name}{number}"
            folder.mkdir()
            times[name].append(timed_build(read, share, 50.0, folder))
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["withheld"] / medians["plain"]
    table.add("withheld", f"build, {read} papers, none withheld", round(medians["plain"], 2), "s")
    table.add("withheld", f"build, {read} papers, a fifth withheld", round(medians["withheld"], 2), "s")
    table.add("withheld", "withheld / plain", round(ratio, 2), "x", "<= 1.2", ratio <= 1.2)
