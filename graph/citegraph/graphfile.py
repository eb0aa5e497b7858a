"""The saved graph on disk (``graph.jsonl``): writing it, and reading it as a NetworkX graph or,
for the command line's queries, as a `SavedGraph` that parses only what a question touches.

The file is JSON Lines, plain data only, so that a saved graph from anywhere (a shared folder, a
colleague's tarball) can never run code when it is loaded:

1. the stamp: what the graph was built from (the store's generation, a fingerprint of the notes,
   whether citing papers were drawn);
2. the index: the graph's own attributes, the counts, and the names of the sections below;
3. one line per section: the paper ids; each node attribute as a column; the citations as runs of
   index lists (each paper's cited papers, then each paper's citers, in the order the graph had);
   each citation attribute as a column.

A column is a full list of values plus the indices of the records without the key (``absent``)
when most records have it, else the indices of the records with it (``at``) and their values.
One section per line lets a query parse only the columns it reads: ``unread`` on a 50,000-paper
graph never parses the citation contexts that ``show`` prints. The file is read in one read.
"""

from __future__ import annotations

import gc
import json
import os
import secrets
import time
from collections import Counter
from collections.abc import Mapping
from itertools import accumulate, islice
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from citegraph.datafiles import NotRegularFile, open_regular
from citegraph.errors import GraphMissing, OutputError, describe_write_error

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "GRAPH_FILE",
    "graph_path",
    "graph_stamp",
    "save_graph",
    "read_stamp",
    "load_graph",
    "read_saved_graph",
    "SavedGraph",
]

GRAPH_FILE = "graph.jsonl"
FORMAT = "citegraph graph"
FORMAT_VERSION = 2
ADJACENCY = ("ids", "out_degree", "target", "in_degree", "in_edges", "in_source")
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


def _records(columns: dict, count: int) -> list[dict]:
    """The attribute dicts :func:`_columns` wrote, each with its keys in the saved order."""
    full = [(key, column) for key, column in columns.items() if "at" not in column]
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
    edge_data = [data for node in ids for data in succ[node].values()]
    # An edge's one attribute dict sits in both succ and pred: its identity finds its position.
    position = {id(data): i for i, data in enumerate(edge_data)}
    sections = {
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
    header = {"graph": graph.graph, "nodes": len(ids), "edges": len(edge_data), "sections": list(sections)}
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path.parent)
        # Write-then-rename: a reader never sees half a file, even with two builds at once.
        temporary, handle = new_temporary(path.parent)
        with handle:
            # JSON escapes every newline inside strings: each line is exactly one value.
            handle.write(json.dumps(stamp).encode() + b"\n")
            for value in (header, *sections.values()):
                handle.write(_json_line(value))
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


def _json_line(value) -> bytes:
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


def _damaged(path: Path, why: str) -> GraphMissing:
    return GraphMissing(f"{path} is damaged ({why}); run `citegraph build NOTES` again")


def _read(path: Path, whole: bool = True) -> bytes:
    """The saved graph's bytes (only its first line unless ``whole``), in one read."""
    try:
        with open_regular(path) as handle:
            # Bounded by the size the file had when opened: a file that keeps growing is read no further.
            return (
                handle.read(os.fstat(handle.fileno()).st_size) if whole else handle.readline(1 << 16)
            )  # the stamp: a small first line
    except FileNotFoundError:
        raise GraphMissing(f"no stored graph at {path}; run `citegraph build NOTES` first") from None
    except NotRegularFile:
        raise GraphMissing(
            f"{path} is not a regular file (a pipe or device); move it away and run `citegraph build NOTES` again"
        ) from None


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
    return _parse_stamp(path, _read(path, whole=False))


class _Sections:
    """The saved graph's sections by name, each parsed on first use (see the module docstring)."""

    def __init__(self, path: Path):
        self.path = path
        data = _read(path)
        # Lines as views into the one buffer read: tens of megabytes are never copied.
        lines, start = [], 0
        while start < len(data):
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            lines.append(memoryview(data)[start:end])
            start = end + 1
        stamp = _parse_stamp(path, bytes(lines[0]) if lines else b"")
        if stamp.get("version") != FORMAT_VERSION:
            raise GraphMissing(f"{path} was saved by another citegraph version; run `citegraph build NOTES` again")
        header = self._parse(lines[1] if len(lines) > 1 else b"")
        lines = lines[2:]
        try:
            self.names, self.nodes, self.edges = header["sections"], header["nodes"], header["edges"]
            self.graph = dict(header["graph"])
            if len(lines) != len(self.names) or not set(ADJACENCY) <= set(self.names):
                raise ValueError("sections missing")
        except (KeyError, TypeError, ValueError) as exc:
            raise _damaged(path, f"{type(exc).__name__}: {exc}"[:200]) from None
        self._lines = dict(zip(self.names, lines))
        self._parsed: dict = {}
        self.columns = {
            prefix: [n[len(prefix) :] for n in self.names if n.startswith(prefix)] for prefix in (NODE, EDGE)
        }

    def _parse(self, line):
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise _damaged(self.path, f"JSONDecodeError: {exc}"[:200]) from None

    def __getitem__(self, name: str):
        if name not in self._parsed:
            value = self._parse(self._lines[name])
            expected = {
                "ids": self.nodes,
                "out_degree": self.nodes,
                "in_degree": self.nodes,
                "target": self.edges,
                "in_edges": self.edges,
                "in_source": self.edges,
            }.get(name)
            try:
                if name.startswith((NODE, EDGE)):
                    _check_column(value, self.nodes if name.startswith(NODE) else self.edges)
                elif not isinstance(value, list) or len(value) != expected:
                    raise ValueError(
                        f"{name}: {len(value) if isinstance(value, list) else 'no'} entries, not {expected}"
                    )
            except (KeyError, TypeError, ValueError) as exc:
                raise _damaged(self.path, f"{type(exc).__name__}: {exc}"[:200]) from None
            self._parsed[name] = value
        return self._parsed[name]

    def columns_of(self, prefix: str) -> dict:
        return {key: self[prefix + key] for key in self.columns[prefix]}


def _check_column(column: dict, count: int) -> None:
    if "at" in column:
        if len(column["at"]) != len(column["values"]):
            raise ValueError("a column's indices and values differ in length")
    elif len(column["values"]) != count:
        raise ValueError("columns of different lengths")


def load_graph(path: Path) -> nx.DiGraph:
    """The graph saved as ``path`` by :func:`save_graph`, as a NetworkX DiGraph.

    Raises
    ------
    GraphMissing
        No file, or a file that is not a whole citegraph graph of this version.
    """
    import networkx as nx

    sections = _Sections(path)
    # Loading creates a million small dicts and no cycles: pausing the collector makes it three
    # times faster.
    gc.disable()
    try:
        graph = nx.DiGraph()
        graph.graph.update(sections.graph)
        ids = sections["ids"]
        records = _records(sections.columns_of(EDGE), sections.edges)
        target, in_edges, in_source = sections["target"], sections["in_edges"], sections["in_source"]
        successors = zip(map(ids.__getitem__, target), records)
        predecessors = zip(map(ids.__getitem__, in_source), map(records.__getitem__, in_edges))
        # The node and adjacency dicts are built whole and handed to the graph (NetworkX supports
        # replacing them before first use: assigning them resets its caches): add_nodes_from and
        # add_edges_from would copy every attribute dict and take three times as long. Each
        # paper's citations are the next slice of one iterator, its citers the next slice of
        # another, so both keep the order they had when saved.
        graph._node = dict(zip(ids, _records(sections.columns_of(NODE), len(ids)), strict=True))
        succ = {node: dict(islice(successors, outs)) for node, outs in zip(ids, sections["out_degree"])}
        pred = {node: dict(islice(predecessors, ins)) for node, ins in zip(ids, sections["in_degree"])}
        if not len(graph._node) == len(succ) == len(ids):
            raise ValueError("a paper id appears twice")
        if not sum(map(len, succ.values())) == sum(map(len, pred.values())) == sections.edges:
            raise ValueError("a citation is listed twice")
        graph._succ, graph._pred = succ, pred
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise _damaged(path, f"{type(exc).__name__}: {exc}"[:200]) from None
    finally:
        gc.enable()
    return graph


def read_saved_graph(path: Path) -> SavedGraph:
    """The graph saved as ``path``, for queries: a `SavedGraph` that parses what a question reads.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / GRAPH_FILE
    >>> save_graph(example_graph(), path, graph_stamp(1, "example"))
    >>> saved = read_saved_graph(path)
    >>> saved.nodes["X"]["title"], list(saved.succ["A"]), saved.number_of_edges()
    ('Layer Normalization', ['X', 'Y', 'B'], 5)
    >>> saved.succ["A"]["B"]["intents"] == load_graph(path).succ["A"]["B"]["intents"]
    True

    Raises
    ------
    GraphMissing
        No file, or not a citegraph graph of this version (damage inside a section is reported
        when a question first reads it).
    """
    return SavedGraph(_Sections(path))


class _Column:
    """One saved attribute column: the value at an index (KeyError when that record lacks the key)."""

    def __init__(self, column: dict):
        if "at" in column:
            self.at = dict(zip(column["at"], column["values"]))
            self.values = self.absent = None
        else:
            self.at = None
            self.values, self.absent = column["values"], set(column["absent"])

    def value(self, index: int):
        if self.at is not None:
            return self.at[index]
        if index in self.absent:
            raise KeyError(index)
        return self.values[index]

    def all(self, count: int, default=None) -> list:
        if self.at is not None:
            return [self.at.get(i, default) for i in range(count)]
        if not self.absent:
            return self.values
        return [default if i in self.absent else v for i, v in enumerate(self.values)]


class _Records:
    """The attribute columns of the nodes or of the edges, each parsed on first use."""

    def __init__(self, sections: _Sections, prefix: str, count: int):
        self._sections, self._prefix, self.count = sections, prefix, count
        self.keys = sections.columns[prefix]
        self._columns: dict[str, _Column] = {}

    def column(self, key: str) -> _Column | None:
        column = self._columns.get(key)
        if column is None and key in self.keys:
            column = self._columns[key] = _Column(self._sections[self._prefix + key])
        return column

    def values_of(self, key: str, default=None) -> list:
        column = self.column(key)
        return [default] * self.count if column is None else column.all(self.count, default)


class _Row(Mapping):
    """One paper's or citation's attributes, read from the columns as they are asked for: a
    question reading a citation's influence flag never parses the citation contexts."""

    __slots__ = ("_records", "_index")

    def __init__(self, records: _Records, index: int):
        self._records, self._index = records, index

    def __getitem__(self, key: str):
        column = self._records.column(key)
        if column is None:
            raise KeyError(key)
        return column.value(self._index)

    def get(self, key: str, default=None):
        column = self._records.column(key)
        if column is None:
            return default
        try:
            return column.value(self._index)
        except KeyError:
            return default

    def __iter__(self):
        return (key for key in self._records.keys if key in self)

    def __len__(self):
        return sum(1 for _ in self)

    def __contains__(self, key) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True


class _ByPaper(Mapping):
    """A mapping keyed by the saved graph's paper ids, in its order."""

    def __init__(self, graph: SavedGraph):
        self._graph = graph

    def __iter__(self):
        return iter(self._graph.ids)

    def __len__(self):
        return len(self._graph.ids)

    def __contains__(self, node) -> bool:
        return node in self._graph.position


class _NodeView(_ByPaper):
    """``graph.nodes`` as NetworkX has it: ``nodes[id]`` the attributes, ``nodes(data="key")`` (id, value) pairs."""

    def __getitem__(self, node: str) -> _Row:
        return _Row(self._graph._records, self._graph.position[node])

    def __call__(self, data=False, default=None):
        ids = self._graph.ids
        if data is True:
            return ((node, _Row(self._graph._records, i)) for i, node in enumerate(ids))
        if data is False:
            return iter(ids)
        return zip(ids, self._graph._records.values_of(data, default))


class _Neighbours(Mapping):
    """One paper's neighbours, ``{neighbour: citation attributes}``; a search walking the graph
    iterates the ids without building the attributes."""

    __slots__ = ("_positions", "_records")

    def __init__(self, positions: dict[str, int], records: _Records):
        self._positions, self._records = positions, records

    def __getitem__(self, other: str) -> _Row:
        return _Row(self._records, self._positions[other])

    def __iter__(self):
        return iter(self._positions)

    def __len__(self):
        return len(self._positions)

    def __contains__(self, other) -> bool:
        return other in self._positions


class _Adjacency(_ByPaper):
    """``graph.succ`` or ``graph.pred``: each paper's neighbours, ``{neighbour: citation attributes}``,
    built on first use from the saved runs of indices."""

    def __init__(self, graph: SavedGraph, direction: str):
        super().__init__(graph)
        self._direction = direction
        self._built: dict[str, dict] = {}
        self._runs = None

    def _starts(self):
        if self._runs is None:
            sections = self._graph._sections
            degree = sections["out_degree" if self._direction == "succ" else "in_degree"]
            ends = list(accumulate(degree))
            if self._direction == "succ":
                self._runs = (ends, degree, sections["target"], None)
            else:
                self._runs = (ends, degree, sections["in_source"], sections["in_edges"])
        return self._runs

    def __getitem__(self, node: str) -> _Neighbours:
        if node not in self._built:
            ends, degree, others, edges = self._starts()
            i = self._graph.position[node]
            start = ends[i] - degree[i]
            positions = range(start, ends[i]) if edges is None else edges[start : ends[i]]
            neighbours = dict(zip(map(self._graph.ids.__getitem__, others[start : ends[i]]), positions))
            self._built[node] = _Neighbours(neighbours, self._graph._edge_records)
        return self._built[node]


class SavedGraph:
    """A saved graph read the way NetworkX's DiGraph is read, without importing NetworkX.

    What the queries use of a DiGraph: ``graph.graph``, ``graph.nodes[id]``,
    ``graph.nodes(data="key")``, ``graph.succ[id]``, ``graph.pred[id]``,
    ``graph.edges(data="key")``, ``id in graph``, ``len(graph)``, iteration,
    ``number_of_nodes()``, ``number_of_edges()``. Columns and adjacency runs are parsed when first
    read and papers' attribute dicts built when first asked for, so a question about a few papers
    of a large graph reads little of it. ``citegraph.load`` returns the NetworkX graph; answers
    from both are the same (tests compare them).
    """

    def __init__(self, sections: _Sections):
        self._sections = sections
        self.graph = sections.graph
        self.ids = sections["ids"]
        self.position = dict(zip(self.ids, range(len(self.ids))))
        if len(self.position) != len(self.ids):
            raise _damaged(sections.path, "a paper id appears twice")
        self._records = _Records(sections, NODE, sections.nodes)
        self._edge_records = _Records(sections, EDGE, sections.edges)
        self.nodes = _NodeView(self)
        self.succ = _Adjacency(self, "succ")
        self.pred = _Adjacency(self, "pred")

    def __contains__(self, node) -> bool:
        return node in self.position

    def __iter__(self):
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def number_of_nodes(self) -> int:
        return len(self.ids)

    def number_of_edges(self) -> int:
        return self._sections.edges

    def edges(self, data: str, default=None):
        """(citing, cited, value of ``data``) for every citation, in the saved order."""
        sections, ids = self._sections, self.ids
        citing = (ids[i] for i, outs in enumerate(sections["out_degree"]) for _ in range(outs))
        return zip(citing, map(ids.__getitem__, sections["target"]), self._edge_records.values_of(data, default))
