"""What the Crossref client hands on: plain records, free of Crossref's JSON and of the HTTP stack.

The store (:mod:`citegraph.crossref.stored`) writes these; only ``client`` and ``schema`` know Crossref's answers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from citegraph.constants import RETRACTING_KINDS


@dataclass(frozen=True)
class Update:
    """A notice Crossref records on a work: a retraction, correction, expression of concern, ….

    ``kind`` is Crossref's ``type`` (``expression_of_concern``, …), ``notice`` the notice's DOI,
    ``source`` who recorded it (``publisher`` or ``retraction-watch``), ``date`` ISO (``2010-02-06``,
    or shorter when Crossref gives only a year or a month).
    """

    kind: str
    notice: str | None
    source: str | None
    date: str | None

    @property
    def retracts(self) -> bool:
        return self.kind in RETRACTING_KINDS

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Reference:
    """One item of a work's reference list: its DOI when the publisher or Crossref matched one."""

    doi: str | None
    unstructured: str | None = None


@dataclass
class Work:
    """A Crossref work: its DOI (lower case), its notices, and its reference list (None: not asked
    for, or the publisher deposited none)."""

    doi: str
    updates: list[Update] = field(default_factory=list)
    references: list[Reference] | None = None
