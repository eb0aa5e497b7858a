"""Reading the saved graph (the format: :mod:`citegraph.graphfile`): its stamp, its sections block
by block with the checks that tell a damaged file, and the whole graph as a NetworkX DiGraph."""

from __future__ import annotations

import gc
import json
import os
import zlib
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from citegraph.datafiles import NotRegularFile, open_regular
from citegraph.errors import GraphMissing
from citegraph.graphfile import ADJACENCY, EDGE, FORMAT, FORMAT_VERSION, NODE, per_paper

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["read_stamp", "load_graph", "GraphSections"]


def damaged(path: Path, why: str) -> GraphMissing:
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
        raise damaged(path, "not a citegraph graph file") from None
    if not isinstance(stamp, dict) or stamp.get("format") != FORMAT:
        raise damaged(path, "not a citegraph graph file")
    return stamp


def read_stamp(path: Path) -> dict:
    """The stamp of the graph saved as ``path`` (its first line only: the graph is not read).

    Raises
    ------
    GraphMissing
        No file, or not a citegraph graph file.
    """
    return _parse_stamp(path, _read(path, whole=False))


def _check_block(name: str, block, rows: range) -> None:
    """Raise ValueError unless ``block`` holds the rows ``rows`` of section ``name``."""
    if not name.startswith((NODE, EDGE)):
        if not isinstance(block, list) or len(block) != len(rows):
            raise ValueError(f"{name}: {len(block) if isinstance(block, list) else 'no'} entries, not {len(rows)}")
    elif "at" in block:
        if len(block["at"]) != len(block["values"]) or any(i not in rows for i in block["at"]):
            raise ValueError("a column's indices and values differ")
    elif len(block["values"]) != len(rows) or any(i not in rows for i in block["absent"]):
        raise ValueError("columns of different lengths")


class GraphSections:
    """The saved graph's sections by name, each block parsed on first use (see `citegraph.graphfile`).

    ``verify`` also checks the body's CRC-32 (a whole read, no parsing): a build trusting an unchanged
    graph it will not parse whole checks it so; a question reports damage when it reads it.
    """

    def __init__(self, path: Path, verify: bool = False):
        self.path = path
        self._data = data = _read(path)
        stamp_end = data.find(b"\n") + 1
        header_end = data.find(b"\n", stamp_end) + 1
        stamp = _parse_stamp(path, data[: stamp_end or len(data)])
        if stamp.get("version") != FORMAT_VERSION:
            raise GraphMissing(f"{path} was saved by another citegraph version; run `citegraph build NOTES` again")
        header = self._parse(memoryview(data)[stamp_end : header_end or len(data)])
        self._body = header_end
        try:
            self.names, self.nodes, self.edges = header["sections"], header["nodes"], header["edges"]
            self.graph, self.block_rows = dict(header["graph"]), header["block"]
            self.offsets, self.starts = header["offsets"], {"succ": header["out_starts"], "pred": header["in_starts"]}
            if not header_end or len(data) - header_end != header["size"]:
                raise ValueError("cut short")
            if not set(ADJACENCY) <= set(self.names) or set(self.offsets) != set(self.names):
                raise ValueError("sections missing")
            for name in self.names:
                if len(self.offsets[name]) != self.blocks(name) + 1:
                    raise ValueError(f"{name}: blocks missing")
            if not len(self.starts["succ"]) == len(self.starts["pred"]) == self.blocks("ids"):
                raise ValueError("runs missing")
            if verify and zlib.crc32(memoryview(data)[header_end:]) != header["crc32"]:
                raise ValueError("its checksum differs")
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
            raise damaged(path, f"{type(exc).__name__}: {exc}"[:200]) from None
        self._blocks: dict = {}
        self._whole: dict = {}
        self.columns = {
            prefix: [n[len(prefix) :] for n in self.names if n.startswith(prefix)] for prefix in (NODE, EDGE)
        }

    def _parse(self, line):
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise damaged(self.path, f"JSONDecodeError: {exc}"[:200]) from None

    def rows(self, name: str) -> int:
        return self.nodes if per_paper(name) else self.edges

    def blocks(self, name: str) -> int:
        """How many blocks section ``name`` has (one at least, empty for an empty graph)."""
        return -(-max(self.rows(name), 1) // self.block_rows)

    def block(self, name: str, number: int):
        """Block ``number`` of section ``name``, parsed and checked."""
        key = (name, number)
        if key not in self._blocks:
            offsets = self.offsets[name]
            try:
                start, end = self._body + offsets[number], self._body + offsets[number + 1]
                value = self._parse(memoryview(self._data)[start:end])
                first = number * self.block_rows
                _check_block(name, value, range(first, min(first + self.block_rows, self.rows(name))))
            except (KeyError, TypeError, ValueError, IndexError) as exc:
                raise damaged(self.path, f"{type(exc).__name__}: {exc}"[:200]) from None
            self._blocks[key] = value
        return self._blocks[key]

    def value(self, name: str, row: int):
        """Row ``row`` of a list section."""
        return self.block(name, row // self.block_rows)[row % self.block_rows]

    def span(self, name: str, start: int, end: int) -> list:
        """Rows ``start`` to ``end`` (excluded) of a list section."""
        if start >= end:
            return []
        first, last = start // self.block_rows, (end - 1) // self.block_rows
        rows = list(chain.from_iterable(self.block(name, n) for n in range(first, last + 1)))
        return rows[start - first * self.block_rows : end - first * self.block_rows]

    def __getitem__(self, name: str):
        """Section ``name`` whole: a list, or a column (``values`` and ``absent``, or ``at`` and ``values``)."""
        if name not in self._whole:
            blocks = [self.block(name, n) for n in range(self.blocks(name))]
            if not name.startswith((NODE, EDGE)):
                value = list(chain.from_iterable(blocks))
            else:
                value = {
                    key: list(chain.from_iterable(block[key] for block in blocks))
                    for key in (("at", "values") if "at" in blocks[0] else ("values", "absent"))
                }
                if any(("at" in block) != ("at" in value) for block in blocks):
                    raise damaged(self.path, "a column's blocks differ in kind")
            self._whole[name] = value
        return self._whole[name]

    def columns_of(self, prefix: str) -> dict:
        return {key: self[prefix + key] for key in self.columns[prefix]}


def _records(columns: dict, count: int) -> list[dict]:
    """The attribute dicts `citegraph.graphfile` saved as columns, each with its keys in the saved order."""
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


def load_graph(path: Path) -> nx.DiGraph:
    """The graph saved as ``path`` by `citegraph.graphfile.save_graph`, as a NetworkX DiGraph.

    Raises
    ------
    GraphMissing
        No file, or a file that is not a whole citegraph graph of this version.
    """
    return graph_from_sections(GraphSections(path))


def graph_from_sections(sections: GraphSections) -> nx.DiGraph:
    """The NetworkX DiGraph of a saved graph's sections (see `load_graph`)."""
    import networkx as nx

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
        raise damaged(sections.path, f"{type(exc).__name__}: {exc}"[:200]) from None
    finally:
        gc.enable()
    return graph
