"""Which references have I not read yet? The unread ranking, as records and as a DataFrame.

    score = cited_by_count + influential_count + pagerank / max(pagerank of candidates)

``cited_by_count`` is how many of your papers cite it, ``influential_count`` how many of those
citations S2 marks influential (so an influential citation counts twice), and the PageRank term
(in [0, 1]) orders papers your reading depends on equally. Global ``citationCount`` breaks ties.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from citegraph.constants import MIN_CITED_BY, TOP
from citegraph.questions.reading import notice_line, paper_link, read_papers, sorted_titles, your_papers
from citegraph.questions.tables import records_frame
from citegraph.text import shown_title

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd


def _rounded(value: float) -> float:
    """``value`` to 4 decimals the way pandas' ``round(4)`` does it (scale, round half to even, scale back)."""
    return round(value * 10_000) / 10_000


@dataclass(frozen=True)
class UnreadPaper:
    """A row of `unread_papers`: see `unread` for the columns."""

    paperId: str
    title: str | None
    year: int | None
    score: float
    queued: bool
    cited_by_count: int
    influential_count: int
    pagerank: float
    citationCount: int | None
    cited_by: list
    url: str
    notice: str = ""


def _cited_by_your_papers(graph: nx.DiGraph) -> tuple[dict[str, list[str]], Counter]:
    """The papers your papers cite that could be listed (with the citing papers of yours, in the graph's
    order) and how many of those citations S2 marks influential."""
    cited_by: dict[str, list[str]] = {}
    influential: Counter = Counter()
    # Never listed: your read papers, and papers you marked not relevant.
    settled = set(read_papers(graph)) | {node for node, flag in graph.nodes(data="not_relevant") if flag}
    for reader in your_papers(graph):
        for cited, edge in graph.succ[reader].items():
            if cited in settled or cited == reader:
                continue
            cited_by.setdefault(cited, []).append(reader)
            influential[cited] += edge.get("isInfluential") is True
    return cited_by, influential


def unread_papers(
    graph: nx.DiGraph,
    *,
    top: int | None = TOP,
    min_cited_by: int = MIN_CITED_BY,
    since: int | None = None,
    include_retracted: bool = False,
) -> list[UnreadPaper]:
    """`unread` as records: the rows, best first; retracted papers last unless ``include_retracted``.

    Examples
    --------
    >>> [(row.paperId, row.score) for row in unread_papers(example_graph())]
    [('X', 4.0), ('Y', 2.5405)]
    """
    cited_by, influential = _cited_by_your_papers(graph)
    candidates = []
    for node, readers in cited_by.items():
        data = graph.nodes[node]
        if len(readers) < min_cited_by or (since and (data.get("year") or 0) < since):
            continue
        candidates.append((node, data, readers))
    top_rank = max((data.get("pagerank", 0.0) for _, data, _ in candidates), default=0.0) or 1.0
    rows = [
        UnreadPaper(
            paperId=node,
            title=shown_title(data.get("title"), node),
            year=data.get("year"),
            score=_rounded(len(readers) + influential[node] + data.get("pagerank", 0.0) / top_rank),
            queued=bool(data.get("queued")),
            cited_by_count=len(readers),
            influential_count=influential[node],
            pagerank=data.get("pagerank", 0.0),
            citationCount=data.get("citationCount"),
            cited_by=sorted_titles(graph, readers),
            url=paper_link(data),
            notice=notice_line(data),
        )
        for node, data, readers in candidates
    ]
    retracted = (
        set() if include_retracted else {row.paperId for row in rows if graph.nodes[row.paperId].get("retracted")}
    )
    # Stable: papers that tie on every key keep the graph's order.
    rows.sort(
        key=lambda row: (
            row.paperId in retracted,
            not row.queued,
            -row.score,
            row.citationCount is None,
            -(row.citationCount or 0),
        )
    )
    return rows[:top] if top else rows


def unread(
    graph: nx.DiGraph,
    *,
    top: int | None = TOP,
    min_cited_by: int = MIN_CITED_BY,
    since: int | None = None,
    include_retracted: bool = False,
) -> pd.DataFrame:
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
    include_retracted : bool
        Rank retracted papers (Crossref's notices) as any other; by default they come last.

    Returns
    -------
    pandas.DataFrame
        Best first, columns ``paperId``, ``title``, ``year`` (Int64), ``score``, ``queued``,
        ``cited_by_count``, ``influential_count``, ``pagerank``, ``citationCount``,
        ``cited_by`` (list of the citing read papers' titles), ``url`` (see `paper_link`), ``notice``
        (Crossref's retraction, correction or expression of concern, see `notice_line`; "" when none).
        score = cited_by_count + influential_count + pagerank / max pagerank; ties by citationCount.
        The records: `unread_papers`.

    Examples
    --------
    >>> unread(example_graph())[["paperId", "year", "cited_by_count", "influential_count", "score"]].round(1)
      paperId  year  cited_by_count  influential_count  score
    0       X  2016               2                  1    4.0
    1       Y  2019               1                  1    2.5
    """
    return records_frame(
        unread_papers(graph, top=top, min_cited_by=min_cited_by, since=since, include_retracted=include_retracted),
        UnreadPaper,
    )


def unread_scores(ranking: pd.DataFrame) -> dict[str, float]:
    """The scores of an `unread` ranking (``unread(graph, top=None)`` for every candidate), by paperId.

    Examples
    --------
    >>> unread_scores(unread(example_graph(), top=None))
    {'X': 4.0, 'Y': 2.5405}
    """
    return dict(zip(ranking["paperId"], ranking["score"].astype(float)))
