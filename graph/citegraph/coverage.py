"""The coverage report: for every notes entry, what Semantic Scholar gave us and what is missing.

"Rate limited" or "not fetched" is always a failure with its reason, never zero references.
``coverage.json`` is :meth:`CoverageReport.to_dict` of the report, written in one place
(:func:`write_report`).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from citegraph.datafiles import NotRegularFile, read_regular
from citegraph.errors import CoverageDamaged
from citegraph.notes.reader import Notes
from citegraph.store import Store
from citegraph.store.schema import AliasHow, FetchKind, FetchStatus
from citegraph.text import withheld_words


class CoverageStatus(StrEnum):
    """What S2 gave for a notes entry; a str, so the report's JSON holds the plain words."""

    OK = "ok"
    TITLE_MATCHED = "title_matched"
    UNCERTAIN_MATCH = "uncertain_match"  # S2's best title match has another title: not counted as read
    NOT_FOUND = "not_found"
    SKIPPED = "skipped"
    FAILED = "failed"


# The entries that name a paper S2 did not give us: build lists them.
UNRESOLVED = (CoverageStatus.FAILED, CoverageStatus.NOT_FOUND, CoverageStatus.UNCERTAIN_MATCH)


@dataclass
class CoverageRow:
    """One notes entry (or skipped link) and what S2 gave for it.

    Fields
    ------
    id, title : the entry as the notes name it (a skipped link: its URL as title).
    status : a ``CoverageStatus``. ``uncertain_match``: S2's best title match has another title;
        it is not counted as read (see ``candidate``).
    reason : why it is not ``ok``, or a remark (a match score, a truncation by S2).
    paperId : the S2 paper, once resolved.
    references, unresolved_references : stored references (with and without an S2 paperId).
    candidate : for ``uncertain_match``, S2's candidate ``{"paperId", "title", "matchScore"}``.
    flags_pending : its references come from the batch (influence unknown) or are still to come:
        its /references (with S2's influence flags) are not stored yet; ``citegraph build`` fetches them.
    references_withheld : the publisher does not let S2 give this paper's references (asked once,
        final: not failed, not pending); ``references`` is 0 and ``reference_count`` is S2's count of them.
    reference_count : S2's ``referenceCount`` of a paper whose references are withheld (else None).
    """

    id: str | None
    title: str | None
    status: CoverageStatus = CoverageStatus.FAILED
    reason: str | None = None
    paperId: str | None = None
    references: int | None = None
    unresolved_references: int | None = None
    candidate: dict | None = None
    flags_pending: bool = False
    references_withheld: bool = False
    reference_count: int | None = None


@dataclass
class CoverageReport:
    """Every row, and totals per status plus references, unresolved references and requests made.

    ``dropped_fields`` names, per paperId, the fields Semantic Scholar sent with a wrong type (stored
    as null); ``totals["dropped_fields"]`` counts them and ``totals["papers_with_dropped_fields"]``
    the papers. ``versions`` lists the S2 records merged as versions of one paper (`version_rows`),
    ``totals["versions_merged"]`` counts the records merged away.
    """

    entries: list[CoverageRow] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    dropped_fields: dict[str, list[str]] = field(default_factory=dict)
    crossref: dict | None = None  # what Crossref added and what is missing (citegraph.crossref.report)
    versions: list[dict] = field(default_factory=list)

    @property
    def papers(self) -> int:
        """Entries that name a paper (skipped links left out)."""
        return sum(1 for e in self.entries if e.status != CoverageStatus.SKIPPED)

    @property
    def resolved(self) -> int:
        """Papers resolved and fetched (ok or title-matched)."""
        return sum(1 for e in self.entries if e.status in (CoverageStatus.OK, CoverageStatus.TITLE_MATCHED))

    def to_dict(self) -> dict:
        return {
            "entries": [asdict(e) for e in self.entries],
            "totals": self.totals,
            "dropped_fields": self.dropped_fields,
            "versions": self.versions,
            **({"crossref": self.crossref} if self.crossref else {}),
        }


def coverage(store: Store, notes: Notes, offline: bool = False, flags_to_come: bool = False) -> CoverageReport:
    """What S2 gave for each notes entry, from the store's fetch log.

    A paper whose /references (with the influence flags) are not stored is ``failed`` (not
    fetched), unless ``flags_to_come`` (a first view, a ``--quick`` or interrupted build): then
    it is ok with ``flags_pending``, its references counted from the batch's nested list.
    """
    log = FetchLog.read(store, "not fetched yet (offline build)" if offline else "not fetched")
    entries = [_entry_row(entry, log, flags_to_come) for entry in notes.papers]
    entries += [CoverageRow(None, skip.url, CoverageStatus.SKIPPED, skip.reason) for skip in notes.skipped]
    dropped = store.dropped_fields()
    return CoverageReport(entries, _totals(entries, dropped), dropped)


@dataclass
class FetchLog:
    """The store's fetch log, read once per report; ``missing`` is the reason for what was never asked."""

    aliases: dict
    uncertain: dict
    metadata: dict
    matches: dict
    references: dict
    nested: dict
    unresolved: dict
    withheld_counts: dict  # S2's referenceCount of each paper whose references its publisher withholds
    missing: str

    @classmethod
    def read(cls, store: Store, missing: str) -> FetchLog:
        references = store.statuses(FetchKind.REFERENCES)
        withheld = store.reference_counts(
            pid for pid, status in references.items() if status[0] == FetchStatus.WITHHELD
        )
        return cls(
            store.aliases(),
            store.uncertain_matches(),
            store.statuses(FetchKind.METADATA),
            store.statuses(FetchKind.MATCH),
            references,
            store.statuses(FetchKind.NESTED_REFERENCES),
            store.unresolved_counts(),
            withheld,
            missing,
        )


def _entry_row(entry, log: FetchLog, flags_to_come: bool) -> CoverageRow:
    """One entry of the notes: found or not, by id or title, and why."""
    subject = entry.key
    row = CoverageRow(entry.id, entry.title)
    status, reason, _ = (log.metadata if entry.id else log.matches).get(subject, ("missing", log.missing, None))
    if status == FetchStatus.NOT_FOUND:
        row.status, row.reason = CoverageStatus.NOT_FOUND, reason
    elif status != FetchStatus.OK:
        row.reason = f"metadata: {reason}"
    elif subject in log.uncertain:
        candidate = log.uncertain[subject]
        row.status, row.candidate = CoverageStatus.UNCERTAIN_MATCH, candidate
        row.reason = f"S2's best match has another title: {candidate['title']!r} (score {candidate['matchScore']})"
    else:
        paper_id, how, score = log.aliases[subject]
        row.paperId = paper_id
        _references_found(row, how == AliasHow.TITLE_MATCH, score, log, flags_to_come)
    return row


def _references_found(row: CoverageRow, matched: bool, score, log: FetchLog, flags_to_come: bool) -> None:
    """A resolved paper's status, by what is stored of its references."""
    paper_id = row.paperId
    ref_status, ref_reason, count = log.references.get(paper_id, ("missing", log.missing, None))
    remarks = [f"title match score {score}"] if matched else []
    if ref_status == FetchStatus.FAILED:
        row.reason = f"references: {ref_reason}"
    elif ref_status == FetchStatus.WITHHELD:
        row.status = CoverageStatus.TITLE_MATCHED if matched else CoverageStatus.OK
        row.references, row.unresolved_references = 0, 0
        row.references_withheld, row.reference_count = True, log.withheld_counts.get(paper_id)
        row.reason = "; ".join(remarks + [withheld_words(row.reference_count)])
    elif ref_status == FetchStatus.OK:
        row.status = CoverageStatus.TITLE_MATCHED if matched else CoverageStatus.OK
        row.references, row.unresolved_references = count, log.unresolved.get(paper_id, 0)
        row.reason = "; ".join(remarks + ([f"references {ref_reason}"] if ref_reason else [])) or None
    else:  # its pages not asked yet (or interrupted): influence flags pending
        row.flags_pending = True
        if not flags_to_come:
            row.reason = f"references: {ref_reason}"
        else:  # the batch's nested list (if any) stands in until the pages come
            nested_status, nested_reason, nested_count = log.nested.get(paper_id, (None, None, None))
            row.status = CoverageStatus.TITLE_MATCHED if matched else CoverageStatus.OK
            if nested_status is not None:
                row.references, row.unresolved_references = nested_count, log.unresolved.get(paper_id, 0)
            incomplete = nested_reason or ("references not fetched yet" if nested_status is None else None)
            row.reason = "; ".join(remarks + ["influence flags pending"] + ([incomplete] if incomplete else []))


def _totals(entries: list[CoverageRow], dropped: dict) -> dict:
    counts = Counter(e.status for e in entries)
    totals = {str(status): counts.get(status, 0) for status in CoverageStatus}
    totals["entries"] = len(entries)
    totals["references"] = sum(e.references or 0 for e in entries)
    totals["unresolved_references"] = sum(e.unresolved_references or 0 for e in entries)
    totals["flags_pending"] = sum(e.flags_pending for e in entries)
    totals["references_withheld"] = sum(e.references_withheld for e in entries)
    totals["dropped_fields"] = sum(len(names) for names in dropped.values())
    totals["papers_with_dropped_fields"] = len(dropped)
    return totals


def version_rows(graph) -> list[dict]:
    """The versions merged in the graph (:mod:`citegraph.versions`), as ``coverage.json`` lists them:
    ``[{"paperId": kept, "title", "also": [S2 records merged into it]}]``."""
    kept: dict[str, list[str]] = {}
    for other, paper in (graph.graph.get("versions") or {}).items():
        kept.setdefault(paper, []).append(other)
    return [
        {"paperId": paper, "title": graph.nodes[paper].get("title") if paper in graph else None, "also": sorted(others)}
        for paper, others in sorted(kept.items())
    ]


def write_report(report: CoverageReport, *paths: Path) -> None:
    """Write ``coverage.json`` (and any extra copies): the one place the report becomes JSON."""
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def read_coverage(coverage_file: Path) -> dict | None:
    """A coverage report as ``coverage.json`` holds it (``entries`` and ``totals``), None when there is none.

    Raises
    ------
    CoverageDamaged
        The file is not a coverage report (truncated, edited).
    """
    coverage_file = Path(coverage_file)
    if not coverage_file.exists():
        return None
    try:
        report = json.loads(read_regular(coverage_file).decode("utf-8"))
        if not isinstance(report["totals"], dict) or not isinstance(report["entries"], list):
            raise TypeError("totals is not an object or entries not a list")
    except NotRegularFile:
        raise CoverageDamaged(
            f"{coverage_file} is not a regular file (a pipe or device); move it away, "
            f"`citegraph build NOTES --offline` writes it again"
        ) from None
    except RecursionError:
        raise CoverageDamaged(
            f"{coverage_file} is damaged (nested deeper than any report); "
            f"`citegraph build NOTES --offline` writes it again"
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CoverageDamaged(
            f"{coverage_file} is damaged ({type(exc).__name__}: {exc}); "
            f"`citegraph build NOTES --offline` writes it again"
        ) from exc
    return report


def read_coverage_totals(coverage_file: Path) -> dict | None:
    """The totals of a coverage report, None when there is none (see `read_coverage`)."""
    report = read_coverage(coverage_file)
    return report["totals"] if report else None
