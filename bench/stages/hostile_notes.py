"""Hostile line shapes in notes files: each reader's CPU time and peak memory stay linear in the size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.harness import Table

# Each shape is one line (or one Zotero note) that used to make a reader super-linear: a run of
# characters several unbounded patterns of a regular expression could share, or an id per few bytes.
HOSTILE_SHAPES = {
    "spaces after a heading": (".md", lambda n: "# a" + " " * n + "b\n"),
    "spaces after a bold label": (".md", lambda n: "**label**" + " " * n + "b\n"),
    "spaces after a task box": (".md", lambda n: "- [ ]" + " " * n + "b\n"),
    "spaces in an org heading": (".org", lambda n: "* TODO a" + " " * n + "b :t:\n"),
    "one long line of ids": (".md", lambda n: "see arXiv:2106.09685 " * (n // 21) + "\n"),
    "unclosed brackets and emphasis": (".md", lambda n: "[a](<b **c _d `e " * (n // 17) + "\n"),
    "a Zotero note of <": (".sqlite", lambda n: "<" * n),
}
# Reads one notes file (or Zotero library) in a fresh process and prints the reading's CPU seconds and
# the process's peak RSS.
# argv: [folder whose `citegraph` package to use, or ""] PATH. Memory is capped so a quadratic reader
# is stopped instead of taking the machine.
HOSTILE_READER = """
import resource, sys
root, path = sys.argv[1:3]
if root:
    sys.path.insert(0, root)
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from citegraph.notes.reader import ZoteroSource, read_notes
import time
started = time.process_time()
try:
    if path.endswith(".sqlite"):
        read_notes([], ZoteroSource(path))
    else:
        read_notes([path])
except MemoryError:
    print("memory"); sys.exit(0)
print(time.process_time() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
HOSTILE_TIMEOUT = 30


def hostile_file(folder: Path, shape: str, size: int) -> Path:
    suffix, make = HOSTILE_SHAPES[shape]
    path = folder / f"hostile-{len(list(folder.iterdir()))}{suffix}"
    if suffix == ".sqlite":
        from tests.fixtures.notes.zotero_library import ZoteroLibrary

        library = ZoteroLibrary(path)
        library.note(library.item("HOSTILE1", title="A paper with a hostile note"), "NOTE0001", make(size))
        library.close()
    else:
        path.write_text(make(size))
    return path


def read_hostile(path: Path, package_root: str = "") -> tuple[float, float] | str:
    """(CPU s, peak MB) of reading ``path`` in a fresh process; "> N s" or "> 4 GB" when it was stopped."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", HOSTILE_READER, package_root, str(path)],
            capture_output=True,
            text=True,
            timeout=HOSTILE_TIMEOUT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
    except subprocess.TimeoutExpired:
        return f"> {HOSTILE_TIMEOUT} s"
    if done.stdout.strip() == "memory" or "MemoryError" in done.stderr:
        return "> 4 GB"
    if done.returncode != 0:
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:60]
    cpu, peak = map(float, done.stdout.split())
    return cpu, peak


def baseline_package(checkout: Path, folder: Path) -> str:
    """A folder holding ``citegraph`` as a link to another checkout's graph/ (read, never written)."""
    link_folder = folder / "baseline"
    link_folder.mkdir(exist_ok=True)
    if not (link_folder / "citegraph").exists():
        source = Path(checkout).resolve() / "graph"
        # Checkouts from before the package moved into graph/citegraph/ hold it in graph/ itself.
        nested = source / "citegraph"
        (link_folder / "citegraph").symlink_to(nested if nested.is_dir() else source)
    return str(link_folder)


def add_options(parser) -> None:
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="CHECKOUT",
        help="hostile-notes stage: also time another checkout's readers on the same files",
    )


def run(table: Table, tmp: Path, quick: bool, options=None) -> None:
    """Each hostile line shape at two sizes: CPU time and peak memory grow linearly (and, with
    --baseline CHECKOUT, what that checkout's readers take on the same files, stopped at 30 s or 4 GB)."""
    small, large = (50_000, 200_000) if quick else (1_000_000, 4_000_000)
    folder = tmp / "hostile"
    folder.mkdir(exist_ok=True)
    baseline = options.baseline if options else None
    before_root = baseline_package(baseline, tmp) if baseline else None
    for shape in HOSTILE_SHAPES:
        cpu = {}
        for size in (small, large):
            path = hostile_file(folder, shape, size)
            measured = read_hostile(path)
            before = read_hostile(path, before_root) if before_root else None
            was = "" if before is None else (f"was {before[0]:.2f} s" if isinstance(before, tuple) else f"was {before}")
            was_mb = "" if not isinstance(before, tuple) else f"was {before[1]:.0f} MB"
            label = f"{shape}, {size / 1e6:g} M chars"
            if isinstance(measured, str):
                table.add("hostile-notes", f"{label}: CPU", measured, "", was, False)
                path.unlink()
                continue
            cpu[size] = measured[0]
            table.add("hostile-notes", f"{label}: CPU", round(measured[0], 2), "s", was)
            table.add("hostile-notes", f"{label}: peak RSS", round(measured[1]), "MB", was_mb or was)
            path.unlink()
        if len(cpu) == 2:
            factor = large // small
            # Under a tenth of a second the clock's grain and the process start are most of the time.
            ratio = max(cpu[large], 0.1) / max(cpu[small], 0.1)
            table.add(
                "hostile-notes",
                f"{shape}: CPU x{factor} size / CPU x1",
                round(ratio, 2),
                "x",
                f"<= {factor + 2} (linear)",
                ratio <= factor + 2,
            )
