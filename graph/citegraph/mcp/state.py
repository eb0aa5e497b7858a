"""What the MCP server holds between questions: the data dir's graph, loaded once and again only when a
build has replaced it, the unread ranking asked most, and what a refresh needs (the notes, the map)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from citegraph.assemble import graph_path
from citegraph.constants import MAP_FILE
from citegraph.coverage import read_coverage
from citegraph.datadir import COVERAGE_FILE
from citegraph.errors import CitegraphError, GraphMissing
from citegraph.lookup import find_paper
from citegraph.questions import unread_papers
from citegraph.savedgraph import read_saved_graph

log = logging.getLogger("citegraph.mcp")


class SavedGraph:
    """The graph of a data dir, loaded once and again only when a build has replaced the file."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.graph: nx.DiGraph | None = None
        self.loaded_stamp = None

    def _file_stamp(self):
        try:
            info = os.stat(graph_path(self.data_dir))
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size, info.st_ino

    def current(self) -> nx.DiGraph:
        """The graph, read again if its file changed; raises GraphMissing (one line) when there is none."""
        stamp = self._file_stamp()
        if self.graph is not None and stamp in (self.loaded_stamp, None):
            return self.graph
        try:
            # Read as the CLI's questions read it: each column parsed once, when a question first needs it.
            graph = read_saved_graph(graph_path(self.data_dir))
        except CitegraphError as exc:
            if self.graph is None:
                raise
            log.warning("answering from the graph loaded before: %s", exc)
            self.loaded_stamp = stamp
            return self.graph
        self.replace(graph, stamp)
        log.info(
            "loaded %s: %d papers, %d citations",
            graph_path(self.data_dir),
            graph.number_of_nodes(),
            graph.number_of_edges(),
        )
        return graph

    def replace(self, graph: nx.DiGraph, stamp=None) -> None:
        self.graph, self.loaded_stamp = graph, stamp or self._file_stamp()


@dataclass
class ServerState:
    """The server's state: the data dir's graph and what a refresh needs."""

    data_dir: Path
    notes: list = field(default_factory=list)
    allow_fetch: bool = False
    map_file: Path = MAP_FILE
    s2_config: object = None

    def __post_init__(self):
        self.data_dir = Path(self.data_dir).resolve()
        # absolute, not resolved: a message names the map path the user gave, not where a link leads
        self.map_file = Path(os.path.abspath(self.map_file))
        self.saved = SavedGraph(self.data_dir)
        self._ranking = None  # (graph, its whole unread ranking), see whole_ranking
        try:
            self.saved.current()
        except CitegraphError as exc:  # every question will say so; refresh may build it
            log.warning("%s", exc)

    @property
    def graph(self) -> nx.DiGraph:
        return self.saved.current()

    def whole_ranking(self, graph) -> list:
        """Every unread paper, ranked, computed once per loaded graph: the question asked most."""
        if self._ranking is None or self._ranking[0] is not graph:
            self._ranking = (graph, unread_papers(graph, top=None))
        return self._ranking[1]

    def resolve(self, name: str) -> str:
        return find_paper(self.graph, name).paper_id

    def coverage_report(self) -> dict:
        """The last build's coverage.json; raises GraphMissing (one line) when there is none."""
        report = read_coverage(self.data_dir / COVERAGE_FILE)
        if report is None:
            raise GraphMissing(
                f"no coverage report at {self.data_dir / COVERAGE_FILE}; run `citegraph build NOTES "
                f"--data-dir {self.data_dir}` first"
            )
        return report
