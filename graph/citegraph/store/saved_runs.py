"""What citegraph's own commands keep in the store: each `suggest` answer (so the page and
`suggest --offline` need no network) and each build's compressed snapshot (citegraph.history)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from citegraph.store.connection import StoreConnection
from citegraph.store.schema import to_json


class StoreSavedRuns(StoreConnection):
    """Stored `suggest` answers and build snapshots."""

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
                (asked_at, scope, pool, to_json(positives), to_json(negatives)),
            ).lastrowid
            db.executemany(
                "INSERT INTO suggestions VALUES (?,?,?,?,?)",
                [(run, rank, pid, to_json(paper), to_json(reasons)) for rank, (pid, paper, reasons) in enumerate(rows)],
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
