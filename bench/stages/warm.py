"""A rebuild with nothing to fetch, against the bare imports it cannot avoid: the sample and a 400-paper library."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import SAMPLE_NOTES, Table, median_time, run_citegraph
from bench.inputs import synthetic_notes
from tests.standin import StandinS2, generate_world, sample_notes_seeds
from tests.standin.crossref import StandinCrossref

IMPORTS = [sys.executable, "-c", "import networkx, pandas, pyvis"]


def run(table: Table, tmp: Path, quick: bool) -> None:
    runs = 1 if quick else 5
    sample = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=1500, seed=13)
    measure(table, tmp / "warm", "sample notes", SAMPLE_NOTES, sample, runs)
    if not quick:
        count = 400
        notes = tmp / f"warm-library{count}.md"
        library = generate_world(synthetic_notes(count, notes), n_papers=3000, seed=21)
        measure(table, tmp / "warm-library", f"{count}-paper library", notes, library, runs)
    table.add("warm", f"citegraph --help (median of {runs})", round(median_time(["--help"], runs), 3), "s")


def measure(table: Table, data: Path, name: str, notes: Path, world, runs: int, stage: str = "warm") -> None:
    """A cold build, then ``runs`` rebuilds with nothing to fetch alternating with the bare imports.

    Crossref is a stand-in too: a real rebuild finds its answers stored and asks nothing (without
    one, every rebuild would ask Crossref again, as nothing could be stored)."""
    service, crossref = StandinS2(world).start(), StandinCrossref(world).start()
    build = ["build", notes, "--data-dir", data, "-o", data / "g.html"]
    before = os.environ.get("CROSSREF_API_URL")
    os.environ["CROSSREF_API_URL"] = crossref.url
    try:
        run_citegraph(*build, "--rps", "1000", env_url=service.url)
        run_citegraph(*build, env_url=service.url)  # the map's page and the rankings kept
        warm, imports = [], []
        for _ in range(runs):
            warm.append(run_citegraph(*build, env_url=service.url))
            started = time.perf_counter()
            subprocess.run(IMPORTS, check=True)
            imports.append(time.perf_counter() - started)
    finally:
        service.stop()
        crossref.stop()
        if before is None:
            os.environ.pop("CROSSREF_API_URL", None)
        else:
            os.environ["CROSSREF_API_URL"] = before
    ratio = statistics.median(warm) / statistics.median(imports)
    table.add(stage, f"{name}: warm rebuild -> HTML (median of {runs})", round(statistics.median(warm), 3), "s")
    table.add(stage, f"{name}: import networkx, pandas, pyvis (median)", round(statistics.median(imports), 3), "s")
    table.add(stage, f"{name}: warm rebuild / imports", round(ratio, 2), "x", "<= 1.3", ratio <= 1.3)
