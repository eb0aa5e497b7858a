"""The saved graph on disk (``graph.jsonl``): its format, and writing it.

The file is JSON Lines, plain data only, so that a saved graph from anywhere (a shared folder, a
colleague's tarball) can never run code when it is loaded:

1. the stamp: what the graph was built from (the store's generation, a fingerprint of the notes,
   whether citing papers were drawn);
2. the index: the graph's own attributes, the counts, the names of the sections below, where each
   block of each section starts, the body's length and its CRC-32;
3. the body, the sections one after the other: the paper ids; each node attribute as a column; the
   citations as runs of index lists (each paper's cited papers, then each paper's citers, in the
   order the graph had); each citation attribute as a column. Each section is cut into blocks of
   ``BLOCK`` rows (papers or citations), one line each.

A column is a full list of values plus the indices of the records without the key (``absent``)
when most records have it, else the indices of the records with it (``at``) and their values; a
block holds its rows' share of both (indices counted over the whole section). Blocks let a query
parse only what it reads: ``unread`` on a 50,000-paper graph never parses the citation contexts
that ``show`` prints, and ``show`` parses one block of each column for each paper it prints.

Reading: :mod:`citegraph.graphload` (the stamp, the checks, the NetworkX graph) and
:mod:`citegraph.savedgraph` (the lazy view the questions read).
"""

from __future__ import annotations

import json
import os
import secrets
import time
import zlib
from bisect import bisect_left
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from citegraph.datafiles import open_regular
from citegraph.errors import OutputError, describe_write_error

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["GRAPH_FILE", "graph_path", "graph_stamp", "save_graph"]

GRAPH_FILE = "graph.jsonl"
FORMAT = "citegraph graph"
FORMAT_VERSION = 3
BLOCK = 1024  # rows per block: show's few papers parse a few thousand values of each column, not all
ADJACENCY = ("ids", "out_degree", "target", "in_degree", "in_edges", "in_source")
PER_PAPER = ("ids", "out_degree", "in_degree")  # sections with a row per paper; the other runs have one per citation
NODE, EDGE = "node:", "edge:"


def graph_path(data_dir: Path) -> Path:
    return Path(data_dir) / GRAPH_FILE


def graph_stamp(generation: int, fingerprint: str, citations: bool = False, depth: int = 1) -> dict:
    """What a saved graph was built from: equal stamps mean the saved graph can be used as it is."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "generation": generation,
        "notes_fingerprint": fingerprint,
        "citations": citations,
        "depth": depth,
    }


def per_paper(name: str) -> bool:
    """Whether section ``name`` has a row per paper (else one per citation)."""
    return name in PER_PAPER or name.startswith(NODE)


def _columns(records: list[dict]) -> dict:
    """Attribute dicts as one column per key, in the keys' first-seen order (see the module docstring)."""
    columns = {}
    for key, count in Counter(key for record in records for key in record).items():
        if count * 2 >= len(records):
            columns[key] = {
                "values": [record.get(key) for record in records],
                "absent": [] if count == len(records) else [i for i, r in enumerate(records) if key not in r],
            }
        else:
            at = [i for i, record in enumerate(records) if key in record]
            columns[key] = {"at": at, "values": [records[i][key] for i in at]}
    return columns


def _blocks(value, count: int):
    """A section's value cut into blocks of ``BLOCK`` rows (a column: its rows' values and indices)."""
    for start in range(0, max(count, 1), BLOCK):
        end = start + BLOCK
        if isinstance(value, list):
            yield value[start:end]
        elif "at" in value:
            first, last = bisect_left(value["at"], start), bisect_left(value["at"], end)
            yield {"at": value["at"][first:last], "values": value["values"][first:last]}
        else:
            absent = value["absent"]
            yield {
                "values": value["values"][start:end],
                "absent": absent[bisect_left(absent, start) : bisect_left(absent, end)],
            }


def _run_starts(degree: list[int]) -> list[int]:
    """Where each block of papers' run begins in a per-citation section (its first paper's first row)."""
    starts, total = [], 0
    for start in range(0, max(len(degree), 1), BLOCK):
        starts.append(total)
        total += sum(degree[start : start + BLOCK])
    return starts


def _sections(graph: nx.DiGraph) -> dict:
    """The graph as the file's sections, whole (see the module docstring)."""
    ids = list(graph)
    index = {node: i for i, node in enumerate(ids)}
    succ, pred = graph.succ, graph.pred
    edge_data = [data for node in ids for data in succ[node].values()]
    # An edge's one attribute dict sits in both succ and pred: its identity finds its position.
    position = {id(data): i for i, data in enumerate(edge_data)}
    return {
        "ids": ids,
        **{NODE + key: column for key, column in _columns([graph.nodes[node] for node in ids]).items()},
        "out_degree": [len(succ[node]) for node in ids],
        "target": [index[v] for node in ids for v in succ[node]],
        # Each paper's citing papers in the graph's own order: their edges' positions in the list
        # above and their own positions in ids (saves a lookup per edge when loading).
        "in_degree": [len(pred[node]) for node in ids],
        "in_edges": [position[id(data)] for node in ids for data in pred[node].values()],
        "in_source": [index[u] for node in ids for u in pred[node]],
        **{EDGE + key: column for key, column in _columns(edge_data).items()},
    }


def encode_graph(graph: nx.DiGraph) -> tuple[dict, bytes]:
    """The index line's value and the body of the file for ``graph``."""
    sections = _sections(graph)
    nodes, edges = len(sections["ids"]), len(sections["target"])
    body, offsets = bytearray(), {}
    for name, value in sections.items():
        starts = offsets[name] = []
        for block in _blocks(value, nodes if per_paper(name) else edges):
            starts.append(len(body))
            body += json_line(block)
        starts.append(len(body))
    header = {
        "graph": graph.graph,
        "nodes": nodes,
        "edges": edges,
        "block": BLOCK,
        "sections": list(sections),
        "offsets": offsets,
        "out_starts": _run_starts(sections["out_degree"]),
        "in_starts": _run_starts(sections["in_degree"]),
        "size": len(body),
        "crc32": zlib.crc32(body),
    }
    return header, bytes(body)


def save_graph(graph: nx.DiGraph, path: Path, stamp: dict) -> None:
    """Save ``graph`` as ``path`` (see the module docstring for the format), replacing it in one step.

    Raises
    ------
    OutputError
        The file could not be written (a full disk, a read-only folder); no partial file is left.
    """
    temporary = None
    try:
        header, body = encode_graph(graph)
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path.parent)
        # Write-then-rename: a reader never sees half a file, even with two builds at once.
        temporary, handle = new_temporary(path.parent)
        with handle:
            # JSON escapes every newline inside strings: each line is exactly one value.
            handle.write(json.dumps(stamp).encode() + b"\n")
            handle.write(json_line(header))
            handle.write(body)
        os.replace(temporary, path)
    except BaseException as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, TypeError):  # an attribute JSON cannot hold (a set, a numpy number): a bug, not the user's
            raise TypeError(f"the graph holds a value JSON cannot save: {exc}") from None
        if not isinstance(exc, OSError):
            raise
        raise OutputError(
            f"could not save the graph as {path}: {describe_write_error(exc, path.parent)}; "
            "free some space or use another --data-dir, then run `citegraph build` again"
        ) from None


def json_line(value) -> bytes:
    """``value`` as one line of JSON. orjson refuses a lone surrogate (a file name from a non-UTF-8
    disk); the standard encoder writes it as its escape, which loads back as the same string."""
    try:
        return orjson.dumps(value) + b"\n"
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":")).encode() + b"\n"


# -- the temporary file a save writes first ------------------------------------------------------
# Kept apart from the format: each save holds a lock on its temporary file while writing, so a later
# save can tell a killed save's leftover (unlocked) from a save still running (locked).
TEMPORARY_PREFIX = ".graph-"
STALE_AFTER = 60  # seconds


def new_temporary(folder: Path):
    """A new ``.graph-*`` file in ``folder``: its path, and it open for writing bytes, locked while
    open; created 0666 less the umask, as every other file citegraph writes."""
    for _ in range(100):
        name = folder / f"{TEMPORARY_PREFIX}{secrets.token_hex(6)}"
        try:
            handle = open_regular(name, "wb", os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            continue
        _lock(handle, blocking=True)
        return name, handle
    raise FileExistsError(17, "no free temporary file name", str(folder))


def remove_stale_temporaries(folder: Path) -> None:
    """Remove the ``.graph-*`` files that no running save holds (a save killed before it renamed its file).

    Only files a minute old: a save that has just created its file may not hold its lock yet.
    """
    for leftover in folder.glob(TEMPORARY_PREFIX + "*"):
        try:
            if time.time() - leftover.lstat().st_mtime < STALE_AFTER:
                continue
            with open_regular(leftover, "r+b", os.O_RDWR) as handle:
                if _lock(handle, blocking=False):
                    leftover.unlink()
        except OSError:
            continue  # gone meanwhile, or not ours to remove


def _lock(handle, blocking: bool) -> bool:
    """An exclusive lock on ``handle``; False when another process holds one (and ``blocking`` is False)."""
    try:
        import fcntl
    except ImportError:  # no POSIX locks (Windows): a leftover stays until removed by hand
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True
