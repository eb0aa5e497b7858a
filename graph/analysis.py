"""Questions answered from the stored graph, without network: paths, unread references, similar
papers, top citing papers, one paper's card, and summary statistics.

Every function returns plain data or a pandas DataFrame; the CLI only formats them.

Unread score (documented in the README and ``citegraph unread --help``):

    score = cited_by_count + influential_count + pagerank / max(pagerank of candidates)

``cited_by_count`` is how many of your papers cite it, ``influential_count`` how many of those
citations S2 marks influential (so an influential citation counts twice), and the PageRank term
(in [0, 1]) orders papers your reading depends on equally. Global ``citationCount`` breaks ties.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import networkx as nx
import pandas as pd

from .errors import AmbiguousPaper, NoPath, PaperNotFound
from .ids import identifiers_of, parse_identifier
from .notes import title_key

MAX_PATHS = 20


def compute_pagerank(graph: nx.DiGraph) -> None:
    """Store PageRank on every node (done once per build, so queries do not pay for it)."""
    if graph.number_of_nodes() == 0:
        return
    ranks = nx.pagerank(graph, alpha=0.85, tol=1e-8)
    nx.set_node_attributes(graph, ranks, "pagerank")


def resolve_paper(graph: nx.DiGraph, query: str) -> str:
    """A paper named on the command line: S2 id, any identifier the notes accept, or a title (fragment)."""
    query = query.strip()
    if query in graph:
        return query
    identifier = parse_identifier(query)
    if identifier:
        wanted = identifier.lower()
        if wanted in graph:
            return wanted
        for node, data in graph.nodes(data=True):
            if wanted in identifiers_of({"paperId": node, "externalIds": data.get("externalIds")}):
                return node
        raise PaperNotFound(f"no paper with id {identifier} in the graph; is it in your notes? run `citegraph build`")
    key = title_key(query)
    if not key:
        raise PaperNotFound(f"{query!r} names no paper")
    exact, partial = [], []
    for node, data in graph.nodes(data=True):
        titles = {title_key(data.get("title") or ""), title_key(data.get("notesTitle") or "")}
        if key in titles:
            exact.append(node)
        elif any(f" {key} " in f" {t} " for t in titles):
            partial.append(node)
    matches = exact or partial
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise PaperNotFound(f"no paper in the graph matches {query!r}")
    raise AmbiguousPaper(query, [(n, _label(graph, n)) for n in matches[:15]])


def _label(graph: nx.DiGraph, node: str) -> str:
    data = graph.nodes[node]
    return f"{data.get('title')} ({data.get('year') or 'n.d.'})"


def _paper(graph: nx.DiGraph, node: str) -> dict:
    data = graph.nodes[node]
    return {"paperId": node, "title": data.get("title"), "year": data.get("year")}


def _hop(graph: nx.DiGraph, a: str, b: str) -> dict:
    """Why two consecutive papers on a path are linked: who cites whom, with S2's intent and context."""
    citing, cited = (a, b) if graph.has_edge(a, b) else (b, a)
    edge = graph.edges[citing, cited]
    contexts = edge.get("contexts") or []
    return {"citing": citing, "cited": cited, "direction": "cites" if citing == a else "is cited by",
            "isInfluential": edge.get("isInfluential"), "intents": edge.get("intents") or [],
            "context": contexts[0][:200] if contexts else None}


def shortest_paths(graph: nx.DiGraph, source: str, target: str, undirected: bool = False,
                   all_paths: bool = False) -> dict:
    """Shortest citation chain(s) between two papers; directed first, then reversed, or undirected."""
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
        return {
            "from": _paper(graph, source), "to": _paper(graph, target), "directed": not undirected,
            "direction": direction, "length": len(found[0]) - 1,
            "paths": [[_paper(graph, n) for n in path] for path in found],
            "hops": [[_hop(graph, x, y) for x, y in zip(path, path[1:])] for path in found],
            "more": more,
        }
    how = "connected" if undirected else "linked by a chain of citations in either direction"
    raise NoPath(f"{_label(graph, source)} and {_label(graph, target)} are not {how} in the stored graph"
                 + ("" if undirected else "; try --undirected"))


def read_papers(graph: nx.DiGraph) -> list[str]:
    return [n for n, read in graph.nodes(data="read") if read]


def queued_papers(graph: nx.DiGraph) -> list[str]:
    return [n for n, queued in graph.nodes(data="queued") if queued]


def unread(graph: nx.DiGraph, top: int | None = 20, min_cited_by: int = 1, since: int | None = None) -> pd.DataFrame:
    """References you have not read, ranked by how much your reading depends on them.

    Papers in your reading queue count as your reading (their references count) and, when they are
    cited by your papers, are listed first with ``queued`` True ("in your queue").
    """
    cited_by: dict[str, list[str]] = {}
    influential: Counter = Counter()
    for reader in read_papers(graph) + queued_papers(graph):
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
                     "cited_by": sorted(graph.nodes[r].get("title") for r in readers), "url": data.get("url")})
    frame = pd.DataFrame(rows, columns=["paperId", "title", "year", "score", "queued", "cited_by_count",
                                        "influential_count", "pagerank", "citationCount", "cited_by", "url"])
    if frame.empty:
        return frame
    top_rank = frame["pagerank"].max() or 1.0
    frame["score"] = (frame["cited_by_count"] + frame["influential_count"] + frame["pagerank"] / top_rank).round(4)
    frame = frame.sort_values(["queued", "score", "citationCount"], ascending=False, na_position="last", kind="stable")
    return frame.head(top).reset_index(drop=True) if top else frame.reset_index(drop=True)


def unread_scores(graph: nx.DiGraph) -> dict[str, float]:
    frame = unread(graph, top=None)
    return dict(zip(frame["paperId"], frame["score"]))


def most_similar(graph: nx.DiGraph, paper: str, top: int = 20) -> pd.DataFrame:
    """Unread papers related to ``paper`` by co-citation and bibliographic coupling (Salton cosine)."""
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
        shared = sorted(graph.nodes[n].get("title") for n in shared_citers | shared_refs)
        rows.append({"paperId": node, "title": graph.nodes[node].get("title"), "year": graph.nodes[node].get("year"),
                     "score": round(cocitation + coupling, 4), "cocitation": round(cocitation, 4),
                     "coupling": round(coupling, 4), "shared": shared[:5], "shared_count": len(shared)})
    frame = pd.DataFrame(rows, columns=["paperId", "title", "year", "score", "cocitation", "coupling", "shared",
                                        "shared_count"])
    return frame.sort_values(["score", "shared_count"], ascending=False).head(top).reset_index(drop=True)


def top_citing(graph: nx.DiGraph, top: int = 20, min_cites: int = 2) -> pd.DataFrame:
    """Papers outside your notes that cite many of your papers (Local Citation Network's "top citing")."""
    rows = []
    for node, data in graph.nodes(data=True):
        if data.get("read"):
            continue
        cites_read = [m for m in graph.succ[node] if graph.nodes[m].get("read")]
        if len(cites_read) >= min_cites:
            rows.append({"paperId": node, "title": data.get("title"), "year": data.get("year"),
                         "cites_read_count": len(cites_read), "citationCount": data.get("citationCount"),
                         "cites": sorted(graph.nodes[m].get("title") for m in cites_read), "url": data.get("url")})
    frame = pd.DataFrame(rows, columns=["paperId", "title", "year", "cites_read_count", "citationCount", "cites", "url"])
    return frame.sort_values(["cites_read_count", "citationCount"], ascending=False).head(top).reset_index(drop=True)


def paper_card(graph: nx.DiGraph, paper: str) -> dict:
    """Everything known about one paper, with its references and citers in the graph."""
    data = dict(graph.nodes[paper])

    def linked(pairs):
        return [{**_paper(graph, other), "read": bool(graph.nodes[other].get("read")),
                 "isInfluential": edge.get("isInfluential"), "intents": edge.get("intents") or []}
                for other, edge in pairs]

    data["references"] = linked(graph.succ[paper].items())
    data["cited_by"] = linked((other, graph.edges[other, paper]) for other in graph.pred[paper])
    data["unresolved_references"] = graph.graph.get("unresolved_references", {}).get(paper, 0)
    data.pop("bibtex", None)
    return data


def graph_stats(graph: nx.DiGraph) -> dict:
    read, queued = read_papers(graph), queued_papers(graph)
    flags = Counter(f for _, _, f in graph.edges(data="isInfluential"))
    years = pd.Series([y for _, y in graph.nodes(data="year") if y], dtype="float64")
    return {
        "papers": graph.number_of_nodes(), "read": len(read), "queued": len(queued),
        "unread": graph.number_of_nodes() - len(read) - len(queued),
        "citations": graph.number_of_edges(), "influential": flags.get(True, 0), "not_influential": flags.get(False, 0),
        "influence_unknown": flags.get(None, 0),
        "unresolved_references": sum(graph.graph.get("unresolved_references", {}).values()),
        "years": {"min": int(years.min()), "median": int(years.median()), "max": int(years.max())} if len(years) else {},
        "by_decade": {f"{int(d)}s": int(c) for d, c in (years // 10 * 10).value_counts().sort_index().items()},
    }
