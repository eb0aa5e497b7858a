"""Crossref's answers in the SQLite store, beside S2's: each work's notices and reference list, and
what a graph takes from them (the ``updates`` of its papers, the ``source`` of recovered citations).

A work is stored with when it was asked (``fetched_at``), so a rebuild asks nothing again until the
notices are older than ``--refresh-crossref`` days; a reference list, once stored, is kept (reference
lists do not change; a refresh that asks for notices only leaves it as it is). A DOI Crossref holds
no work for is stored too (``found`` 0): it is not asked again before the refresh either.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from citegraph.constants import RETRACTING_KINDS
from citegraph.crossref.records import Reference, Update, Work

if TYPE_CHECKING:
    import networkx as nx

    from citegraph.store import Store

CROSSREF_ORIGIN = "crossref"  # the edges' origin (and the graph's ``source``) for references Crossref gave
SCHEMA = """
CREATE TABLE IF NOT EXISTS crossref_works (
    doi TEXT PRIMARY KEY,
    found INTEGER NOT NULL,
    updates TEXT,
    refs TEXT,
    fetched_at REAL NOT NULL
)
"""
DAY = 86_400.0


def ensure_table(store: Store) -> None:
    if not store.read_only:
        store.db.execute(SCHEMA)


def _rows(store: Store, dois: list[str], columns: str) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(dois), 500):
        chunk = dois[start : start + 500]
        try:
            rows += store.db.execute(
                f"SELECT doi, {columns} FROM crossref_works WHERE doi IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
        except sqlite3.OperationalError:  # a read-only store written before Crossref was asked
            return []
    return rows


def stale(store: Store, dois: Iterable[str], refresh_days: float, references: bool = False) -> list[str]:
    """The DOIs to ask Crossref about: never asked, asked more than ``refresh_days`` ago, or (with
    ``references``) stored without a reference list."""
    dois = list(dict.fromkeys(d.lower() for d in dois))
    since = time.time() - refresh_days * DAY
    fresh = {
        doi
        for doi, fetched, refs, found in _rows(store, dois, "fetched_at, refs, found")
        if fetched >= since and (not references or refs is not None or not found)
    }
    return [d for d in dois if d not in fresh]


def record_works(store: Store, answers: dict[str, Work | None], with_references: bool) -> None:
    """One Crossref answer, in one transaction (a reference list asked for and absent is stored empty)."""
    now = time.time()
    rows = []
    for doi, work in answers.items():
        updates = json.dumps([u.to_dict() for u in work.updates]) if work else None
        refs = None
        if work and with_references:
            refs = json.dumps([[r.doi, r.unstructured] for r in work.references or []], ensure_ascii=False)
        rows.append((doi, int(work is not None), updates, refs, now))
    with store._tx() as db:
        db.execute(SCHEMA)
        db.executemany(
            "INSERT INTO crossref_works VALUES (?,?,?,?,?) ON CONFLICT(doi) DO UPDATE SET "
            "found=excluded.found, updates=excluded.updates, fetched_at=excluded.fetched_at, "
            "refs=coalesce(excluded.refs, crossref_works.refs)",
            rows,
        )


def references(store: Store, dois: list[str]) -> dict[str, list[Reference] | None]:
    """The stored reference list of each DOI that has one (None: Crossref holds no list for it)."""
    return {
        doi: None if refs is None else [Reference(d, u) for d, u in json.loads(refs)]
        for doi, refs in _rows(store, dois, "refs")
    }


def asked(store: Store, dois: list[str]) -> dict[str, bool]:
    """``{doi: whether Crossref holds a work}`` for the DOIs ever asked."""
    return {doi: bool(found) for doi, found in _rows(store, dois, "found")}


def all_updates(store: Store) -> dict[str, list[Update]]:
    """``{doi: its notices}`` of every stored work that has any."""
    try:
        rows = store.db.execute("SELECT doi, updates FROM crossref_works WHERE updates IS NOT NULL AND updates != '[]'")
    except sqlite3.OperationalError:
        return {}
    return {doi: [Update(**u) for u in json.loads(updates)] for doi, updates in rows}


def record_recovered(store: Store, citing: str, cited: list[str]) -> None:
    """References Crossref listed for ``citing``, resolved to S2 papers: edges of origin ``crossref``
    (influence unknown, no intents or contexts); an edge S2 gave already is left as S2 gave it."""
    have = {row[0] for row in store.db.execute("SELECT cited FROM edges WHERE citing=?", (citing,))}
    new = [c for c in dict.fromkeys(cited) if c not in have and c != citing]
    if not new:
        return  # nothing changes: the saved graph stays valid
    with store._tx() as db:
        db.executemany(
            f"INSERT INTO edges VALUES (?,?,NULL,NULL,NULL,'{CROSSREF_ORIGIN}') ON CONFLICT DO NOTHING",
            [(citing, c) for c in new],
        )


def recovered_counts(store: Store) -> dict[str, int]:
    """``{citing paperId: citations of origin crossref}``."""
    rows = store.db.execute("SELECT citing, count(*) FROM edges WHERE origin=? GROUP BY citing", (CROSSREF_ORIGIN,))
    return dict(rows.fetchall())


def paper_doi(paper: dict) -> str | None:
    from citegraph.crossref.schema import normal_doi

    ids = paper.get("externalIds") or {}
    return normal_doi(ids.get("DOI") or ids.get("doi"))


def annotate(graph: nx.DiGraph, store: Store) -> None:
    """Each paper's Crossref notices as ``updates`` (a list of dicts: kind, notice, source, date) and
    ``retracted`` (True when one retracts it); each recovered citation's ``source`` as ``crossref``."""
    notices = all_updates(store)
    if notices:
        for _node, data in graph.nodes(data=True):
            doi = paper_doi(data)
            if doi in notices:
                data["updates"] = [u.to_dict() for u in notices[doi]]
                data["retracted"] = any(u.kind in RETRACTING_KINDS for u in notices[doi])
    for _, _, data in graph.edges(data=True):
        if data.get("origin") == CROSSREF_ORIGIN:
            data["source"] = CROSSREF_ORIGIN
