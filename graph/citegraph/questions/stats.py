"""How big is the graph, how much of it have I read, how complete is it: the summary counts, and the
one-line notes the questions add about what the graph lacks (retractions, withheld references, pending
influence flags)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.constants import ReadingStatus
from citegraph.questions.reading import sorted_titles, statuses, your_papers

if TYPE_CHECKING:
    import networkx as nx


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
    citations_from_crossref : int
        Citations Crossref gave where S2 withholds a paper's references (the others are S2's).
    retracted : list of str
        The titles of your papers Crossref records as retracted (see `retraction_note`).
    references_withheld : int
        Your papers whose references the publisher does not let S2 give (S2 still counts them).
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
    citations_from_crossref: int = 0
    retracted: list = field(default_factory=list)
    references_withheld: int = 0

    def to_dict(self) -> dict:
        """The JSON ``citegraph stats --format json`` prints (``coverage`` only when known)."""
        data = asdict(self)
        if data["coverage"] is None:
            del data["coverage"]
        return data


def graph_stats(graph: nx.DiGraph, *, coverage_file: Path | None = None) -> GraphStats:
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
    from citegraph.coverage import read_coverage_totals

    by_status = Counter(status for _, status in statuses(graph))
    flags = Counter(f for _, _, f in graph.edges(data="isInfluential"))
    years = sorted(y for _, y in graph.nodes(data="year") if y)
    return GraphStats(
        papers=graph.number_of_nodes(),
        read=by_status[ReadingStatus.READ],
        queued=by_status[ReadingStatus.QUEUED],
        unread=by_status[ReadingStatus.UNREAD],
        citations=graph.number_of_edges(),
        influential=flags.get(True, 0),
        not_influential=flags.get(False, 0),
        influence_unknown=flags.get(None, 0),
        unresolved_references=sum(graph.graph.get("unresolved_references", {}).values()),
        years={
            "min": int(years[0]),
            "median": int((years[(len(years) - 1) // 2] + years[len(years) // 2]) / 2),
            "max": int(years[-1]),
        }
        if years
        else {},
        by_decade={f"{int(decade)}s": count for decade, count in sorted(Counter(y // 10 * 10 for y in years).items())},
        coverage=read_coverage_totals(coverage_file) if coverage_file else None,
        flags_pending=graph.graph.get("flags_pending", 0),
        citations_from_crossref=sum(1 for _, _, source in graph.edges(data="source") if source == "crossref"),
        retracted=sorted_titles(graph, [p for p in your_papers(graph) if graph.nodes[p].get("retracted")]),
        references_withheld=graph.graph.get("references_withheld", 0),
    )


def retraction_note(figures: GraphStats) -> str | None:
    """ "2 of your papers are retracted: TITLE; TITLE", None when none is.

    Examples
    --------
    >>> retraction_note(GraphStats(3, 3, 0, 0, 0, 0, 0, 0, 0, {}, {}, retracted=["A", "B"]))
    '2 of your papers are retracted: A; B'
    """
    if not figures.retracted:
        return None
    count = len(figures.retracted)
    return f"{count} of your papers {'is' if count == 1 else 'are'} retracted: {'; '.join(figures.retracted)}"


def withheld_note(graph: nx.DiGraph) -> str | None:
    """Which of my papers have references the publisher withholds? One line saying how many, None when none.

    S2 counts such a paper's references but may not give them: the paper is in the graph with no
    references (asking again changes nothing).

    Examples
    --------
    >>> graph = example_graph()
    >>> graph.graph["references_withheld"] = 1
    >>> withheld_note(graph)
    'references withheld by the publisher: 1 of your 2 papers (S2 counts them but may not give them)'
    """
    withheld = graph.graph.get("references_withheld", 0)
    if not withheld:
        return None
    return (
        f"references withheld by the publisher: {withheld} of your {len(your_papers(graph))} papers "
        "(S2 counts them but may not give them)"
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
