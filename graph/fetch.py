"""What to ask Semantic Scholar for, with the fewest requests, storing each answer as it arrives.

Plan for notes with N papers at depth 1: ceil(N/500) batch requests for metadata, one title match
per title-only entry, and one /references request per paper (plus one per extra 1000 references).
Anything already stored (ok or not found) is not asked again unless ``refresh``; failures are, and
a paper whose pages were interrupted resumes at the next page. After ``OUTAGE_FAILURES``
consecutive failed requests (for different papers) S2 is taken to be down: the fetch stops and
says where, keeping everything stored so far.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .constants import DEPTHS, MAX_CITATIONS, check_choice, check_range
from .entries import short_title_key, title_key
from .errors import S2NotFound, S2Unavailable
from .notes import Notes
from .s2 import BATCH_SIZE, S2Client
from .store import FINAL, FetchKind, FetchStatus, Store

OUTAGE_FAILURES = 3

Progress = Callable[[str, int, int], None]


@dataclass
class FetchOptions:
    """What a build fetches; defaults and allowed values: `citegraph.constants` (a wrong one raises ValueError)."""

    depth: int = DEPTHS[0]
    citations: bool = False
    max_citations: int = MAX_CITATIONS
    refresh: bool = False

    def __post_init__(self):
        check_choice("depth", self.depth, DEPTHS)
        check_range("max_citations", self.max_citations, 1)


class _Outage(Exception):
    """Several requests in a row failed: S2 is not answering now."""


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


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
    """Fetches what the notes need into the store.

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
        self._failures_in_a_row = 0

    def _todo(self, subjects: list[str], kind: FetchKind) -> tuple[list[str], dict[str, tuple]]:
        """The subjects to ask for, and the stored statuses that decided it (none read for a refresh)."""
        if self.options.refresh:
            return list(dict.fromkeys(subjects)), {}
        done = self.store.statuses(kind)
        return [s for s in dict.fromkeys(subjects) if s not in done or done[s][0] not in FINAL], done

    def run(self, notes: Notes) -> None:
        try:
            self._run(notes)
        except _Outage as outage:
            self.stopped, self.stopped_at = str(outage), time.time()

    def _run(self, notes: Notes) -> None:
        ids = [entry.key for entry in notes.papers if entry.id]
        titles = {entry.key: entry.title for entry in notes.papers if not entry.id and entry.title}
        self.fetch_metadata(ids)
        self.match_titles(list(titles), titles)
        aliases = self.store.aliases()
        read = list(dict.fromkeys(aliases[s][0] for s in ids + list(titles) if s in aliases))
        self.fetch_links(read, FetchKind.REFERENCES)
        frontier = read
        seen = set(read)
        for _ in range(2, self.options.depth + 1):
            frontier = sorted(self.store.cited_by(frontier) - seen)
            seen.update(frontier)
            self.fetch_nested_references(frontier)
        if self.options.citations:
            self.fetch_links(read, FetchKind.CITATIONS, self.options.max_citations)

    def _failed(self, subjects: list[str], kind: FetchKind, exc: S2Unavailable, resume_at: int | None = None) -> None:
        self.store.record_status(subjects, kind, FetchStatus.FAILED, str(exc), resume_at)
        self._failures_in_a_row += 1
        if self._failures_in_a_row >= OUTAGE_FAILURES:
            raise _Outage(str(exc))

    def _answered(self) -> None:
        self._failures_in_a_row = 0

    def fetch_metadata(self, ids: list[str]) -> None:
        self._in_batches(ids, FetchKind.METADATA, "metadata",
                         lambda batch: self.store.record_metadata(self.client.papers(batch)))

    def _in_batches(self, subjects: list[str], kind: FetchKind, phase: str,
                    fetch_and_store: Callable[[list[str]], None]):
        todo, _ = self._todo(subjects, kind)
        batches = _chunks(todo, BATCH_SIZE)
        for done, batch in enumerate(batches):
            self.progress(phase, done, len(batches))
            try:
                fetch_and_store(batch)
                self._answered()
            except S2Unavailable as exc:
                self._failed(batch, kind, exc)
        self.progress(phase, len(batches), len(batches))

    def match_titles(self, subjects: list[str], titles: dict[str, str]) -> None:
        todo, _ = self._todo(subjects, FetchKind.MATCH)
        for done, subject in enumerate(todo):
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
        todo, stored = self._todo(paper_ids, kind)
        for done, paper_id in enumerate(todo):
            self.progress(str(kind), done, len(todo))
            if not self.options.refresh and self.store.status(kind, paper_id) in FINAL:
                continue  # fetched meanwhile by another build sharing this data dir
            # A paper interrupted between pages goes on from the next page (a refresh read no statuses: it
            # starts over).
            status, _, resume_at = stored.get(paper_id, (None, None, None))
            start = (resume_at or 0) if status in (FetchStatus.PARTIAL, FetchStatus.FAILED) else 0
            count = (self.store.paper(paper_id) or {}).get(
                "referenceCount" if kind == FetchKind.REFERENCES else "citationCount")
            try:
                for page in self.client.linked_pages(paper_id, kind, max_items, start, expected=count):
                    self.store.record_links_page(paper_id, kind, page)
                    start = page.next_offset or start
                self._answered()
            except S2NotFound as exc:
                self.store.record_status([paper_id], kind, FetchStatus.NOT_FOUND, str(exc))
                self._answered()
            except S2Unavailable as exc:
                self._failed([paper_id], kind, exc, start or None)
        self.progress(str(kind), len(todo), len(todo))

    def fetch_nested_references(self, paper_ids: list[str]) -> None:
        self._in_batches(
            paper_ids, FetchKind.NESTED_REFERENCES, "deeper references",
            lambda batch: self.store.record_nested_references(self.client.nested_references(batch)))
