"""Opening the store's file: created if missing, read-only when its folder or file is, checked to be
citegraph's, migrated, in WAL mode so two builds can share it; and the one write transaction every
change goes through, with the errors a damaged file, a full disk or a lock turn into.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from citegraph.errors import StoreError
from citegraph.store.schema import APPLICATION_ID, SCHEMA, SCHEMA_VERSION, migrate


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


class StoreConnection:
    """The open SQLite file under every part of `citegraph.store.Store` (see there for what opening
    it may raise)."""

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
            migrate(self.db)
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
