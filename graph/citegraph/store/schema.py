"""What the store holds: its tables, the words its columns use, how values are kept in them, and
the one migration from an older schema."""

from __future__ import annotations

import json
from enum import StrEnum

import orjson

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


def migrate(db) -> None:
    """Bring a schema-1 store's fetch log to schema 2 (its status check lacked 'withheld'); SQLite
    cannot change a CHECK in place, so the table is copied."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='fetch_log'").fetchone()
    if row is None or "'withheld'" in row[0]:
        return
    db.execute("ALTER TABLE fetch_log RENAME TO fetch_log_v1")
    db.execute(SCHEMA[SCHEMA.index("CREATE TABLE IF NOT EXISTS fetch_log") :].split(";")[0])
    db.execute("INSERT INTO fetch_log SELECT * FROM fetch_log_v1")
    db.execute("DROP TABLE fetch_log_v1")


def create_indexes(db) -> None:
    """(Re)create the secondary indexes SCHEMA declares."""
    for statement in filter(str.strip, SCHEMA.split(";")):
        if "CREATE INDEX" in statement:
            db.execute(statement)


def from_json(text: str):
    """Stored JSON back as values: orjson for speed (a build reads every stored row), json for what
    only it reads (NaN, which json.dumps may have written)."""
    if text == "[]":  # most stored intents and contexts
        return []
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def to_json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)
