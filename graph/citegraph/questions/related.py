"""Papers related to yours through the graph: the unread papers most like one paper (co-citation and
bibliographic coupling), and the papers outside your notes citing several of yours."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from citegraph.constants import CITING_SORTS, MIN_CITES, TOP
from citegraph.errors import CitationsMissing
from citegraph.questions.reading import paper_link, sorted_titles, your_papers
from citegraph.questions.tables import records_frame
from citegraph.text import shown_title

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd


@dataclass(frozen=True)
class SimilarPaper:
    """A row of `similar_papers`: see `most_similar` for the columns."""

    paperId: str
    title: str | None
    year: int | None
    score: float
    cocitation: float
    coupling: float
    shared: list
    shared_count: int


def similar_papers(graph: nx.DiGraph, paper: str, *, top: int = TOP) -> list[SimilarPaper]:
    """`most_similar` as records: the rows, best first.

    Examples
    --------
    >>> [(row.paperId, row.cocitation) for row in similar_papers(example_graph(), "X")]
    [('Y', 0.7071)]
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
        cocitation = len(shared_citers) / math.sqrt(len(citers) * len(graph.pred[node])) if shared_citers else 0.0
        coupling = len(shared_refs) / math.sqrt(len(refs) * len(graph.succ[node])) if shared_refs else 0.0
        shared = sorted_titles(graph, shared_citers | shared_refs)
        rows.append(
            SimilarPaper(
                node,
                shown_title(graph.nodes[node].get("title"), node),
                graph.nodes[node].get("year"),
                round(cocitation + coupling, 4),
                round(cocitation, 4),
                round(coupling, 4),
                shared,
                len(shared),
            )
        )
    # Candidates come out of a set: paperId orders ties, so the same graph always gives the same list.
    rows.sort(key=lambda row: (-row.score, -row.shared_count, row.paperId))
    return rows[:top]


def most_similar(graph: nx.DiGraph, paper: str, *, top: int = TOP) -> pd.DataFrame:
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
        cite), ``shared`` (titles of all the shared papers), ``shared_count``. The records:
        `similar_papers`.

    Examples
    --------
    >>> most_similar(example_graph(), "X")[["paperId", "cocitation", "coupling"]]
      paperId  cocitation  coupling
    0       Y      0.7071       0.0
    """
    return records_frame(similar_papers(graph, paper, top=top), SimilarPaper)


def has_citations(graph: nx.DiGraph) -> bool:
    """Whether the graph was built with the papers citing yours (`build --citations`).

    `citegraph.assemble.assemble` records it as the graph attribute ``citations``: no edge is scanned.

    Examples
    --------
    >>> has_citations(example_graph())
    False
    """
    return bool(graph.graph.get("citations"))


@dataclass(frozen=True)
class CitingPaper:
    """A row of `citing_papers`: see `top_citing` for the columns."""

    paperId: str
    title: str | None
    year: int | None
    cites_read_count: int
    citationCount: int | None
    cites: list
    url: str


def citing_papers(
    graph: nx.DiGraph, *, top: int = TOP, min_cites: int = MIN_CITES, since: int | None = None, sort: str = "cites"
) -> list[CitingPaper]:
    """`top_citing` as records: the rows, best first (CitationsMissing as `top_citing` raises it).

    Examples
    --------
    >>> graph = example_graph()
    >>> graph.add_edge("W", "B", isInfluential=False, origin="citations")
    >>> graph.graph["citations"] = True
    >>> [(row.paperId, row.cites) for row in citing_papers(graph, min_cites=1)]
    [('W', ['Beta paper'])]
    """
    if sort not in CITING_SORTS:
        raise ValueError(f"sort is one of {', '.join(CITING_SORTS)}, not {sort!r}")
    if not has_citations(graph):
        raise CitationsMissing(
            "no citing papers in the graph; run `citegraph build NOTES --citations` "
            "(papers fetched before are drawn again without a request)"
        )
    yours = your_papers(graph)
    mine = set(yours)
    cites: dict[str, list[str]] = {}
    for cited in yours:
        for citer in graph.pred[cited]:
            if citer not in mine:
                cites.setdefault(citer, []).append(cited)
    rows = []
    for node, cited in cites.items():
        data = graph.nodes[node]
        if len(cited) >= min_cites and not (since and (data.get("year") or 0) < since):
            rows.append(
                CitingPaper(
                    node,
                    shown_title(data.get("title"), node),
                    data.get("year"),
                    len(cited),
                    data.get("citationCount"),
                    sorted_titles(graph, cited),
                    paper_link(data),
                )
            )
    # paperId orders ties, so the same graph always gives the same list.
    if sort == "year":
        rows.sort(key=lambda row: (row.year is None, -(row.year or 0), -row.cites_read_count, row.paperId))
    else:
        rows.sort(
            key=lambda row: (-row.cites_read_count, row.citationCount is None, -(row.citationCount or 0), row.paperId)
        )
    return rows[:top]


def top_citing(
    graph: nx.DiGraph, *, top: int = TOP, min_cites: int = MIN_CITES, since: int | None = None, sort: str = "cites"
) -> pd.DataFrame:
    """Which papers outside my notes cite many of my papers? (Local Citation Network's "top citing";
    with ``since`` and ``sort="year"``, the later work building on my reading, newest first)

    "My papers" are your papers as `unread` and the map count them: read or queued
    (`your_papers`). A queued paper is in your notes, so it is never listed here, and citing it
    counts as citing one of yours.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph built with citations (``build --citations``).
    top : int
        Rows to return.
    min_cites : int
        Only papers citing at least this many of your papers.
    since : int or None
        Only papers published in or after this year.
    sort : str
        ``"cites"``: most of your papers cited first (then citationCount); ``"year"``: newest first
        (then most of your papers cited).

    Returns
    -------
    pandas.DataFrame
        Columns ``paperId``, ``title``, ``year`` (Int64), ``cites_read_count`` (your papers,
        read or queued, it cites), ``citationCount``, ``cites`` (their titles), ``url`` (see
        `paper_link`). The records: `citing_papers`.

    Raises
    ------
    CitationsMissing
        The graph holds no citing papers: it was built without ``--citations``.

    Examples
    --------
    >>> top_citing(example_graph())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    citegraph.errors.CitationsMissing: no citing papers in the graph; run `citegraph build NOTES --citations` ...
    """
    return records_frame(citing_papers(graph, top=top, min_cites=min_cites, since=since, sort=sort), CitingPaper)
