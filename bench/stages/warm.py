"""A rebuild with nothing to fetch, against the bare imports it cannot avoid."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import SAMPLE_NOTES, Table, median_time, run_citegraph
from tests.standin import StandinS2, generate_world, sample_notes_seeds


def run(table: Table, tmp: Path, quick: bool) -> None:
    world = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=1500, seed=13)
    service = StandinS2(world).start()
    data = tmp / "warm"
    build = ["build", SAMPLE_NOTES, "--data-dir", data, "-o", data / "g.html"]
    try:
        run_citegraph(*build, "--rps", "1000", env_url=service.url)
        runs = 1 if quick else 5
        warm, imports = [], []
        for _ in range(runs):
            warm.append(run_citegraph(*build, env_url=service.url))
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import networkx, pandas, pyvis"], check=True)
            imports.append(time.perf_counter() - started)
        ratio = statistics.median(warm) / statistics.median(imports)
        table.add(
            "warm", f"warm rebuild, sample notes -> HTML (median of {runs})", round(statistics.median(warm), 3), "s"
        )
        table.add(
            "warm", f"import networkx, pandas, pyvis (median of {runs})", round(statistics.median(imports), 3), "s"
        )
        table.add("warm", "warm rebuild / imports", round(ratio, 2), "x", "<= 1.5", ratio <= 1.5)
        table.add("warm", f"citegraph --help (median of {runs})", round(median_time(["--help"], runs), 3), "s")
    finally:
        service.stop()
