"""The whole build, notes to map, as one call: what `citegraph build` runs, reachable from Python.

The build runs in phases (:mod:`citegraph.phases`): the store filled, the graph assembled (or the saved
one read when nothing changed), the build recorded, the map drawn (or kept).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.assemble import notes_fingerprint
from citegraph.bulk.engines import EngineOptions
from citegraph.constants import CROSSREF_REFRESH_DAYS, DATA_DIR, FIRST_VIEW_AFTER, MAP_FILE, MERGE_VERSIONS
from citegraph.coverage import CoverageReport
from citegraph.crossref.ask import CrossrefRun
from citegraph.crossref.client import CrossrefConfig
from citegraph.datadir import open_store
from citegraph.errors import StoreError
from citegraph.fetch import FetchOptions
from citegraph.notes.reader import Notes, ZoteroSource, read_notes, require_papers
from citegraph.phases.fetch import NOTHING_STORED, fill_the_store
from citegraph.phases.graph import assemble_the_graph, require_a_graph
from citegraph.phases.output import ask_for_suggestions, draw_the_map, networkx_graph
from citegraph.phases.plan import BuildPlan, BuildRun, FirstView
from citegraph.phases.record import record_the_history
from citegraph.s2.config import S2Config
from citegraph.s2.records import Notice, Progress
from citegraph.store import Store
from citegraph.store.connection import damaged
from citegraph.suggestions import stored_suggestions

if TYPE_CHECKING:
    import networkx as nx

    from citegraph.map.render import MapOptions

__all__ = ["build", "BuildResult", "FirstView", "NOTHING_STORED"]


@dataclass
class BuildResult:
    """What a build did.

    ``report`` is the coverage report; ``requests`` and ``rate_limited`` count the requests made
    and the 429s among them; ``stopped`` is the one-line account of an early stop when Semantic
    Scholar stopped answering (None otherwise); ``failed`` counts the notes' papers that could not
    be fetched in this (online) build. ``graph`` is the NetworkX graph; ``view`` the graph as the
    build read it (when nothing changed, the saved graph's lazy view: counts and attributes without
    loading it).
    """

    notes: Notes
    report: CoverageReport
    view: object
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
    def graph(self) -> nx.DiGraph:
        """The graph as a NetworkX DiGraph (an unchanged saved graph is loaded on first use)."""
        self.view = networkx_graph(self.view)
        return self.view

    @property
    def complete(self) -> bool:
        """Whether every paper S2 knows was fetched (a partial build exits with PARTIAL_EXIT in the CLI)."""
        return self.stopped is None and not self.failed


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
    first_view_after: float = FIRST_VIEW_AFTER,
) -> BuildResult:
    """Read the notes, fetch what is missing, store it, and assemble, save and draw the graph.

    A build that fetches draws a first map as soon as the batch is in (your papers and their
    references, influence unknown) when the influence flags will take ``first_view_after`` seconds or
    more, then fetches S2's influence flags paper by paper, most useful first, and draws the map again
    at the end, or when interrupted (KeyboardInterrupt is raised again once the map and the graph are
    written).

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
    first_view_after : the fewest seconds the influence flags must still take for a first map to be
        drawn (0: always); a build that ends sooner draws only its complete map.
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
    asked = {**locals(), "paths": list(paths), "data_dir": Path(data_dir)}  # every argument, as the plan holds it
    asked["fetch_options"] = fetch_options or FetchOptions()
    plan = BuildPlan(**{field.name: asked[field.name] for field in dataclasses.fields(BuildPlan)})
    return run_build(plan)


def run_build(plan: BuildPlan) -> BuildResult:
    """The build's phases, in order: each reads what the earlier ones put in ``run`` and adds its own."""
    notes = read_the_notes(plan)
    run = BuildRun(notes, notes_fingerprint(notes))
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
    return result_of(plan, run)


def result_of(plan: BuildPlan, run: BuildRun) -> BuildResult:
    failed = 0 if plan.offline else run.report.totals["failed"]
    return BuildResult(
        run.notes,
        run.report,
        run.graph,
        run.changed,
        run.requests,
        run.map_meta,
        run.rate_limited,
        run.stop_line(),
        failed,
        run.suggested,
        changes=run.changes,
        crossref=run.crossref,
    )


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
