"""The saved graph as the questions read it: a `SavedGraph` that parses only the blocks a question
touches (the format: :mod:`citegraph.graphfile`), without importing NetworkX."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from citegraph.graphfile import EDGE, NODE
from citegraph.graphload import GraphSections, damaged, graph_from_sections

__all__ = ["read_saved_graph", "SavedGraph"]


def read_saved_graph(path: Path, verify: bool = False) -> SavedGraph:
    """The graph saved as ``path``, for queries: a `SavedGraph` that parses what a question reads.

    Examples
    --------
    >>> import tempfile
    >>> from citegraph.graphfile import GRAPH_FILE, graph_stamp, save_graph
    >>> from citegraph.graphload import load_graph
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
        No file, or not a citegraph graph of this version (damage inside a block is reported when a
        question first reads it; ``verify`` checks the body's checksum first).
    """
    return SavedGraph(GraphSections(path, verify))


class _Column:
    """One saved attribute column: the value at an index (KeyError when that record lacks the key),
    each block parsed when a row of it is first asked for."""

    def __init__(self, sections: GraphSections, name: str):
        self._sections, self._name = sections, name
        self._blocks: dict[int, tuple] = {}

    def _block(self, number: int) -> tuple:
        """(values by row, or None; absent rows, or None) of one block: ``at`` blocks as a dict."""
        if number not in self._blocks:
            block = self._sections.block(self._name, number)
            if "at" in block:
                self._blocks[number] = (dict(zip(block["at"], block["values"])), None)
            else:
                self._blocks[number] = (block["values"], set(block["absent"]))
        return self._blocks[number]

    def value(self, index: int):
        size = self._sections.block_rows
        values, absent = self._block(index // size)
        if absent is None:
            return values[index]
        if index in absent:
            raise KeyError(index)
        return values[index % size]

    def all(self, count: int, default=None) -> list:
        column = self._sections[self._name]
        if "at" in column:
            at = dict(zip(column["at"], column["values"]))
            return [at.get(i, default) for i in range(count)]
        if not column["absent"]:
            return column["values"]
        absent = set(column["absent"])
        return [default if i in absent else v for i, v in enumerate(column["values"])]


class _Records:
    """The attribute columns of the nodes or of the edges, each read on first use."""

    def __init__(self, sections: GraphSections, prefix: str, count: int):
        self._sections, self._prefix, self.count = sections, prefix, count
        self.keys = sections.columns[prefix]
        self._columns: dict[str, _Column] = {}

    def column(self, key: str) -> _Column | None:
        column = self._columns.get(key)
        if column is None and key in self.keys:
            column = self._columns[key] = _Column(self._sections, self._prefix + key)
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
    built on first use from the saved runs of indices (one block of degrees and the run's own rows)."""

    def __init__(self, graph: SavedGraph, direction: str):
        super().__init__(graph)
        sections = graph._sections
        self._starts = sections.starts[direction]
        self._degree, self._others, self._edges = (
            ("out_degree", "target", None) if direction == "succ" else ("in_degree", "in_source", "in_edges")
        )
        self._built: dict[str, _Neighbours] = {}

    def __getitem__(self, node: str) -> _Neighbours:
        if node not in self._built:
            sections, i = self._graph._sections, self._graph.position[node]
            number = i // sections.block_rows
            degrees = sections.block(self._degree, number)
            try:
                start = self._starts[number] + sum(degrees[: i % sections.block_rows])
                end = start + degrees[i % sections.block_rows]
                others = sections.span(self._others, start, end)
                positions = range(start, end) if self._edges is None else sections.span(self._edges, start, end)
                neighbours = dict(zip(map(self._graph.ids.__getitem__, others), positions, strict=True))
            except (TypeError, ValueError, IndexError) as exc:
                raise damaged(sections.path, f"{type(exc).__name__}: {exc}"[:200]) from None
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

    def __init__(self, sections: GraphSections):
        self._sections = sections
        self.graph = sections.graph
        self.ids = sections["ids"]
        self.position = dict(zip(self.ids, range(len(self.ids))))
        if len(self.position) != len(self.ids):
            raise damaged(sections.path, "a paper id appears twice")
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

    def networkx(self):
        """The whole graph as a NetworkX DiGraph (as `citegraph.load` gives it), from the same file read."""
        return graph_from_sections(self._sections)
