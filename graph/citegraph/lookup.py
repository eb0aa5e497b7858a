"""Naming a paper: which paper of the graph a query means (an id, a DOI, an arXiv id or a title),
ranked as the CLI, the map and the MCP server rank it, with "did you mean" for typos.

The examples run on :func:`citegraph.demo.examples.example_graph`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from citegraph.errors import AmbiguousPaper, PaperNotFound
from citegraph.notes.ids import identifiers_of, parse_identifier
from citegraph.text import short_title_key, title_key

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["find_paper", "resolve_paper", "paper_label", "close_titles", "PaperMatch"]


def close_titles(graph: nx.DiGraph, query: str) -> list[str]:
    """The titles a mistyped name likely means (compared whole or by the name before the colon), closest first.

    Examples
    --------
    >>> close_titles(example_graph(), "Layer Normalisation")
    ['Layer Normalization']
    """
    by_key: dict[str, str] = {}
    for _, title in graph.nodes(data="title"):
        if title:
            by_key.setdefault(title_key(title), title)
            by_key.setdefault(short_title_key(title), title)
    close = difflib.get_close_matches(title_key(query), list(by_key), n=3, cutoff=0.8)
    return list(dict.fromkeys(by_key[k] for k in close))


def paper_label(graph: nx.DiGraph, node: str) -> str:
    data = graph.nodes[node]
    return f"{data.get('title')} ({data.get('year') or 'n.d.'})"


@dataclass(frozen=True)
class PaperMatch:
    """The paper a name on the command line resolved to, and how.

    Attributes
    ----------
    paper_id : str
        The S2 paperId picked.
    how : str
        ``"id"``, ``"exact title"``, ``"short title"`` (the part before the colon),
        ``"in your notes"`` or ``"title words"``: the rank it won at.
    others : list of (paperId, label)
        Papers that matched at a lower rank: the ones not picked.
    """

    paper_id: str
    how: str
    others: list = field(default_factory=list)


def find_paper(graph: nx.DiGraph, query: str) -> PaperMatch:
    """Which paper of the graph a name means: an S2 paperId, any identifier the notes accept, or a title.

    Titles are compared case- and punctuation-insensitively, and ranked: an exact title; then a
    title whose short name (before the colon) is the query; then papers in your notes whose title
    contains the query's words; then any such paper. The best rank that has any match decides:
    one paper there is the answer, several are a real tie.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph.
    query : str
        What the user typed.

    Returns
    -------
    PaperMatch
        The paper, the rank it won at, and the lower-ranked papers that also matched.

    Raises
    ------
    PaperNotFound
        No paper matches (or the identifier is not in the graph).
    AmbiguousPaper
        Several papers tie at the best rank; ``candidates`` lists them.

    Examples
    --------
    >>> graph = example_graph()
    >>> find_paper(graph, "layer normalization").how
    'exact title'
    >>> find_paper(graph, "normalization")
    Traceback (most recent call last):
    ...
    citegraph.errors.AmbiguousPaper: 'normalization' matches 2 papers; give more of the title or an id
    """
    query = query.strip()
    if query in graph:
        return PaperMatch(query, "id")
    versions = graph.graph.get("version_ids") or {}  # ids of S2 records merged as versions of one paper
    identifier = parse_identifier(query)
    if identifier:
        wanted = identifier.lower()
        if wanted in graph:
            return PaperMatch(wanted, "id")
        if wanted in versions:
            return PaperMatch(versions[wanted], "id")
        for node, external in graph.nodes(data="externalIds"):
            if wanted in identifiers_of({"paperId": node, "externalIds": external}):
                return PaperMatch(node, "id")
        raise PaperNotFound(f"no paper with id {identifier} in the graph; is it in your notes? run `citegraph build`")
    key = title_key(query)
    if not key:
        raise PaperNotFound(f"{query!r} names no paper")
    ranks = {"exact title": [], "short title": [], "in your notes": [], "title words": []}
    # Column by column (a saved graph parses only these): title, the notes' title, reading flags.
    columns = zip(
        graph.nodes(data="title"), graph.nodes(data="notesTitle"), graph.nodes(data="read"), graph.nodes(data="queued")
    )
    for (node, title), (_, notes_title), (_, read), (_, queued) in columns:
        titles = [t for t in (title, notes_title) if t]
        keys = {title_key(t) for t in titles}
        if key in keys:
            ranks["exact title"].append(node)
        elif key in {short_title_key(t) for t in titles}:
            ranks["short title"].append(node)
        elif any(f" {key} " in f" {k} " for k in keys):
            ranks["in your notes" if read or queued else "title words"].append(node)
    matched = [(how, nodes) for how, nodes in ranks.items() if nodes]
    if not matched:
        titles = close_titles(graph, query)
        hint = f"; did you mean {' or '.join(repr(t) for t in titles)}?" if titles else ""
        raise PaperNotFound(f"no paper in the graph matches {query!r}{hint}", titles)
    how, best = matched[0]
    if len(best) > 1:
        raise AmbiguousPaper(query, [(n, paper_label(graph, n)) for n in best[:15]])
    others = [(n, paper_label(graph, n)) for _, nodes in matched[1:] for n in nodes]
    return PaperMatch(best[0], how, others)


def resolve_paper(graph: nx.DiGraph, query: str) -> str:
    """The paperId a name means; `find_paper` without the how.

    Examples
    --------
    >>> resolve_paper(example_graph(), "Root Mean Square Layer Normalization")
    'Y'
    """
    return find_paper(graph, query).paper_id
