"""The groups of a library: communities of the citation graph, each named after what its papers share.

A researcher's few hundred papers fall into fields; the map draws each as a region with its name,
and `citegraph clusters` lists them. The groups are found once per build (:func:`assign_clusters`,
called by assemble) and kept as the plain node attribute ``cluster`` (the group's name; absent for
a paper linked to no group) with the names, largest group first, as the graph attribute
``clusters``, so every save and export format carries them.

Deterministic: Louvain with a fixed seed on the core of the graph (your papers and the papers
linked to at least two of them), then every other paper joins the group most of its neighbours
are in. A group is named after the notes topic most of its read papers share, else after its most
distinctive title words (frequent in this group, rare in the others).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from citegraph.constants import CLUSTER_TOP_UNREAD, MIN_CITED_BY, TOP
from citegraph.errors import UnknownCluster
from citegraph.text import shown_title

if TYPE_CHECKING:  # listing the groups of a saved graph needs no NetworkX
    import networkx as nx

SEED = 1  # Louvain's seed: the same graph gives the same groups
MAX_CLUSTERS = 16  # the map has this many distinct colours; smaller groups join their neighbours
MIN_YOURS = 2  # a group holds at least this many of your papers (when you have any)
NAME_WORDS = 3
SHARED_BY_ALL = 0.9  # a topic this share of your papers sits under names no group (it tells none apart)
ATTACH_ROUNDS = 6  # papers further than this from any group stay without one
STOPWORDS = set(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "via",
        "using",
        "towards",
        "toward",
        "without",
        "over",
        "under",
        "their",
        "our",
        "we",
        "new",
        "based",
        "study",
        "studies",
        "paper",
        "approach",
        "approaches",
        "method",
        "methods",
        "model",
        "models",
        "learning",
        "analysis",
        "improved",
        "simple",
        "large",
        "small",
        "deep",
        "neural",
        "network",
        "networks",
        "data",
        "task",
        "tasks",
        "through",
        "between",
        "beyond",
        "can",
        "how",
        "what",
        "when",
        "which",
        "why",
        "all",
        "more",
        "than",
        "not",
        "one",
        "two",
        "three",
    ]
)
WORD = re.compile(r"[a-z][a-z\-]{2,}")


def _yours(graph: nx.DiGraph) -> set[str]:
    from citegraph.questions import your_papers

    return set(your_papers(graph))


def _core(graph: nx.DiGraph, yours: set[str]) -> nx.Graph:
    """Your papers and those linked to at least two of them, with the citations among them, undirected."""
    import networkx as nx

    if not yours:
        members = set(graph)
    else:
        members = set(yours)
        for node in graph:
            if node not in yours and (
                sum(p in yours for p in graph.pred[node]) >= 2 or sum(s in yours for s in graph.succ[node]) >= 2
            ):
                members.add(node)
    core = nx.Graph()
    core.add_nodes_from(sorted(members))
    core.add_edges_from((a, b) for a in sorted(members) for b in graph.succ[a] if b in members and a != b)
    return core


def find_clusters(graph: nx.DiGraph) -> dict[str, int]:
    """Each paper's group number (0 is the largest group); papers linked to no group are left out.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph (citing -> cited); papers in your notes have ``read`` or ``queued`` True.

    Returns
    -------
    dict
        paperId -> group number, numbered by size (most of your papers first).

    Example
    -------
    >>> sorted(find_clusters(example_graph()).items())
    [('A', 0), ('B', 0), ('W', 0), ('X', 0), ('Y', 0)]
    """
    yours = _yours(graph)
    core = _core(graph, yours)
    if core.number_of_edges():
        from networkx.algorithms.community import louvain_communities

        found = louvain_communities(core, seed=SEED)
    else:
        found = [set(core)] if core else []  # a graph with no papers has no group
    minimum = MIN_YOURS if yours else 3
    ranked = sorted(found, key=lambda group: (-len(group & yours), -len(group), min(group)))
    kept = [group for group in ranked if len(group & yours if yours else group) >= minimum][:MAX_CLUSTERS] or ranked[:1]
    group_of = {node: number for number, group in enumerate(kept) for node in group}
    # Every other paper joins the group most of its neighbours are in, ring by ring from the groups.
    for _ in range(ATTACH_ROUNDS):
        joined = {}
        for node in graph:
            if node in group_of:
                continue
            votes = Counter(group_of[m] for m in (*graph.pred[node], *graph.succ[node]) if m in group_of)
            if votes:
                joined[node] = min(votes, key=lambda number: (-votes[number], number))
        if not joined:
            break
        group_of.update(joined)
    sizes = Counter(group_of.values())
    order = sorted(sizes, key=lambda number: (-sum(group_of.get(n) == number for n in yours), -sizes[number], number))
    renumber = {old: new for new, old in enumerate(order)}
    return {node: renumber[number] for node, number in group_of.items()}


def _title_words(title: str | None) -> set[str]:
    return {w for w in WORD.findall((title or "").lower()) if w not in STOPWORDS}


def cluster_names(graph: nx.DiGraph, group_of: dict[str, int]) -> list[str]:
    """A name for each group (by number): the notes topic most of its read papers share, else its
    most distinctive title words joined with " · "; names are unique."""
    count = max(group_of.values(), default=-1) + 1
    members: list[list[str]] = [[] for _ in range(count)]
    for node, number in group_of.items():
        members[number].append(node)
    words = [Counter(w for node in group for w in _title_words(graph.nodes[node].get("title"))) for group in members]
    everywhere = sum(words, Counter())
    yours = [[n for n in group if graph.nodes[n].get("read") or graph.nodes[n].get("queued")] for group in members]
    overall = Counter(t for group in yours for n in group for t in dict.fromkeys(graph.nodes[n].get("topics") or []))
    # A heading nearly all your papers sit under ("# Papers I have read", a file's title) tells no
    # group from another: it names none, as a placeholder would not.
    total = sum(map(len, yours))
    shared_by_all = (
        {t for t, c in overall.items() if c >= SHARED_BY_ALL * total}
        if sum(1 for group in yours if group) > 1
        else set()
    )
    names: list[str] = []
    for number, group in enumerate(members):
        read = yours[number]
        topics = Counter(
            t for n in read for t in dict.fromkeys(graph.nodes[n].get("topics") or []) if t not in shared_by_all
        )
        name = None
        if topics:  # the topic most of them share; of equals, the most specific (the rarest among your papers)
            topic, shared = min(topics.items(), key=lambda item: (-item[1], overall[item[0]], item[0]))
            if shared * 2 >= len(read) and topic not in names:
                name = topic
        if name is None:
            scored = sorted(
                ((in_group / len(group)) * (in_group / everywhere[w]), w)
                for w, in_group in words[number].items()
                if in_group >= 2
            )
            best = [w for _, w in sorted(scored, key=lambda item: (-item[0], item[1]))[:NAME_WORDS]]
            name = " · ".join(best) or f"group {number + 1}"
        unique, suffix = name, 2
        while unique in names:
            unique, suffix = f"{name} ({suffix})", suffix + 1
        names.append(unique)
    return names


def assign_clusters(graph: nx.DiGraph) -> None:
    """Store each paper's group name as its ``cluster`` attribute and the names as ``graph.graph["clusters"]``.

    Parameters
    ----------
    graph : networkx.DiGraph
        Changed in place (assemble calls this once per build).

    Example
    -------
    >>> graph = example_graph()
    >>> assign_clusters(graph)
    >>> graph.graph["clusters"], graph.nodes["X"]["cluster"]
    (['Normalization'], 'Normalization')
    """
    names, cluster_of = _found_clusters(graph)
    for _, data in graph.nodes(data=True):
        data.pop("cluster", None)
    for node, name in cluster_of.items():
        graph.nodes[node]["cluster"] = name
    graph.graph["clusters"] = names


def _found_clusters(graph) -> tuple[list[str], dict[str, str]]:
    group_of = find_clusters(graph)
    names = cluster_names(graph, group_of)
    return names, {node: names[number] for node, number in group_of.items()}


def ensure_clusters(graph: nx.DiGraph) -> tuple[list[str], dict[str, str]]:
    """The graph's group names and each grouped paper's group: as its build stored them, else found now
    (and stored on a NetworkX graph; a saved graph read in place, which cannot change, is left as it is)."""
    if "clusters" in graph.graph:
        return list(graph.graph["clusters"]), {node: name for node, name in graph.nodes(data="cluster") if name}
    if not hasattr(graph, "add_node"):
        return _found_clusters(graph)
    assign_clusters(graph)
    return ensure_clusters(graph)


def cluster_name(graph: nx.DiGraph, name: str) -> str:
    """The group ``name`` means (its exact name, case and spacing aside).

    Raises
    ------
    UnknownCluster
        No group has this name; the message lists the groups.
    """
    names, _ = ensure_clusters(graph)
    wanted = " ".join(name.lower().split())
    for known in names:
        if " ".join(known.lower().split()) == wanted:
            return known
    raise UnknownCluster(
        f"no group named {name!r}; the groups are: {'; '.join(names) or '(none)'} (see `citegraph clusters`)"
    )


@dataclass(frozen=True)
class Cluster:
    """A row of `cluster_rows`: see `clusters` for the columns."""

    cluster: str
    size: int
    your_papers: int
    top_unread: list
    top_unread_ids: list


def cluster_rows(graph: nx.DiGraph, *, top_unread: int = CLUSTER_TOP_UNREAD) -> list[Cluster]:
    """`clusters` as records, largest group first (also from a `citegraph.graphfile.SavedGraph`).

    Example
    -------
    >>> [(row.cluster, row.size, row.top_unread_ids) for row in cluster_rows(example_graph())]
    [('Normalization', 5, ['X', 'Y'])]
    """
    from citegraph.questions import unread_papers

    names, cluster_of = ensure_clusters(graph)
    yours = _yours(graph)
    size, mine = Counter(), Counter()
    for node, name in cluster_of.items():
        size[name] += 1
        mine[name] += node in yours
    best: dict[str, list[str]] = {name: [] for name in names}
    for row in unread_papers(graph, top=None):
        listed = best.get(cluster_of.get(row.paperId))
        if listed is not None and len(listed) < top_unread:
            listed.append(row.paperId)
    return [
        Cluster(
            name, size[name], mine[name], [shown_title(graph.nodes[p].get("title"), p) for p in best[name]], best[name]
        )
        for name in names
    ]


def clusters(graph: nx.DiGraph, top_unread: int = CLUSTER_TOP_UNREAD):
    """Which groups do my papers fall into, and what should I read in each?

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph (groups are found first when the build did not store them).
    top_unread : int
        How many of each group's best unread papers (as `citegraph.unread` ranks them) to list.

    Returns
    -------
    pandas.DataFrame
        One row per group, largest first: ``cluster`` (its name), ``size`` (papers in the graph),
        ``your_papers`` (read or queued), ``top_unread`` (titles), ``top_unread_ids`` (paperIds).
        The records: `cluster_rows`.

    Example
    -------
    >>> clusters(example_graph())[["cluster", "size", "your_papers"]]
             cluster  size  your_papers
    0  Normalization     5            2
    """
    from citegraph.questions import records_frame

    return records_frame(cluster_rows(graph, top_unread=top_unread), Cluster)


def unread_in_cluster(
    graph: nx.DiGraph, name: str, *, top: int | None = TOP, min_cited_by: int = MIN_CITED_BY, since: int | None = None
) -> list:
    """`citegraph.questions.unread_papers`' ranking restricted to one group's papers (records).

    Raises
    ------
    UnknownCluster
        No group has this name.

    Example
    -------
    >>> [row.paperId for row in unread_in_cluster(example_graph(), "normalization")]
    ['X', 'Y']
    """
    from citegraph.questions import unread_papers

    known = cluster_name(graph, name)
    ranking = [
        row
        for row in unread_papers(graph, top=None, min_cited_by=min_cited_by, since=since)
        if graph.nodes[row.paperId].get("cluster") == known
    ]
    return ranking[:top] if top else ranking
