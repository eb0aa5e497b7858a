"""The coverage report: for every notes entry, what Semantic Scholar gave us and what is missing.

"Rate limited" or "not fetched" is always a failure with its reason, never zero references.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .notes import Notes
from .store import Store

STATUSES = ["ok", "title_matched", "not_found", "skipped", "failed"]


def coverage(store: Store, notes: Notes, offline: bool = False) -> dict:
    aliases = store.aliases()
    metadata, matches, references = store.statuses("metadata"), store.statuses("match"), store.statuses("references")
    unresolved = store.unresolved_counts()
    missing = "not fetched yet (offline build)" if offline else "not fetched"
    entries = []
    for entry in notes.papers:
        subject = entry.key
        lookup = metadata if entry.id else matches
        row = {"id": entry.id, "title": entry.title, "status": "failed", "reason": None, "paperId": None,
               "references": None, "unresolved_references": None}
        status, reason, _ = lookup.get(subject, ("missing", missing, None))
        if status == "not_found":
            row.update(status="not_found", reason=reason)
        elif status != "ok":
            row.update(reason=f"metadata: {reason}")
        else:
            paper_id, how, score = aliases[subject]
            row["paperId"] = paper_id
            ref_status, ref_reason, count = references.get(paper_id, ("missing", missing, None))
            if ref_status == "ok":
                row.update(status="title_matched" if how == "title_match" else "ok", references=count,
                           unresolved_references=unresolved.get(paper_id, 0),
                           reason=f"title match score {score}" if how == "title_match" else None)
            else:
                row.update(reason=f"references: {ref_reason}")
        entries.append(row)
    for skip in notes.skipped:
        entries.append({"id": None, "title": skip.url, "status": "skipped", "reason": skip.reason, "paperId": None,
                        "references": None, "unresolved_references": None})
    counts = Counter(e["status"] for e in entries)
    totals = {status: counts.get(status, 0) for status in STATUSES}
    totals["entries"] = len(entries)
    totals["references"] = sum(e["references"] or 0 for e in entries)
    totals["unresolved_references"] = sum(e["unresolved_references"] or 0 for e in entries)
    return {"entries": entries, "totals": totals}


def write_report(report: dict, *paths: Path) -> None:
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
