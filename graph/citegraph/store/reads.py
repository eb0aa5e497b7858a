"""Reading the store: the fetch log, aliases, papers and edges, as the fetch, the coverage report
and the graph's assembly ask for them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from citegraph.store.connection import StoreConnection
from citegraph.store.schema import FINAL, AliasHow, FetchKind, FetchStatus, from_json


class StoreReads(StoreConnection):
    """Questions asked of what is stored."""

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
            yield paper_id, from_json(data), detail

    def edges(self) -> Iterator[tuple[str, str, bool | None, list | None, list | None, str]]:
        for citing, cited, influential, intents, contexts, origin in self.db.execute("SELECT * FROM edges"):
            yield (
                citing,
                cited,
                None if influential is None else bool(influential),
                from_json(intents) if intents else None,
                from_json(contexts) if contexts else None,
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
