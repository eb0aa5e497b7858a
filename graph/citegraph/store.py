"""The durable store (SQLite): papers, citation edges with S2's flags, and a log of every fetch.

Every S2 response is written in one transaction as soon as it arrives, so an interrupted build
keeps everything it received and the next run asks only for what is missing. WAL mode and a busy
timeout let two builds share the file. The API key is never written here.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import orjson

from citegraph.errors import StoreError
from citegraph.s2.records import BatchPaper, LinksPage

APPLICATION_ID = 0x43475248  # "CGRH": tells our file apart from any other SQLite database
SCHEMA_VERSION = 2  # 2: the fetch log's status may be "withheld"
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
    status TEXT NOT NULL CHECK (status IN ('ok', 'not_found', 'failed', 'partial', 'withheld')),
    reason TEXT,
    items INTEGER,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (subject, what)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS suggestion_runs (
    run INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,
    scope TEXT NOT NULL,
    pool TEXT NOT NULL,
    positives TEXT NOT NULL,
    negatives TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS suggestions (
    run INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    paper_id TEXT NOT NULL,
    data TEXT NOT NULL,
    reasons TEXT NOT NULL,
    PRIMARY KEY (run, rank)
);
CREATE TABLE IF NOT EXISTS claims (
    subject TEXT NOT NULL,
    what TEXT NOT NULL,
    owner TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    claimed_at REAL NOT NULL,
    PRIMARY KEY (subject, what)
);
CREATE TABLE IF NOT EXISTS builds (
    build INTEGER PRIMARY KEY,
    built_at TEXT NOT NULL,
    snapshot BLOB NOT NULL
);
"""


class FetchKind(StrEnum):
    """What was asked of Semantic Scholar about a subject (a notes key or a paperId)."""

    METADATA = "metadata"  # batch metadata for an identifier from the notes
    MATCH = "match"  # title match for a title-only notes entry
    REFERENCES = "references"  # /references pages of a read paper (with influence flags)
    CITATIONS = "citations"  # /citations pages of a read paper
    NESTED_REFERENCES = "nested_references"  # references through the batch endpoint (no influence flags)


class FetchStatus(StrEnum):
    """How the last fetch of a subject ended; OK and NOT_FOUND are final, the others are asked again."""

    OK = "ok"
    NOT_FOUND = "not_found"
    FAILED = "failed"
    PARTIAL = "partial"  # some pages stored; ``items`` is the offset to resume at
    # S2 answered that the publisher withholds this paper's references (/references: data null and
    # openAccessPdf.disclaimer naming 'references'): final, never asked again; no edges, and the
    # paper keeps S2's referenceCount.
    WITHHELD = "withheld"


class AliasHow(StrEnum):
    """How a notes key was tied to an S2 paper."""

    ID = "id"  # S2 resolved the identifier
    TITLE_MATCH = "title_match"  # S2's title match, and the titles agree
    UNCERTAIN_MATCH = "uncertain_match"  # S2's title match, but the titles differ: not read


FINAL = {FetchStatus.OK, FetchStatus.NOT_FOUND, FetchStatus.WITHHELD}


CLAIM_STALE = 3600.0  # a claim from another machine this old is taken over (its build cannot be asked)


def new_owner() -> str:
    """A name for one build's claims."""
    return uuid.uuid4().hex


def _running(pid: int, host: str, since: float) -> bool:
    """Whether the build that made a claim may still be running."""
    if host != socket.gethostname():
        return time.time() - since < CLAIM_STALE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _parsed(text: str):
    """Stored JSON back as values: orjson for speed (a build reads every stored row), json for what
    only it reads (NaN, which json.dumps may have written)."""
    if text == "[]":  # most stored intents and contexts
        return []
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def disk_full(path: Path, exc: sqlite3.Error) -> bool:
    """Whether SQLite failed to write ``path`` because its disk is full: SQLite says "database or disk
    is full", or, when the full disk hits its WAL index, only "disk I/O error"."""
    if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
        return True
    try:
        return (
            getattr(exc, "sqlite_errorname", "").startswith("SQLITE_IOERR")
            and shutil.disk_usage(path.parent).free < 1 << 16
        )
    except OSError:
        return False


def damaged(path: Path, exc: sqlite3.DatabaseError) -> StoreError:
    """The error for a store SQLite cannot read or write any more (a damaged page, a torn copy), or
    for a full disk, which SQLite may report as "disk I/O error" too."""
    if disk_full(path, exc):
        return StoreError(
            f"disk full: cannot write {path} ({path.parent} has no space left); "
            "free some space and run the same command again (what was fetched before is stored)"
        )
    return StoreError(
        f"{path} is damaged ({exc}); move it away and run `citegraph build` again (everything is fetched again)"
    )


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
        self.read_only = self.path.exists() and not (
            os.access(self.path.parent, os.W_OK) and os.access(self.path, os.W_OK)
        )
        if not self.path.exists() and self.path.parent.is_dir() and not os.access(self.path.parent, os.W_OK):
            raise StoreError(
                f"{self.path.parent} is read-only and holds no citegraph store yet; "
                "use --data-dir to choose a folder citegraph can write"
            )
        try:
            if self.read_only:
                self._open_read_only()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                self._initialise()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a usable citegraph store ({exc}); move it away or use --data-dir"
            ) from None

    def _open_read_only(self) -> None:
        # mode=ro still needs to create the WAL index beside the file; in a read-only folder (or on a
        # read-only mount, where SQLite says "unable to open database file") only immutable=1 opens
        # it, and no citegraph can be writing it: a writer needs that index too.
        for mode in ("mode=ro", "immutable=1"):
            self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?{mode}", uri=True, isolation_level=None)
            try:
                self._check_identity()
                return
            except sqlite3.OperationalError as exc:
                self.db.close()
                if not exc.sqlite_errorname.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or mode == "immutable=1":
                    raise

    def _initialise(self) -> None:
        # Checked and created under one write lock: a second build starting at the same moment
        # must not see our tables before our application id, nor create them twice.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._check_identity()
            self._migrate()
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

    def _migrate(self) -> None:
        """Bring a schema-1 store's fetch log to schema 2 (its status check lacked 'withheld'); SQLite
        cannot change a CHECK in place, so the table is copied."""
        row = self.db.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='fetch_log'").fetchone()
        if row is None or "'withheld'" in row[0]:
            return
        self.db.execute("ALTER TABLE fetch_log RENAME TO fetch_log_v1")
        self.db.execute(SCHEMA[SCHEMA.index("CREATE TABLE IF NOT EXISTS fetch_log") :].split(";")[0])
        self.db.execute("INSERT INTO fetch_log SELECT * FROM fetch_log_v1")
        self.db.execute("DROP TABLE fetch_log_v1")

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
    def _tx(self, changes_graph: bool = True):
        """One write transaction; ``changes_graph`` moves the generation the saved graph is stamped with."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            if changes_graph:
                self.db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '1')")
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    f"{self.path} is locked by another citegraph process; try again when it ends"
                ) from None
            if disk_full(self.path, exc) or not isinstance(exc, sqlite3.OperationalError):
                raise damaged(self.path, exc) from None
            raise StoreError(f"{self.path}: {exc}") from None

    # -- writes: one transaction per S2 response ----------------------------------------------

    def _upsert_papers(self, db, papers: Iterable[dict], detail: str, replace_stubs: bool = False) -> None:
        """Full records replace what is stored; a stub never replaces a full record, and replaces a
        stub only when ``replace_stubs`` (a /references page's stub has more fields than a nested item's)."""
        now = time.time()
        rows = [(p["paperId"], _json(p), detail, now) for p in papers if p and p.get("paperId")]
        if detail == "full" or replace_stubs:
            db.executemany(
                "INSERT INTO papers VALUES (?,?,?,?) ON CONFLICT(paper_id) DO UPDATE SET "
                "data=excluded.data, detail=excluded.detail, updated_at=excluded.updated_at"
                + ("" if detail == "full" else " WHERE papers.detail = 'stub'"),
                rows,
            )
        else:
            db.executemany("INSERT INTO papers VALUES (?,?,?,?) ON CONFLICT(paper_id) DO NOTHING", rows)

    def _log(
        self,
        db,
        subject: str,
        kind: FetchKind,
        status: FetchStatus,
        reason: str | None = None,
        items: int | None = None,
    ):
        db.execute(
            "INSERT OR REPLACE INTO fetch_log VALUES (?,?,?,?,?,?)", (subject, kind, status, reason, items, time.time())
        )

    def _record_metadata(self, db, answers: dict[str, dict | None]) -> None:
        """The found papers of a batch answer, their aliases, and a log line per requested id."""
        self._upsert_papers(db, (p for p in answers.values() if p), "full")
        for identifier, paper in answers.items():
            if paper:
                db.execute(
                    "INSERT OR REPLACE INTO aliases VALUES (?,?,?,NULL)",
                    (identifier.lower(), paper["paperId"], AliasHow.ID),
                )
            self._log(
                db,
                identifier.lower(),
                FetchKind.METADATA,
                FetchStatus.OK if paper else FetchStatus.NOT_FOUND,
                None if paper else "Semantic Scholar does not know this id",
            )

    def record_metadata(self, answers: dict[str, dict | None]) -> None:
        """One batch answer without nested references (a bulk release's papers): see `_record_metadata`."""
        with self._tx() as db:
            self._record_metadata(db, answers)

    def record_batch_references(self, answers: dict[str, BatchPaper | None]) -> None:
        """A batch answer with nested references: the metadata (papers, aliases, a log line per id),
        and each paper's references without flags (unknown), unless its /references pages (with
        flags) are stored or under way: a nested list never overwrites them. A list that may be cut
        is logged PARTIAL, so its pages are fetched."""
        with self._tx() as db:
            self._record_metadata(db, {key: answer and answer.paper for key, answer in answers.items()})
            for answer in filter(None, answers.values()):
                paper_id, refs = answer.paper["paperId"], answer.references
                paged = db.execute(
                    "SELECT status, items FROM fetch_log WHERE subject=? AND what=?", (paper_id, FetchKind.REFERENCES)
                ).fetchone()
                if paged and (paged[0] in FINAL or paged[1]):
                    continue
                self._upsert_papers(db, refs, "stub")
                db.executemany(
                    "INSERT INTO edges VALUES (?,?,NULL,NULL,NULL,'batch') ON CONFLICT DO NOTHING",
                    [(paper_id, r["paperId"]) for r in refs if r.get("paperId")],
                )
                # Counted as the references' unresolved items until the pages replace them.
                db.execute("DELETE FROM unresolved WHERE citing=? AND origin=?", (paper_id, FetchKind.REFERENCES))
                db.executemany(
                    "INSERT INTO unresolved VALUES (?,?,?)",
                    [(paper_id, r.get("title"), FetchKind.REFERENCES) for r in refs if not r.get("paperId")],
                )
                expected = answer.paper.get("referenceCount")
                self._log(
                    db,
                    paper_id,
                    FetchKind.NESTED_REFERENCES,
                    FetchStatus.OK if answer.complete else FetchStatus.PARTIAL,
                    None if answer.complete else f"the batch listed {len(refs):,} of {expected or '?'} references",
                    sum(1 for r in refs if r.get("paperId")),
                )

    def record_match(self, subject: str, paper: dict | None, agrees: bool = True) -> None:
        """A title match: ``paper`` is S2's candidate (None: no match), ``agrees`` whether the titles agree."""
        with self._tx() as db:
            if not paper:
                self._log(
                    db, subject, FetchKind.MATCH, FetchStatus.NOT_FOUND, "no Semantic Scholar paper matches this title"
                )
                return
            score = paper.get("matchScore")
            self._upsert_papers(db, [{k: v for k, v in paper.items() if k != "matchScore"}], "full")
            how = AliasHow.TITLE_MATCH if agrees else AliasHow.UNCERTAIN_MATCH
            db.execute("INSERT OR REPLACE INTO aliases VALUES (?,?,?,?)", (subject, paper["paperId"], how, score))
            self._log(db, subject, FetchKind.MATCH, FetchStatus.OK, f"match score {score}")

    def record_links_page(self, paper_id: str, kind: FetchKind, page: LinksPage) -> None:
        """One page of /references (this paper cites them) or /citations (they cite this paper)."""
        with self._tx() as db:
            self._record_links_page(db, paper_id, kind, page)

    def record_links_pages(self, kind: FetchKind, pages: Iterable[tuple[str, LinksPage]]) -> None:
        """Many papers' pages in one transaction (a bulk source answers thousands at once)."""
        with self._tx() as db:
            for paper_id, page in pages:
                self._record_links_page(db, paper_id, kind, page)

    def _record_links_page(self, db, paper_id: str, kind: FetchKind, page: LinksPage) -> None:
        if page.withheld:  # the batch's nested list (empty for such papers) is left as it is
            self._log(db, paper_id, kind, FetchStatus.WITHHELD, "references withheld by the publisher")
            return
        if page.offset == 0:
            db.execute("DELETE FROM unresolved WHERE citing=? AND origin=?", (paper_id, kind))
            if kind == FetchKind.REFERENCES:  # the pages replace what the batch's nested list said
                db.execute("DELETE FROM edges WHERE citing=? AND origin='batch'", (paper_id,))
        self._upsert_papers(db, page.papers, "stub", replace_stubs=True)
        self._upsert_edges(
            db,
            [
                (
                    link.citing,
                    link.cited,
                    None if link.is_influential is None else int(link.is_influential),
                    _json(link.intents),
                    _json(link.contexts),
                    kind,
                )
                for link in page.links
            ],
        )
        if kind == FetchKind.REFERENCES:
            db.executemany(
                "INSERT INTO unresolved VALUES (?,?,?)", [(paper_id, title, kind) for title in page.unresolved]
            )
        if page.next_offset is not None:
            self._log(db, paper_id, kind, FetchStatus.PARTIAL, "interrupted while paging", page.next_offset)
        else:
            count = db.execute(
                "SELECT count(*) FROM edges WHERE " + ("citing=?" if kind == FetchKind.REFERENCES else "cited=?"),
                (paper_id,),
            ).fetchone()[0]
            reason = page.truncated_reason
            self._log(db, paper_id, kind, FetchStatus.OK, reason, count)

    def record_complete_links(
        self, kind: FetchKind, subjects: list[str], papers: list[dict], links: list[tuple], unresolved: list[str]
    ) -> None:
        """Many papers' whole link lists in one transaction, as a bulk release answers them.

        ``subjects`` are the papers whose lists these are (each logged OK with its count), ``papers``
        the linked papers' stubs, ``links`` rows (citing, cited, is_influential, intents JSON, contexts
        JSON, origin), ``unresolved`` one citing paperId per unresolved reference. The same effect as
        `record_links_pages` with one last page per subject, in a few statements: when the links
        outnumber what the store holds, the secondary indexes are built once after the rows go in.
        """
        self.db.execute("PRAGMA cache_size = -262144")  # 256 MiB: large batches touch many pages of the indexes
        with self._tx() as db:
            db.executemany("DELETE FROM unresolved WHERE citing=? AND origin=?", ((p, kind) for p in subjects))
            if kind == FetchKind.REFERENCES:  # the lists replace what a batch's nested list said
                db.executemany("DELETE FROM edges WHERE citing=? AND origin='batch'", ((p,) for p in subjects))
            rebuild = len(links) > db.execute("SELECT count(*) FROM edges").fetchone()[0]
            if rebuild:
                db.execute("DROP INDEX IF EXISTS edges_cited")
                db.execute("DROP INDEX IF EXISTS unresolved_citing")
            self._upsert_papers(db, papers, "stub", replace_stubs=True)
            self._upsert_edges(db, links)
            if kind == FetchKind.REFERENCES:
                db.executemany("INSERT INTO unresolved VALUES (?,NULL,?)", ((p, kind) for p in unresolved))
            if rebuild:
                for statement in filter(str.strip, SCHEMA.split(";")):
                    if "CREATE INDEX" in statement:
                        db.execute(statement)
            side = "citing" if kind == FetchKind.REFERENCES else "cited"
            now = time.time()
            db.executemany(
                f"INSERT OR REPLACE INTO fetch_log SELECT ?1, ?2, 'ok', NULL, "
                f"(SELECT count(*) FROM edges WHERE {side} = ?1), ?3",
                ((p, kind, now) for p in subjects),
            )

    def _upsert_edges(self, db, edges: list[tuple]) -> None:
        # Flags from /references or /citations are never overwritten by a batch answer's unknowns.
        db.executemany(
            "INSERT INTO edges VALUES (?,?,?,?,?,?) ON CONFLICT(citing, cited) DO UPDATE SET "
            "is_influential=coalesce(excluded.is_influential, edges.is_influential), "
            "intents=coalesce(excluded.intents, edges.intents), contexts=coalesce(excluded.contexts, edges.contexts), "
            "origin=CASE WHEN excluded.is_influential IS NULL THEN edges.origin ELSE excluded.origin END",
            edges,
        )

    def record_nested_references(self, answers: dict[str, list[dict] | None]) -> None:
        """A depth >= 2 batch answer: references without influence flags (stored as unknown)."""
        with self._tx() as db:
            for paper_id, refs in answers.items():
                if refs is None:
                    self._log(db, paper_id, FetchKind.NESTED_REFERENCES, FetchStatus.NOT_FOUND)
                    continue
                self._upsert_papers(db, refs, "stub")
                self._upsert_edges(
                    db, [(paper_id, r["paperId"], None, None, None, "batch") for r in refs if r.get("paperId")]
                )
                db.execute("DELETE FROM unresolved WHERE citing=? AND origin='batch'", (paper_id,))
                db.executemany(
                    "INSERT INTO unresolved VALUES (?,?,'batch')",
                    [(paper_id, r.get("title")) for r in refs if not r.get("paperId")],
                )
                self._log(db, paper_id, FetchKind.NESTED_REFERENCES, FetchStatus.OK, None, len(refs))

    def record_status(
        self, subjects: Iterable[str], kind: FetchKind, status: FetchStatus, reason: str, resume_at: int | None = None
    ) -> None:
        """A fetch that ended without an answer to store; ``resume_at`` keeps a paged fetch's place."""
        with self._tx() as db:
            for subject in subjects:
                self._log(db, subject, kind, status, reason, resume_at)

    # -- claims: two builds sharing the store never fetch the same subject ----------------------

    def claim(self, kind: FetchKind, subjects: Iterable[str], owner: str) -> list[str]:
        """Claim for ``owner`` (one build) the subjects no other running build holds; returns those
        now held, in order. A claim of a build that ended without releasing it (killed) is taken over."""
        host, pid = socket.gethostname(), os.getpid()
        with self._tx(changes_graph=False) as db:
            held = {
                subject: (holder, holder_pid, holder_host, since)
                for subject, holder, holder_pid, holder_host, since in db.execute(
                    "SELECT subject, owner, pid, host, claimed_at FROM claims WHERE what=?", (kind,)
                )
            }
            mine = [
                s for s in dict.fromkeys(subjects) if s not in held or held[s][0] == owner or not _running(*held[s][1:])
            ]
            db.executemany(
                "INSERT OR REPLACE INTO claims VALUES (?,?,?,?,?,?)",
                [(s, kind, owner, pid, host, time.time()) for s in mine],
            )
        return mine

    def release(self, owner: str, kind: FetchKind | None = None, subjects: Iterable[str] | None = None) -> None:
        """Drop ``owner``'s claims: these subjects of ``kind``, or all of them."""
        with self._tx(changes_graph=False) as db:
            if subjects is None:
                db.execute("DELETE FROM claims WHERE owner=?", (owner,))
            else:
                db.executemany(
                    "DELETE FROM claims WHERE owner=? AND what=? AND subject=?", [(owner, kind, s) for s in subjects]
                )

    # -- reads ---------------------------------------------------------------------------------

    def statuses(self, kind: FetchKind) -> dict[str, tuple[FetchStatus, str | None, int | None]]:
        """``{subject: (status, reason, items)}`` of the last fetch of this kind; for PARTIAL, items is the
        resume offset."""
        rows = self.db.execute("SELECT subject, status, reason, items FROM fetch_log WHERE what=?", (kind,))
        return {subject: (FetchStatus(status), reason, items) for subject, status, reason, items in rows}

    def log_entry(self, kind: FetchKind, subject: str) -> tuple[FetchStatus | None, str | None, int | None]:
        """``(status, reason, items)`` of the last fetch of this kind of this subject (all None: never asked)."""
        row = self.db.execute(
            "SELECT status, reason, items FROM fetch_log WHERE what=? AND subject=?", (kind, subject)
        ).fetchone()
        return (FetchStatus(row[0]), row[1], row[2]) if row else (None, None, None)

    def finished(self, kind: FetchKind, subject: str, since: float = 0.0) -> bool:
        """Whether a fetch of this kind of this subject ended ok or not found, at ``since`` (epoch seconds) or later."""
        marks = ",".join("?" * len(FINAL))
        row = self.db.execute(
            f"SELECT 1 FROM fetch_log WHERE what=? AND subject=? AND status IN ({marks}) AND fetched_at>=?",
            (kind, subject, *FINAL, since),
        ).fetchone()
        return row is not None

    def reference_counts(self, paper_ids: Iterable[str]) -> dict[str, int | None]:
        """S2's ``referenceCount`` of each stored paper."""
        ids = list(paper_ids)
        counts: dict[str, int | None] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            counts.update(
                self.db.execute(
                    "SELECT paper_id, json_extract(data, '$.referenceCount') FROM papers "
                    f"WHERE paper_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
            )
        return counts

    def aliases(self) -> dict[str, tuple[str, AliasHow, float | None]]:
        """``{notes key: (paperId, how, match score)}`` for every accepted alias (not uncertain matches)."""
        rows = self.db.execute("SELECT * FROM aliases WHERE how != ?", (AliasHow.UNCERTAIN_MATCH,))
        return {ident: (pid, AliasHow(how), score) for ident, pid, how, score in rows}

    def uncertain_matches(self) -> dict[str, dict]:
        """``{notes key: {"paperId", "title", "matchScore"}}``: S2's candidates for titles that did not agree."""
        rows = self.db.execute(
            "SELECT a.identifier, a.paper_id, a.score, p.data FROM aliases a "
            "LEFT JOIN papers p ON p.paper_id = a.paper_id WHERE a.how = ?",
            (AliasHow.UNCERTAIN_MATCH,),
        )
        return {
            ident: {"paperId": pid, "title": json.loads(data).get("title") if data else None, "matchScore": score}
            for ident, pid, score, data in rows
        }

    def is_empty(self) -> bool:
        """Whether nothing was ever stored (no paper at all)."""
        return self.db.execute("SELECT 1 FROM papers LIMIT 1").fetchone() is None

    def papers(self) -> Iterator[tuple[str, dict, str]]:
        for paper_id, data, detail in self.db.execute("SELECT paper_id, data, detail FROM papers"):
            yield paper_id, _parsed(data), detail

    def edges(self) -> Iterator[tuple[str, str, bool | None, list | None, list | None, str]]:
        for citing, cited, influential, intents, contexts, origin in self.db.execute("SELECT * FROM edges"):
            yield (
                citing,
                cited,
                None if influential is None else bool(influential),
                _parsed(intents) if intents else None,
                _parsed(contexts) if contexts else None,
                origin,
            )

    def cited_by(self, citing_ids: Iterable[str]) -> set[str]:
        ids = list(citing_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.db.execute(f"SELECT cited FROM edges WHERE citing IN ({marks})", chunk))
        return found

    def unresolved_counts(self, origin: str = "references") -> dict[str, int]:
        rows = self.db.execute("SELECT citing, count(*) FROM unresolved WHERE origin=? GROUP BY citing", (origin,))
        return dict(rows.fetchall())

    def dropped_fields(self) -> dict[str, list[str]]:
        """``{paperId: names of the fields S2 sent with a wrong type}`` (stored as nulls), for coverage."""
        rows = self.db.execute(
            "SELECT paper_id, json_extract(data, '$.droppedFields') FROM papers "
            "WHERE json_extract(data, '$.droppedFields') IS NOT NULL"
        )
        return {paper_id: json.loads(names) for paper_id, names in rows}

    def paper(self, paper_id: str) -> dict | None:
        """One stored paper's data, None when it is not stored."""
        row = self.db.execute("SELECT data FROM papers WHERE paper_id=?", (paper_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def generation(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    # -- suggestions (S2's recommendations, kept so the page and `suggest --offline` need no network) --

    def record_suggestions(
        self,
        asked_at: str,
        scope: str,
        pool: str,
        positives: list[str],
        negatives: list[str],
        rows: list[tuple[str, dict, dict]],
    ) -> int:
        """One `suggest` answer: ``rows`` are (paperId, paper record, reasons), best first. Returns its run number."""
        with self._tx() as db:
            run = db.execute(
                "INSERT INTO suggestion_runs (asked_at, scope, pool, positives, negatives) VALUES (?,?,?,?,?)",
                (asked_at, scope, pool, _json(positives), _json(negatives)),
            ).lastrowid
            db.executemany(
                "INSERT INTO suggestions VALUES (?,?,?,?,?)",
                [(run, rank, pid, _json(paper), _json(reasons)) for rank, (pid, paper, reasons) in enumerate(rows)],
            )
        return run

    def suggestion_runs(self, scope: str | None = None, pool: str | None = None) -> list[tuple[int, str, str, str]]:
        """(run, asked_at, scope, pool) of every stored `suggest` answer, oldest first, optionally of one scope
        and pool."""
        try:
            rows = self.db.execute("SELECT run, asked_at, scope, pool FROM suggestion_runs ORDER BY run").fetchall()
        except sqlite3.OperationalError:  # a read-only store written before suggestions existed
            return []
        return [r for r in rows if (scope is None or r[2] == scope) and (pool is None or r[3] == pool)]

    def suggestions(self, run: int) -> list[tuple[str, dict, dict]]:
        """The (paperId, paper record, reasons) of one stored `suggest` answer, best first."""
        rows = self.db.execute("SELECT paper_id, data, reasons FROM suggestions WHERE run=? ORDER BY rank", (run,))
        return [(pid, json.loads(data), json.loads(reasons)) for pid, data, reasons in rows]

    # -- the history of builds: one compressed snapshot each (citegraph.history) ----------------------

    def record_snapshot(
        self,
        built_at: str,
        snapshot: bytes,
        keep: int | None = None,
        fold: Callable[[list[bytes], bytes], bytes] | None = None,
    ) -> int:
        """Store one build's snapshot; returns its build number. With ``keep``, only the last ``keep``
        builds stay: ``fold(dropped, oldest_kept)`` gives the oldest kept snapshot what it must inherit."""
        with self._tx(changes_graph=False) as db:
            build = db.execute("INSERT INTO builds (built_at, snapshot) VALUES (?,?)", (built_at, snapshot)).lastrowid
            if keep:
                rows = db.execute("SELECT build, snapshot FROM builds ORDER BY build").fetchall()
                dropped, kept = rows[:-keep], rows[-keep:]
                if dropped:
                    if fold:
                        db.execute(
                            "UPDATE builds SET snapshot=? WHERE build=?",
                            (fold([s for _, s in dropped], kept[0][1]), kept[0][0]),
                        )
                    db.execute("DELETE FROM builds WHERE build<=?", (dropped[-1][0],))
        return build

    def snapshots(self) -> list[tuple[int, str, bytes]]:
        """(build, built_at, snapshot) of every kept build, oldest first ([] for a store from before builds
        were kept)."""
        try:
            return self.db.execute("SELECT build, built_at, snapshot FROM builds ORDER BY build").fetchall()
        except sqlite3.OperationalError:  # a read-only store written before the history existed
            return []

    def update_papers(self, papers: Iterable[dict]) -> None:
        """Papers asked again (their counts may have grown): the new records replace the stored ones."""
        with self._tx() as db:
            self._upsert_papers(db, papers, "full")

    def papers_older_than(self, paper_ids: Iterable[str], before: float) -> list[str]:
        """Of these papers, those whose full record was stored before ``before`` (epoch seconds)."""
        ids = list(paper_ids)
        old: list[str] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            old += [
                r[0]
                for r in self.db.execute(
                    f"SELECT paper_id FROM papers WHERE detail='full' AND updated_at<? AND paper_id IN "
                    f"({','.join('?' * len(chunk))})",
                    (before, *chunk),
                )
            ]
        return sorted(old, key=ids.index)
