"""The five-paper citation graph that docstring examples and tests run on."""

from __future__ import annotations

import networkx as nx

from citegraph.assemble import compute_pagerank

__all__ = ["example_graph"]


def example_graph() -> nx.DiGraph:
    """A five-paper citation graph (two read) that the docstring examples and tests run on.

    Returns
    -------
    networkx.DiGraph
        Read: A "Alpha paper", B "Beta paper". Unread: X "Layer Normalization" (S2's broken
        ``@None{…}`` BibTeX), Y "Root Mean Square Layer Normalization" (a conference paper),
        W "Omega classic". Citations A→X (influential), B→X, A→Y (influential), A→B
        (influential, methodology), X→W (influence unknown). PageRank is computed.

    Examples
    --------
    >>> graph = example_graph()
    >>> graph.number_of_nodes(), graph.number_of_edges()
    (5, 5)
    """
    graph = nx.DiGraph()

    def paper(node, title, year, authors, read=False, **extra):
        defaults = {
            "venue": "",
            "externalIds": {},
            "citationCount": 0,
            "topics": ["Normalization"] if read else [],
            "sources": [],
            "note": None,
            "url": f"https://www.semanticscholar.org/paper/{node}",
        }
        graph.add_node(node, paperId=node, title=title, year=year, authors=authors, read=read, **{**defaults, **extra})

    paper("A", "Alpha paper", 2021, ["Ada Lovelace", "Alan Turing"], read=True, externalIds={"ArXiv": "2101.00001"})
    paper("B", "Beta paper", 2019, ["Grace Hopper"], read=True)
    paper(
        "X",
        "Layer Normalization",
        2016,
        ["Jimmy Lei Ba", "J. Kiros", "Geoffrey E. Hinton"],
        citationCount=900,
        bibtex="@None{Ba2016LayerN,\n title = {Layer Normalization}\n}\n",
        externalIds={"ArXiv": "1607.06450"},
        venue="arXiv.org",
    )
    paper(
        "Y",
        "Root Mean Square Layer Normalization",
        2019,
        ["Biao Zhang", "Rico Sennrich"],
        citationCount=50,
        venue="Neural Information Processing Systems",
        publicationTypes=["Conference"],
    )
    paper(
        "W",
        "Omega classic",
        1990,
        ["Ada Lovelace"],
        citationCount=5000,
        venue="Journal of Classics",
        publicationTypes=["JournalArticle"],
        journal="Journal of Classics",
    )
    graph.add_edge("A", "X", isInfluential=True, origin="references")
    graph.add_edge("B", "X", isInfluential=False, origin="references")
    graph.add_edge("A", "Y", isInfluential=True, origin="references")
    graph.add_edge(
        "A", "B", isInfluential=True, intents=["methodology"], contexts=["we build on Beta"], origin="references"
    )
    graph.add_edge("X", "W", isInfluential=None, origin="batch")
    compute_pagerank(graph)
    return graph
