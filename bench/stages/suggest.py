"""`citegraph suggest` against a strict bucket: requests, 429s and wall time; and its offline answer."""

from __future__ import annotations

from pathlib import Path

from bench.harness import SAMPLE_NOTES, Table, run_citegraph
from tests.standin import Faults, StandinS2, generate_world, sample_notes_seeds


def run(table: Table, tmp: Path, quick: bool) -> None:
    # `suggest` through the semanticscholar client over our transport, against a strict bucket at
    # the same rate: requests made, 429s, and wall time against the request floor.
    import datetime

    from citegraph.demo.world import add_later_work

    rate = 10.0 if quick else 1.0
    seeds = sample_notes_seeds([SAMPLE_NOTES])
    world = generate_world(seeds, n_papers=1500, seed=14)
    add_later_work(world, datetime.date.today(), 60, seed=14)
    service = StandinS2(world).start()
    data = tmp / "suggest"
    notes = SAMPLE_NOTES
    if quick:  # the all-cs pool asks once per read paper at S2's own 1 request/s: five papers show it
        notes = tmp / "suggest-notes.md"
        notes.write_text("".join(f"- https://arxiv.org/abs/{arxiv}\n" for arxiv, _ in seeds[:5]))
    try:
        run_citegraph("build", notes, "--data-dir", data, "-o", data / "g.html", "--rps", "1000", env_url=service.url)
        service.set_faults(Faults(rps=rate))
        for label, extra in (
            ("recent pool, your read papers", []),
            ("all-cs pool, one request per read paper", ["--pool", "all-cs"]),
        ):
            service.reset()
            wall = run_citegraph("suggest", "--data-dir", data, "--top", "20", *extra, env_url=service.url)
            served = service.log.count(served_only=True)
            limited = service.stats()["statuses"].get("429", 0)
            table.add("suggest", f"suggest, {label}: requests", served, "req")
            table.add("suggest", f"suggest, {label}: 429 answers at {rate:g}/s", limited, "", "<= 1", limited <= 1)
            table.add("suggest", f"suggest, {label}: wall time", round(wall, 2), "s")
        table.add(
            "suggest",
            "suggest --offline (the stored answer)",
            round(run_citegraph("suggest", "--data-dir", data, "--offline", env_url="http://127.0.0.1:9"), 3),
            "s",
        )
    finally:
        service.stop()
