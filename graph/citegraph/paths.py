"""How two papers are connected: the shortest chains of citations between them (`citegraph path`).

The searches read a graph only through ``graph.succ`` and ``graph.pred``, so they answer the same
from a NetworkX DiGraph and from the CLI's `citegraph.graphfile.SavedGraph`, and they find the
paths NetworkX's ``shortest_path`` and ``all_shortest_paths`` find. The examples run on
:func:`citegraph.demo.examples.example_graph`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import islice
from typing import TYPE_CHECKING

from citegraph.constants import MAX_PATHS
from citegraph.errors import NoPath
from citegraph.lookup import paper_label
from citegraph.text import shown_title

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["shortest_paths", "first_context", "PaperRef", "Hop", "PathResult"]

CONTEXT_CHARS = 200  # a citation's context snippet, in `path` answers and the map's hop details
COUNTING_MORE_PATHS = 10_000  # `path --all` counts the shortest paths beyond MAX_PATHS up to this many


@dataclass(frozen=True)
class PaperRef:
    """A paper on a path: its S2 ``paperId``, ``title`` and ``year`` (None when unknown)."""

    paperId: str
    title: str | None
    year: int | None

    @classmethod
    def of(cls, graph: nx.DiGraph, node: str) -> PaperRef:
        data = graph.nodes[node]
        return cls(node, shown_title(data.get("title"), node), data.get("year"))

    @property
    def label(self) -> str:
        return f"{self.title} ({self.year or 'n.d.'})"


def first_context(edge: dict) -> str | None:
    """A citation's first context as S2 gives it (the sentence citing), cut to ``CONTEXT_CHARS``; None without one.

    Examples
    --------
    >>> first_context(example_graph().edges["A", "B"])
    'we build on Beta'
    """
    contexts = edge.get("contexts") or []
    return contexts[0][:CONTEXT_CHARS] if contexts else None


@dataclass(frozen=True)
class Hop:
    """Why two consecutive papers on a path are linked.

    Attributes
    ----------
    citing, cited : str
        The paperIds, whichever way the citation goes.
    direction : {"cites", "is cited by"}
        Read from the earlier paper on the path to the later one.
    isInfluential : bool or None
        S2's flag; None when S2 did not say (references fetched by the batch endpoint).
    intents : list of str
        S2's citation intents (``methodology``, ``background``, ``result``).
    context : str or None
        The first citation context S2 has, cut to ``CONTEXT_CHARS`` characters (see `first_context`).
    source : {"s2", "crossref"}
        Where the citation came from: Crossref's reference list where S2 withholds it (influence unknown).
    """

    citing: str
    cited: str
    direction: str
    isInfluential: bool | None
    intents: list
    context: str | None
    source: str = "s2"

    @classmethod
    def between(cls, graph: nx.DiGraph, a: str, b: str) -> Hop:
        citing, cited = (a, b) if b in graph.succ[a] else (b, a)
        edge = graph.succ[citing][cited]
        return cls(
            citing,
            cited,
            "cites" if citing == a else "is cited by",
            edge.get("isInfluential"),
            list(edge.get("intents") or []),
            first_context(edge),
            edge.get("source") or "s2",
        )


@dataclass(frozen=True)
class PathResult:
    """The shortest citation chain(s) between two papers.

    Attributes
    ----------
    source, target : PaperRef
        The papers asked for (FROM and TO).
    directed : bool
        False when found with ``undirected=True``.
    direction : {"forward", "reverse", "undirected"}
        ``reverse``: no chain from source to target, so this one runs from target to source.
    length : int
        Hops per path.
    paths : list of list of PaperRef
        Every shortest path found (one unless ``all_paths``; at most ``MAX_PATHS``, 20).
    hops : list of list of Hop
        ``hops[i][j]`` links ``paths[i][j]`` and ``paths[i][j + 1]``.
    more : int
        Shortest paths beyond the 20 listed.
    """

    source: PaperRef
    target: PaperRef
    directed: bool
    direction: str
    length: int
    paths: list
    hops: list
    more: int

    def to_dict(self) -> dict:
        """The JSON ``citegraph path --format json`` prints."""
        data = asdict(self)
        return {"from": data.pop("source"), "to": data.pop("target"), **data}


def shortest_paths(
    graph: nx.DiGraph, source: str, target: str, *, undirected: bool = False, all_paths: bool = False
) -> PathResult:
    """How two papers are connected: the shortest chain of citations between them.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph (citing -> cited).
    source, target : str
        paperIds (see `resolve_paper`).
    undirected : bool
        Ignore which paper cites which.
    all_paths : bool
        Every shortest path (up to 20; `PathResult.more` counts the rest), not just one.

    Returns
    -------
    PathResult
        Tried in order: source → … → target, then target → … → source (``direction="reverse"``),
        unless ``undirected``.

    Raises
    ------
    NoPath
        No chain either way (or none at all when ``undirected``).

    Examples
    --------
    >>> found = shortest_paths(example_graph(), "A", "W")
    >>> found.direction, [paper.title for paper in found.paths[0]]
    ('forward', ['Alpha paper', 'Layer Normalization', 'Omega classic'])
    >>> shortest_paths(example_graph(), "W", "A").direction
    'reverse'
    """
    attempts = (
        [("undirected", source, target)] if undirected else [("forward", source, target), ("reverse", target, source)]
    )
    for direction, a, b in attempts:
        neighbours = _neighbours(graph, direction == "undirected")
        if all_paths:
            found = list(islice(_all_shortest_paths(neighbours, a, b), MAX_PATHS + 1))
        else:
            found = _shortest_path(neighbours, a, b)
            found = [found] if found else []
        if not found:
            continue
        more = 0
        if len(found) > MAX_PATHS:
            more = sum(1 for _ in islice(_all_shortest_paths(neighbours, a, b), COUNTING_MORE_PATHS)) - MAX_PATHS
            found = found[:MAX_PATHS]
        return PathResult(
            source=PaperRef.of(graph, source),
            target=PaperRef.of(graph, target),
            directed=not undirected,
            direction=direction,
            length=len(found[0]) - 1,
            paths=[[PaperRef.of(graph, n) for n in path] for path in found],
            hops=[[Hop.between(graph, x, y) for x, y in zip(path, path[1:])] for path in found],
            more=more,
        )
    how = "connected" if undirected else "linked by a chain of citations in either direction"
    raise NoPath(
        f"{paper_label(graph, source)} and {paper_label(graph, target)} are not {how} in the stored graph"
        + ("" if undirected else "; try --undirected")
    )


def _neighbours(graph, undirected: bool):
    """The two neighbour functions a search walks: forward (cited papers) and backward (citers).

    Undirected, both are a paper's cited papers then its citers (a fixed order, so the same graph
    always gives the same path).
    """
    succ, pred = graph.succ, graph.pred
    if undirected:

        def both(node):
            return list(dict.fromkeys([*succ[node], *pred[node]]))

        return both, both
    return (lambda node: succ[node]), (lambda node: pred[node])


def _shortest_path(neighbours, source: str, target: str) -> list[str]:
    """One shortest path from ``source`` to ``target`` ([] when there is none).

    A breadth-first search from both ends at once, always growing the smaller frontier, that stops
    at the first paper both searches reach: the path NetworkX's ``shortest_path`` gives.
    """
    forward, backward = neighbours
    if source == target:
        return [source]
    before, after = {source: None}, {target: None}
    ahead, behind = [source], [target]
    while ahead and behind:
        if len(ahead) <= len(behind):
            grown, reached, step, frontier = before, after, forward, ahead
        else:
            grown, reached, step, frontier = after, before, backward, behind
        next_frontier = []
        for node in frontier:
            for other in step(node):
                if other not in grown:
                    grown[other] = node
                    next_frontier.append(other)
                if other in reached:
                    path, at = [], other
                    while at is not None:
                        path.append(at)
                        at = before[at]
                    path.reverse()
                    at = after[other]
                    while at is not None:
                        path.append(at)
                        at = after[at]
                    return path
        if frontier is ahead:
            ahead = next_frontier
        else:
            behind = next_frontier
    return []


def _all_shortest_paths(neighbours, source: str, target: str):
    """Every shortest path from ``source`` to ``target``, in NetworkX's ``all_shortest_paths`` order.

    A breadth-first search from ``source`` records, per paper, every paper one level closer that
    leads to it; the paths are then walked back from ``target`` depth-first.
    """
    forward = neighbours[0]
    level, closer, frontier, depth = {source: 0}, {source: []}, [source], 0
    while frontier and target not in level:
        depth += 1
        next_frontier = []
        for node in frontier:
            for other in forward(node):
                if other not in level:
                    level[other], closer[other] = depth, [node]
                    next_frontier.append(other)
                elif level[other] == depth:
                    closer[other].append(node)
        frontier = next_frontier
    if target not in level:
        return
    stack, on_stack = [[target, 0]], {target}
    while stack:
        node, tried = stack[-1]
        if node == source:
            yield [n for n, _ in reversed(stack)]
        if tried < len(closer[node]):
            stack[-1][1] = tried + 1
            step = closer[node][tried]
            if step not in on_stack:
                on_stack.add(step)
                stack.append([step, 0])
        else:
            on_stack.discard(node)
            stack.pop()
