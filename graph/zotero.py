"""A Zotero library (``zotero.sqlite``) -> paper entries, read without disturbing a running Zotero.

Zotero keeps its database open and locked while it runs. citegraph never opens that file with
SQLite: it copies the database (with its ``-journal``/``-wal`` file, so a write in progress is rolled
back or applied in the copy, never half-read) into a temporary folder and reads the copy. Zotero
sees no lock, no new file and no change.

Tables and columns used (Zotero's published schema, ``resource/schema/userdata.sql`` and
``system.sql`` in github.com/zotero/zotero): items, itemTypes(Combined), fields(Combined),
itemData, itemDataValues, itemNotes, tags, itemTags, collections, collectionItems, deletedItems.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .entries import NoteEntry, Skipped
from .errors import NotesError
from .reference_files import record_entry

# Item types that are parts of other items, never papers.
_NOT_PAPERS = ("note", "attachment", "annotation")
_FIELDS = ("title", "DOI", "url", "extra", "archiveID", "number", "publicationTitle", "repository")
_EXTRA_DOI = re.compile(r"(?im)^\s*DOI:\s*(10\.\S+)\s*$")
_HTML_BREAKS = re.compile(r"(?i)<br\s*/?>|</(?:p|div|h[1-6]|li|blockquote|pre)>")
_HTML_TAGS = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class ZoteroSource:
    """Where the Zotero library is (None: the default location) and, optionally, the one collection to read."""

    path: Path | None = None
    collection: str | None = None


def default_zotero_path() -> Path:
    """Zotero's default data folder: ``%USERPROFILE%\\Zotero`` on Windows, ``~/Zotero`` on macOS and Linux."""
    home = Path(os.environ.get("USERPROFILE") or Path.home()) if sys.platform == "win32" else Path.home()
    return home / "Zotero" / "zotero.sqlite"


def zotero_database(path: Path | None) -> Path:
    """The ``zotero.sqlite`` file named by ``path`` (the file or its folder; None: the default location).

    Raises
    ------
    NotesError
        There is no Zotero database there.
    """
    database = Path(path) if path else default_zotero_path()
    if database.is_dir():
        database = database / "zotero.sqlite"
    if not database.is_file():
        raise NotesError(f"no Zotero library at {database}; give its path: --zotero PATH/TO/zotero.sqlite")
    return database


def read_zotero(source: ZoteroSource) -> tuple[list[NoteEntry], list[Skipped]]:
    """Every regular item of a Zotero library (or of one collection and its subcollections).

    Parameters
    ----------
    source : ZoteroSource
        The library and the optional collection name (case-insensitive).

    Returns
    -------
    (entries, skipped)
        One entry per item: DOI, arXiv id (``archiveID``, ``extra``, ``number``, the URL) or URL id, else
        its title; its collections and tags as topics (``to-read``/``unread`` tags make it queued), its
        child notes (as text) as the note, ``zotero:ITEMKEY`` as its source. Items in the trash and
        feed items are left out.

    Raises
    ------
    NotesError
        No library there, it is not a Zotero database, or no collection has that name.

    Example
    -------
    >>> entries, skipped = read_zotero(ZoteroSource(Path("~/Zotero").expanduser(), "Thesis"))  # doctest: +SKIP
    """
    database = zotero_database(source.path)
    with tempfile.TemporaryDirectory(prefix="citegraph-zotero-") as folder:
        copy = _snapshot(database, Path(folder))
        connection = sqlite3.connect(copy)
        try:
            return _read_items(connection, source.collection, database)
        except sqlite3.DatabaseError as exc:
            raise NotesError(f"{database} is not a readable Zotero database ({exc})") from None
        finally:
            connection.close()


def _snapshot(database: Path, folder: Path) -> Path:
    """Copy the database and its journal or WAL: SQLite opening the copy recovers a consistent state."""
    copy = folder / database.name
    try:
        for suffix in ("-wal", "-journal", ""):
            companion = database.with_name(database.name + suffix)
            if companion.exists():
                shutil.copyfile(companion, folder / companion.name)
    except OSError as exc:
        raise NotesError(f"cannot read the Zotero library {database}: {exc.strerror or exc}") from None
    return copy


def _table(connection: sqlite3.Connection, *names: str) -> str | None:
    """The first of ``names`` that exists (Zotero 5+ has ``…Combined`` tables, older versions do not)."""
    for name in names:
        if connection.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone():
            return name
    return None


def _read_items(connection: sqlite3.Connection, collection: str | None,
                database: Path) -> tuple[list[NoteEntry], list[Skipped]]:
    types, fields = _table(connection, "itemTypesCombined", "itemTypes"), _table(connection, "fieldsCombined", "fields")
    if not types or not fields or not _table(connection, "items"):
        raise NotesError(f"{database} is not a Zotero database (no items, itemTypes or fields table)")
    hidden = [f"SELECT itemID FROM {t}" for t in ("deletedItems", "feedItems") if _table(connection, t)]
    items = {
        item_id: key for item_id, key in connection.execute(
            f"SELECT i.itemID, i.key FROM items i JOIN {types} t ON t.itemTypeID = i.itemTypeID "
            f"WHERE t.typeName NOT IN ({','.join('?' * len(_NOT_PAPERS))})"
            + "".join(f" AND i.itemID NOT IN ({q})" for q in hidden), _NOT_PAPERS)
    }
    collections = _collections_of(connection)
    if collection is not None:
        wanted = _collection_ids(connection, collection, database)
        items = {i: k for i, k in items.items() if any(c in wanted for c, _ in collections.get(i, []))}

    values: dict[int, dict[str, str]] = defaultdict(dict)
    for item_id, name, value in connection.execute(
            f"SELECT d.itemID, f.fieldName, v.value FROM itemData d JOIN {fields} f ON f.fieldID = d.fieldID "
            f"JOIN itemDataValues v ON v.valueID = d.valueID WHERE f.fieldName IN ({','.join('?' * len(_FIELDS))})",
            _FIELDS):
        values[item_id][name] = str(value)
    tags: dict[int, list[str]] = defaultdict(list)
    for item_id, name in connection.execute("SELECT it.itemID, t.name FROM itemTags it JOIN tags t ON t.tagID = it.tagID"):
        tags[item_id].append(name)
    notes: dict[int, list[str]] = defaultdict(list)
    for parent, note in connection.execute(
            "SELECT n.parentItemID, n.note FROM itemNotes n WHERE n.parentItemID IS NOT NULL AND n.note IS NOT NULL"
            + "".join(f" AND n.itemID NOT IN ({q})" for q in hidden) + " ORDER BY n.itemID"):
        text = _note_text(note)
        if text:
            notes[parent].append(text)

    entries, skipped = [], []
    for item_id, key in items.items():
        data = values.get(item_id, {})
        extra = data.get("extra", "")
        doi = data.get("DOI") or next(iter(_EXTRA_DOI.findall(extra)), None)
        topics = [name for _, name in collections.get(item_id, [])] + tags.get(item_id, [])
        entry = record_entry(f"zotero:{key}", data.get("title"), doi, [data["url"]] if data.get("url") else [], skipped,
                             text_fields=[data.get("archiveID"), extra, data.get("number"), data.get("publicationTitle")],
                             keywords=topics, note="\n".join(notes.get(item_id, [])))
        if entry:
            entries.append(entry)
    return entries, skipped


def _collections_of(connection: sqlite3.Connection) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for item_id, collection_id, name in connection.execute(
            "SELECT ci.itemID, c.collectionID, c.collectionName FROM collectionItems ci "
            "JOIN collections c ON c.collectionID = ci.collectionID ORDER BY c.collectionName"):
        found[item_id].append((collection_id, name))
    return found


def _collection_ids(connection: sqlite3.Connection, name: str, database: Path) -> set[int]:
    """The collections named ``name`` (any case) and all their subcollections."""
    rows = connection.execute("SELECT collectionID, collectionName, parentCollectionID FROM collections").fetchall()
    wanted = {cid for cid, cname, _ in rows if cname.casefold() == name.casefold()}
    if not wanted:
        names = sorted({cname for _, cname, _ in rows})
        listed = ", ".join(names[:20]) + (f" (+{len(names) - 20} more)" if len(names) > 20 else "")
        raise NotesError(f"no Zotero collection named {name!r} in {database}; collections: {listed or 'none'}")
    children: dict[int, list[int]] = defaultdict(list)
    for cid, _, parent in rows:
        if parent is not None:
            children[parent].append(cid)
    stack = list(wanted)
    while stack:
        for child in children[stack.pop()]:
            if child not in wanted:
                wanted.add(child)
                stack.append(child)
    return wanted


def _note_text(note: str) -> str:
    """A Zotero note is HTML: keep its text, one line per paragraph."""
    text = html.unescape(_HTML_TAGS.sub("", _HTML_BREAKS.sub("\n", note)))
    return _BLANK_LINES.sub("\n", text).strip()
