"""Everything known about one paper: its attributes, and its references and citers in the graph."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from citegraph.questions.reading import notice_line
from citegraph.text import shown_title

if TYPE_CHECKING:
    import networkx as nx


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
