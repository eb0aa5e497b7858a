"""Hostile servers: a build's memory stays bounded whatever the size of the answer it is sent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import ROOT, SAMPLE_NOTES, Table
from tests.standin import generate_world, sample_notes_seeds

HOSTILE_PEAK = (
    "import resource, sys\nfrom citegraph.cli import main\n"
    "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
)


def run(table: Table, tmp: Path, quick: bool) -> None:
    """Peak RSS of a whole build (3 notes papers) whose /references answers are a 1 MB gzip bomb
    (1 GB inflated) or a 200 MB answer (--quick: the bomb only): each is given up at the answer
    limit, not read into memory."""
    from tests.standin.hostile import HostileS2

    world = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=300, seed=7)
    notes = tmp / "hostile.md"
    notes.write_text("".join(f"- https://www.semanticscholar.org/paper/{p}\n" for p in list(world.references)[:3]))
    modes = [("gzip_bomb", "a 1 MB gzip bomb (1 GB inflated)"), ("huge_answer", "a 200 MB answer")]
    for mode, shown in modes[:1] if quick else modes:
        server = HostileS2(world, mode).start()
        try:
            started = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    HOSTILE_PEAK,
                    "build",
                    str(notes),
                    "--data-dir",
                    str(tmp / f"hostile-{mode}"),
                    "-o",
                    str(tmp / f"{mode}.html"),
                    "--max-wait",
                    "0",
                    "--rps",
                    "50",
                ],
                cwd=ROOT,
                env={**os.environ, "S2_API_URL": server.url},
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - started
        finally:
            server.stop()
        peak = int(done.stderr.split()[-1]) / 1024
        table.add(
            "hostile-server", f"peak RSS of a build against {shown}", round(peak, 1), "MB", "<= 512 MB", peak <= 512
        )
        table.add("hostile-server", "  its wall time (3 papers, one attempt each)", round(elapsed, 1), "s")
