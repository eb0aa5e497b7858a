"""A world that gains papers between two builds, as Semantic Scholar's does: new papers citing some
of the world's papers, and the cited papers' counts raised (S2's batch then tells which gained citers)."""

from __future__ import annotations

import random

from citegraph.demo.world import INTENTS, WORDS, Citation, World, _paper_id, _record


def gain_citers(world: World, targets: list[str], count: int, year: int = 2026, seed: int = 0) -> list[str]:
    """Add ``count`` papers published in ``year``, each citing one to three of ``targets``; raise the
    citation counts of the papers they cite. Returns the new paperIds."""
    rng = random.Random(seed)
    added = []
    for k in range(count):
        cited = rng.sample(sorted(targets), rng.randint(1, min(3, len(targets))))
        number = 5_000_000 + seed * 10_000 + k
        paper_id = _paper_id(seed + 77, number)
        title = " ".join(rng.sample(WORDS, rng.randint(3, 6))).capitalize() + f" {number}"
        citations = [
            Citation(target, world.papers[target]["title"], rng.random() < 0.3, rng.sample(INTENTS, 1), [])
            for target in cited
        ]
        added.append(world.add_paper(_record(paper_id, number, title, year, rng), citations))
        world.papers[paper_id].update(citationCount=0, influentialCitationCount=0, referenceCount=len(citations))
        for citation in citations:
            record = world.papers[citation.cited]
            record["citationCount"] = (record.get("citationCount") or 0) + 1
            record["influentialCitationCount"] = (record.get("influentialCitationCount") or 0) + citation.is_influential
    return added
