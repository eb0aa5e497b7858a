"""Hostile Datasets servers and planted files: each bounded case measured in a fresh process (peak
memory, wall time, bytes left on disk), where it used to write until the disk was full or hang."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import ROOT, SAMPLE_NOTES, Table

# Its cases are each a test already; the stage adds their peak memory and time, on demand.
RUNS_BY_DEFAULT = False
RELEASE = "2025-12-05"
# A fresh process with the download's bounds lowered to what a bench can wait for, printing its peak
# RSS (kB) on stderr's last line; the bounds are the code's own, only their sizes change.
BOUNDED = (
    "import resource, sys\nimport citegraph.bulk.download as download\n"
    "download.MAX_SHARD_BYTES = int(sys.argv[1]); download.RATE_WINDOW = float(sys.argv[2]); download.ATTEMPTS = 1\n"
    "from citegraph.cli import main\n"
    "try:\n    main(sys.argv[3:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
    "except Exception as exc:\n    print(f'error: {exc}', file=sys.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
)
# (mode, what it is, the shard cap, the rate window, what it did before the bounds)
CASES = [
    ("huge_length", "Content-Length: 10^13, real 64 GiB cap", 64 << 30, 30.0, "1.9 GB written in 6 s"),
    (
        "endless",
        "a shard that never ends, cap set to 64 MiB",
        64 << 20,
        30.0,
        "4.8 GB in 20 s, until the disk was full",
    ),
    ("trickle", "a byte every 0.2 s, rate window set to 3 s", 64 << 30, 3.0, "kept alive for ever"),
    ("empty", "a 200 with an empty body", 64 << 30, 30.0, "counted complete"),
]


def _bytes_under(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def _download(table: Table, tmp: Path, service, mode: str, shown: str, cap: int, window: float, before: str) -> None:
    service.datasets.faults.hostile = mode
    folder = tmp / f"release-{mode}"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", BOUNDED, str(cap), str(window)]
        + ["datasets", "download", "--release", RELEASE, "papers", "--to", str(folder)],
        cwd=ROOT,
        env={**os.environ, "S2_API_URL": service.url, "S2_API_KEY": "bench-key"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    elapsed = time.perf_counter() - started
    peak = int(done.stderr.split()[-1]) / 1024
    refused = done.stderr.count("error:") > 0 or done.returncode != 0
    table.add("hostile-ds", f"{shown}: refused in one line", "yes" if refused else "NO", "", "refused", refused)
    table.add("hostile-ds", f"  peak RSS / wall time (before: {before})", f"{peak:.0f} MB / {elapsed:.1f} s")
    table.add("hostile-ds", "  bytes left in the release folder", _bytes_under(folder), "B")


def _deep_coverage(table: Table, tmp: Path) -> None:
    from citegraph.assemble import graph_path, graph_stamp, save_graph
    from citegraph.demo.examples import example_graph

    data_dir = tmp / "deep-coverage"
    save_graph(example_graph(), graph_path(data_dir), graph_stamp(1, "bench"))
    (data_dir / "coverage.json").write_text("[" * 100_000 + "]" * 100_000)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "citegraph", "stats", "--data-dir", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    one_line = "Traceback" not in done.stderr and done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    table.add(
        "hostile-ds",
        "stats with a 100,000-deep coverage.json: one line",
        "yes" if one_line else "NO",
        "",
        "one line",
        one_line,
    )
    table.add("hostile-ds", "  its wall time (before: a RecursionError traceback)", round(elapsed, 2), "s")


MCP_MAP = (
    "import resource, sys, anyio\nfrom pathlib import Path\nfrom mcp import Client\n"
    "from citegraph.mcp import create_server\n"
    "async def session():\n"
    "    async with Client(create_server(Path(sys.argv[1]), map_file=Path(sys.argv[2]))) as client:\n"
    "        try:\n            await client.read_resource(Path(sys.argv[2]).resolve().as_uri())\n"
    "        except Exception as exc:\n            print(f'refused: {exc}', file=sys.stderr)\n"
    "        await client.call_tool('stats', {})\n"
    "anyio.run(session)\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
)


def _mcp_map_of_zeros(table: Table, tmp: Path) -> None:
    from citegraph.assemble import graph_path, graph_stamp, save_graph
    from citegraph.demo.examples import example_graph

    data_dir = tmp / "mcp-zero"
    save_graph(example_graph(), graph_path(data_dir), graph_stamp(1, "bench"))
    map_file = tmp / "mcp-zero" / "map.html"
    map_file.symlink_to("/dev/zero")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MCP_MAP, str(data_dir), str(map_file)], cwd=ROOT, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    peak = int(done.stderr.split()[-1]) / 1024
    refused = "refused:" in done.stderr
    table.add(
        "hostile-ds", "MCP map resource linked to /dev/zero: refused", "yes" if refused else "NO", "", "", refused
    )
    table.add("hostile-ds", "  peak RSS / wall time (before: 2.4 GB)", f"{peak:.0f} MB / {elapsed:.1f} s")


def run(table: Table, tmp: Path, quick: bool) -> None:
    """The Datasets download's bounds against the stand-in's hostile file modes and a planted deep
    coverage.json (--quick: the declared length and the deep file only)."""
    from citegraph.demo.release_writer import write_release
    from tests.standin import StandinS2, generate_world, sample_notes_seeds

    tmp = tmp / "hostile-datasets"
    world = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=300, seed=11)
    service = StandinS2(world).start()
    try:
        service.datasets.add_release(RELEASE, write_release(world, tmp / "served"))
        for case in CASES[:1] if quick else CASES:
            _download(table, tmp, service, *case)
    finally:
        service.stop()
    _deep_coverage(table, tmp)
    _mcp_map_of_zeros(table, tmp)
