"""Questions answered from the stored graph, without network: unread references, similar papers,
top citing papers, one paper's card, and summary statistics (paths: :mod:`citegraph.paths`).

Every question is answered as records (dataclasses; the JSON the CLI prints is their fields);
the tables also come as pandas DataFrames (`unread`, `most_similar`, `top_citing` wrap
`unread_papers`, `similar_papers`, `citing_papers`). Nothing here imports NetworkX or pandas
until a DataFrame is asked for: the functions read a graph only the way both a NetworkX DiGraph
and the CLI's `citegraph.graphfile.SavedGraph` are read (``graph.nodes``, ``graph.succ``,
``graph.pred``), so the CLI answers without loading either library and with the same answers.

Unread score (documented in docs/questions.md and ``citegraph unread --help``):

    score = cited_by_count + influential_count + pagerank / max(pagerank of candidates)

``cited_by_count`` is how many of your papers cite it, ``influential_count`` how many of those
citations S2 marks influential (so an influential citation counts twice), and the PageRank term
(in [0, 1]) orders papers your reading depends on equally. Global ``citationCount`` breaks ties.

The examples run on :func:`citegraph.demo.examples.example_graph`, five papers of which two are read.

Naming a paper (``find_paper``) lives in :mod:`citegraph.lookup`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.constants import CITING_SORTS, MIN_CITED_BY, MIN_CITES, TOP, UPDATE_WORDS, ReadingStatus
from citegraph.errors import CitationsMissing
from citegraph.text import shown_title

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = [
    "paper_link",
    "notice_line",
    "reading_status",
    "your_papers",
    "unread",
    "unread_papers",
    "most_similar",
    "similar_papers",
    "top_citing",
    "citing_papers",
    "paper_card",
    "graph_stats",
    "LinkedPaper",
    "PaperCard",
    "GraphStats",
    "UnreadPaper",
    "SimilarPaper",
    "CitingPaper",
]

YEAR = "Int64"  # pandas' integer dtype with missing values: years print as 2016, never 2016.0


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


def reading_status(data: dict) -> ReadingStatus:
    """Whether a paper is read (in your notes), queued (in your notes' reading queue), marked not
    relevant in your notes, or unread.

    Parameters
    ----------
    data : dict
        A node's attributes (``read``, ``queued`` and ``not_relevant`` flags).

    Returns
    -------
    ReadingStatus
        A paper both read and queued is read.

    Examples
    --------
    >>> graph = example_graph()
    >>> reading_status(graph.nodes["A"]), reading_status(graph.nodes["X"]), reading_status({"queued": True})
    (<ReadingStatus.READ: 'read'>, <ReadingStatus.UNREAD: 'unread'>, <ReadingStatus.QUEUED: 'queued'>)
    """
    return _status(data.get("read"), data.get("queued"), data.get("not_relevant"))


def _status(read, queued, not_relevant) -> ReadingStatus:
    if read:
        return ReadingStatus.READ
    if queued:
        return ReadingStatus.QUEUED
    return ReadingStatus.NOT_RELEVANT if not_relevant else ReadingStatus.UNREAD


def _statuses(graph: nx.DiGraph):
    """(paperId, ReadingStatus) for every paper, read from the three flag columns only."""
    flags = zip(graph.nodes(data="read"), graph.nodes(data="queued"), graph.nodes(data="not_relevant"))
    return ((node, _status(read, queued, not_relevant)) for (node, read), (_, queued), (_, not_relevant) in flags)


def papers_by_status(graph: nx.DiGraph, status: ReadingStatus | str) -> list[str]:
    """The paperIds whose `reading_status` is ``status``, in the graph's order.

    Examples
    --------
    >>> papers_by_status(example_graph(), ReadingStatus.READ)
    ['A', 'B']
    """
    return [node for node, its in _statuses(graph) if its == status]


def read_papers(graph: nx.DiGraph) -> list[str]:
    """The paperIds of the papers in your notes, read (`papers_by_status` READ, from one column)."""
    return [node for node, read in graph.nodes(data="read") if read]


def _titles(graph: nx.DiGraph, nodes) -> list[str]:
    return sorted(shown_title(graph.nodes[n].get("title"), n) for n in nodes)


def your_papers(graph: nx.DiGraph) -> list[str]:
    """The papers in your notes, read or queued: the reading whose references the unread ranking,
    the top citing papers and the map count.

    Examples
    --------
    >>> graph = example_graph()
    >>> graph.nodes["Y"]["queued"] = True
    >>> sorted(your_papers(graph))
    ['A', 'B', 'Y']
    """
    # From the two flag columns, without a status per paper: this runs on every question.
    return [
        node
        for (node, read), (_, queued) in zip(graph.nodes(data="read"), graph.nodes(data="queued"))
        if read or queued
    ]


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


def notice_line(data: Mapping) -> str:
    """A paper's Crossref notices in a few words ("retracted 2020-02-06 (notice 10.1/x)"), "" when none.

    Examples
    --------
    >>> notice = {"kind": "retraction", "notice": "10.1/x", "source": "publisher", "date": "2020-02-06"}
    >>> notice_line({"updates": [notice]})
    'retracted 2020-02-06 (notice 10.1/x)'
    """
    parts = []
    for update in data.get("updates") or []:
        words = UPDATE_WORDS.get(update.get("kind"), str(update.get("kind")).replace("_", " "))
        when = f" {update['date']}" if update.get("date") else ""
        parts.append(f"{words}{when}" + (f" (notice {update['notice']})" if update.get("notice") else ""))
    return "; ".join(parts)


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
            cited_by=_titles(graph, readers),
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


def records_frame(rows: list, row_type: type) -> pd.DataFrame:
    """Records of one dataclass as a DataFrame: a column per field, years and citation counts as Int64.

    Examples
    --------
    >>> records_frame(unread_papers(example_graph()), UnreadPaper)[["paperId", "year", "score"]]
      paperId  year   score
    0       X  2016  4.0000
    1       Y  2019  2.5405
    """
    import pandas as pd

    columns = [f.name for f in fields(row_type)]
    frame = pd.DataFrame([asdict(row) for row in rows], columns=columns)
    return frame.astype({name: YEAR for name in ("year", "citationCount") if name in columns})


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
        shared = _titles(graph, shared_citers | shared_refs)
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
                    _titles(graph, cited),
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


@dataclass(frozen=True)
class LinkedPaper:
    """A reference or citer of a paper: ``paperId``, ``title``, ``year``, whether it is ``read``
    (in your notes), S2's ``isInfluential`` flag (None: unknown), ``intents``, the citation's
    ``source`` (``s2``, or ``crossref`` where S2 withholds the references) and the paper's ``notice``."""

    paperId: str
    title: str | None
    year: int | None
    read: bool
    isInfluential: bool | None
    intents: list
    source: str = "s2"
    notice: str = ""


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
        return {
            **self.paper,
            "references": [asdict(r) for r in self.references],
            "cited_by": [asdict(c) for c in self.cited_by],
            "unresolved_references": self.unresolved_references,
        }


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
        return [
            LinkedPaper(
                other,
                shown_title(graph.nodes[other].get("title"), other),
                graph.nodes[other].get("year"),
                bool(graph.nodes[other].get("read")),
                edge.get("isInfluential"),
                list(edge.get("intents") or []),
                edge.get("source") or "s2",
                notice_line(graph.nodes[other]),
            )
            for other, edge in pairs
        ]

    data = {"paperId": paper, **{k: v for k, v in graph.nodes[paper].items() if k != "bibtex"}}
    if data.get("updates"):
        data["notice"] = notice_line(data)
    return PaperCard(
        data,
        linked(graph.succ[paper].items()),
        linked(graph.pred[paper].items()),
        graph.graph.get("unresolved_references", {}).get(paper, 0),
    )


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

    statuses = Counter(status for _, status in _statuses(graph))
    flags = Counter(f for _, _, f in graph.edges(data="isInfluential"))
    years = sorted(y for _, y in graph.nodes(data="year") if y)
    return GraphStats(
        papers=graph.number_of_nodes(),
        read=statuses[ReadingStatus.READ],
        queued=statuses[ReadingStatus.QUEUED],
        unread=statuses[ReadingStatus.UNREAD],
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
        retracted=_titles(graph, [p for p in your_papers(graph) if graph.nodes[p].get("retracted")]),
        references_withheld=graph.graph.get("references_withheld", 0),
    )


def retraction_note(figures: GraphStats) -> str | None:
    """ "2 of your papers are retracted: TITLE; TITLE", None when none is.

    Example
    -------
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
