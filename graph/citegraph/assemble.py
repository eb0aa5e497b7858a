"""Assemble the NetworkX citation graph (citing -> cited) from the store, with the figures queries
need (PageRank) computed once here, and keep it on disk.

The graph is saved next to the store as ``graph.jsonl`` (the format: :mod:`citegraph.graphfile`);
it is rebuilt only when its stamp differs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.constants import MERGE_VERSIONS, ReadingStatus
from citegraph.errors import GraphMissing
from citegraph.graphfile import GRAPH_FILE, graph_path, graph_stamp, save_graph
from citegraph.graphload import load_graph, read_stamp
from citegraph.savedgraph import read_saved_graph

if TYPE_CHECKING:  # the queries import this module's file functions without NetworkX
    import networkx as nx

    from citegraph.notes.reader import Notes
    from citegraph.store import Store

__all__ = [
    "assemble",
    "build_graph",
    "compute_pagerank",
    "node_attributes",
    "GRAPH_FILE",
    "graph_path",
    "graph_stamp",
    "load_graph",
    "read_stamp",
    "save_graph",
]


def compute_pagerank(graph: nx.DiGraph) -> None:
    """Store PageRank on every node as ``pagerank`` (done once per build, so queries do not pay for it).

    Parameters
    ----------
    graph : networkx.DiGraph
        Changed in place; an empty graph is left alone.

    Examples
    --------
    >>> from citegraph.demo.examples import example_graph
    >>> graph = example_graph()
    >>> round(sum(rank for _, rank in graph.nodes(data="pagerank")), 6)
    1.0
    """
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return
    ranks = nx.pagerank(graph, alpha=0.85, tol=1e-8)
    nx.set_node_attributes(graph, ranks, "pagerank")


def notes_fingerprint(notes: Notes) -> str:
    return hashlib.sha256(json.dumps(notes.to_dict(), sort_keys=True).encode()).hexdigest()


def node_attributes(paper: dict) -> dict:
    return {
        "paperId": paper.get("paperId"),
        "title": paper.get("title") or "",  # as S2 wrote it; "" when S2 gives none: never a placeholder word
        "year": paper.get("year"),
        "authors": [a.get("name") for a in paper.get("authors") or [] if a.get("name")],
        "venue": paper.get("venue") or "",
        "externalIds": paper.get("externalIds") or {},
        "citationCount": paper.get("citationCount"),
        "influentialCitationCount": paper.get("influentialCitationCount"),
        "url": paper.get("url") or f"https://www.semanticscholar.org/paper/{paper.get('paperId')}",
        "publicationDate": paper.get("publicationDate"),
        "bibtex": (paper.get("citationStyles") or {}).get("bibtex"),
        "publicationTypes": paper.get("publicationTypes") or [],
        "journal": (paper.get("journal") or {}).get("name") or "",
        "read": False,
        "queued": False,
        "not_relevant": False,
        "topics": [],
        "sources": [],
        "note": None,
    }


def _drawn_edges(store: Store, citations: bool, yours: set[str], depth: int) -> list[tuple]:
    """The stored edges to draw: the references of your papers, of theirs up to ``depth`` levels,
    and with ``citations`` the papers citing yours.

    What a deeper build or a ``--citations`` build stored stays in the store: a later build draws
    it only when asked again. An edge stored from a paper's /citations is drawn without
    ``citations`` when its citing paper's references are drawn (it is one of them).
    """
    edges = list(store.edges())
    referencing, level = set(yours), set(yours)
    for _ in range(1, depth):
        level = {cited for citing, cited, *_ in edges if citing in level} - referencing
        referencing |= level
    return [edge for edge in edges if edge[0] in referencing or (citations and edge[-1] == "citations")]


def assemble(
    store: Store, notes: Notes, citations: bool = False, depth: int = 1, merge_versions: bool = MERGE_VERSIONS
) -> nx.DiGraph:
    """The citation graph of everything stored, with the notes' papers marked read.

    Parameters
    ----------
    store : Store
        The SQLite store the build filled.
    notes : Notes
        The notes read for this build.
    citations : bool
        Draw the papers citing your papers (stored by ``build --citations``); they stay in the
        store either way.
    depth : int
        1: your papers' references; 2: also theirs (stored by ``build --depth 2``); 3: one level further.
    merge_versions : bool
        Merge S2 records that are versions of one paper into one node (see :mod:`citegraph.versions`).

    Returns
    -------
    networkx.DiGraph
        citing -> cited, node attributes as in :func:`node_attributes` plus Crossref's ``updates`` and
        ``retracted`` where it has notices (see :mod:`citegraph.crossref.stored`), ``pagerank`` and
        ``cluster`` (see :mod:`citegraph.clustering`; the group names are ``graph.graph["clusters"]``); the
        graph's ``flags_pending`` attribute counts your papers whose influence flags are not stored yet,
        ``references_withheld`` those whose references the publisher withholds (such a node has
        ``referencesWithheld`` True and S2's ``referenceCount``).
    """
    import networkx as nx

    from citegraph.clustering import assign_clusters
    from citegraph.crossref.stored import annotate as annotate_from_crossref
    from citegraph.notes.entries import unique_topics
    from citegraph.store.schema import FINAL, FetchKind, FetchStatus
    from citegraph.versions import merge_versions as _merge_versions

    graph = nx.DiGraph(citations=citations)
    aliases = store.aliases()
    yours = {aliases[entry.key][0] for entry in notes.papers if entry.key in aliases}
    edges = _drawn_edges(store, citations, yours, depth)
    touched = {node for citing, cited, *_ in edges for node in (citing, cited)}
    for paper_id, paper, detail in store.papers():
        if detail == "full" or paper_id in touched:
            graph.add_node(paper_id, **node_attributes(paper))
    for citing, cited, influential, intents, contexts, origin in edges:
        for node in (citing, cited):
            if node not in graph:
                graph.add_node(node, **node_attributes({"paperId": node}))
        # Empty intents/contexts are left out: half a million small lists would double the load time.
        extra = {k: v for k, v in (("intents", intents), ("contexts", contexts)) if v}
        graph.add_edge(citing, cited, isInfluential=influential, origin=origin, **extra)
    for entry in notes.papers:
        if entry.key in aliases and aliases[entry.key][0] in graph:
            node = graph.nodes[aliases[entry.key][0]]
            # Queued papers are fetched like read ones but are not read; any mention as read wins.
            node["read"] = node["read"] or entry.status == ReadingStatus.READ
            node["queued"] = not node["read"] and (node["queued"] or entry.status == ReadingStatus.QUEUED)
            node["not_relevant"] = entry.status == ReadingStatus.NOT_RELEVANT  # a negative example for `suggest`
            node["topics"] = unique_topics(node["topics"] + entry.topics)
            node["sources"] = list(dict.fromkeys(node["sources"] + entry.sources))
            node["note"] = entry.note if not node["note"] else node["note"]
            node["notesTitle"] = entry.title
    annotate_from_crossref(graph, store)
    graph.graph["unresolved_references"] = store.unresolved_counts()
    versions = _merge_versions(graph) if merge_versions else {}
    yours = {versions.get(paper, paper) for paper in yours}
    flagged = {versions.get(p, p): entry for p, entry in store.statuses(FetchKind.REFERENCES).items()}
    graph.graph["flags_pending"] = sum(
        1 for paper in yours if paper in graph and (paper not in flagged or flagged[paper][0] not in FINAL)
    )
    withheld = [p for p, (status, _, _) in flagged.items() if status == FetchStatus.WITHHELD and p in graph]
    for paper, count in store.reference_counts(withheld).items():
        graph.nodes[paper].update(referencesWithheld=True, referenceCount=count)
    graph.graph["references_withheld"] = sum(1 for paper in yours if paper in withheld)
    compute_pagerank(graph)
    assign_clusters(graph)
    return graph


def build_graph(
    store: Store,
    notes: Notes,
    data_dir: Path,
    citations: bool = False,
    depth: int = 1,
    merge_versions: bool = MERGE_VERSIONS,
    *,
    stamp: dict | None = None,
    view: bool = False,
) -> tuple[nx.DiGraph, bool]:
    """The graph for these notes and this store: loaded when unchanged, else assembled and saved.

    Returns the graph and whether it was assembled anew. A read-only store's graph is assembled
    in memory and not saved. ``stamp``: the stamp these arguments give, when already computed.
    ``view``: an unchanged graph is returned as its lazy `citegraph.savedgraph.SavedGraph` (its
    checksum checked), not loaded.
    """
    path = graph_path(data_dir)
    if stamp is None:
        stamp = graph_stamp(store.generation(), notes_fingerprint(notes), citations, depth)
        stamp["merge_versions"] = merge_versions
    try:
        # Only the stamp is read to decide: a stale graph is never loaded just to be replaced.
        if read_stamp(path) == stamp:
            return (read_saved_graph(path, verify=True) if view else load_graph(path)), False
    except GraphMissing:
        pass
    graph = assemble(store, notes, citations, depth, merge_versions)
    if not store.read_only:
        save_graph(graph, path, stamp)
    return graph, True
