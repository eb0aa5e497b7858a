"""Generated inputs several stages share: notes files and citation graphs of a chosen size."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx

from citegraph.assemble import compute_pagerank, node_attributes


def synthetic_notes(count: int, path: Path) -> list[tuple[str, str]]:
    rng = random.Random(count)
    seeds = [
        (f"{rng.randint(15, 24):02d}{rng.randint(1, 12):02d}.{10000 + i:05d}", f"Synthetic read paper {i}")
        for i in range(count)
    ]
    path.write_text(
        "# Synthetic notes\n" + "".join(f"- [{title}](https://arxiv.org/abs/{arxiv})\n" for arxiv, title in seeds)
    )
    return seeds


def synthetic_graph(papers: int, citations: int, read_every: int = 250, seed: int = 5) -> nx.DiGraph:
    """Power-law popularity, citations point back in time, one paper in ``read_every`` read."""
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = rng.pareto(1.2, papers) + 1
    cumulative = np.cumsum(weights)
    graph = nx.DiGraph()
    for i in range(papers):
        attrs = node_attributes(
            {
                "paperId": f"p{i}",
                "title": f"Synthetic paper {i} on topic {i % 97}",
                "year": 1990 + i * 35 // papers,
                "citationCount": int(weights[i] * 10),
            }
        )
        attrs["read"] = i % read_every == 0 and i > 0
        graph.add_node(f"p{i}", **attrs)
    citing = rng.integers(1, papers, citations * 11 // 10)
    cited = np.searchsorted(cumulative, rng.random(len(citing)) * cumulative[citing - 1])
    flags = rng.random(len(citing))
    added = 0
    for a, b, f in zip(citing.tolist(), cited.tolist(), flags.tolist()):
        if a != b and not graph.has_edge(f"p{a}", f"p{b}"):
            graph.add_edge(f"p{a}", f"p{b}", isInfluential=f < 0.15, origin="references")
            added += 1
            if added == citations:
                break
    compute_pagerank(graph)
    return graph
