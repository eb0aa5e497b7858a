"""The whole build, notes to map, as one call: what `citegraph build` runs, reachable from Python."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from citegraph.assemble import build_graph, graph_stamp, notes_fingerprint
from citegraph.bulk.engines import EngineOptions
from citegraph.bulk.extract import fill_store_from_release
from citegraph.constants import CROSSREF_REFRESH_DAYS, DATA_DIR, MAP_FILE, MAP_TOP_UNREAD, MERGE_VERSIONS
from citegraph.coverage import CoverageReport, CoverageStatus, coverage, version_rows, write_report
from citegraph.crossref.ask import CrossrefAsker, CrossrefRun, withheld_papers
from citegraph.crossref.client import CrossrefClient, CrossrefConfig
from citegraph.crossref.report import crossref_section
from citegraph.datadir import COVERAGE_FILE, CROSSREF_RATE_FILE, RATE_FILE, STORE_FILE, open_store
from citegraph.errors import CitegraphError, S2Unreachable, StoreError
from citegraph.fetch import Fetcher, FetchOptions
from citegraph.map.render import MapOptions, render_map
from citegraph.notes.reader import Notes, ZoteroSource, read_notes, require_papers
from citegraph.questions import unread_papers, your_papers
from citegraph.s2.client import S2Client
from citegraph.s2.config import S2Config
from citegraph.s2.records import Notice, Progress
from citegraph.store import Store
from citegraph.store.connection import damaged
from citegraph.suggestions import Suggestions, stored_suggestions
from citegraph.suggestions import suggest as ask_suggestions

TOP_REFERENCES = 10  # ordering the flags: a paper is judged by its ten best-ranked unread references
RANKED_FOR_CROSSREF = 4 * MAP_TOP_UNREAD  # the unread ranking's first papers whose retraction status is asked
NOTHING_STORED = (
    "nothing is stored yet: check the network and S2_API_URL, or try citegraph on the bundled "
    "stand-in: `python -m tests.standin --port 8765 &` then "
    "`S2_API_URL=http://127.0.0.1:8765 citegraph build data/notes` "
    "(docs/getting-started.md: No route to Semantic Scholar?)"
)


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
    changes: object = None  # citegraph.history.Changes since the previous build (None: not recorded)
    crossref: CrossrefRun | None = None  # what was asked of Crossref (None: not asked: offline, --no-crossref)

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


def build(
    paths: list[str | Path],
    *,
    data_dir: Path = DATA_DIR,
    output: Path | None = MAP_FILE,
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
    keep: int | None = None,
    crossref: bool = True,
    crossref_config: CrossrefConfig | None = None,
    refresh_crossref: float = CROSSREF_REFRESH_DAYS,
    merge_versions: bool = MERGE_VERSIONS,
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
    keep : keep the snapshots of this many builds (None: all); see :mod:`citegraph.history`.
    crossref : ask Crossref (``crossref_config``, default ``CrossrefConfig.from_env()``) for the references
        S2 withholds and for retraction notices; False sends no DOI anywhere (``--no-crossref``).
    refresh_crossref : days after which a stored retraction status is asked again.
    merge_versions : merge S2 records that are versions of one paper into one node (listed in
        ``coverage.json``'s ``versions``; see :mod:`citegraph.versions`).

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
    plan = BuildPlan(
        list(paths),
        Path(data_dir),
        output,
        fetch_options or FetchOptions(),
        s2_config,
        offline,
        map_options,
        report_file,
        progress,
        notice,
        zotero,
        suggest,
        release,
        engine_options,
        quick,
        first_view,
        keep,
        crossref,
        crossref_config,
        refresh_crossref,
        merge_versions,
    )
    return run_build(plan)


@dataclass
class BuildPlan:
    """What a build was asked to do: `build`'s arguments, handed to each phase."""

    paths: list
    data_dir: Path
    output: Path | None
    fetch_options: FetchOptions
    s2_config: S2Config | None
    offline: bool
    map_options: MapOptions | None
    report_file: Path | None
    progress: Progress | None
    notice: Notice | None
    zotero: ZoteroSource | None
    suggest: bool
    release: Path | None
    engine_options: EngineOptions | None
    quick: bool
    first_view: Callable[[FirstView], None] | None
    keep: int | None = None
    crossref: bool = True
    crossref_config: CrossrefConfig | None = None
    refresh_crossref: float = CROSSREF_REFRESH_DAYS
    merge_versions: bool = MERGE_VERSIONS


@dataclass
class BuildRun:
    """What the phases found so far: each phase reads the earlier ones' results and adds its own."""

    notes: Notes
    requests: int = 0
    rate_limited: int = 0
    skipped: int = 0  # items S2 answered that did not validate
    stopped: str | None = None  # why Semantic Scholar stopped answering
    stopped_at: float | None = None
    interrupted: bool = False  # KeyboardInterrupt while fetching: raised again once the map is drawn
    report: CoverageReport | None = None
    graph: nx.DiGraph | None = None
    changed: bool = False
    later: Suggestions | None = None  # the suggestions the map's "Later work & suggestions" panel shows
    suggested: str | None = None
    map_meta: dict | None = None
    changes: object = None  # citegraph.history.Changes since the previous build
    stamp: dict | None = None  # what the last assembled graph was built from: the map keeps a page drawn from it
    crossref: CrossrefRun | None = None  # what was asked of Crossref (None: not asked)
    assembled_midway: bool = False  # Crossref's part drew the graph (to rank it) before the final draw

    def result(self, plan: BuildPlan) -> BuildResult:
        failed = 0 if plan.offline else self.report.totals["failed"]
        return BuildResult(
            self.notes,
            self.report,
            self.graph,
            self.changed,
            self.requests,
            self.map_meta,
            self.rate_limited,
            self.stop_line(),
            failed,
            self.suggested,
            changes=self.changes,
            crossref=self.crossref,
        )

    def stop_line(self) -> str | None:
        """The one-line account of an early stop, or None."""
        if not self.stopped:
            return None
        return (
            f"Semantic Scholar stopped answering at {time.strftime('%H:%M', time.localtime(self.stopped_at))} "
            f"({self.stopped}); {self.report.resolved} of {self.report.papers} papers fetched; run the same "
            "command later to resume"
        )


def run_build(plan: BuildPlan) -> BuildResult:
    """The build's phases, in order: each reads what the earlier ones put in ``run`` and adds its own."""
    run = BuildRun(read_the_notes(plan))
    with opened_store(plan) as store:
        fill_the_store(plan, run, store)  # from S2, from a Datasets release, or (offline) nothing
        assemble_the_graph(plan, run, store)
        run.later = stored_suggestions(store, run.graph)
    require_a_graph(plan, run)
    ask_for_suggestions(plan, run)
    record_the_history(plan, run)
    draw_the_map(plan, run)
    if run.interrupted:
        raise KeyboardInterrupt  # once the graph and the map are written
    return run.result(plan)


def read_the_notes(plan: BuildPlan) -> Notes:
    """The papers of the notes (and of the Zotero library); raises when they name none."""
    return require_papers(read_notes(plan.paths, plan.zotero), plan.paths, plan.zotero)


@contextmanager
def opened_store(plan: BuildPlan) -> Iterator[Store]:
    """The data dir's store, closed at the end; a damaged one is said in one line."""
    store = open_store(plan.data_dir)
    if store.read_only and not plan.offline:
        store.close()
        raise StoreError(
            f"{plan.data_dir} is read-only: a build that fetches stores every answer there; "
            "build from what is stored with --offline, or use a writable --data-dir"
        )
    try:
        yield store
    except sqlite3.DatabaseError as exc:
        raise damaged(store.path, exc) from None
    finally:
        store.close()


def fill_the_store(plan: BuildPlan, run: BuildRun, store: Store) -> None:
    """Fetch what is missing from S2, or extract it from a Datasets release; offline, check there is something."""
    if plan.offline and store.is_empty():
        raise CitegraphError(f"--offline builds from {plan.data_dir / STORE_FILE}, but {NOTHING_STORED}")
    if plan.release is not None:
        fill_store_from_release(store, run.notes, plan.release, plan.engine_options, plan.fetch_options, plan.progress)
    elif not plan.offline:
        fetch_from_s2(plan, run, store)


def fetch_from_s2(plan: BuildPlan, run: BuildRun, store: Store) -> None:
    """The batch first (and a first map), then S2's influence flags paper by paper, most useful first."""
    config = dataclasses.replace(plan.s2_config or S2Config.from_env(), rate_file=plan.data_dir / RATE_FILE)
    with S2Client(config, plan.notice) as client:
        fetcher = Fetcher(store, client, plan.fetch_options, plan.progress)
        try:
            fetcher.first_view(run.notes)
            pending = fetcher.pending()
            order = None
            if pending and not (plan.quick or fetcher.stopped):  # (a quick build's first map is its last)
                order = draw_the_first_view(plan, run, store, client, fetcher, pending)
            if not plan.quick and not fetcher.stopped:
                fetcher.finish(order)
            if plan.crossref and not fetcher.stopped:
                ask_crossref(plan, run, store, client, fetcher.yours)
        except S2Unreachable as exc:
            advice = (
                NOTHING_STORED
                if store.is_empty()
                else ("check the network and S2_API_URL, or use --offline to build from stored data")
            )
            raise S2Unreachable(f"{exc}; {advice}") from None
        except KeyboardInterrupt:
            run.interrupted = True  # what is stored is drawn, then the interrupt goes on
        finally:
            run.requests, run.rate_limited, run.skipped = client.requests, client.rate_limited, client.tally.skipped
        run.stopped, run.stopped_at = fetcher.stopped, fetcher.stopped_at


def draw_the_first_view(
    plan: BuildPlan, run: BuildRun, store: Store, client: S2Client, fetcher: Fetcher, pending: list
) -> list[str]:
    """The map drawn from the batch, before the flags; the order in which the flags are fetched."""
    run.requests, run.skipped = client.requests, client.tally.skipped
    _, graph, _ = report_and_assemble(plan, run, store, flags_to_come=True)
    meta = (
        render_map(
            graph,
            Path(plan.output),
            plan.map_options,
            stored_suggestions(store, graph),
            stamp=run.stamp,
            first_view=True,
        )
        if plan.output and your_papers(graph)
        else None
    )
    if plan.first_view:
        plan.first_view(
            FirstView(meta, len(pending), len(fetcher.yours), fetcher.seconds_to_finish(pending), client.config.rps)
        )
    return most_useful_first(graph)


def report_and_assemble(
    plan: BuildPlan, run: BuildRun, store: Store, flags_to_come: bool
) -> tuple[CoverageReport, nx.DiGraph, bool]:
    """The coverage report (written to the data dir and ``report_file``) and the graph, saved."""
    report = coverage(store, run.notes, plan.offline, flags_to_come)
    report.totals["requests"] = run.requests
    report.totals["skipped_items"] = run.skipped
    yours = [e.paperId for e in report.entries if e.paperId]
    asked = run.crossref
    added, report.crossref = crossref_section(
        store, yours, withheld_papers(store, yours), asked and asked.outage, asked is not None
    )
    report.totals.update(added, crossref_requests=asked.requests if asked else 0)
    graph, changed = build_graph(
        store, run.notes, plan.data_dir, plan.fetch_options.citations, plan.fetch_options.depth, plan.merge_versions
    )
    # what the graph was built from, as build_graph stamps it: the map keeps a page drawn from the same
    run.stamp = graph_stamp(
        store.generation(), notes_fingerprint(run.notes), plan.fetch_options.citations, plan.fetch_options.depth
    )
    run.stamp["merge_versions"] = plan.merge_versions
    report.versions = version_rows(graph)
    report.totals["versions_merged"] = sum(len(row["also"]) for row in report.versions)
    write_report(
        report,
        *([] if store.read_only else [plan.data_dir / COVERAGE_FILE]),
        *([Path(plan.report_file)] if plan.report_file else []),
    )
    return report, graph, changed


def assemble_the_graph(plan: BuildPlan, run: BuildRun, store: Store) -> None:
    """The final coverage report and graph; a quick or interrupted build's flags are still to come."""
    run.report, run.graph, run.changed = report_and_assemble(plan, run, store, plan.quick or run.interrupted)
    run.changed = run.changed or run.assembled_midway


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


def ask_for_suggestions(plan: BuildPlan, run: BuildRun) -> None:
    """With ``suggest``: S2's suggestions for the map, unless offline or S2 stopped answering."""
    if not plan.suggest or plan.offline or run.stopped or run.interrupted:
        return
    try:
        run.later = ask_suggestions(plan.data_dir, s2_config=plan.s2_config, notice=plan.notice)
        run.suggested = run.later.summary()
    except CitegraphError as exc:  # the build itself is done: its map shows the last stored suggestions
        run.suggested = f"none fetched ({exc}); the map shows the last stored ones"


def draw_the_map(plan: BuildPlan, run: BuildRun) -> None:
    """The map, with the later-work panel's suggestions (none asked for ``output=None``)."""
    if plan.output:
        run.map_meta = render_map(
            run.graph, Path(plan.output), plan.map_options, run.later, stamp=run.stamp, changes=run.changes
        )


def ask_crossref(plan: BuildPlan, run: BuildRun, store: Store, s2: S2Client, yours: list[str]) -> CrossrefRun:
    """Crossref's part of a build: your papers' notices and the references S2 withholds (resolved
    through ``s2``), then the notices of the papers the unread ranking and the stored suggestions
    list first. An outage is said in one line and ends Crossref's part; the build goes on."""
    from citegraph.s2.records import Alert

    config = dataclasses.replace(
        plan.crossref_config or CrossrefConfig.from_env(), rate_file=plan.data_dir / CROSSREF_RATE_FILE
    )
    with CrossrefClient(config, plan.notice) as client:
        asker = CrossrefAsker(store, client, s2, plan.refresh_crossref)
        run.crossref = asker.run
        asker.papers(yours, withheld_papers(store, yours))
        if not asker.run.outage:
            run.requests, run.skipped = s2.requests, s2.tally.skipped
            _, graph, changed = report_and_assemble(plan, run, store, plan.quick)  # ranked as it now stands
            run.assembled_midway = run.assembled_midway or changed
            ranked = [
                graph.nodes[row.paperId]
                for row in unread_papers(graph, top=RANKED_FOR_CROSSREF, include_retracted=True)
            ]
            later = stored_suggestions(store, graph)
            asker.ranked(ranked + list(later.papers.values() if later else []))
    if asker.run.outage and plan.notice:
        plan.notice(
            Alert(
                f"Crossref: no answer ({asker.run.outage}); the map is drawn without what Crossref would "
                f'add (see {plan.data_dir / COVERAGE_FILE}, "crossref")'
            )
        )
    return asker.run


def most_useful_first(graph: nx.DiGraph) -> list[str]:
    """Your papers, those citing the papers that lead the unread ranking first: their influence
    flags move that ranking most."""
    position = {row.paperId: rank for rank, row in enumerate(unread_papers(graph, top=None))}
    # Compared by their best-ranked reference, then the next best, …; papers citing none come last.
    ranks = {
        paper: sorted(position[cited] for cited in graph.succ[paper] if cited in position)[:TOP_REFERENCES]
        or [len(position)]
        for paper in your_papers(graph)
    }
    return sorted(ranks, key=ranks.__getitem__)


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
            "suggestions": list(run.later.table["paperId"]) if run.later is not None else [],
        }
        data = take_snapshot(run.graph, earlier, facts)
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
    fetch, drawn = plan.fetch_options, plan.map_options or MapOptions()
    return {
        "depth": fetch.depth,
        "citations": fetch.citations,
        "max_citations": fetch.max_citations,
        "refresh": fetch.refresh,
        "refresh_after": fetch.refresh_after,
        "max_nodes": drawn.max_nodes,
    }
