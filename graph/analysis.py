"""Questions answered from the stored graph, without network: paths, unread references, similar
papers, top citing papers, one paper's card, and summary statistics.

Every function returns a pandas DataFrame or a small dataclass with a ``to_dict()`` (the JSON the
CLI prints); the CLI only formats them.

Unread score (documented in the README and ``citegraph unread --help``):

    score = cited_by_count + influential_count + pagerank / max(pagerank of candidates)

``cited_by_count`` is how many of your papers cite it, ``influential_count`` how many of those
citations S2 marks influential (so an influential citation counts twice), and the PageRank term
(in [0, 1]) orders papers your reading depends on equally. Global ``citationCount`` breaks ties.

The examples run on :func:`citegraph.examples.example_graph`, five papers of which two are read.

Naming a paper (``find_paper``) lives in :mod:`citegraph.naming`.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd

from .constants import MAX_PATHS, READING_STATUSES
from .coverage import read_coverage_totals
from .errors import CitationsMissing, NoPath
from .naming import paper_label

__all__ = [
    "paper_link", "reading_status", "your_papers", "shortest_paths", "unread", "most_similar",
    "top_citing", "paper_card", "graph_stats", "PaperRef", "Hop", "PathResult", "LinkedPaper",
    "PaperCard", "GraphStats",
]

YEAR = "Int64"  # pandas' integer dtype with missing values: years print as 2016, never 2016.0
CONTEXT_CHARS = 200  # a citation's context snippet, in `path` answers and the map's hop details


def paper_link(data: dict) -> str:
    """Where to read a paper: its arXiv page, else its DOI, else its Semantic Scholar page ("" without any).

    The ``url`` of the paper tables (`unread`, `top_citing`) and the map's links and copied markdown.

    Parameters
    ----------
    data : dict
        A node's attributes (``externalIds``, ``url``: the S2 page).

    Examples
    --------
    >>> graph = example_graph()
    >>> paper_link(graph.nodes["X"]), paper_link(graph.nodes["W"])
    ('https://arxiv.org/abs/1607.06450', 'https://www.semanticscholar.org/paper/W')
    """
    external = data.get("externalIds") or {}
    if external.get("ArXiv"):
        return f"https://arxiv.org/abs/{external['ArXiv']}"
    if external.get("DOI"):
        return f"https://doi.org/{external['DOI']}"
    return data.get("url") or ""


@dataclass(frozen=True)
class PaperRef:
    """A paper on a path: its S2 ``paperId``, ``title`` and ``year`` (None when unknown)."""

    paperId: str
    title: str | None
    year: int | None

    @classmethod
    def of(cls, graph: nx.DiGraph, node: str) -> PaperRef:
        data = graph.nodes[node]
        return cls(node, data.get("title"), data.get("year"))

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
    """

    citing: str
    cited: str
    direction: str
    isInfluential: bool | None
    intents: list
    context: str | None

    @classmethod
    def between(cls, graph: nx.DiGraph, a: str, b: str) -> Hop:
        citing, cited = (a, b) if graph.has_edge(a, b) else (b, a)
        edge = graph.edges[citing, cited]
        return cls(citing, cited, "cites" if citing == a else "is cited by", edge.get("isInfluential"),
                   list(edge.get("intents") or []), first_context(edge))


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


def shortest_paths(graph: nx.DiGraph, source: str, target: str, undirected: bool = False,
                   all_paths: bool = False) -> PathResult:
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
    attempts = [("undirected", graph.to_undirected(as_view=True), source, target)] if undirected else [
        ("forward", graph, source, target), ("reverse", graph, target, source)]
    for direction, view, a, b in attempts:
        try:
            if all_paths:
                found = list(itertools.islice(nx.all_shortest_paths(view, a, b), MAX_PATHS + 1))
            else:
                found = [nx.shortest_path(view, a, b)]
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            continue
        more = 0
        if len(found) > MAX_PATHS:
            more = sum(1 for _ in itertools.islice(nx.all_shortest_paths(view, a, b), 10_000)) - MAX_PATHS
            found = found[:MAX_PATHS]
        return PathResult(
            source=PaperRef.of(graph, source), target=PaperRef.of(graph, target), directed=not undirected,
            direction=direction, length=len(found[0]) - 1,
            paths=[[PaperRef.of(graph, n) for n in path] for path in found],
            hops=[[Hop.between(graph, x, y) for x, y in zip(path, path[1:])] for path in found],
            more=more)
    how = "connected" if undirected else "linked by a chain of citations in either direction"
    raise NoPath(f"{paper_label(graph, source)} and {paper_label(graph, target)} are not {how} in the stored graph"
                 + ("" if undirected else "; try --undirected"))


def reading_status(data: dict) -> str:
    """Whether a paper is ``"read"`` (in your notes), ``"queued"`` (in your notes' reading queue) or ``"unread"``.

    Parameters
    ----------
    data : dict
        A node's attributes (``read`` and ``queued`` flags).

    Returns
    -------
    str
        One of `READING_STATUSES`; a paper both read and queued is read.

    Examples
    --------
    >>> graph = example_graph()
    >>> reading_status(graph.nodes["A"]), reading_status(graph.nodes["X"]), reading_status({"queued": True})
    ('read', 'unread', 'queued')
    """
    if data.get("read"):
        return "read"
    return "queued" if data.get("queued") else "unread"


def papers_by_status(graph: nx.DiGraph, status: str) -> list[str]:
    """The paperIds whose `reading_status` is ``status``, in the graph's order."""
    return [n for n, data in graph.nodes(data=True) if reading_status(data) == status]


def read_papers(graph: nx.DiGraph) -> list[str]:
    """The paperIds of the papers in your notes."""
    return papers_by_status(graph, "read")


def _titles(graph: nx.DiGraph, nodes) -> list[str]:
    return sorted(graph.nodes[n].get("title") or "" for n in nodes)


def your_papers(graph: nx.DiGraph) -> list[str]:
    """The papers in your notes, read or queued: the reading whose references the unread ranking
    and the map count.

    Examples
    --------
    >>> graph = example_graph()
    >>> graph.nodes["Y"]["queued"] = True
    >>> sorted(your_papers(graph))
    ['A', 'B', 'Y']
    """
    return [n for n, data in graph.nodes(data=True) if reading_status(data) != "unread"]


def unread(graph: nx.DiGraph, top: int | None = 20, min_cited_by: int = 1, since: int | None = None) -> pd.DataFrame:
    """Which references have I not read yet, ranked by how much my reading depends on them?

    Papers in your reading queue count as your reading (their references count) and, when your
    papers cite them, are listed first with ``queued`` True ("in your queue").

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph; papers in the notes have ``read=True``.
    top : int or None
        Rows to return (None: all).
    min_cited_by : int
        Only papers cited by at least this many of your papers.
    since : int or None
        Only papers published in or after this year.

    Returns
    -------
    pandas.DataFrame
        Best first, columns ``paperId``, ``title``, ``year`` (Int64), ``score``, ``queued``,
        ``cited_by_count``, ``influential_count``, ``pagerank``, ``citationCount``,
        ``cited_by`` (list of the citing read papers' titles), ``url`` (see `paper_link`).
        score = cited_by_count + influential_count + pagerank / max pagerank; ties by citationCount.

    Examples
    --------
    >>> unread(example_graph())[["paperId", "year", "cited_by_count", "influential_count", "score"]].round(1)
      paperId  year  cited_by_count  influential_count  score
    0       X  2016               2                  1    4.0
    1       Y  2019               1                  1    2.5
    """
    cited_by: dict[str, list[str]] = {}
    influential: Counter = Counter()
    for reader in your_papers(graph):
        for cited, edge in graph.succ[reader].items():
            if graph.nodes[cited].get("read") or cited == reader:
                continue
            cited_by.setdefault(cited, []).append(reader)
            influential[cited] += edge.get("isInfluential") is True
    rows = []
    for node, readers in cited_by.items():
        data = graph.nodes[node]
        if len(readers) < min_cited_by or (since and (data.get("year") or 0) < since):
            continue
        rows.append({"paperId": node, "title": data.get("title"), "year": data.get("year"), "score": 0.0,
                     "queued": bool(data.get("queued")),
                     "cited_by_count": len(readers), "influential_count": influential[node],
                     "pagerank": data.get("pagerank", 0.0), "citationCount": data.get("citationCount"),
                     "cited_by": _titles(graph, readers), "url": paper_link(data)})
    frame = pd.DataFrame(rows, columns=["paperId", "title", "year", "score", "queued", "cited_by_count",
                                        "influential_count", "pagerank", "citationCount", "cited_by", "url"])
    frame = frame.astype({"year": YEAR, "citationCount": YEAR})
    if frame.empty:
        return frame
    top_rank = frame["pagerank"].max() or 1.0
    frame["score"] = (frame["cited_by_count"] + frame["influential_count"] + frame["pagerank"] / top_rank).round(4)
    frame = frame.sort_values(["queued", "score", "citationCount"], ascending=False, na_position="last", kind="stable")
    return frame.head(top).reset_index(drop=True) if top else frame.reset_index(drop=True)


def unread_scores(ranking: pd.DataFrame) -> dict[str, float]:
    """The scores of an `unread` ranking (``unread(graph, top=None)`` for every candidate), by paperId.

    Examples
    --------
    >>> unread_scores(unread(example_graph(), top=None))
    {'X': 4.0, 'Y': 2.5405}
    """
    return dict(zip(ranking["paperId"], ranking["score"].astype(float)))


def most_similar(graph: nx.DiGraph, paper: str, top: int = 20) -> pd.DataFrame:
    """Which unread papers are most related to ``paper``, by co-citation and bibliographic coupling?

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph.
    paper : str
        A paperId (see `resolve_paper`).
    top : int
        Rows to return.

    Returns
    -------
    pandas.DataFrame
        Best first, columns ``paperId``, ``title``, ``year`` (Int64), ``score`` (the sum of the
        two Salton cosines), ``cocitation`` (papers citing both), ``coupling`` (references both
        cite), ``shared`` (titles of all the shared papers), ``shared_count``.

    Examples
    --------
    >>> most_similar(example_graph(), "X")[["paperId", "cocitation", "coupling"]]
      paperId  cocitation  coupling
    0       Y      0.7071       0.0
    """
    citers, refs = set(graph.pred[paper]), set(graph.succ[paper])
    cocited: dict[str, set[str]] = {}
    for citer in citers:
        for other in graph.succ[citer]:
            cocited.setdefault(other, set()).add(citer)
    coupled: dict[str, set[str]] = {}
    for ref in refs:
        for other in graph.pred[ref]:
            coupled.setdefault(other, set()).add(ref)
    rows = []
    for node in (set(cocited) | set(coupled)) - {paper}:
        if graph.nodes[node].get("read"):
            continue
        shared_citers, shared_refs = cocited.get(node, set()), coupled.get(node, set())
        cocitation = len(shared_citers) / math.sqrt(len(citers) * graph.in_degree(node)) if shared_citers else 0.0
        coupling = len(shared_refs) / math.sqrt(len(refs) * graph.out_degree(node)) if shared_refs else 0.0
        shared = _titles(graph, shared_citers | shared_refs)
        rows.append({"paperId": node, "title": graph.nodes[node].get("title"), "year": graph.nodes[node].get("year"),
                     "score": round(cocitation + coupling, 4), "cocitation": round(cocitation, 4),
                     "coupling": round(coupling, 4), "shared": shared, "shared_count": len(shared)})
    frame = pd.DataFrame(rows, columns=["paperId", "title", "year", "score", "cocitation", "coupling", "shared",
                                        "shared_count"]).astype({"year": YEAR})
    # Candidates come out of a set: paperId orders ties, so the same graph always gives the same list.
    frame = frame.sort_values(["score", "shared_count", "paperId"], ascending=[False, False, True], kind="stable")
    return frame.head(top).reset_index(drop=True)


def has_citations(graph: nx.DiGraph) -> bool:
    """Whether the graph was built with the papers citing yours (`build --citations`).

    `citegraph.assemble.assemble` records it as the graph attribute ``citations``: no edge is scanned.
    """
    return bool(graph.graph.get("citations"))


def top_citing(graph: nx.DiGraph, top: int = 20, min_cites: int = 2) -> pd.DataFrame:
    """Which papers outside my notes cite many of my papers? (Local Citation Network's "top citing")

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph built with citations (``build --citations``).
    top : int
        Rows to return.
    min_cites : int
        Only papers citing at least this many of your papers.

    Returns
    -------
    pandas.DataFrame
        Columns ``paperId``, ``title``, ``year`` (Int64), ``cites_read_count``,
        ``citationCount``, ``cites`` (titles of your papers it cites), ``url`` (see `paper_link`).

    Raises
    ------
    CitationsMissing
        The graph holds no citing papers: it was built without ``--citations``.

    Examples
    --------
    >>> top_citing(example_graph())
    Traceback (most recent call last):
    ...
    citegraph.errors.CitationsMissing: no citing papers in the graph; run `citegraph build NOTES --citations` (papers fetched before are drawn again without a request)
    """
    if not has_citations(graph):
        raise CitationsMissing("no citing papers in the graph; run `citegraph build NOTES --citations` (papers fetched before are drawn again without a request)")
    rows = []
    for node, data in graph.nodes(data=True):
        if data.get("read"):
            continue
        cites_read = [m for m in graph.succ[node] if graph.nodes[m].get("read")]
        if len(cites_read) >= min_cites:
            rows.append({"paperId": node, "title": data.get("title"), "year": data.get("year"),
                         "cites_read_count": len(cites_read), "citationCount": data.get("citationCount"),
                         "cites": _titles(graph, cites_read), "url": paper_link(data)})
    frame = pd.DataFrame(rows, columns=["paperId", "title", "year", "cites_read_count", "citationCount", "cites", "url"])
    frame = frame.astype({"year": YEAR, "citationCount": YEAR})
    # paperId orders ties, so the same graph always gives the same list.
    frame = frame.sort_values(["cites_read_count", "citationCount", "paperId"], ascending=[False, False, True],
                              na_position="last", kind="stable")
    return frame.head(top).reset_index(drop=True)


@dataclass(frozen=True)
class LinkedPaper:
    """A reference or citer of a paper: ``paperId``, ``title``, ``year``, whether it is ``read``
    (in your notes), S2's ``isInfluential`` flag (None: unknown) and ``intents``."""

    paperId: str
    title: str | None
    year: int | None
    read: bool
    isInfluential: bool | None
    intents: list


@dataclass(frozen=True)
class PaperCard:
    """Everything known about one paper.

    Attributes
    ----------
    paper : dict
        The node's attributes (title, paperId, year, venue, authors, citationCount, url, read,
        topics, sources, note, pagerank, externalIds, …), without S2's raw BibTeX.
    references : list of LinkedPaper
        Papers it cites, in the graph.
    cited_by : list of LinkedPaper
        Papers citing it, in the graph.
    unresolved_references : int
        References S2 lists without a paperId (counted, not in the graph).
    """

    paper: dict
    references: list
    cited_by: list
    unresolved_references: int

    def to_dict(self) -> dict:
        """The JSON ``citegraph show --format json`` prints: the paper's fields, then its links."""
        return {**self.paper, "references": [asdict(r) for r in self.references],
                "cited_by": [asdict(c) for c in self.cited_by], "unresolved_references": self.unresolved_references}


def paper_card(graph: nx.DiGraph, paper: str) -> PaperCard:
    """What is known about one paper, with its references and citers in the graph?

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph.
    paper : str
        A paperId (see `resolve_paper`).

    Returns
    -------
    PaperCard

    Examples
    --------
    >>> card = paper_card(example_graph(), "X")
    >>> card.paper["title"], [c.paperId for c in card.cited_by], [r.paperId for r in card.references]
    ('Layer Normalization', ['A', 'B'], ['W'])
    """
    def linked(pairs):
        return [LinkedPaper(other, graph.nodes[other].get("title"), graph.nodes[other].get("year"),
                            bool(graph.nodes[other].get("read")), edge.get("isInfluential"),
                            list(edge.get("intents") or []))
                for other, edge in pairs]

    data = {"paperId": paper, **{k: v for k, v in graph.nodes[paper].items() if k != "bibtex"}}
    return PaperCard(data, linked(graph.succ[paper].items()),
                     linked((other, graph.edges[other, paper]) for other in graph.pred[paper]),
                     graph.graph.get("unresolved_references", {}).get(paper, 0))


@dataclass(frozen=True)
class GraphStats:
    """Summary counts of a graph.

    Attributes
    ----------
    papers, read, queued, unread : int
        Papers in the graph; in your notes and read; in your notes' reading queue; the others.
    citations, influential, not_influential, influence_unknown : int
        Citation edges, by S2's influence flag.
    unresolved_references : int
        References S2 lists without a paperId.
    years : dict
        ``min``, ``median`` and ``max`` publication year (empty without years).
    by_decade : dict
        Papers per decade, ``{"2010s": 12, …}``.
    coverage : dict or None
        The last build's coverage totals (from coverage.json), when asked for and present.
    flags_pending : int
        Your papers whose influence flags S2 has not given yet (their citations: influence unknown).
    """

    papers: int
    read: int
    queued: int
    unread: int
    citations: int
    influential: int
    not_influential: int
    influence_unknown: int
    unresolved_references: int
    years: dict
    by_decade: dict
    coverage: dict | None = None
    flags_pending: int = 0

    def to_dict(self) -> dict:
        """The JSON ``citegraph stats --format json`` prints (``coverage`` only when known)."""
        data = asdict(self)
        if data["coverage"] is None:
            del data["coverage"]
        return data


def graph_stats(graph: nx.DiGraph, coverage_file: Path | None = None) -> GraphStats:
    """How big is the graph, how much of it have I read, and how complete is it?

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph.
    coverage_file : path-like, optional
        The build's coverage.json; its totals become `GraphStats.coverage`.

    Returns
    -------
    GraphStats

    Raises
    ------
    CoverageDamaged
        ``coverage_file`` exists but cannot be read as a coverage report.

    Examples
    --------
    >>> figures = graph_stats(example_graph())
    >>> figures.papers, figures.read, figures.influential, figures.years
    (5, 2, 3, {'min': 1990, 'median': 2019, 'max': 2021})
    """
    statuses = Counter(reading_status(data) for _, data in graph.nodes(data=True))
    flags = Counter(f for _, _, f in graph.edges(data="isInfluential"))
    years = pd.Series([y for _, y in graph.nodes(data="year") if y], dtype="float64")
    return GraphStats(
        papers=graph.number_of_nodes(), read=statuses["read"], queued=statuses["queued"], unread=statuses["unread"],
        citations=graph.number_of_edges(), influential=flags.get(True, 0), not_influential=flags.get(False, 0),
        influence_unknown=flags.get(None, 0),
        unresolved_references=sum(graph.graph.get("unresolved_references", {}).values()),
        years={"min": int(years.min()), "median": int(years.median()), "max": int(years.max())} if len(years) else {},
        by_decade={f"{int(d)}s": int(c) for d, c in (years // 10 * 10).value_counts().sort_index().items()},
        coverage=read_coverage_totals(coverage_file) if coverage_file else None,
        flags_pending=graph.graph.get("flags_pending", 0),
    )


def flags_pending_note(graph: nx.DiGraph) -> str | None:
    """Which of my papers still lack S2's influence flags? One line saying how many, None when none do.

    Until a paper's /references are fetched its citations are "influence unknown", and rankings
    count only the flags known.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph (its ``flags_pending`` attribute is set by the build).

    Returns
    -------
    str or None

    Examples
    --------
    >>> graph = example_graph()
    >>> graph.graph["flags_pending"] = 1
    >>> flags_pending_note(graph)
    'influence flags pending for 1 of 2 papers: run `citegraph build` to finish'
    """
    pending = graph.graph.get("flags_pending", 0)
    if not pending:
        return None
    return f"influence flags pending for {pending} of {len(your_papers(graph))} papers: run `citegraph build` to finish"
