"""The durable store (SQLite): papers, citation edges with S2's flags, and a log of every fetch.

Every S2 response is written in one transaction as soon as it arrives, so an interrupted build
keeps everything it received and the next run asks only for what is missing. WAL mode and a busy
timeout let two builds share the file. The API key is never written here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreError

APPLICATION_ID = 0x43475248  # "CGRH": tells our file apart from any other SQLite database
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS papers (
    paper_id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    detail TEXT NOT NULL CHECK (detail IN ('full', 'stub')),
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS aliases (
    identifier TEXT PRIMARY KEY,
    paper_id TEXT NOT NULL,
    how TEXT NOT NULL,
    score REAL
);
CREATE TABLE IF NOT EXISTS edges (
    citing TEXT NOT NULL,
    cited TEXT NOT NULL,
    is_influential INTEGER,
    intents TEXT,
    contexts TEXT,
    origin TEXT NOT NULL,
    PRIMARY KEY (citing, cited)
);
CREATE INDEX IF NOT EXISTS edges_cited ON edges (cited);
CREATE TABLE IF NOT EXISTS unresolved (
    citing TEXT NOT NULL,
    title TEXT,
    origin TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS unresolved_citing ON unresolved (citing);
CREATE TABLE IF NOT EXISTS fetch_log (
    subject TEXT NOT NULL,
    what TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'not_found', 'failed', 'partial')),
    reason TEXT,
    items INTEGER,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (subject, what)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def damaged(path: Path, exc: sqlite3.DatabaseError) -> StoreError:
    """The error for a store SQLite cannot read or write any more (a damaged page, a torn copy)."""
    return StoreError(f"{path} is damaged ({exc}); move it away and run `citegraph build` again "
                      "(everything is fetched again)")


class Store:
    """The store at ``path``, created if missing; opened read-only when its folder or file is.

    A read-only store (``read_only`` is True) answers every read; writing to it raises
    ``StoreError``. Builds that fetch check ``read_only`` first and say so.

    Raises
    ------
    StoreError
        The file is not a citegraph store, is damaged, or a read-only folder holds no store.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.read_only = self.path.exists() and not (os.access(self.path.parent, os.W_OK) and os.access(self.path, os.W_OK))
        if not self.path.exists() and self.path.parent.is_dir() and not os.access(self.path.parent, os.W_OK):
            raise StoreError(f"{self.path.parent} is read-only and holds no citegraph store yet; "
                             "use --data-dir to choose a folder citegraph can write")
        try:
            if self.read_only:
                self._open_read_only()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                self._initialise()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable citegraph store ({exc}); move it away or use --data-dir") from None

    def _open_read_only(self) -> None:
        # mode=ro still needs to create the WAL index beside the file; in a read-only folder only
        # immutable=1 opens it (and no citegraph can be writing it: a writer needs that index too).
        for mode in ("mode=ro", "immutable=1"):
            self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?{mode}", uri=True, isolation_level=None)
            try:
                self._check_identity()
                return
            except sqlite3.OperationalError as exc:
                self.db.close()
                if not exc.sqlite_errorname.startswith("SQLITE_READONLY") or mode == "immutable=1":
                    raise

    def _initialise(self) -> None:
        # Checked and created under one write lock: a second build starting at the same moment
        # must not see our tables before our application id, nor create them twice.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._check_identity()
            for statement in filter(str.strip, SCHEMA.split(";")):
                self.db.execute(statement)
            self.db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("PRAGMA synchronous=NORMAL")
        for _ in range(100):
            # Switching to WAL needs a moment with no other connection in a transaction; SQLite
            # does not wait for that by itself.
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                time.sleep(0.05)
        raise StoreError(f"{self.path} stays locked by another citegraph process; try again when it ends")

    def _check_identity(self) -> None:
        app_id = self.db.execute("PRAGMA application_id").fetchone()[0]
        tables = self.db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
            raise StoreError(f"{self.path} is an SQLite database of another program; move it away or use --data-dir")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by a newer citegraph (schema {version}); upgrade citegraph")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _tx(self):
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '1')")
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(f"{self.path} is locked by another citegraph process; try again when it ends") from None
            raise StoreError(f"{self.path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None

    # -- writes: one transaction per S2 response ----------------------------------------------

    def _upsert_papers(self, db, papers: Iterable[dict], detail: str) -> None:
        now = time.time()
        rows = [(p["paperId"], _json(p), detail, now) for p in papers if p and p.get("paperId")]
        if detail == "full":
            db.executemany("INSERT INTO papers VALUES (?,?,?,?) ON CONFLICT(paper_id) DO UPDATE SET "
                           "data=excluded.data, detail='full', updated_at=excluded.updated_at", rows)
        else:
            db.executemany("INSERT INTO papers VALUES (?,?,?,?) ON CONFLICT(paper_id) DO NOTHING", rows)

    def _log(self, db, subject: str, what: str, status: str, reason: str | None = None, items: int | None = None):
        db.execute("INSERT OR REPLACE INTO fetch_log VALUES (?,?,?,?,?,?)",
                   (subject, what, status, reason, items, time.time()))

    def record_metadata(self, answers: dict[str, dict | None]) -> None:
        """One batch answer: the found papers, their aliases, and a log line per requested id."""
        with self._tx() as db:
            self._upsert_papers(db, (p for p in answers.values() if p), "full")
            for identifier, paper in answers.items():
                if paper:
                    db.execute("INSERT OR REPLACE INTO aliases VALUES (?,?,?,NULL)",
                               (identifier.lower(), paper["paperId"], "id"))
                self._log(db, identifier.lower(), "metadata", "ok" if paper else "not_found",
                          None if paper else "Semantic Scholar does not know this id")

    def record_match(self, subject: str, paper: dict | None) -> None:
        with self._tx() as db:
            if paper:
                score = paper.get("matchScore")
                self._upsert_papers(db, [{k: v for k, v in paper.items() if k != "matchScore"}], "full")
                db.execute("INSERT OR REPLACE INTO aliases VALUES (?,?,?,?)",
                           (subject, paper["paperId"], "title_match", score))
                self._log(db, subject, "match", "ok", f"match score {score}")
            else:
                self._log(db, subject, "match", "not_found", "no Semantic Scholar paper matches this title")

    def record_links_page(self, paper_id: str, direction: str, page: list[dict], first: bool) -> None:
        """One page of /references (this paper cites them) or /citations (they cite this paper)."""
        other_key = "citedPaper" if direction == "references" else "citingPaper"
        with self._tx() as db:
            if first:
                db.execute("DELETE FROM unresolved WHERE citing=? AND origin=?", (paper_id, direction))
            linked = [row.get(other_key) or {} for row in page]
            self._upsert_papers(db, linked, "stub")
            edges, unresolved = [], []
            for row, other in zip(page, linked):
                if not other.get("paperId"):
                    if direction == "references":
                        unresolved.append((paper_id, other.get("title"), direction))
                    continue
                citing, cited = (paper_id, other["paperId"]) if direction == "references" else (other["paperId"], paper_id)
                influential = row.get("isInfluential")
                edges.append((citing, cited, None if influential is None else int(influential),
                              _json(row.get("intents")), _json(row.get("contexts")), direction))
            self._upsert_edges(db, edges)
            db.executemany("INSERT INTO unresolved VALUES (?,?,?)", unresolved)
            self._log(db, paper_id, direction, "partial", "interrupted while paging")

    def complete_links(self, paper_id: str, direction: str) -> None:
        """All pages of a paper's references (or citations) are stored."""
        with self._tx() as db:
            count = db.execute(
                "SELECT count(*) FROM edges WHERE " + ("citing=?" if direction == "references" else "cited=?"),
                (paper_id,)).fetchone()[0]
            self._log(db, paper_id, direction, "ok", None, count)

    def _upsert_edges(self, db, edges: list[tuple]) -> None:
        # Flags from /references or /citations are never overwritten by a batch answer's unknowns.
        db.executemany(
            "INSERT INTO edges VALUES (?,?,?,?,?,?) ON CONFLICT(citing, cited) DO UPDATE SET "
            "is_influential=coalesce(excluded.is_influential, edges.is_influential), "
            "intents=coalesce(excluded.intents, edges.intents), contexts=coalesce(excluded.contexts, edges.contexts), "
            "origin=CASE WHEN excluded.is_influential IS NULL THEN edges.origin ELSE excluded.origin END",
            edges,
        )

    def record_nested_references(self, answers: dict[str, dict | None]) -> None:
        """A depth >= 2 batch answer: references without influence flags (stored as unknown)."""
        with self._tx() as db:
            for paper_id, paper in answers.items():
                if not paper:
                    self._log(db, paper_id, "nested_references", "not_found")
                    continue
                refs = paper.get("references") or []
                self._upsert_papers(db, refs, "stub")
                self._upsert_edges(db, [(paper_id, r["paperId"], None, None, None, "batch") for r in refs if r.get("paperId")])
                db.execute("DELETE FROM unresolved WHERE citing=? AND origin='batch'", (paper_id,))
                db.executemany("INSERT INTO unresolved VALUES (?,?,'batch')",
                               [(paper_id, r.get("title")) for r in refs if not r.get("paperId")])
                self._log(db, paper_id, "nested_references", "ok", None, len(refs))

    def record_status(self, subjects: Iterable[str], what: str, status: str, reason: str) -> None:
        with self._tx() as db:
            for subject in subjects:
                self._log(db, subject, what, status, reason)

    # -- reads ---------------------------------------------------------------------------------

    def statuses(self, what: str) -> dict[str, tuple[str, str | None, int | None]]:
        rows = self.db.execute("SELECT subject, status, reason, items FROM fetch_log WHERE what=?", (what,))
        return {subject: (status, reason, items) for subject, status, reason, items in rows}

    def aliases(self) -> dict[str, tuple[str, str, float | None]]:
        return {ident: (pid, how, score) for ident, pid, how, score in self.db.execute("SELECT * FROM aliases")}

    def papers(self) -> Iterator[tuple[str, dict, str]]:
        for paper_id, data, detail in self.db.execute("SELECT paper_id, data, detail FROM papers"):
            yield paper_id, json.loads(data), detail

    def edges(self) -> Iterator[tuple[str, str, bool | None, list | None, list | None, str]]:
        for citing, cited, influential, intents, contexts, origin in self.db.execute("SELECT * FROM edges"):
            yield (citing, cited, None if influential is None else bool(influential),
                   json.loads(intents) if intents else None, json.loads(contexts) if contexts else None, origin)

    def cited_by(self, citing_ids: Iterable[str]) -> set[str]:
        ids = list(citing_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.db.execute(f"SELECT cited FROM edges WHERE citing IN ({marks})", chunk))
        return found

    def unresolved_counts(self, origin: str = "references") -> dict[str, int]:
        rows = self.db.execute("SELECT citing, count(*) FROM unresolved WHERE origin=? GROUP BY citing", (origin,))
        return dict(rows.fetchall())

    def generation(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0
