"""One paper, one node: S2 records that are versions of one paper (a preprint and its published
version kept apart by S2) merged in the assembled graph, conservatively.

Two records are versions of one paper when they share a DOI or an arXiv id, or when their titles
are the same once normalised (:func:`citegraph.text.title_key`, at least ``MIN_TITLE_WORDS`` words),
an author is in both author lists (by S2 authorId or by name) and their years are at most
``MAX_YEARS_APART`` apart (both known). A title shared by more than ``MAX_VERSIONS`` records is
taken for a generic one ("Introduction") and merges nothing.

The kept record is the one in your notes, else the one with most citations (then the smaller
paperId); the others' citations move to it, and every id of theirs (paperId, DOI, arXiv id...)
resolves to it: ``graph.graph["versions"]`` maps each merged-away paperId to the kept one and
``graph.graph["version_ids"]`` each of their lower-cased canonical ids; the kept node lists them
in ``alsoS2``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from citegraph.notes.ids import identifiers_of
from citegraph.text import title_key

if TYPE_CHECKING:
    import networkx as nx

MIN_TITLE_WORDS = 3
MAX_YEARS_APART = 2
MAX_VERSIONS = 4


def _external(data: dict, kind: str) -> str | None:
    value = (data.get("externalIds") or {}).get(kind)
    return str(value).lower() if value else None


def _authors(data: dict) -> set[str]:
    return {title_key(name) for name in data.get("authors") or [] if name and title_key(name)}


def same_paper(a: dict, b: dict) -> bool:
    """Whether two graph nodes' data are versions of one paper (see the module docstring).

    Example
    -------
    >>> preprint = {"title": "Attention is all you need", "year": 2017, "authors": ["Ashish Vaswani"]}
    >>> published = {"title": "Attention Is All You Need\\n", "year": 2018, "authors": ["Ashish Vaswani", "N. Shazeer"]}
    >>> same_paper(preprint, published), same_paper(preprint, {**published, "year": 2021})
    (True, False)
    """
    for kind in ("DOI", "ArXiv"):
        mine, theirs = _external(a, kind), _external(b, kind)
        if mine and mine == theirs:
            return True
    key = title_key(a.get("title") or "")
    if len(key.split()) < MIN_TITLE_WORDS or key != title_key(b.get("title") or ""):
        return False
    years = a.get("year"), b.get("year")
    if None in years or abs(years[0] - years[1]) > MAX_YEARS_APART:
        return False
    return bool(_authors(a) & _authors(b))


def find_versions(graph: nx.DiGraph) -> dict[str, str]:
    """``{paperId merged away: paperId kept}`` for the graph's papers that are versions of one paper."""
    candidates: dict[str, list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        key = title_key(data.get("title") or "")
        if len(key.split()) >= MIN_TITLE_WORDS:
            candidates[f"title:{key}"].append(node)
        for kind in ("DOI", "ArXiv"):
            if value := _external(data, kind):
                candidates[f"{kind}:{value}"].append(node)
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for nodes in candidates.values():
        if not 2 <= len(nodes) <= MAX_VERSIONS:
            continue
        for i, first in enumerate(nodes):
            for second in nodes[i + 1 :]:
                if root(first) != root(second) and same_paper(graph.nodes[first], graph.nodes[second]):
                    parent[root(second)] = root(first)
    groups: dict[str, list[str]] = defaultdict(list)
    for node in parent:
        groups[root(node)].append(node)
    merged = {}
    for top, members in groups.items():
        members = sorted(
            set(members) | {top},
            key=lambda n: (
                not (graph.nodes[n].get("read") or graph.nodes[n].get("queued")),
                -(graph.nodes[n].get("citationCount") or 0),
                n,
            ),
        )
        merged.update({other: members[0] for other in members[1:]})
    return merged


def merge_versions(graph: nx.DiGraph) -> dict[str, str]:
    """Merge the versions :func:`find_versions` finds into their kept paper, in place; returns them."""
    merged = find_versions(graph)
    version_ids: dict[str, str] = {}
    for other, kept in merged.items():
        data, node = graph.nodes[other], graph.nodes[kept]
        for citing, _, edge in list(graph.in_edges(other, data=True)):
            if citing != kept and not graph.has_edge(citing, kept):
                graph.add_edge(citing, kept, **edge)
        for _, cited, edge in list(graph.out_edges(other, data=True)):
            if cited != kept and not graph.has_edge(kept, cited):
                graph.add_edge(kept, cited, **edge)
        for flag in ("read", "queued"):
            node[flag] = bool(node.get(flag) or data.get(flag))
        node["queued"] = node["queued"] and not node["read"]
        for listed in ("topics", "sources"):
            node[listed] = list(dict.fromkeys((node.get(listed) or []) + (data.get(listed) or [])))
        node["alsoS2"] = sorted({*node.get("alsoS2", []), other})
        version_ids.update(
            {
                identifier: kept
                for identifier in identifiers_of({"paperId": other, "externalIds": data.get("externalIds")})
            }
        )
        graph.remove_node(other)
    graph.graph["versions"] = merged
    graph.graph["version_ids"] = version_ids
    return merged
