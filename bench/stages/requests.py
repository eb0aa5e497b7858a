"""Cold builds against the minimum number of requests they could make, and a naive client beside them."""

from __future__ import annotations

import math
from pathlib import Path

from bench.harness import SAMPLE_NOTES, Table, run_citegraph
from bench.inputs import synthetic_notes
from tests.standin import StandinS2, generate_world, sample_notes_seeds


def minimum_requests(service: StandinS2, read_ids: list[str], depth: int) -> int:
    world = service.world
    papers = [world.resolve(f"ARXIV:{i}") for i in read_ids]
    minimum = math.ceil(len(read_ids) / 500) + sum(max(1, math.ceil(len(world.references[p]) / 1000)) for p in papers)
    if depth >= 2:
        frontier = {c.cited for p in papers for c in world.references[p] if c.cited} - set(papers)
        minimum += math.ceil(len(frontier) / 500)
    return minimum


def naive_baseline(service: StandinS2, read_ids: list[str]) -> int:
    """How typical scripts fetch: get_paper + get_paper_references per paper, get_paper per reference."""
    from semanticscholar import SemanticScholar

    client = SemanticScholar(api_url=service.url, retry=False)
    service.reset()
    for arxiv in read_ids:
        client.get_paper(f"ARXIV:{arxiv}")
        for reference in client.get_paper_references(f"ARXIV:{arxiv}"):
            if reference.paper.paperId:
                client.get_paper(reference.paper.paperId)
    return service.stats()["requests"]


def run(table: Table, tmp: Path, quick: bool) -> None:
    sample_seeds = sample_notes_seeds([SAMPLE_NOTES])
    big_count = 300
    big_notes = tmp / f"notes{big_count}.md"
    big_seeds = [] if quick else synthetic_notes(big_count, big_notes)
    world = generate_world(sample_seeds + big_seeds, n_papers=1000 if quick else 6000, seed=11)
    service = StandinS2(world).start()
    try:
        cases = [("sample", SAMPLE_NOTES, [a for a, _ in sample_seeds])]
        if not quick:  # --quick: the sample only
            cases.append((f"{big_count} papers", big_notes, [a for a, _ in big_seeds]))
        for label, notes, ids in cases:
            for depth in (1, 2):
                service.reset()
                data = tmp / f"req-{label.replace(' ', '')}-{depth}"
                run_citegraph(
                    "build",
                    notes,
                    "--data-dir",
                    data,
                    "-o",
                    data / "g.html",
                    "--rps",
                    "1000",
                    "--depth",
                    depth,
                    env_url=service.url,
                )
                made = service.stats()["requests"]
                floor = minimum_requests(service, ids, depth)
                table.add(
                    "requests",
                    f"cold build, {label}, depth {depth}: made (minimum {floor})",
                    made,
                    "req",
                    "= minimum",
                    made == floor,
                    exact=True,
                )
            # The naive client needs a new connection and event loop per call (~40 ms here): quick
            # mode compares on the first paper only.
            subset = ids[:1] if quick else ids
            naive = naive_baseline(service, subset)
            label = label if subset == ids else f"first {len(subset)} {label} papers"
            table.add("requests", f"naive baseline, {label}, depth 1", naive, "req")
            table.add(
                "requests",
                f"naive / citegraph minimum, {label}",
                round(naive / minimum_requests(service, subset, 1), 1),
                "x",
            )
    finally:
        service.stop()
