"""Assemble the NetworkX citation graph (citing -> cited) from the store, and keep it on disk.

The graph is saved as a pickle next to the store, tagged with the store's generation and a
fingerprint of the notes, so it is rebuilt only when either changed and every query loads it in
one read.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

import networkx as nx

from .analysis import compute_pagerank
from .errors import GraphMissing
from .notes import Notes
from .store import Store

GRAPH_FILE = "graph.pickle"


def notes_fingerprint(notes: Notes) -> str:
    return hashlib.sha256(json.dumps(notes.to_dict(), sort_keys=True).encode()).hexdigest()


def node_attributes(paper: dict) -> dict:
    return {
        "paperId": paper.get("paperId"),
        "title": paper.get("title") or "(untitled)",
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
        "topics": [],
        "sources": [],
        "note": None,
    }


def assemble(store: Store, notes: Notes) -> nx.DiGraph:
    graph = nx.DiGraph()
    for paper_id, paper, _ in store.papers():
        graph.add_node(paper_id, **node_attributes(paper))
    for citing, cited, influential, intents, contexts, origin in store.edges():
        for node in (citing, cited):
            if node not in graph:
                graph.add_node(node, **node_attributes({"paperId": node}))
        # Empty intents/contexts are left out: half a million small lists would double the load time.
        extra = {k: v for k, v in (("intents", intents), ("contexts", contexts)) if v}
        graph.add_edge(citing, cited, isInfluential=influential, origin=origin, **extra)
    aliases = store.aliases()
    for entry in notes.papers:
        if entry.key in aliases and aliases[entry.key][0] in graph:
            node = graph.nodes[aliases[entry.key][0]]
            # Queued papers are fetched like read ones but are not read; any mention as read wins.
            node["read"] = node["read"] or entry.status == "read"
            node["queued"] = not node["read"] and (node["queued"] or entry.status == "queued")
            node["topics"] = list(dict.fromkeys(node["topics"] + entry.topics))
            node["sources"] = list(dict.fromkeys(node["sources"] + entry.sources))
            node["note"] = entry.note if not node["note"] else node["note"]
            node["notesTitle"] = entry.title
    graph.graph["unresolved_references"] = store.unresolved_counts()
    compute_pagerank(graph)
    return graph


def graph_path(data_dir: Path) -> Path:
    return Path(data_dir) / GRAPH_FILE


def save_graph(graph: nx.DiGraph, path: Path, generation: int, fingerprint: str) -> None:
    """The file holds two pickles: a small stamp saying what the graph was built from, then the graph."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write-then-rename: a reader never sees half a file, even with two builds at once.
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".graph-", delete=False) as handle:
        pickle.dump(_stamp(generation, fingerprint), handle, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(graph, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, path)


def _stamp(generation: int, fingerprint: str) -> dict:
    return {"generation": generation, "notes_fingerprint": fingerprint}


def _read(path: Path, graph_too: bool):
    # The graph is millions of small containers and creates no cycles worth collecting while it
    # loads; pausing the collector makes the load three times faster.
    gc.disable()
    try:
        with open(path, "rb") as handle:
            stamp = pickle.load(handle)
            return pickle.load(handle) if graph_too else stamp
    except FileNotFoundError:
        raise GraphMissing(f"no stored graph at {path}; run `citegraph build NOTES` first") from None
    except (pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
        raise GraphMissing(f"{path} is damaged ({exc}); run `citegraph build NOTES` again") from None
    finally:
        gc.enable()


def load_graph(path: Path) -> nx.DiGraph:
    return _read(path, graph_too=True)


def build_graph(store: Store, notes: Notes, data_dir: Path) -> tuple[nx.DiGraph, bool]:
    """The graph for these notes and this store: loaded when unchanged, else assembled and saved."""
    path = graph_path(data_dir)
    generation, fingerprint = store.generation(), notes_fingerprint(notes)
    if path.exists():
        try:
            # Only the stamp is read to decide: a stale graph is never loaded just to be replaced.
            if _read(path, graph_too=False) == _stamp(generation, fingerprint):
                return load_graph(path), False
        except GraphMissing:
            pass
    graph = assemble(store, notes)
    save_graph(graph, path, generation, fingerprint)
    return graph, True
