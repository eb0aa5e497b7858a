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
import sqlite3
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from citegraph.datafiles import copy_regular
from citegraph.errors import NotesError
from citegraph.notes.entries import NoteEntry, Skipped
from citegraph.notes.reference_files import record_entry

# Item types that are parts of other items, never papers.
_NOT_PAPERS = ("note", "attachment", "annotation")
_FIELDS = ("title", "DOI", "url", "extra", "archiveID", "number", "publicationTitle", "repository")
# [ \t], not \s: \s also matches line breaks, and a run of them would be tried from every line.
_EXTRA_DOI = re.compile(r"(?im)^[ \t]*DOI:[ \t]*(10\.\S+)[ \t]*$")
_HTML_BREAKS = re.compile(r"(?i)<br\s*/?>|</(?:p|div|h[1-6]|li|blockquote|pre)>")


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


def read_zotero(source: ZoteroSource) -> tuple[list[NoteEntry], list[Skipped], list[str]]:
    """Every regular item of a Zotero library (or of one collection and its subcollections).

    Parameters
    ----------
    source : ZoteroSource
        The library and the optional collection name (case-insensitive).

    Returns
    -------
    (entries, skipped, warnings)
        One entry per item: DOI, arXiv id (``archiveID``, ``extra``, ``number``, the URL) or URL id, else
        its title; its collections and tags as topics (``to-read``/``unread`` tags make it queued), its
        child notes (as text) as the note, ``zotero:ITEMKEY`` as its source. Items in the trash and
        feed items are left out. A value of the wrong type (a note stored as a BLOB, a collection
        without a name) is left out with a warning naming the item; bytes that are not UTF-8 are
        replaced, with a warning.

    Raises
    ------
    NotesError
        No library there, it is not a Zotero database, or no collection has that name.

    Example
    -------
    >>> library = ZoteroSource(Path("~/Zotero").expanduser(), "Thesis")  # doctest: +SKIP
    >>> entries, skipped, warnings = read_zotero(library)  # doctest: +SKIP
    """
    database = zotero_database(source.path)
    with tempfile.TemporaryDirectory(prefix="citegraph-zotero-") as folder:
        copy = _snapshot(database, Path(folder))
        connection = sqlite3.connect(copy)
        reader = _ItemReader(database)
        connection.text_factory = reader.decode
        try:
            entries, skipped = _read_items(connection, source.collection, reader)
            return entries, skipped, reader.warnings()
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
            # Only regular files, and only the bytes they hold: a -wal linked to /dev/zero is refused.
            if companion.exists():
                copy_regular(companion, folder / companion.name)
    except OSError as exc:
        which = f"{exc.filename}: " if exc.filename and exc.filename != str(database) else ""
        raise NotesError(f"cannot read the Zotero library {database}: {which}{exc.strerror or exc}") from None
    return copy


def _table(connection: sqlite3.Connection, *names: str) -> str | None:
    """The first of ``names`` that exists (Zotero 5+ has ``…Combined`` tables, older versions do not)."""
    for name in names:
        if connection.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone():
            return name
    return None


class _ItemReader:
    """What reading one library left out or repaired, to warn about: values of the wrong type (a note
    stored as a BLOB, a collection without a name) and values whose bytes are not UTF-8."""

    def __init__(self, database: Path):
        self.database = database
        self.problems: list[str] = []
        self.replaced = 0

    def decode(self, data: bytes) -> str:
        """SQLite's text as str: invalid UTF-8 bytes are replaced instead of failing the whole query."""
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.replaced += 1
            return data.decode("utf-8", errors="replace")

    def text(self, value, what: str) -> str | None:
        """``value`` as text (numbers written out), or None with a warning for a BLOB or other type."""
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (int, float)):
            return str(value)
        self.problems.append(f"{self.database}: {what} is not text (a {type(value).__name__}); skipped")
        return None

    def warnings(self) -> list[str]:
        replaced = [f"{self.database}: {self.replaced} values are not valid UTF-8; invalid bytes replaced"]
        return self.problems + (replaced if self.replaced else [])


def _read_items(
    connection: sqlite3.Connection, collection: str | None, reader: _ItemReader
) -> tuple[list[NoteEntry], list[Skipped]]:
    database = reader.database
    types, fields = _table(connection, "itemTypesCombined", "itemTypes"), _table(connection, "fieldsCombined", "fields")
    if not types or not fields or not _table(connection, "items"):
        raise NotesError(f"{database} is not a Zotero database (no items, itemTypes or fields table)")
    hidden = [f"SELECT itemID FROM {t}" for t in ("deletedItems", "feedItems") if _table(connection, t)]
    items = _paper_items(connection, types, hidden)
    collection_rows = _collection_rows(connection, reader)
    collections = _collections_of(connection, collection_rows)
    if collection is not None:
        wanted = _collection_ids(collection_rows, collection, database)
        items = {i: k for i, k in items.items() if any(c in wanted for c, _ in collections.get(i, []))}
    values = _field_values(connection, fields, items, reader)
    tags = _item_tags(connection, items, reader)
    notes = _item_notes(connection, hidden, items, reader)

    entries, skipped = [], []
    for item_id, key in items.items():
        data = values.get(item_id, {})
        extra = data.get("extra", "")
        doi = data.get("DOI") or next(iter(_EXTRA_DOI.findall(extra)), None)
        topics = [name for _, name in collections.get(item_id, [])] + tags.get(item_id, [])
        entry = record_entry(
            f"zotero:{key}",
            data.get("title"),
            doi,
            [data["url"]] if data.get("url") else [],
            skipped,
            text_fields=[data.get("archiveID"), extra, data.get("number"), data.get("publicationTitle")],
            keywords=topics,
            note="\n".join(notes.get(item_id, [])),
        )
        if entry:
            entries.append(entry)
    return entries, skipped


def _paper_items(connection: sqlite3.Connection, types: str, hidden: list[str]) -> dict[int, str]:
    """itemID -> key of every item that may be a paper (not a note, an attachment, a deleted or feed item)."""
    return {
        item_id: key
        for item_id, key in connection.execute(
            f"SELECT i.itemID, i.key FROM items i JOIN {types} t ON t.itemTypeID = i.itemTypeID "
            f"WHERE t.typeName NOT IN ({','.join('?' * len(_NOT_PAPERS))})"
            + "".join(f" AND i.itemID NOT IN ({q})" for q in hidden),
            _NOT_PAPERS,
        )
    }


def _field_values(
    connection: sqlite3.Connection, fields: str, items: dict[int, str], reader: _ItemReader
) -> dict[int, dict[str, str]]:
    values: dict[int, dict[str, str]] = defaultdict(dict)
    for item_id, name, value in connection.execute(
        f"SELECT d.itemID, f.fieldName, v.value FROM itemData d JOIN {fields} f ON f.fieldID = d.fieldID "
        f"JOIN itemDataValues v ON v.valueID = d.valueID WHERE f.fieldName IN ({','.join('?' * len(_FIELDS))})",
        _FIELDS,
    ):
        if item_id not in items:  # a note's or attachment's field: not read, so not warned about
            continue
        text = reader.text(value, f"the {name} of item {items[item_id]}")
        if text is not None:
            values[item_id][name] = text
    return values


def _item_tags(connection: sqlite3.Connection, items: dict[int, str], reader: _ItemReader) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    for item_id, name in connection.execute(
        "SELECT it.itemID, t.name FROM itemTags it JOIN tags t ON t.tagID = it.tagID"
    ):
        name = reader.text(name, f"a tag of item {items[item_id]}") if item_id in items else None
        if name:
            tags[item_id].append(name)
    return tags


def _item_notes(
    connection: sqlite3.Connection, hidden: list[str], items: dict[int, str], reader: _ItemReader
) -> dict[int, list[str]]:
    notes: dict[int, list[str]] = defaultdict(list)
    for parent, note, key in connection.execute(
        "SELECT n.parentItemID, n.note, i.key FROM itemNotes n JOIN items i ON i.itemID = n.itemID "
        "WHERE n.parentItemID IS NOT NULL AND n.note IS NOT NULL"
        + "".join(f" AND n.itemID NOT IN ({q})" for q in hidden)
        + " ORDER BY n.itemID"
    ):
        note = reader.text(note, f"note {key} of item {items[parent]}") if parent in items else None
        text = _note_text(note) if note else None
        if text:
            notes[parent].append(text)
    return notes


def _collection_rows(connection: sqlite3.Connection, reader: _ItemReader) -> list[tuple[int, str, int | None]]:
    """(id, name, parent id) of every collection with a name; one without is left out, with a warning."""
    rows = []
    for collection_id, name, parent, key in connection.execute(
        "SELECT collectionID, collectionName, parentCollectionID, key FROM collections ORDER BY collectionName"
    ):
        if name is None or name == "":
            reader.problems.append(f"{reader.database}: collection {key} has no name; left out")
        name = reader.text(name, f"the name of collection {key}")
        if name:
            rows.append((collection_id, name, parent))
    return rows


def _collections_of(
    connection: sqlite3.Connection, rows: list[tuple[int, str, int | None]]
) -> dict[int, list[tuple[int, str]]]:
    """Each item's collections as (id, name), by name."""
    names = {collection_id: name for collection_id, name, _ in rows}
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for item_id, collection_id in connection.execute("SELECT itemID, collectionID FROM collectionItems"):
        if collection_id in names:
            found[item_id].append((collection_id, names[collection_id]))
    for memberships in found.values():
        memberships.sort(key=lambda membership: membership[1])
    return found


def _collection_ids(rows: list[tuple[int, str, int | None]], name: str, database: Path) -> set[int]:
    """The collections named ``name`` (any case) and all their subcollections."""
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
    """A Zotero note is HTML: keep its text, one line per paragraph.

    Tags are cut with ``find``, not a pattern: a pattern for ``<…>`` tried from each of a million
    ``<`` without a ``>`` would scan to the end every time (quadratic).
    """
    marked = _HTML_BREAKS.sub("\n", note)
    pieces, position = [], 0
    while True:
        start = marked.find("<", position)
        end = marked.find(">", start) if start >= 0 else -1
        if end < 0:
            pieces.append(marked[position:])
            break
        pieces.append(marked[position:start])
        position = end + 1
    lines = html.unescape("".join(pieces)).splitlines()
    return "\n".join(line for line in lines if line.strip()).strip()
