"""Where each paper stands in your reading, and the lists of papers the questions start from: your papers
(read or queued), the read ones, those of one reading status; and how a paper is named in answers (its
link, its Crossref notices, titles sorted)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

from citegraph.constants import UPDATE_WORDS, ReadingStatus
from citegraph.text import shown_title


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


def statuses(graph: nx.DiGraph):
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
    return [node for node, its in statuses(graph) if its == status]


def read_papers(graph: nx.DiGraph) -> list[str]:
    """The paperIds of the papers in your notes, read (`papers_by_status` READ, from one column).

    Examples
    --------
    >>> read_papers(example_graph())
    ['A', 'B']
    """
    return [node for node, read in graph.nodes(data="read") if read]


def sorted_titles(graph: nx.DiGraph, nodes) -> list[str]:
    """The titles of ``nodes`` as answers show them (`citegraph.text.shown_title`), sorted."""
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
