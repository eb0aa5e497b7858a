"""The whole build, notes to map, as one call: what `citegraph build` runs, reachable from Python."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from citegraph.questions import unread_papers, your_papers
from citegraph.assemble import build_graph, graph_path, graph_stamp, load_graph, notes_fingerprint
from citegraph.constants import COVERAGE_FILE
from citegraph.coverage import CoverageReport, CoverageStatus, coverage, write_report
from citegraph.bulk.engines import EngineOptions
from citegraph.errors import CitegraphError, S2Unreachable, StoreError
from citegraph.bulk.extract import fill_store_from_release
from citegraph.fetch import Fetcher, FetchOptions, Progress
from citegraph.notes.reader import Notes, ZoteroSource, read_notes, require_papers
from citegraph.map.render import MapOptions, render_map
from citegraph.s2.records import Notice
from citegraph.s2.client import S2Client
from citegraph.s2.transport import S2Config
from citegraph.store import Store, damaged
from citegraph.suggestions import stored_suggestions
from citegraph.suggestions import suggest as ask_suggestions

STORE_FILE = "citegraph.db"
TOP_REFERENCES = 10  # ordering the flags: a paper is judged by its ten best-ranked unread references
RATE_FILE = "s2-rate"  # the next free request slot: builds sharing a data dir share one rate budget
NOTHING_STORED = ("nothing is stored yet: check the network and S2_API_URL, or try citegraph on the bundled "
                  "stand-in: `python -m tests.standin --port 8765 &` then "
                  "`S2_API_URL=http://127.0.0.1:8765 citegraph build data/notes` (README: No route to Semantic Scholar?)")


@dataclass
class BuildResult:
    """What a build did.

    ``report`` is the coverage report; ``requests`` and ``rate_limited`` count the requests made
    and the 429s among them; ``stopped`` is the one-line account of an early stop when Semantic
    Scholar stopped answering (None otherwise); ``failed`` counts the notes' papers that could not
    be fetched in this (online) build.
    """

    notes: Notes
    report: CoverageReport
    graph: nx.DiGraph
    graph_changed: bool
    requests: int
    map_meta: dict | None
    rate_limited: int = 0
    stopped: str | None = None
    failed: int = 0
    suggested: str | None = None  # with ``suggest=True``: the suggestions' summary line, or why there are none

    @property
    def complete(self) -> bool:
        """Whether every paper S2 knows was fetched (a partial build exits with PARTIAL_EXIT in the CLI)."""
        return self.stopped is None and not self.failed


@dataclass
class FirstView:
    """The first map of a build, drawn from the batch before S2's influence flags are in.

    ``map_meta`` is what :func:`citegraph.map.render.render_map` returned (None: no map asked);
    ``pending`` of your ``papers`` have their flags fetched next, in about ``seconds`` at ``rps``.
    """

    map_meta: dict | None
    pending: int
    papers: int
    seconds: float
    rps: float


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
    *,
    data_dir: Path = Path("data"),
    output: Path | None = Path("output/graph.html"),
    fetch_options: FetchOptions | None = None,
    s2_config: S2Config | None = None,
    offline: bool = False,
    map_options: MapOptions | None = None,
    report_file: Path | None = None,
    progress: Progress | None = None,
    notice: Notice | None = None,
    zotero: ZoteroSource | None = None,
    suggest: bool = False,
    release: Path | None = None,
    engine_options: EngineOptions | None = None,
    quick: bool = False,
    first_view: Callable[[FirstView], None] | None = None,
) -> BuildResult:
    """Read the notes, fetch what is missing, store it, and assemble, save and draw the graph.

    A build that fetches draws a first map as soon as the batch is in (your papers and their
    references, influence unknown), then fetches S2's influence flags paper by paper, most useful
    first, and draws the map again at the end, or when interrupted (KeyboardInterrupt is raised
    again once the map and the graph are written).

    Parameters
    ----------
    paths : notes files or folders.
    data_dir : where the store, the saved graph and ``coverage.json`` live.
    output : the map's HTML file (None: no map).
    fetch_options, s2_config : what to fetch and how to reach S2 (default: ``S2Config.from_env()``).
    offline : never touch the network; build from the store.
    map_options : how to draw the map.
    report_file : also write the coverage JSON here.
    progress : called with (phase, done, total) while fetching.
    notice : called with one line while a request waits to be retried.
    zotero : also read the papers of this Zotero library.
    suggest : also ask S2 for suggestions (`citegraph.suggestions.suggest`, recent pool) and draw them on the map.
    release : build from this imported Datasets release (``--source datasets:DIR``) instead of the
        Graph API: 0 requests (see citegraph.bulk.extract).
    engine_options : the engine that reads the release (DuckDB unless it says Spark).
    quick : stop after the first map; a later build fetches the influence flags.
    first_view : called with the :class:`FirstView` once the first map is drawn.

    Returns
    -------
    BuildResult : a build that stopped early or where papers failed still returns, with
        ``stopped`` / ``failed`` set, after storing, reporting and drawing what it has.

    Raises
    ------
    CitegraphError : no papers in the notes, or none of them could be resolved; S2Unreachable
        when S2 cannot be reached at all; S2AuthError when it refuses the key.

    Example
    -------
    >>> result = build(["data/notes"], data_dir=Path("data"))  # doctest: +SKIP
    >>> result.report.totals["ok"]  # doctest: +SKIP
    35
    """
    notes = require_papers(read_notes(paths, zotero), paths, zotero)
    data_dir = Path(data_dir)
    options = fetch_options or FetchOptions()
    store = open_store(data_dir)
    if store.read_only and not offline:
        store.close()
        raise StoreError(f"{data_dir} is read-only: a build that fetches stores every answer there; "
                         "build from what is stored with --offline, or use a writable --data-dir")
    requests = rate_limited = skipped = 0
    stopped = stopped_at = None
    interrupted = False

    stamps: list[dict] = []

    def draw(made: int, skipped_items: int, flags_to_come: bool):
        report = coverage(store, notes, offline, flags_to_come)
        report.totals["requests"] = made
        report.totals["skipped_items"] = skipped_items
        write_report(report, *([] if store.read_only else [data_dir / COVERAGE_FILE]),
                     *([Path(report_file)] if report_file else []))
        graph, changed = build_graph(store, notes, data_dir, options.citations, options.depth)
        # what the graph was built from, as build_graph stamps it: the map keeps a page drawn from the same
        stamps.append(graph_stamp(store.generation(), notes_fingerprint(notes), options.citations, options.depth))
        return report, graph, changed

    try:
        if offline and store.is_empty():
            raise CitegraphError(f"--offline builds from {data_dir / STORE_FILE}, but {NOTHING_STORED}")
        if release is not None:
            fill_store_from_release(store, notes, release, engine_options, fetch_options, progress)
        elif not offline:
            config = dataclasses.replace(s2_config or S2Config.from_env(), rate_file=data_dir / RATE_FILE)
            with S2Client(config, notice) as client:
                fetcher = Fetcher(store, client, options, progress)
                try:
                    fetcher.first_view(notes)
                    pending = fetcher.pending()
                    order = None
                    if pending and not (quick or fetcher.stopped):  # (a quick build's first map is its last)
                        _, graph, _ = draw(client.requests, client.tally.skipped, flags_to_come=True)
                        meta = (render_map(graph, Path(output), map_options, stored_suggestions(store, graph),
                                           stamp=stamps[-1], first_view=True)
                                if output and your_papers(graph) else None)
                        order = most_useful_first(graph)
                        if first_view:
                            first_view(FirstView(meta, len(pending), len(fetcher.yours),
                                                 fetcher.seconds_to_finish(pending), config.rps))
                    if not quick and not fetcher.stopped:
                        fetcher.finish(order)
                except S2Unreachable as exc:
                    advice = NOTHING_STORED if store.is_empty() else (
                        "check the network and S2_API_URL, or use --offline to build from stored data")
                    raise S2Unreachable(f"{exc}; {advice}") from None
                except KeyboardInterrupt:
                    interrupted = True  # what is stored is drawn below, then the interrupt goes on
                finally:
                    requests, rate_limited, skipped = client.requests, client.rate_limited, client.tally.skipped
                stopped, stopped_at = fetcher.stopped, fetcher.stopped_at
        report, graph, changed = draw(requests, skipped, flags_to_come=quick or interrupted)
        later = stored_suggestions(store, graph)  # the map's "Later work & suggestions" panel
    except sqlite3.DatabaseError as exc:
        raise damaged(store.path, exc) from None
    finally:
        store.close()
    stop_line = (f"Semantic Scholar stopped answering at {time.strftime('%H:%M', time.localtime(stopped_at))} "
                 f"({stopped}); {report.resolved} of {report.papers} papers fetched; run the same command later "
                 "to resume") if stopped else None
    if not your_papers(graph):
        if interrupted:
            raise KeyboardInterrupt
        if stop_line:
            raise CitegraphError(stop_line)
        reasons = Counter(e.reason for e in report.entries if e.status in (CoverageStatus.FAILED, CoverageStatus.NOT_FOUND))
        common = f" (most often: {reasons.most_common(1)[0][0]})" if reasons else ""
        raise CitegraphError(f"none of the notes' papers could be resolved{common}; see {data_dir / COVERAGE_FILE}")
    suggested = None
    if suggest and not offline and not stop_line and not interrupted:
        try:
            later = ask_suggestions(data_dir, s2_config=s2_config, notice=notice)
            suggested = later.summary()
        except CitegraphError as exc:  # the build itself is done: its map shows the last stored suggestions
            suggested = f"none fetched ({exc}); the map shows the last stored ones"
    meta = render_map(graph, Path(output), map_options, later, stamp=stamps[-1]) if output else None
    if interrupted:
        raise KeyboardInterrupt
    failed = 0 if offline else report.totals["failed"]
    return BuildResult(notes, report, graph, changed, requests, meta, rate_limited, stop_line, failed, suggested)


def most_useful_first(graph: nx.DiGraph) -> list[str]:
    """Your papers, those citing the papers that lead the unread ranking first: their influence
    flags move that ranking most."""
    position = {row.paperId: rank for rank, row in enumerate(unread_papers(graph, top=None))}
    # Compared by their best-ranked reference, then the next best, …; papers citing none come last.
    ranks = {paper: sorted(position[cited] for cited in graph.succ[paper] if cited in position)[:TOP_REFERENCES]
             or [len(position)] for paper in your_papers(graph)}
    return sorted(ranks, key=ranks.__getitem__)
