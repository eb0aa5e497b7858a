"""Assemble the NetworkX citation graph (citing -> cited) from the store, and keep it on disk.

The graph is saved next to the store as ``graph.jsonl``: two lines of plain JSON, so that a saved
graph from anywhere (a shared folder, a colleague's tarball) can never run code when it is loaded.
The first line is the stamp (what the graph was built from: the store's generation, a fingerprint
of the notes, whether citing papers were drawn); the second holds the graph as columns: one list
per node or edge attribute, and each paper's citations and citers as consecutive runs of index
lists, in the order the graph had. That loads in a fraction of the time one JSON object per node
and per edge would take. The graph is rebuilt only when its stamp differs, and every query loads
it in one read.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import tempfile
from collections import Counter
from itertools import islice
from pathlib import Path

import networkx as nx

from .errors import GraphMissing, OutputError
from .notes import Notes
from .store import FINAL, FetchKind, Store

GRAPH_FILE = "graph.jsonl"
FORMAT = "citegraph graph"
FORMAT_VERSION = 1


def compute_pagerank(graph: nx.DiGraph) -> None:
    """Store PageRank on every node as ``pagerank`` (done once per build, so queries do not pay for it).

    Parameters
    ----------
    graph : networkx.DiGraph
        Changed in place; an empty graph is left alone.

    Examples
    --------
    >>> from citegraph.examples import example_graph
    >>> graph = example_graph()
    >>> round(sum(rank for _, rank in graph.nodes(data="pagerank")), 6)
    1.0
    """
    if graph.number_of_nodes() == 0:
        return
    ranks = nx.pagerank(graph, alpha=0.85, tol=1e-8)
    nx.set_node_attributes(graph, ranks, "pagerank")


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


def assemble(store: Store, notes: Notes, citations: bool = False, depth: int = 1) -> nx.DiGraph:
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

    Returns
    -------
    networkx.DiGraph
        citing -> cited, node attributes as in :func:`node_attributes` plus ``pagerank``; the graph's
        ``flags_pending`` attribute counts your papers whose influence flags are not stored yet.
    """
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
            node["read"] = node["read"] or entry.status == "read"
            node["queued"] = not node["read"] and (node["queued"] or entry.status == "queued")
            node["topics"] = list(dict.fromkeys(node["topics"] + entry.topics))
            node["sources"] = list(dict.fromkeys(node["sources"] + entry.sources))
            node["note"] = entry.note if not node["note"] else node["note"]
            node["notesTitle"] = entry.title
    graph.graph["unresolved_references"] = store.unresolved_counts()
    flagged = store.statuses(FetchKind.REFERENCES)
    graph.graph["flags_pending"] = sum(1 for paper in yours if paper in graph
                                       and (paper not in flagged or flagged[paper][0] not in FINAL))
    compute_pagerank(graph)
    return graph


def graph_path(data_dir: Path) -> Path:
    return Path(data_dir) / GRAPH_FILE


def graph_stamp(generation: int, fingerprint: str, citations: bool = False, depth: int = 1) -> dict:
    """What a saved graph was built from: equal stamps mean the saved graph can be used as it is."""
    return {"format": FORMAT, "version": FORMAT_VERSION, "generation": generation,
            "notes_fingerprint": fingerprint, "citations": citations, "depth": depth}


def _columns(records: list[dict]) -> dict:
    """Attribute dicts as one column per key, in the keys' first-seen order.

    A key most records have is a full list of values plus the indices of the records without it
    (``absent``); a rarer key is the indices of the records with it (``at``) and their values.
    """
    columns = {}
    for key, count in Counter(key for record in records for key in record).items():
        if count * 2 >= len(records):
            columns[key] = {"values": [record.get(key) for record in records],
                            "absent": [] if count == len(records) else [i for i, r in enumerate(records) if key not in r]}
        else:
            at = [i for i, record in enumerate(records) if key in record]
            columns[key] = {"at": at, "values": [records[i][key] for i in at]}
    return columns


def _records(columns: dict, count: int) -> list[dict]:
    """The attribute dicts :func:`_columns` wrote, each with its keys in the saved order."""
    full = [(key, column) for key, column in columns.items() if "at" not in column]
    if any(len(column["values"]) != count for _, column in full):
        raise ValueError("columns of different lengths")
    # A dict display per record, then one pass per further key: three times faster than dict(zip()).
    first = full[0][0] if full else None
    records = [{first: value} for value in full[0][1]["values"]] if full else [{} for _ in range(count)]
    for key, column in full[1:]:
        for record, value in zip(records, column["values"]):
            record[key] = value
    for key, column in full:
        for index in column["absent"]:
            del records[index][key]
    touched = set()
    for key, column in columns.items():
        if "at" in column:
            for index, value in zip(column["at"], column["values"], strict=True):
                records[index][key] = value
            touched.update(column["at"])
    order = list(columns)
    if touched and order != [key for key, _ in full] + [key for key in order if "at" in columns[key]]:
        for index in touched:
            records[index] = {key: records[index][key] for key in order if key in records[index]}
    return records


def save_graph(graph: nx.DiGraph, path: Path, stamp: dict) -> None:
    """Save ``graph`` as ``path`` (see the module docstring for the format), replacing it in one step.

    Raises
    ------
    OutputError
        The file could not be written (a full disk, a read-only folder); no partial file is left.
    """
    ids = list(graph)
    index = {node: i for i, node in enumerate(ids)}
    succ, pred = graph.succ, graph.pred
    targets = [index[v] for node in ids for v in succ[node]]
    edge_data = [data for node in ids for data in succ[node].values()]
    # An edge's one attribute dict sits in both succ and pred: its identity finds its position.
    position = {id(data): i for i, data in enumerate(edge_data)}
    body = {
        "graph": graph.graph,
        "nodes": {"ids": ids, "columns": _columns([graph.nodes[node] for node in ids])},
        "edges": {
            "out_degree": [len(succ[node]) for node in ids],
            "target": targets,
            # Each paper's citing papers in the graph's own order: their edges' positions in the
            # list above and their own positions in ids (saves a lookup per edge when loading).
            "in_degree": [len(pred[node]) for node in ids],
            "in_edges": [position[id(data)] for node in ids for data in pred[node].values()],
            "in_source": [index[u] for node in ids for u in pred[node]],
            "columns": _columns(edge_data),
        },
    }
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename: a reader never sees half a file, even with two builds at once.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".graph-",
                                         delete=False) as handle:
            temporary = handle.name
            # json.dumps escapes every newline inside strings: the stamp is exactly the first line.
            handle.write(json.dumps(stamp) + "\n")
            # dumps, not dump: only the one-shot encoder is the fast C one.
            handle.write(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
        os.replace(temporary, path)
    except OSError as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"could not save the graph as {path}: {exc.strerror or exc}; "
                             "free some space or use another --data-dir, then run `citegraph build` again") from None


def _damaged(path: Path, why: str) -> GraphMissing:
    return GraphMissing(f"{path} is damaged ({why}); run `citegraph build NOTES` again")


def _open(path: Path):
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise GraphMissing(f"no stored graph at {path}; run `citegraph build NOTES` first") from None


def _parse_stamp(path: Path, line: bytes) -> dict:
    try:
        stamp = json.loads(line)
    except ValueError:
        raise _damaged(path, "not a citegraph graph file") from None
    if not isinstance(stamp, dict) or stamp.get("format") != FORMAT:
        raise _damaged(path, "not a citegraph graph file")
    return stamp


def read_stamp(path: Path) -> dict:
    """The stamp of the graph saved as ``path`` (its first line only: the graph is not read).

    Raises
    ------
    GraphMissing
        No file, or not a citegraph graph file.
    """
    with _open(path) as handle:
        return _parse_stamp(path, handle.readline())


def load_graph(path: Path) -> nx.DiGraph:
    """The graph saved as ``path`` by :func:`save_graph`.

    Raises
    ------
    GraphMissing
        No file, or a file that is not a whole citegraph graph of this version.
    """
    with _open(path) as handle:
        stamp = _parse_stamp(path, handle.readline())
        if stamp.get("version") != FORMAT_VERSION:
            raise GraphMissing(f"{path} was saved by another citegraph version; run `citegraph build NOTES` again")
        # Loading creates a million small dicts and no cycles: pausing the collector makes it
        # three times faster.
        gc.disable()
        try:
            graph = _graph_from(json.loads(handle.read()))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
            raise _damaged(path, f"{type(exc).__name__}: {exc}"[:200]) from None
        finally:
            gc.enable()
    return graph


def _graph_from(body: dict) -> nx.DiGraph:
    ids, edges = body["nodes"]["ids"], body["edges"]
    out_degree, target, in_degree = edges["out_degree"], edges["target"], edges["in_degree"]
    in_edges, in_source = edges["in_edges"], edges["in_source"]
    count = len(target)
    if not (len(out_degree) == len(in_degree) == len(ids)
            and sum(out_degree) == sum(in_degree) == len(in_edges) == len(in_source) == count):
        raise ValueError("edge lists of different lengths")
    graph = nx.DiGraph()
    graph.graph.update(body["graph"])
    records = _records(edges["columns"], count)
    successors = zip(map(ids.__getitem__, target), records)
    predecessors = zip(map(ids.__getitem__, in_source), map(records.__getitem__, in_edges))
    # The node and adjacency dicts are built whole and handed to the graph (NetworkX supports
    # replacing them before first use: assigning them resets its caches): add_nodes_from and
    # add_edges_from would copy every attribute dict and take three times as long. Each paper's
    # citations are the next slice of one iterator, its citers the next slice of another, so both
    # keep the order they had when saved.
    graph._node = dict(zip(ids, _records(body["nodes"]["columns"], len(ids)), strict=True))
    succ = {node: dict(islice(successors, outs)) for node, outs in zip(ids, out_degree)}
    pred = {node: dict(islice(predecessors, ins)) for node, ins in zip(ids, in_degree)}
    if not len(graph._node) == len(succ) == len(ids):
        raise ValueError("a paper id appears twice")
    if not sum(map(len, succ.values())) == sum(map(len, pred.values())) == count:
        raise ValueError("a citation is listed twice")
    graph._succ, graph._pred = succ, pred
    return graph


def build_graph(store: Store, notes: Notes, data_dir: Path, citations: bool = False,
                depth: int = 1) -> tuple[nx.DiGraph, bool]:
    """The graph for these notes and this store: loaded when unchanged, else assembled and saved.

    Returns the graph and whether it was assembled anew. A read-only store's graph is assembled
    in memory and not saved.
    """
    path = graph_path(data_dir)
    stamp = graph_stamp(store.generation(), notes_fingerprint(notes), citations, depth)
    try:
        # Only the stamp is read to decide: a stale graph is never loaded just to be replaced.
        if read_stamp(path) == stamp:
            return load_graph(path), False
    except GraphMissing:
        pass
    graph = assemble(store, notes, citations, depth)
    if not store.read_only:
        save_graph(graph, path, stamp)
    return graph, True
