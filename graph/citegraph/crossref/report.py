"""What Crossref added to a build, and what is missing, for ``coverage.json``, ``stats`` and the summary.

References are counted by source for your papers: from S2, from Crossref (recovered where S2
withholds them), and withheld and not recovered (S2's count less what Crossref gave, per paper).
"""

from __future__ import annotations

from citegraph.constants import RETRACTING_KINDS
from citegraph.crossref import stored
from citegraph.store import Store


def crossref_section(
    store: Store, yours: list[str], withheld: list[str], outage: str | None, asked: bool
) -> tuple[dict, dict]:
    """``(totals to add, the report's "crossref" section)`` for these papers of yours."""
    recovered = stored.recovered_counts(store)
    papers = {p: store.paper(p) or {} for p in dict.fromkeys(yours + withheld)}
    dois = {p: stored.paper_doi(data) for p, data in papers.items()}
    lists = stored.references(store, [d for d in dois.values() if d])
    answered = stored.asked(store, [d for d in dois.values() if d])
    notices = stored.all_updates(store)
    from_s2 = sum(n for p, n in _edge_counts(store, yours).items())
    missing, not_recovered = [], 0
    for paper in withheld:
        doi, count = dois.get(paper), papers[paper].get("referenceCount") or 0
        gained = recovered.get(paper, 0)
        not_recovered += max(0, count - gained)
        refs = lists.get(doi) if doi else None
        if not doi:
            why = "no DOI: Crossref cannot be asked"
        elif doi not in answered:
            why = f"Crossref not asked ({outage})" if outage else "Crossref not asked (--no-crossref or offline)"
        elif not answered[doi]:
            why = "Crossref holds no work for its DOI"
        elif refs is None or not refs:
            why = "Crossref holds no reference list for it"
        else:
            without = sum(1 for r in refs if not r.doi)
            why = (
                (
                    f"{gained} of Crossref's {len(refs)} references recovered; {without} without a DOI, "
                    f"{len(refs) - without - gained} with a DOI S2 does not know"
                )
                if gained < len(refs)
                else None
            )
        if why:
            missing.append({"paperId": paper, "doi": doi, "title": papers[paper].get("title"), "why": why})
    retracted = [p for p in yours if any(u.kind in RETRACTING_KINDS for u in notices.get(dois.get(p) or "", []))]
    unknown = [p for p in yours if dois.get(p) and dois[p] not in answered]
    totals = {
        "references_from_s2": from_s2 - sum(recovered.get(p, 0) for p in yours),
        "references_from_crossref": sum(recovered.get(p, 0) for p in yours),
        "references_withheld_not_recovered": not_recovered,
        "references_withheld_papers": len(withheld),
        "retracted_papers": len(retracted),
    }
    section = {
        "asked": asked,
        "outage": outage,
        "retracted": retracted,
        "retraction_status_unknown": len(unknown),
        "withheld_not_recovered": missing,
    }
    return totals, section


def _edge_counts(store: Store, papers: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for start in range(0, len(papers), 500):
        chunk = papers[start : start + 500]
        counts.update(
            store.db.execute(
                f"SELECT citing, count(*) FROM edges WHERE citing IN ({','.join('?' * len(chunk))}) GROUP BY citing",
                chunk,
            ).fetchall()
        )
    return counts
