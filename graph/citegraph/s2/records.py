"""What the S2 client hands on: plain records, free of S2's JSON and of the HTTP stack.

The store and the bulk extraction write these; only ``client`` and ``schema`` know S2's answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class Alert(str):
    """A notice line to show even when stderr is no terminal (an outage), not only over a progress bar."""


Notice = Callable[[str], None]  # called with one line to show (a retry's wait, an outage)
Progress = Callable[[str, int, int], None]  # called with (phase, done, total) while a long step runs


@dataclass(frozen=True)
class Link:
    """One citation: ``citing`` cites ``cited``, with S2's flags (None when S2 does not say)."""

    citing: str
    cited: str
    is_influential: bool | None
    intents: list[str] | None
    contexts: list[str] | None


@dataclass
class BatchPaper:
    """A paper from the batch with its nested references (which carry no influence flags).

    ``references``: the nested items (paperId None when S2 could not resolve one). ``complete`` is
    False when the list may be cut: 1,000 items or more, empty (unless referenceCount is 0), or
    much shorter than referenceCount; that paper's references must then be fetched page by page.
    """

    paper: dict
    references: list[dict]
    complete: bool


@dataclass
class LinksPage:
    """One page of a paper's references or citations, as plain records.

    ``papers`` are the linked papers (stub metadata), ``unresolved`` the titles of linked items S2
    has no paperId for (kept only to count them), ``next_offset`` where the next page starts (None
    on the last page), ``truncated_at`` set when paging stopped before the end, with
    ``truncated_reason``: S2 serves no more than 9,999 items per paper, and a ``next`` that does not
    move forward or pages beyond the paper's count are not followed (see :func:`paging_stop`).
    ``withheld``: S2 answered that the paper's publisher withholds its reference list (no items;
    S2 still counts them in the paper's ``referenceCount``).
    """

    offset: int
    papers: list[dict] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    unresolved: list[str | None] = field(default_factory=list)
    next_offset: int | None = None
    truncated_at: int | None = None
    truncated_reason: str | None = None
    withheld: bool = False
