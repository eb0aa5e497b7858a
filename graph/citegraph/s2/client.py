"""Semantic Scholar's Graph API calls citegraph makes: batch metadata (with nested references),
pages of references or citations, title match. Each is one request (or one per page) made through
:class:`~citegraph.s2.transport.Transport`; every answer is read through :mod:`citegraph.s2.schema`
before it is handed on, as plain records (:mod:`citegraph.s2.records`): only this module and the
schema know S2's JSON.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from citegraph.constants import S2_LINKED_CAP
from citegraph.errors import S2NoList, S2NotFound, S2Unavailable
from citegraph.s2 import schema

# The transport imports httpx only when a client is made: a build with nothing to fetch never pays for it.
from citegraph.s2.config import path_segment
from citegraph.s2.records import BatchPaper, Link, LinksPage
from citegraph.s2.transport import Transport

PAPER_FIELDS = [
    "title",
    "year",
    "authors",
    "venue",
    "externalIds",
    "citationCount",
    "influentialCitationCount",
    "referenceCount",
    "fieldsOfStudy",
    "url",
    "openAccessPdf",
    "publicationDate",
    "citationStyles",
    "publicationTypes",
    "journal",
]
# A linked paper (a reference or a citer) is stored as a stub: the detail only a full record carries
# (its reference count, BibTeX, journal, open access…) is not asked for.
FULL_RECORD_ONLY = {"referenceCount", "fieldsOfStudy", "openAccessPdf", "citationStyles", "publicationTypes", "journal"}
LINKED_PAPER_FIELDS = [field for field in PAPER_FIELDS if field not in FULL_RECORD_ONLY]
# Nested reference items carry no authors: 500 papers' lists must stay under the batch's 10 MB.
NESTED_FIELDS = [f"references.{f}" for f in ["paperId"] + LINKED_PAPER_FIELDS if f != "authors"]
NESTED_REFERENCE_FIELDS = ["title"] + NESTED_FIELDS
NESTED_CAP = 1000  # S2 cuts nested lists at this many items
NESTED_SHORT = 0.8  # a nested list shorter than this share of referenceCount is taken as cut
TOO_LARGE = "would exceed maximum size"  # S2's 400 for a batch answer over 10 MB
LINK_FIELDS = ["isInfluential", "intents", "contexts"]
_LINKED = {"references": "citedPaper", "citations": "citingPaper"}  # where a page item holds the other paper
BATCH_SIZE = 500
PAGE_SIZE = 1000
CAP_REACHED = f"S2 serves at most {S2_LINKED_CAP:,}"


class S2Client(Transport):
    """The calls citegraph needs, each one request (or one per page), each raising on failure."""

    def papers(self, ids: list[str], fields: list[str] = PAPER_FIELDS) -> dict[str, dict | None]:
        """Batch metadata: ``{requested id: paper dict, or None when S2 does not know the id}``.

        Raises S2Unavailable when no well-formed answer came within ``max_wait``.
        """
        if not 0 < len(ids) <= BATCH_SIZE:
            raise ValueError(f"a batch takes 1 to {BATCH_SIZE} ids, not {len(ids)}")
        nested = any(f.startswith("references.") for f in fields)
        try:
            answer = self.request_json(
                "POST",
                "/paper/batch",
                {"fields": ",".join(fields)},
                {"ids": list(ids)},
                read=lambda body: schema.batch_papers(body, len(ids), self.tally, nested),
            )
        except S2NotFound as exc:  # a batch answers null for unknown ids: a 404 is no answer at all
            raise S2Unavailable(f"unexpected answer from Semantic Scholar (HTTP 404: {exc})") from None
        return dict(zip(ids, answer))

    def papers_with_references(self, ids: list[str]) -> dict[str, BatchPaper | None]:
        """Batch metadata with each paper's nested references: ``{requested id: BatchPaper, or None}``.

        A batch whose answer S2 finds too large (HTTP 400 "would exceed maximum size") is asked
        again in halves; a single paper that is still too large comes without references (incomplete).
        """
        try:
            answers = self.papers(ids, PAPER_FIELDS + NESTED_FIELDS)
        except S2Unavailable as exc:
            if TOO_LARGE not in str(exc):
                raise
            if len(ids) == 1:
                paper = self.papers(ids)[ids[0]]
                return {ids[0]: None if paper is None else BatchPaper(paper, [], False)}
            half = len(ids) // 2
            return {**self.papers_with_references(ids[:half]), **self.papers_with_references(ids[half:])}
        return {identifier: None if paper is None else _batch_paper(paper) for identifier, paper in answers.items()}

    def nested_references(self, ids: list[str]) -> dict[str, list[dict] | None]:
        """Depth >= 2: ``{paperId: its references (paper dicts, paperId None when unresolved) or None}``."""
        return {
            paper_id: None if paper is None else paper["references"]
            for paper_id, paper in self.papers(ids, NESTED_REFERENCE_FIELDS).items()
        }

    def linked_pages(
        self, paper_id: str, direction: str, max_items: int | None = None, start: int = 0, expected: int | None = None
    ) -> Iterator[LinksPage]:
        """Pages of ``/references`` or ``/citations`` from offset ``start``, following ``next``
        while :func:`paging_stop` allows (``expected``: the paper's referenceCount or citationCount).

        Raises S2NotFound when S2 has no such paper, S2Unavailable when a page cannot be had.
        """
        other = _LINKED[direction]
        fields = ",".join(LINK_FIELDS + LINKED_PAPER_FIELDS)
        offset = reached = max(0, start)
        pages = 0
        while True:
            limit = PAGE_SIZE if max_items is None else min(PAGE_SIZE, max_items - offset)
            try:
                rows, following = self.request_json(
                    "GET",
                    f"/paper/{path_segment(paper_id)}/{direction}",
                    {"fields": fields, "offset": offset, "limit": limit},
                    None,
                    read=lambda body: schema.links_page(body, other, self.tally),
                )
            except schema.NoList as answer:
                if direction == "references" and "references" in answer.elided:
                    yield LinksPage(offset, withheld=True)
                    return
                raise S2NoList(
                    f"Semantic Scholar answered no {direction} list for {paper_id} (data null, "
                    f"{answer}); the next build asks again"
                ) from None
            page = _links_page(paper_id, direction, offset, rows)
            pages += 1
            if max_items is not None and following is not None and following >= max_items:
                following = None
            # Past its cap S2 answers an empty page, not an error: what we have is all there is.
            empty = not rows and offset > 0
            stop = paging_stop(offset, following, pages, expected)
            if empty or stop:
                page.truncated_at = reached if empty else offset + len(rows)
                page.truncated_reason = (
                    f"truncated by S2 at {page.truncated_at:,}"
                    if empty or stop == CAP_REACHED
                    else f"truncated at {page.truncated_at:,}: {stop}"
                )
                following = None
            reached = offset + len(rows)
            page.next_offset = following
            yield page
            if following is None:
                return
            offset = following

    def match_title(self, title: str) -> dict | None:
        """The paper S2 matches to a title (with ``matchScore``), or None when it matches none."""
        try:
            return self.request_json(
                "GET",
                "/paper/search/match",
                {"query": title, "fields": ",".join(PAPER_FIELDS)},
                None,
                read=lambda body: schema.title_match(body, self.tally),
            )
        except S2NotFound:
            return None


def paging_stop(offset: int, following: int | None, pages: int, expected: int | None) -> str | None:
    """Why the page at ``following`` must not be asked for (None: ask for it, or there is none).

    ``next`` must move forward and stay under S2's cap of 9,999 items, and a paper gets no more
    pages than its count of ``expected`` items fills (plus one: counts lag), so no server can make a
    fetch loop. Called by the fetch loop after each page; ``pages`` is how many it has asked for.

    Example
    -------
    >>> paging_stop(1000, 1000, 2, None)
    'its next page (1,000) does not move past 1,000'
    >>> paging_stop(0, 1000, 1, 5000) is None
    True
    """
    if following is None:
        return None
    if following <= offset:
        return f"its next page ({following:,}) does not move past {offset:,}"
    if following >= S2_LINKED_CAP:
        return CAP_REACHED
    allowed = math.ceil(min(S2_LINKED_CAP, max(0, expected if expected is not None else S2_LINKED_CAP)) / PAGE_SIZE) + 1
    if pages >= allowed:
        return (
            f"more than the {allowed} pages its count of {expected if expected is not None else 'at most 9,999'} needs"
        )
    return None


def _batch_paper(answer: dict) -> BatchPaper:
    paper = {k: v for k, v in answer.items() if k != "references"}
    references = [r for r in answer.get("references") or [] if isinstance(r, dict)]
    expected = paper.get("referenceCount")
    cut = (
        len(references) >= NESTED_CAP
        or (not references and expected != 0)
        or (isinstance(expected, int) and len(references) < NESTED_SHORT * expected)
    )
    return BatchPaper(paper, references, not cut)


def _links_page(paper_id: str, direction: str, offset: int, rows: list[tuple[dict, dict]]) -> LinksPage:
    page = LinksPage(offset)
    for linked, flags in rows:
        if not linked.get("paperId"):
            page.unresolved.append(linked.get("title"))
            continue
        page.papers.append(linked)
        citing, cited = (paper_id, linked["paperId"]) if direction == "references" else (linked["paperId"], paper_id)
        page.links.append(Link(citing, cited, flags.get("isInfluential"), flags.get("intents"), flags.get("contexts")))
    return page


def parse_links_page(
    paper_id: str, direction: str, offset: int, rows: list[dict], tally: schema.Tally | None = None
) -> LinksPage:
    """The items of a /references (or /citations) page of ``paper_id``, checked, as plain records."""
    checked, _ = schema.links_page({"data": rows}, _LINKED[direction], tally or schema.Tally())
    return _links_page(paper_id, direction, offset, checked)
