"""The record phase of a build: its snapshot kept in the store, and what changed since the previous build."""

from __future__ import annotations

import sqlite3

from citegraph.bulk.engines import EngineOptions
from citegraph.datadir import open_store
from citegraph.phases.graph import rankings
from citegraph.phases.plan import BuildPlan, BuildRun
from citegraph.s2.config import S2Config
from citegraph.store.connection import damaged


def record_the_history(plan: BuildPlan, run: BuildRun) -> None:
    """Keep the build's snapshot in the store and say what changed since the previous build
    (`citegraph.history.Changes`; none for an interrupted build or a read-only store)."""
    if run.interrupted:
        return
    from citegraph import __version__
    from citegraph.buildlog import notes_files
    from citegraph.history import Snapshot, changes_between, fold, load_snapshots, now_iso, pack, take_snapshot

    store = open_store(plan.data_dir)
    try:
        if store.read_only:
            return
        earlier = load_snapshots(store)
        counts = {
            **run.report.totals,
            "notes_papers": run.report.papers,
            "papers": run.graph.number_of_nodes(),
            "citations": run.graph.number_of_edges(),
        }
        facts = {
            "version": __version__,
            "source": build_source(plan),
            "options": build_options(plan),
            "notes_files": notes_files(plan.paths),
            "counts": counts,
            "requests": {"s2": run.requests, "rate_limited": run.rate_limited},
            "suggestions": list(run.later.papers) if run.later is not None else [],
        }
        data = take_snapshot(run.graph, earlier, facts, rankings(plan, run, run.graph)["kept"])
        built_at = now_iso()
        build_number = store.record_snapshot(built_at, pack(data), plan.keep, fold)
        run.changes = changes_between(
            run.graph, earlier[-1] if earlier else None, [Snapshot(build_number, built_at, data)]
        )
    except sqlite3.DatabaseError as exc:
        raise damaged(store.path, exc) from None
    finally:
        store.close()


def build_source(plan: BuildPlan) -> dict:
    """Where a build's papers came from, as its snapshot records it."""
    if plan.release is not None:
        return {
            "kind": "datasets",
            "release": str(plan.release),
            "engine": (plan.engine_options or EngineOptions()).engine,
        }
    if plan.offline:
        return {"kind": "store"}
    return {"kind": "s2", "url": (plan.s2_config or S2Config.from_env()).shown_url}


def build_options(plan: BuildPlan) -> dict:
    """The options that shaped a build's result, as its snapshot records them."""
    from citegraph.map.render import MapOptions

    fetch, drawn = plan.fetch_options, plan.map_options or MapOptions()
    return {
        "depth": fetch.depth,
        "citations": fetch.citations,
        "max_citations": fetch.max_citations,
        "refresh": fetch.refresh,
        "refresh_after": fetch.refresh_after,
        "max_nodes": drawn.max_nodes,
    }
