"""Build from a Semantic Scholar Datasets release instead of the Graph API: 0 requests.

The notes' ids are resolved through ``papers`` (arXiv, DOI, PubMed, ACL, CorpusId, S2 paperId),
title-only entries by exact normalised title (``entries.title_key``); references with S2's
flags, intents and contexts come from ``citations`` at every depth, citing papers from the same
table, metadata from ``papers``. What is found is written into the same store, in the same shapes
and order, as the Graph API build writes it, so the same graph, map and queries follow.

The extraction is defined once, as the SQL below (the subset DuckDB and Spark SQL both accept:
equi-joins, ``IN`` subqueries, ``UNION ALL``, ``CAST``), and run by whichever engine
citegraph.bulk.engines opens. Also the global path: a bidirectional breadth-first search over the
whole release by semi-joins.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx
import orjson

from citegraph.assemble import compute_pagerank, node_attributes
from citegraph.errors import CitegraphError, NoPath
from citegraph.fetch import FetchOptions
from citegraph.notes.ids import parse_identifier
from citegraph.notes.reader import Notes
from citegraph.s2 import schema
from citegraph.s2.client import LINKED_PAPER_FIELDS, PAPER_FIELDS
from citegraph.store import Store
from citegraph.store.schema import FetchKind, FetchStatus
from citegraph.text import title_key

MAX_GLOBAL_HOPS = 4
# A notes key's prefix -> the papers column holding that id (values lower-cased at import).
ID_COLUMNS = {
    "arxiv": "arxiv",
    "doi": "doi",
    "pmid": "pubmed",
    "acl": "acl",
    "corpusid": "corpusid",
    "paperid": "paper_id",
    "title": "title_key",
}
WANTED = "key STRING, kind STRING, value STRING"
FRONTIER = "corpusid BIGINT"
LINK_COLUMNS = "c.citing, c.cited, c.isinfluential, c.intents, c.contexts"

# -- the extraction, once, in the SQL both engines run ---------------------------------------------

RESOLVE_SQL = "\nUNION ALL\n".join(
    f"SELECT w.key, p.corpusid FROM wanted w JOIN papers p ON p.{column} = "
    + ("CAST(w.value AS BIGINT)" if column == "corpusid" else "w.value")
    + f" WHERE w.kind = '{kind}'"
    for kind, column in ID_COLUMNS.items()
)
METADATA_SQL = (
    "SELECT p.corpusid, p.paper_id, p.record FROM papers p WHERE p.corpusid IN (SELECT corpusid FROM frontier)"
)
REFERENCES_SQL = f"SELECT {LINK_COLUMNS} FROM citations c WHERE c.citing IN (SELECT corpusid FROM frontier)"
# Citing papers: their ids from ``citers`` (sorted by cited), their rows from ``citations`` (sorted by citing).
CITATIONS_SQL = (
    f"SELECT {LINK_COLUMNS} FROM citations c "
    "WHERE c.citing IN (SELECT r.citing FROM citers r WHERE r.cited IN (SELECT corpusid FROM frontier)) "
    "AND c.cited IN (SELECT corpusid FROM frontier)"
)
CITED_SQL = (
    "SELECT DISTINCT c.citing, c.cited FROM citations c "
    "WHERE c.citing IN (SELECT corpusid FROM frontier) AND c.cited IS NOT NULL"
)
CITING_SQL = "SELECT DISTINCT r.citing, r.cited FROM citers r WHERE r.cited IN (SELECT corpusid FROM frontier)"
BETWEEN_SQL = (
    f"SELECT {LINK_COLUMNS} FROM citations c WHERE c.citing IN (SELECT corpusid FROM frontier) "
    "AND c.cited IN (SELECT corpusid FROM frontier)"
)


def id_lookup(key: str) -> tuple[str, str] | None:
    """A notes key (or any id the notes accept, lower-cased) -> (kind, value) to look up in ``papers``.

    Example
    -------
    >>> id_lookup("arxiv:2106.09685"), id_lookup("10.1145/abc"), id_lookup("corpusid:x")
    (('arxiv', '2106.09685'), ('doi', '10.1145/abc'), None)
    """
    key = key.strip().lower()
    if re.fullmatch(r"[0-9a-f]{40}", key):
        return "paperid", key
    prefix, _, value = key.partition(":")
    if prefix == "title":
        return ("title", value) if value else None
    if prefix in ID_COLUMNS and value:
        return None if prefix == "corpusid" and not value.isdigit() else (prefix, value)
    return ("doi", key) if key.startswith("10.") else None


def release_key(text: str) -> str:
    """What a user typed (an id in any form the notes accept, or an exact title) as a key to resolve.

    Example
    -------
    >>> release_key("https://arxiv.org/abs/2106.09685v2"), release_key("Attention Is All You Need")
    ('arxiv:2106.09685', 'title:attention is all you need')
    """
    found = parse_identifier(text)
    return found.lower() if found else "title:" + title_key(text)


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _external_ids(value) -> dict:
    ids = {k: v for k, v in _mapping(value).items() if v is not None and k != "CorpusId"}
    corpus_id = _mapping(value).get("CorpusId")
    if isinstance(corpus_id, int | str) and str(corpus_id).isdigit():
        ids["CorpusId"] = int(corpus_id)
    return ids


def _journal(row: dict) -> dict | None:
    return {k: v for k, v in _mapping(row.get("journal")).items() if v is not None} or None


def _fields_of_study(row: dict) -> list | None:
    studies = row.get("s2fieldsofstudy") if isinstance(row.get("s2fieldsofstudy"), list) else []
    return (
        list(
            dict.fromkeys(
                f["category"]
                for f in studies
                if isinstance(f, dict) and f.get("source") == "external" and isinstance(f.get("category"), str)
            )
        )
        or None
    )


# The Graph API's fields, read from a ``papers`` row. Fields the release does not carry
# (``citationStyles``, ``openAccessPdf``) are None.
RELEASE_FIELDS: dict[str, Callable[[dict], object]] = {
    "corpusId": lambda row: row.get("corpusid"),
    "externalIds": lambda row: _external_ids(row.get("externalids")),
    "url": lambda row: row.get("url"),
    "title": lambda row: row.get("title"),
    "year": lambda row: row.get("year"),
    "authors": lambda row: row.get("authors") or [],
    "venue": lambda row: row.get("venue"),
    "citationCount": lambda row: row.get("citationcount"),
    "influentialCitationCount": lambda row: row.get("influentialcitationcount"),
    "referenceCount": lambda row: row.get("referencecount"),
    "publicationDate": lambda row: row.get("publicationdate"),
    "publicationTypes": lambda row: row.get("publicationtypes"),
    "journal": _journal,
    "fieldsOfStudy": _fields_of_study,
}
LINKED_MODEL_FIELDS = frozenset(schema.LinkedPaper.model_fields)


def api_record(row: dict, paper_id: str, fields: list[str]) -> dict:
    """A ``papers`` row in the Graph API's shape, with ``fields`` selected as the API would answer them,
    checked with the Graph API's declared schema (a release row of the wrong types keeps its id, and
    the fields that are wrong become None, as in an API answer).

    Only the fields asked for are read and checked: a linked paper's stub (tens of thousands in a
    depth-2 build) is checked as a page item is, with the page item's model.
    """
    row = _mapping(row)
    read = {name: RELEASE_FIELDS[name](row) for name in fields if name in RELEASE_FIELDS}
    model = schema.LinkedPaper if LINKED_MODEL_FIELDS.issuperset(read) else schema.Paper
    record = schema.checked_record({"paperId": paper_id, **read}, model)
    return {"paperId": paper_id, **{name: record.get(name) for name in fields}}


def _json_or_none(text: str | None):
    """A JSON column's value; None when it is not JSON (or nested deeper than a parser goes)."""
    try:
        return orjson.loads(text) if text else None
    except (ValueError, RecursionError):
        return None


def _text_list(text: str | None) -> str:
    """A release's intents or contexts as stored: its JSON text when it is a list of strings, else ``[]``
    (a row of the wrong type never reaches the store)."""
    if not text or text.lstrip()[:1] != "[":
        return "[]"
    value = _json_or_none(text)
    return text if type(value) is list and all(type(item) is str for item in value) else "[]"


# A release's intents take a handful of values (S2's three intents, combined): each is checked once.
_intents_text = functools.lru_cache(maxsize=1024)(_text_list)


@dataclass
class _Papers:
    """Metadata looked up so far: corpus id -> (paperId, row)."""

    rows: dict[int, tuple[str, dict]]

    def record(self, corpus_id: int, fields: list[str]) -> dict | None:
        found = self.rows.get(corpus_id)
        return api_record(found[1], found[0], fields) if found else None

    def paper_id(self, corpus_id: int | None) -> str | None:
        found = self.rows.get(corpus_id) if corpus_id is not None else None
        return found[0] if found else None


class Extraction:
    """The queries of one build or path, on one engine (see citegraph.bulk.engines.open_engine)."""

    def __init__(self, engine):
        self.engine = engine
        self.papers = _Papers({})
        self.stubbed: set[int] = set()  # linked papers already given to the store (a stub never replaces a record)

    def query_frontier(self, sql: str, corpus_ids: Iterable[int]) -> list[tuple]:
        return self.engine.query(sql, {"frontier": (FRONTIER, [(int(c),) for c in set(corpus_ids)])})

    def resolve(self, keys: Iterable[str]) -> dict[str, int]:
        """Notes keys -> corpus ids (keys the release does not know are left out; on a tie, the lowest id)."""
        wanted = [(key, *found) for key in dict.fromkeys(keys) if (found := id_lookup(key))]
        answer: dict[str, int] = {}
        for key, corpus_id in sorted(
            self.engine.query(RESOLVE_SQL, {"wanted": (WANTED, wanted)}), key=lambda row: row[1], reverse=True
        ):
            answer[key] = corpus_id
        return answer

    def load_papers(self, corpus_ids: Iterable[int]) -> None:
        missing = {c for c in corpus_ids if c is not None and c not in self.papers.rows}
        if missing:
            for corpus_id, paper_id, record in sorted(
                self.query_frontier(METADATA_SQL, missing), key=lambda row: (row[0], row[2] or "")
            ):
                row = _json_or_none(record)
                # A corpus id twice in a release: the first row (in a fixed order) stays; a twin never replaces it.
                if paper_id and isinstance(row, dict) and corpus_id not in self.papers.rows:
                    self.papers.rows[corpus_id] = (paper_id, row)

    def links(self, sql: str, corpus_ids: Iterable[int]) -> list[tuple]:
        """(citing, cited, isinfluential, intents, contexts) rows, citing then cited in order; papers loaded."""
        rows = sorted(self.query_frontier(sql, corpus_ids), key=lambda r: (r[0], r[1] is None, r[1] or 0))
        self.load_papers(c for row in rows for c in row[:2])
        return rows

    def store_lists(self, store: Store, kind: FetchKind, lists: list[tuple[str, list[tuple]]]) -> None:
        """Papers' whole link lists (paperId, its rows) into the store at once, as the Graph API's
        pages for them would be stored; intents and contexts go in as the release's JSON text."""
        papers, links, unresolved = [], [], []
        known = self.papers.rows
        for paper_id, rows in lists:
            for citing, cited, influential, intents, contexts in rows:
                citing_found, cited_found = known.get(citing), known.get(cited)
                if not (citing_found and cited_found):
                    unresolved.append(paper_id)  # the release has no title for an unresolved reference
                    continue
                if citing_found[0] == cited_found[0]:  # a paper citing itself is a data error, not a citation
                    continue
                linked = cited if kind == FetchKind.REFERENCES else citing
                if linked not in self.stubbed:
                    self.stubbed.add(linked)
                    papers.append(self.papers.record(linked, LINKED_PAPER_FIELDS))
                links.append(
                    (
                        citing_found[0],
                        cited_found[0],
                        None if influential is None else int(influential),
                        _intents_text(intents),
                        _text_list(contexts),
                        kind,
                    )
                )
        links.sort(key=lambda link: (link[0], link[1]))  # in the primary key's order: appended, not rewritten
        store.record_complete_links(kind, [paper_id for paper_id, _ in lists], papers, links, unresolved)


def _grouped(rows: list[tuple], column: int) -> dict[int, list[tuple]]:
    groups: dict[int, list[tuple]] = {}
    for row in rows:
        groups.setdefault(row[column], []).append(row)
    return groups


def fill_store(
    store: Store,
    notes: Notes,
    engine,
    options: FetchOptions | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    """Find the notes' papers in the release and store them as a Graph API build would (0 requests).

    Parameters
    ----------
    store : the build's store.
    notes : the notes read for this build.
    engine : a citegraph.bulk.engines engine over an imported release.
    options : depth, citations, max_citations (refresh has no meaning here: everything is read again).
    progress : called with (phase, done, total).

    Example
    -------
    >>> fill_store(store, notes, open_engine(Path("s2-release")))  # doctest: +SKIP
    """
    options = options or FetchOptions()
    progress = progress or (lambda phase, done, total: None)
    extraction = Extraction(engine)
    ids = [entry.key for entry in notes.papers if entry.id]
    titles = [entry.key for entry in notes.papers if not entry.id and entry.title]  # "title:" + its title_key
    progress("resolve ids", 0, 1)
    found = extraction.resolve(ids + titles)
    extraction.load_papers(found.values())
    store.record_metadata(
        {key: extraction.papers.record(found[key], PAPER_FIELDS) if key in found else None for key in ids}
    )
    for key in titles:
        paper = extraction.papers.record(found[key], PAPER_FIELDS) if key in found else None
        store.record_match(key, paper and {**paper, "matchScore": None})
    read = {corpus_id: paper_id for corpus_id in found.values() if (paper_id := extraction.papers.paper_id(corpus_id))}
    seen = set(read)
    frontier = sorted(read)
    for depth in range(1, options.depth + 1):
        phase = "references" if depth == 1 else f"references (depth {depth})"
        progress(phase, 0, len(frontier))
        by_citing = _grouped(extraction.links(REFERENCES_SQL, frontier), 0)
        extraction.store_lists(
            store,
            FetchKind.REFERENCES,
            [
                (paper_id, by_citing.get(corpus_id, []))
                for corpus_id in frontier
                if (paper_id := extraction.papers.paper_id(corpus_id))
            ],
        )
        progress(phase, len(frontier), len(frontier))
        known = extraction.papers.rows
        frontier = sorted({row[1] for rows in by_citing.values() for row in rows if row[1] in known} - seen)
        seen.update(frontier)
    if options.citations:
        by_cited = _grouped(extraction.links(CITATIONS_SQL, read), 1)
        extraction.store_lists(
            store,
            FetchKind.CITATIONS,
            [(paper_id, by_cited.get(corpus_id, [])[: options.max_citations]) for corpus_id, paper_id in read.items()],
        )
    for key in ids:
        if key not in found:
            store.record_status([key], FetchKind.METADATA, FetchStatus.NOT_FOUND, "the release does not hold this id")


# -- the global path -------------------------------------------------------------------------------


def _meet(forward: dict[int, int | None], backward: dict[int, int | None]) -> list[int] | None:
    """The chain through a paper both searches reached (parents lead back to each end), if any."""
    common = sorted(set(forward) & set(backward))
    if not common:
        return None
    best = min(common, key=lambda node: (_depth(forward, node) + _depth(backward, node), node))
    head, node = [], best
    while node is not None:
        head.append(node)
        node = forward[node]
    tail, node = [], backward[best]
    while node is not None:
        tail.append(node)
        node = backward[node]
    return head[::-1] + tail


def _depth(parents: dict[int, int | None], node: int) -> int:
    steps = 0
    while parents[node] is not None:
        node, steps = parents[node], steps + 1
    return steps


def _grow(parents: dict[int, int | None], reached: Iterable[tuple[int, int]]) -> list[int]:
    """Record (paper, the paper it was reached from) pairs not seen before; the new frontier."""
    grown = []
    for node, parent in sorted(reached):
        if node not in parents:
            parents[node] = parent
            grown.append(node)
    return grown


def citation_chain(
    extraction: Extraction, source: int, target: int, max_hops: int = MAX_GLOBAL_HOPS
) -> list[int] | None:
    """A shortest chain source cites … cites target over the whole release (corpus ids), or None.

    Bidirectional breadth-first search: the smaller frontier grows by one semi-join per step
    (forward along ``citations``, backward along ``citers``) until the two searches meet or
    ``max_hops`` hops are spent.
    """
    forward: dict[int, int | None] = {source: None}
    backward: dict[int, int | None] = {target: None}
    ahead, behind = [source], [target]
    for _ in range(max_hops):
        if (chain := _meet(forward, backward)) is not None:
            return chain
        if not ahead or not behind:
            return None
        if len(ahead) <= len(behind):
            ahead = _grow(forward, ((cited, citing) for citing, cited in extraction.query_frontier(CITED_SQL, ahead)))
        else:
            behind = _grow(backward, extraction.query_frontier(CITING_SQL, behind))
    return _meet(forward, backward)


def global_path_graph(
    engine, source_key: str, target_key: str, max_hops: int = MAX_GLOBAL_HOPS
) -> tuple[nx.DiGraph, str, str]:
    """The papers on a shortest citation chain between two papers over the whole release, as a small graph.

    Tries source → target, then target → source (as ``path`` does). The graph holds the chain's
    papers and citations with S2's flags, intents and contexts, ready for
    ``analysis.shortest_paths`` to explain the hops.

    Parameters
    ----------
    engine : a citegraph.bulk.engines engine over an imported release.
    source_key, target_key : any id the notes accept (arXiv, DOI, CorpusId, S2 paperId, ``title:``…).

    Returns
    -------
    (graph, source paperId, target paperId)

    Raises
    ------
    CitegraphError : a paper is not in the release. NoPath : no chain within ``max_hops`` either way.
    """
    extraction = Extraction(engine)
    found = extraction.resolve([source_key, target_key])
    for key in (source_key, target_key):
        if key not in found:
            raise CitegraphError(f"{key} is not in the release (ids: arXiv, DOI, PubMed, ACL, CorpusId, S2 paperId)")
    source, target = found[source_key], found[target_key]
    chain = citation_chain(extraction, source, target, max_hops) or citation_chain(extraction, target, source, max_hops)
    extraction.load_papers([source, target, *(chain or [])])
    if chain is None:
        raise NoPath(
            f"no chain of at most {max_hops} citations links {source_key} and {target_key} in either direction"
        )
    graph = nx.DiGraph()
    for corpus_id in chain:
        graph.add_node(
            extraction.papers.paper_id(corpus_id), **node_attributes(extraction.papers.record(corpus_id, PAPER_FIELDS))
        )
    on_chain = set(zip(chain, chain[1:]))
    for citing, cited, influential, intents, contexts in extraction.query_frontier(BETWEEN_SQL, chain):
        if (citing, cited) in on_chain:
            flags = schema.checked_record(
                {"isInfluential": influential, "intents": _json_or_none(intents), "contexts": _json_or_none(contexts)},
                schema.LinkFlags,
            )
            extra = {k: flags[k] for k in ("intents", "contexts") if flags.get(k)}
            graph.add_edge(
                extraction.papers.paper_id(citing),
                extraction.papers.paper_id(cited),
                isInfluential=flags.get("isInfluential"),
                origin="references",
                **extra,
            )
    compute_pagerank(graph)
    return graph, extraction.papers.paper_id(source), extraction.papers.paper_id(target)


def fill_store_from_release(
    store: Store,
    notes: Notes,
    release_dir,
    engine_options=None,
    options: FetchOptions | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    """`fill_store` on the engine ``engine_options`` names, over the release imported in ``release_dir``."""
    from citegraph.bulk.engines import open_engine

    engine = open_engine(release_dir, engine_options)
    try:
        fill_store(store, notes, engine, options, progress)
    finally:
        engine.close()
