"""The graph phase of a build: the graph assembled from the store (or the saved one, read lazily, when
its stamp says nothing changed), the coverage report, and the unread rankings a build uses, kept
beside the graph under its stamp so that a build that changed nothing does not rank again."""

from __future__ import annotations

import contextlib
import hashlib
import sys
from collections import Counter
from pathlib import Path

from citegraph.assemble import build_graph, graph_stamp
from citegraph.constants import MAP_TOP_UNREAD, RANKING_KEPT
from citegraph.coverage import CoverageStatus, coverage, version_rows, write_report
from citegraph.crossref.ask import withheld_papers
from citegraph.crossref.report import crossref_section
from citegraph.datadir import COVERAGE_FILE, RANKINGS_FILE
from citegraph.errors import CitegraphError
from citegraph.map.keptfiles import UNREADABLE, read_kept, write_kept
from citegraph.phases.plan import BuildPlan, BuildRun
from citegraph.questions import unread_papers, your_papers
from citegraph.store import Store

RANKED_FOR_CROSSREF = 4 * MAP_TOP_UNREAD  # the unread ranking's first papers whose retraction status is asked


def assemble_graph(plan: BuildPlan, run: BuildRun, store: Store) -> tuple[object, bool]:
    """The graph for the store as it now stands (``run.stamp`` its stamp) and whether it was assembled anew:
    an unchanged saved graph is read lazily, not loaded."""
    fetch = plan.fetch_options
    run.stamp = graph_stamp(store.generation(), run.fingerprint, fetch.citations, fetch.depth)
    run.stamp["merge_versions"] = plan.merge_versions
    return build_graph(
        store, run.notes, plan.data_dir, fetch.citations, fetch.depth, plan.merge_versions, stamp=run.stamp, view=True
    )


def report_and_assemble(plan: BuildPlan, run: BuildRun, store: Store, flags_to_come: bool) -> tuple[object, bool]:
    """The graph (see `assemble_graph`), and the coverage report in ``run.report``, written to the data
    dir and ``report_file``."""
    report = coverage(store, run.notes, plan.offline, flags_to_come)
    report.totals["requests"] = run.requests
    report.totals["skipped_items"] = run.skipped
    yours = [e.paperId for e in report.entries if e.paperId]
    asked = run.crossref
    added, report.crossref = crossref_section(
        store, yours, withheld_papers(store, yours), asked and asked.outage, asked is not None
    )
    report.totals.update(added, crossref_requests=asked.requests if asked else 0)
    graph, changed = assemble_graph(plan, run, store)
    report.versions = version_rows(graph)
    report.totals["versions_merged"] = sum(len(row["also"]) for row in report.versions)
    write_report(
        report,
        *([] if store.read_only else [plan.data_dir / COVERAGE_FILE]),
        *([Path(plan.report_file)] if plan.report_file else []),
    )
    run.report = report
    return graph, changed


def assemble_the_graph(plan: BuildPlan, run: BuildRun, store: Store) -> None:
    """The final coverage report and graph; a quick or interrupted build's flags are still to come."""
    run.graph, changed = report_and_assemble(plan, run, store, plan.quick or run.interrupted)
    run.changed = changed or run.assembled_midway


def require_a_graph(plan: BuildPlan, run: BuildRun) -> None:
    """Raise, saying why, when none of the notes' papers could be resolved."""
    if your_papers(run.graph):
        return
    if run.interrupted:
        raise KeyboardInterrupt
    if run.stop_line():
        raise CitegraphError(run.stop_line())
    reasons = Counter(
        e.reason for e in run.report.entries if e.status in (CoverageStatus.FAILED, CoverageStatus.NOT_FOUND)
    )
    common = f" (most often: {reasons.most_common(1)[0][0]})" if reasons else ""
    raise CitegraphError(f"none of the notes' papers could be resolved{common}; see {plan.data_dir / COVERAGE_FILE}")


def rankings(plan: BuildPlan, run: BuildRun, graph) -> dict:
    """The unread rankings a build uses, of ``graph`` (stamped ``run.stamp``): ``crossref``, the first
    ``RANKED_FOR_CROSSREF`` paperIds, retracted papers in place; ``kept``, the first ``RANKING_KEPT``
    ``[paperId, score]`` as `citegraph.unread_papers` ranks them (retracted papers last), for the
    build's snapshot. Kept beside the saved graph under its stamp: computed once per graph."""
    kept_file = plan.data_dir / RANKINGS_FILE
    key = {"graph": run.stamp, "ranking": _ranking_code()}
    with contextlib.suppress(*UNREADABLE):
        kept = read_kept(kept_file)
        if kept["stamp"] == key and _rankings_of(kept, graph):
            return kept
    rows = unread_papers(graph, top=None, include_retracted=True)
    retracted = {row.paperId for row in rows if graph.nodes[row.paperId].get("retracted")}
    # unread_papers sorts retracted papers last, stably: the same order with them moved to the end
    ranked = [row for row in rows if row.paperId not in retracted] + [row for row in rows if row.paperId in retracted]
    found = {
        "stamp": key,
        "crossref": [row.paperId for row in rows[:RANKED_FOR_CROSSREF]],
        "kept": [[row.paperId, row.score] for row in ranked[:RANKING_KEPT]],
    }
    write_kept(kept_file, found)
    return found


def _ranking_code() -> str:
    """A digest of the ranking's code: rankings kept by another version of it are ranked again."""
    return hashlib.sha256(Path(sys.modules[unread_papers.__module__].__file__).read_bytes()).hexdigest()


def _rankings_of(kept: dict, graph) -> bool:
    """Whether ``kept`` holds rankings of papers of ``graph`` (a planted file holds anything)."""
    return all(isinstance(paper, str) and paper in graph for paper in kept["crossref"]) and all(
        isinstance(paper, str) and paper in graph and isinstance(score, float | int) for paper, score in kept["kept"]
    )
