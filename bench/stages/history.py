"""Bench stage: what learning what changed costs. A library built with --citations; its world gains 30
papers citing it; a rebuild with --refresh-after 0 (the batch for your papers' counts, then citations
pages only for the papers that gained citers) against a full --refresh. Also the size of a snapshot."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.harness import Table, run_citegraph
from citegraph.demo.world import generate_library
from tests.standin import StandinS2
from tests.standin.growth import gain_citers


def run(table: Table, tmp: Path, quick: bool) -> None:
    count = 20 if quick else 400
    library = generate_library(n_read=count, n_topics=8, papers_per_read=10 if quick else 20, seed=4)
    notes = tmp / f"history{count}.md"
    notes.write_text(library.notes(), encoding="utf-8")
    yours = sorted(library.world.resolve(f"arxiv:{a}") for a in library.topic_of)
    service = StandinS2(library.world).start()
    data = tmp / "history"
    try:

        def build(*options) -> int:
            service.reset()
            run_citegraph(
                "build",
                notes,
                "--citations",
                "--data-dir",
                data,
                "-o",
                data / "g.html",
                "--rps",
                "1000",
                *options,
                env_url=service.url,
            )
            return service.stats()["requests"]

        cold = build()
        gain_citers(library.world, yours, 30, seed=9)
        cheap = build("--refresh-after", "0")
        full = build("--refresh")
    finally:
        service.stop()
    label = f"{count} yours, 30 new citers"
    table.add("history", f"cold build --citations, {count} yours", cold, "req")
    table.add("history", f"rebuild --refresh-after 0, {label}", cheap, "req")
    table.add("history", f"rebuild --refresh, {label}", full, "req")
    table.add("history", "  --refresh-after 0 / --refresh", round(cheap / full, 3), "x", "< 0.5", cheap / full < 0.5)
    db = sqlite3.connect(data / "citegraph.db")
    try:
        sizes = [size for (size,) in db.execute("SELECT length(snapshot) FROM builds ORDER BY build")]
    finally:
        db.close()
    table.add(
        "history",
        f"snapshot of a later build, {count} yours",
        round(max(sizes[1:]) / 1024, 1),
        "KB",
        "a few KB",
        max(sizes[1:]) < 8 * 1024,
    )
    table.add("history", f"first snapshot (every citer seen), {count} yours", round(sizes[0] / 1024, 1), "KB")
