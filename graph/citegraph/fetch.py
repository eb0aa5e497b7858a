"""What to ask Semantic Scholar for, with the fewest requests, storing each answer as it arrives.

Plan for notes with N papers at depth 1, in two passes. The first view: ceil(N/500) batch requests
for metadata with each paper's nested references (no influence flags), and one title match per
title-only entry: enough for a first map. Then the flags: one /references request per paper (plus
one per extra 1000 references), the papers whose nested list may be cut (or that have none: title
matches) first, then the most useful ones first. Anything already stored (ok or not found) is not
asked again unless ``refresh``; failures are, and a paper whose pages were interrupted resumes at
the next page. After ``OUTAGE_FAILURES`` consecutive failed requests (for different papers) S2 is
taken to be down: the fetch stops and says where, keeping everything stored so far.

Two builds sharing a store claim each subject while they fetch it (``Store.claim``): a subject the
other build is fetching is skipped, and looked at again at the end of the pass (fetched by then,
or taken over when that build stopped).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from citegraph.constants import DEPTHS, MAX_CITATIONS, REFRESH_AFTER_DAYS, S2_LINKED_CAP, check_choice, check_range
from citegraph.errors import S2NoList, S2NotFound, S2Unavailable
from citegraph.notes.reader import Notes
from citegraph.s2.client import BATCH_SIZE, PAGE_SIZE, S2Client
from citegraph.s2.pacing import PACE_MARGIN
from citegraph.s2.records import Alert, Progress
from citegraph.store import Store
from citegraph.store.claims import new_owner
from citegraph.store.schema import FINAL, FetchKind, FetchStatus
from citegraph.text import short_title_key, title_key

OUTAGE_FAILURES = 3
CLAIM_POLL = 0.2  # seconds between looks at subjects another build is fetching


@dataclass
class FetchOptions:
    """What a build fetches; defaults and allowed values: `citegraph.constants` (a wrong one raises ValueError)."""

    depth: int = DEPTHS[0]
    citations: bool = False
    max_citations: int = MAX_CITATIONS
    refresh: bool = False
    refresh_after: float | None = REFRESH_AFTER_DAYS  # days; None: never ask again what is stored

    def __post_init__(self):
        check_choice("depth", self.depth, DEPTHS)
        check_range("max_citations", self.max_citations, 1)
        if self.refresh_after is not None:
            check_range("refresh_after", self.refresh_after, 0)


class _Outage(Exception):
    """Several requests in a row failed: S2 is not answering now."""


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def titles_agree(asked: str, found: str) -> bool:
    """Whether S2's matched title is the asked one, up to punctuation, case and a trailing subtitle.

    Example
    -------
    >>> titles_agree("LoRA", "LoRA: Low-Rank Adaptation of Large Language Models")
    True
    >>> titles_agree("Attention is all you need", "Attention Is Not All You Need")
    False
    """
    a, b = title_key(asked), title_key(found)
    if not a or not b:
        return False
    if a == b:
        return True
    # "Title: subtitle" against "Title": the short name before the colon must be the whole other title.
    heads = {short_title_key(t) for t in (asked, found) if ":" in t}
    return a in heads or b in heads


class Fetcher:
    """Fetches what the notes need into the store: :meth:`first_view`, then :meth:`finish`
    (:meth:`run` does both).

    ``stopped`` is set (to the failing request's reason) and ``stopped_at`` (epoch seconds) when the
    fetch stopped early because S2 stopped answering.
    """

    def __init__(self, store: Store, client: S2Client, options: FetchOptions, progress: Progress | None = None):
        self.store = store
        self.client = client
        self.options = options
        self.progress = progress or (lambda phase, done, total: None)
        self.stopped: str | None = None
        self.stopped_at: float | None = None
        self.yours: list[str] = []
        self._failures_in_a_row = 0
        self._owner = new_owner()
        self._started = time.time()
        self.rechecked: list[str] = []  # your papers whose metadata was asked again (refresh_after)
        self.grown: set[str] = set()  # of those, the papers with more citers now: their citations are asked again

    def _todo(self, subjects: list[str], kind: FetchKind) -> list[str]:
        """The subjects to ask for: all of them for a refresh, else those not stored yet."""
        if self.options.refresh:
            return list(dict.fromkeys(subjects))
        done = self.store.statuses(kind)
        again = self.grown if kind == FetchKind.CITATIONS else set()
        return [s for s in dict.fromkeys(subjects) if s not in done or done[s][0] not in FINAL or s in again]

    def _done(self, kind: FetchKind, subject: str) -> bool:
        """Stored meanwhile (by another build sharing the store): during a refresh, only since this build began."""
        again = kind == FetchKind.CITATIONS and subject in self.grown
        return self.store.finished(kind, subject, self._started if self.options.refresh or again else 0.0)

    def _claimed(self, subjects: list[str], kind: FetchKind, size: int = 1) -> Iterator[list[str]]:
        """The subjects still to fetch, in groups of at most ``size``, each group claimed for this build
        while the caller fetches it. Subjects another build holds are skipped, then waited for."""
        waiting = list(subjects)
        while waiting:
            skipped = []
            for start in range(0, len(waiting), size):
                chunk = waiting[start : start + size]
                claimed = self.store.claim(kind, chunk, self._owner)
                skipped += [s for s in chunk if s not in claimed]
                fresh = [s for s in claimed if not self._done(kind, s)]
                try:
                    if fresh:
                        yield fresh
                finally:
                    self.store.release(self._owner, kind, claimed)
            waiting = [s for s in skipped if not self._done(kind, s)]
            if waiting:
                time.sleep(CLAIM_POLL)

    def run(self, notes: Notes) -> None:
        """Everything the options ask for: :meth:`first_view`, then :meth:`finish`."""
        self.first_view(notes)
        if not self.stopped:
            self.finish()

    def first_view(self, notes: Notes) -> None:
        """Metadata with nested references (no influence flags) and title matches: a first map's worth."""
        with self._stopping_on_outage():
            ids = [entry.key for entry in notes.papers if entry.id]
            titles = {entry.key: entry.title for entry in notes.papers if not entry.id and entry.title}
            self._in_batches(
                ids,
                FetchKind.METADATA,
                "metadata",
                lambda batch: self.store.record_batch_references(self.client.papers_with_references(batch)),
            )
            self.match_titles(list(titles), titles)
        aliases = self.store.aliases()
        self.yours = list(dict.fromkeys(aliases[s][0] for s in ids + list(titles) if s in aliases))

    def pending(self, order: list[str] | None = None) -> list[str]:
        """Your papers whose influence flags (/references) are not stored yet: those whose references
        the batch may have cut (or did not give) first, then in ``order`` (most useful first)."""
        todo = self._todo(self.yours, FetchKind.REFERENCES)
        complete = {
            s
            for s, (status, _, _) in self.store.statuses(FetchKind.NESTED_REFERENCES).items()
            if status == FetchStatus.OK
        }
        rank = {paper: n for n, paper in enumerate(order or [])}
        return sorted(todo, key=lambda p: (p in complete, rank.get(p, len(rank))))

    def requests_to_finish(self, papers: list[str]) -> int:
        """/references requests these papers take: one per 1,000 references (S2 serves 9,999 at most)."""
        counts = self.store.reference_counts(papers)
        return sum(max(1, math.ceil(min(counts.get(p) or 0, S2_LINKED_CAP) / PAGE_SIZE)) for p in papers)

    def seconds_to_finish(self, papers: list[str]) -> float:
        return self.requests_to_finish(papers) * PACE_MARGIN / self.client.config.rps

    def finish(self, order: list[str] | None = None) -> None:
        """The influence flags of your papers (``order``: most useful first), then deeper references and
        citations as the options ask."""
        with self._stopping_on_outage():
            read = self.yours
            if self.options.citations:
                self.recheck_counts()
            self.fetch_links(self.pending(order), FetchKind.REFERENCES)
            frontier = read
            seen = set(read)
            for _ in range(2, self.options.depth + 1):
                frontier = sorted(self.store.cited_by(frontier) - seen)
                seen.update(frontier)
                self.fetch_nested_references(frontier)
            if self.options.citations:
                self.fetch_links(read, FetchKind.CITATIONS, self.options.max_citations)

    def recheck_counts(self) -> None:
        """Ask again, through the batch, for your papers whose stored record is older than ``refresh_after``
        days (not for those fetched by this build): a paper whose citation count grew has its citations
        asked again (its stored citers are kept; the pages add the new ones)."""
        if self.options.refresh or self.options.refresh_after is None:
            return
        before = min(time.time() - self.options.refresh_after * 86400, self._started)
        self.rechecked = self.store.papers_older_than(self.yours, before)
        counts = {p: (self.store.paper(p) or {}).get("citationCount") or 0 for p in self.rechecked}

        def ask_again(batch: list[str]) -> None:
            answers = self.client.papers(batch)
            self.store.update_papers(p for p in answers.values() if p)
            self.grown.update(
                p for p, paper in answers.items() if paper and (paper.get("citationCount") or 0) > counts[p]
            )

        for batch in _chunks(self.rechecked, BATCH_SIZE):
            try:
                ask_again(batch)
                self._answered()
            except S2Unavailable as exc:
                self._failures_in_a_row += 1
                if self._failures_in_a_row >= OUTAGE_FAILURES:
                    raise _Outage(str(exc)) from None

    @contextmanager
    def _stopping_on_outage(self):
        try:
            yield
        except _Outage as outage:
            self.stopped, self.stopped_at = str(outage), time.time()
        finally:
            self.store.release(self._owner)

    def _failed(self, subjects: list[str], kind: FetchKind, exc: S2Unavailable, resume_at: int | None = None) -> None:
        self.store.record_status(subjects, kind, FetchStatus.FAILED, str(exc), resume_at)
        self._failures_in_a_row += 1
        if self._failures_in_a_row >= OUTAGE_FAILURES:
            raise _Outage(str(exc))

    def _answered(self) -> None:
        self._failures_in_a_row = 0

    def _in_batches(
        self, subjects: list[str], kind: FetchKind, phase: str, fetch_and_store: Callable[[list[str]], None]
    ):
        todo = self._todo(subjects, kind)
        total = math.ceil(len(todo) / BATCH_SIZE)
        self.progress(phase, 0, total)
        for done, batch in enumerate(self._claimed(todo, kind, BATCH_SIZE), start=1):
            try:
                fetch_and_store(batch)
                self._answered()
            except S2Unavailable as exc:
                self._failed(batch, kind, exc)
            self.progress(phase, min(done, total), total)
        self.progress(phase, total, total)

    def match_titles(self, subjects: list[str], titles: dict[str, str]) -> None:
        todo = self._todo(subjects, FetchKind.MATCH)
        for done, (subject,) in enumerate(self._claimed(todo, FetchKind.MATCH)):
            self.progress("title matches", done, len(todo))
            try:
                paper = self.client.match_title(titles[subject])
                self._answered()
            except S2Unavailable as exc:
                self._failed([subject], FetchKind.MATCH, exc)
                continue
            agrees = paper is not None and titles_agree(titles[subject], paper.get("title") or "")
            self.store.record_match(subject, paper, agrees)
        self.progress("title matches", len(todo), len(todo))

    def fetch_links(self, paper_ids: list[str], kind: FetchKind, max_items: int | None = None) -> None:
        todo = self._todo(paper_ids, kind)
        phase = "influence flags" if kind == FetchKind.REFERENCES else str(kind)
        for done, (paper_id,) in enumerate(self._claimed(todo, kind)):
            self.progress(phase, done, len(todo))
            # A paper interrupted between pages (by this build or another) goes on from the next page; a
            # refresh starts over.
            status, _, resume_at = self.store.log_entry(kind, paper_id)
            resumes = not self.options.refresh and status in (FetchStatus.PARTIAL, FetchStatus.FAILED)
            start = (resume_at or 0) if resumes else 0
            count = (self.store.paper(paper_id) or {}).get(
                "referenceCount" if kind == FetchKind.REFERENCES else "citationCount"
            )
            try:
                for page in self.client.linked_pages(paper_id, kind, max_items, start, expected=count):
                    self.store.record_links_page(paper_id, kind, page)
                    start = page.next_offset or start
                self._answered()
            except S2NotFound as exc:
                self.store.record_status([paper_id], kind, FetchStatus.NOT_FOUND, str(exc))
                self._answered()
            except S2NoList as exc:  # S2 answers, just not for this paper: no sign of an outage
                self.store.record_status([paper_id], kind, FetchStatus.FAILED, str(exc), start or None)
                self.client.notice(Alert(str(exc)))
                self._answered()
            except S2Unavailable as exc:
                self._failed([paper_id], kind, exc, start or None)
        self.progress(phase, len(todo), len(todo))

    def fetch_nested_references(self, paper_ids: list[str]) -> None:
        self._in_batches(
            paper_ids,
            FetchKind.NESTED_REFERENCES,
            "deeper references",
            lambda batch: self.store.record_nested_references(self.client.nested_references(batch)),
        )
