"""What a build was asked to do (`BuildPlan`) and what its phases found so far (`BuildRun`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.bulk.engines import EngineOptions
from citegraph.constants import CROSSREF_REFRESH_DAYS, FIRST_VIEW_AFTER, MERGE_VERSIONS
from citegraph.coverage import CoverageReport
from citegraph.crossref.ask import CrossrefRun
from citegraph.crossref.client import CrossrefConfig
from citegraph.fetch import FetchOptions
from citegraph.notes.reader import Notes, ZoteroSource
from citegraph.s2.config import S2Config
from citegraph.s2.records import Notice, Progress

if TYPE_CHECKING:
    from citegraph.map.render import MapOptions


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


@dataclass
class BuildPlan:
    """What a build was asked to do: `citegraph.pipeline.build`'s arguments, handed to each phase."""

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
    first_view_after: float = FIRST_VIEW_AFTER


@dataclass
class BuildRun:
    """What the phases found so far: each phase reads the earlier ones' results and adds its own.

    ``graph`` is a NetworkX DiGraph when this build assembled it, else the saved graph's lazy view
    (`citegraph.savedgraph.SavedGraph`): a build that changed nothing parses only what it reads.
    """

    notes: Notes
    fingerprint: str = ""  # the notes' fingerprint, part of every stamp of this build
    requests: int = 0
    rate_limited: int = 0
    skipped: int = 0  # items S2 answered that did not validate
    stopped: str | None = None  # why Semantic Scholar stopped answering
    stopped_at: float | None = None
    interrupted: bool = False  # KeyboardInterrupt while fetching: raised again once the map is drawn
    report: CoverageReport | None = None
    graph: object = None
    changed: bool = False
    later: object = None  # the suggestions the map's "Later work & suggestions" panel shows
    suggested: str | None = None
    map_meta: dict | None = None
    changes: object = None  # citegraph.history.Changes since the previous build
    stamp: dict | None = None  # what the last assembled graph was built from: the map keeps a page drawn from it
    crossref: CrossrefRun | None = None  # what was asked of Crossref (None: not asked)
    assembled_midway: bool = False  # Crossref's part drew the graph (to rank it) before the final draw

    def stop_line(self) -> str | None:
        """The one-line account of an early stop, or None."""
        if not self.stopped:
            return None
        return (
            f"Semantic Scholar stopped answering at {time.strftime('%H:%M', time.localtime(self.stopped_at))} "
            f"({self.stopped}); {self.report.resolved} of {self.report.papers} papers fetched; run the same "
            "command later to resume"
        )
