"""Writing what Semantic Scholar answered: one transaction per answer, as soon as it arrives, so an
interrupted build keeps everything it received and the next run asks only for what is missing."""

from __future__ import annotations

import time
from collections.abc import Iterable

from citegraph.s2.records import BatchPaper, LinksPage
from citegraph.store.connection import StoreConnection
from citegraph.store.schema import FINAL, AliasHow, FetchKind, FetchStatus, create_indexes, to_json


class StoreWrites(StoreConnection):
    """Papers, aliases, citation edges and the fetch log, written from S2's answers."""

    def _upsert_papers(self, db, papers: Iterable[dict], detail: str, replace_stubs: bool = False) -> None:
        """Full records replace what is stored; a stub never replaces a full record, and replaces a
        stub only when ``replace_stubs`` (a /references page's stub has more fields than a nested item's)."""
        now = time.time()
        rows = [(p["paperId"], to_json(p), detail, now) for p in papers if p and p.get("paperId")]
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
                    to_json(link.intents),
                    to_json(link.contexts),
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
                create_indexes(db)
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

    def update_papers(self, papers: Iterable[dict]) -> None:
        """Papers asked again (their counts may have grown): the new records replace the stored ones."""
        with self._tx() as db:
            self._upsert_papers(db, papers, "full")
