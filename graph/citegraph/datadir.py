"""The data dir (``--data-dir``): the files a build keeps there, and opening them.

Every command and the MCP server find the same files under the same names: the SQLite store of
every answer fetched, the saved graph the questions read, the last build's coverage report, and
the rate file through which builds sharing a data dir share one request budget.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.graphfile import GRAPH_FILE, graph_path
from citegraph.graphload import load_graph
from citegraph.store import Store

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["STORE_FILE", "GRAPH_FILE", "COVERAGE_FILE", "RATE_FILE", "CROSSREF_RATE_FILE", "open_store", "load"]

STORE_FILE = "citegraph.db"  # every answer fetched (see citegraph.store)
COVERAGE_FILE = "coverage.json"  # the last build's coverage report
RATE_FILE = "s2-rate"  # the next free request slot: builds sharing a data dir share one rate budget
CROSSREF_RATE_FILE = "crossref-rate"  # the same for Crossref's requests
RANKINGS_FILE = ".rankings.json"  # the unread rankings a build uses, kept under the saved graph's stamp


def open_store(data_dir: Path) -> Store:
    """The store of ``data_dir`` (read-only when the folder is; created when missing)."""
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
