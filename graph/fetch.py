"""What to ask Semantic Scholar for, with the fewest requests, storing each answer as it arrives.

Plan for notes with N papers at depth 1: ceil(N/500) batch requests for metadata, one title match
per title-only entry, and one /references request per paper (plus one per extra 1000 references).
Anything already stored (ok or not found) is not asked again unless ``refresh``; failures are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import S2NotFound, S2Unavailable
from .notes import Notes
from .s2 import BATCH_SIZE, LINKED_PAPER_FIELDS, S2Client
from .store import Store

DONE = {"ok", "not_found"}
NESTED_FIELDS = ["title"] + [f"references.{f}" for f in ["paperId"] + LINKED_PAPER_FIELDS if f != "authors"]

Progress = Callable[[str, int, int], None]


@dataclass
class FetchOptions:
    depth: int = 1
    citations: bool = False
    max_citations: int = 1000
    refresh: bool = False


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


class Fetcher:
    def __init__(self, store: Store, client: S2Client, options: FetchOptions, progress: Progress | None = None):
        self.store = store
        self.client = client
        self.options = options
        self.progress = progress or (lambda phase, done, total: None)

    def _todo(self, subjects: list[str], what: str) -> list[str]:
        if self.options.refresh:
            return list(dict.fromkeys(subjects))
        done = self.store.statuses(what)
        return [s for s in dict.fromkeys(subjects) if done.get(s, ("missing",))[0] not in DONE]

    def run(self, notes: Notes) -> None:
        ids = [entry.key for entry in notes.papers if entry.id]
        titles = {entry.key: entry.title for entry in notes.papers if not entry.id and entry.title}
        self.fetch_metadata(ids)
        self.match_titles(list(titles), titles)
        aliases = self.store.aliases()
        read = list(dict.fromkeys(aliases[s][0] for s in ids + list(titles) if s in aliases))
        self.fetch_links(read, "references")
        frontier = read
        seen = set(read)
        for _ in range(2, self.options.depth + 1):
            frontier = sorted(self.store.cited_by(frontier) - seen)
            seen.update(frontier)
            self.fetch_nested_references(frontier)
        if self.options.citations:
            self.fetch_links(read, "citations", self.options.max_citations)

    def fetch_metadata(self, ids: list[str]) -> None:
        self._in_batches(self._todo(ids, "metadata"), "metadata", "metadata",
                         lambda batch: self.store.record_metadata(self.client.papers(batch)))

    def _in_batches(self, todo: list[str], what: str, phase: str, fetch_and_store: Callable[[list[str]], None]):
        batches = _chunks(todo, BATCH_SIZE)
        for done, batch in enumerate(batches):
            self.progress(phase, done, len(batches))
            try:
                fetch_and_store(batch)
            except S2Unavailable as exc:
                self.store.record_status(batch, what, "failed", str(exc))
        self.progress(phase, len(batches), len(batches))

    def match_titles(self, subjects: list[str], titles: dict[str, str]) -> None:
        todo = self._todo(subjects, "match")
        for done, subject in enumerate(todo):
            self.progress("title matches", done, len(todo))
            try:
                self.store.record_match(subject, self.client.match_title(titles[subject]))
            except S2Unavailable as exc:
                self.store.record_status([subject], "match", "failed", str(exc))
        self.progress("title matches", len(todo), len(todo))

    def fetch_links(self, paper_ids: list[str], direction: str, max_items: int | None = None) -> None:
        todo = self._todo(paper_ids, direction)
        for done, paper_id in enumerate(todo):
            self.progress(direction, done, len(todo))
            try:
                for number, page in enumerate(self.client.linked_pages(paper_id, direction, max_items)):
                    self.store.record_links_page(paper_id, direction, page, first=number == 0)
                self.store.complete_links(paper_id, direction)
            except S2NotFound as exc:
                self.store.record_status([paper_id], direction, "not_found", str(exc))
            except S2Unavailable as exc:
                self.store.record_status([paper_id], direction, "failed", str(exc))
        self.progress(direction, len(todo), len(todo))

    def fetch_nested_references(self, paper_ids: list[str]) -> None:
        self._in_batches(
            self._todo(paper_ids, "nested_references"), "nested_references", "deeper references",
            lambda batch: self.store.record_nested_references(self.client.papers(batch, fields=NESTED_FIELDS)))
