"""The whole build, notes to map, as one call: what `citegraph build` runs, reachable from Python."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .assemble import build_graph, graph_path, load_graph
from .coverage import coverage, write_report
from .errors import CitegraphError, StoreError
from .fetch import Fetcher, FetchOptions, Progress
from .notes import Notes, ZoteroSource, read_notes
from .render import MapOptions, render_map
from .s2 import S2Client, S2Config
from .store import Store, damaged

STORE_FILE = "citegraph.db"
COVERAGE_FILE = "coverage.json"


@dataclass
class BuildResult:
    notes: Notes
    report: dict
    graph: nx.DiGraph
    graph_changed: bool
    requests: int
    map_meta: dict | None


def open_store(data_dir: Path) -> Store:
    return Store(Path(data_dir) / STORE_FILE)


def load(data_dir: Path) -> nx.DiGraph:
    """The graph the last build saved in ``data_dir``, for queries (no network, no store access).

    Parameters
    ----------
    data_dir : Path
        The folder ``build`` wrote (``--data-dir``); it may be read-only.

    Returns
    -------
    networkx.DiGraph
        citing -> cited; papers in the notes have ``read=True``.

    Raises
    ------
    GraphMissing
        Nothing built there yet, or the saved graph is damaged (build again).

    Example
    -------
    >>> graph = load(Path("data"))  # doctest: +SKIP
    """
    return load_graph(graph_path(Path(data_dir)))


def build(
    paths: list[str | Path],
    data_dir: Path = Path("data"),
    output: Path | None = Path("output/graph.html"),
    fetch_options: FetchOptions | None = None,
    s2_config: S2Config | None = None,
    offline: bool = False,
    map_options: MapOptions | None = None,
    report_file: Path | None = None,
    progress: Progress | None = None,
    zotero: ZoteroSource | None = None,
) -> BuildResult:
    notes = read_notes(paths, zotero)
    if not notes.papers:
        where = [*map(str, paths), *(["the Zotero library"] if zotero else [])]
        raise CitegraphError(f"no papers found in {', '.join(where)}")
    data_dir = Path(data_dir)
    store = open_store(data_dir)
    if store.read_only and not offline:
        store.close()
        raise StoreError(f"{data_dir} is read-only: a build that fetches stores every answer there; "
                         "build from what is stored with --offline, or use a writable --data-dir")
    requests = 0
    try:
        if not offline:
            with S2Client(s2_config or S2Config.from_env()) as client:
                try:
                    Fetcher(store, client, fetch_options or FetchOptions(), progress).run(notes)
                finally:
                    requests = client.requests
        report = coverage(store, notes, offline=offline)
        report["totals"]["requests"] = requests
        write_report(report, *([] if store.read_only else [data_dir / COVERAGE_FILE]),
                     *([Path(report_file)] if report_file else []))
        graph, changed = build_graph(store, notes, data_dir, bool(fetch_options and fetch_options.citations))
    except sqlite3.DatabaseError as exc:
        raise damaged(store.path, exc) from None
    finally:
        store.close()
    if not any(data.get("read") or data.get("queued") for _, data in graph.nodes(data=True)):
        reasons = Counter(e["reason"] for e in report["entries"] if e["status"] in ("failed", "not_found"))
        common = f" (most often: {reasons.most_common(1)[0][0]})" if reasons else ""
        raise CitegraphError(
            f"none of the notes' papers could be resolved{common}; see {data_dir / COVERAGE_FILE}"
            + ("; nothing is stored yet, run without --offline" if offline else ""))
    meta = render_map(graph, Path(output), map_options) if output else None
    return BuildResult(notes, report, graph, changed, requests, meta)
