"""The MCP server's resources: the map (its HTML, read only from a regular file of bounded size), the papers
of your notes, and the last build's coverage report."""

from __future__ import annotations

import json
import os

import networkx as nx
from mcp import types

from citegraph.datadir import COVERAGE_FILE
from citegraph.datafiles import open_regular
from citegraph.errors import GraphMissing, ToolProblem
from citegraph.mcp.state import ServerState
from citegraph.questions import paper_link, reading_status, your_papers
from citegraph.text import cut

MAX_MAP_BYTES = 256 << 20  # a map of 2,000 papers is a few MB; more is not a map citegraph drew
NOTES_URI = "citegraph://notes"
COVERAGE_URI = "citegraph://coverage"


def notes_entries(graph: nx.DiGraph) -> list[dict]:
    """The papers of your notes (read or queued) as the graph holds them: what the notes resource lists.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph.

    Returns
    -------
    list of dict
        ``paperId``, ``title``, ``year``, ``status`` (read or queued), ``topics``, ``sources``
        (``file:line``), ``note``, ``url`` (see `citegraph.questions.paper_link`), in the graph's order.

    Examples
    --------
    >>> [(entry["paperId"], entry["status"], entry["topics"]) for entry in notes_entries(example_graph())]
    [('A', 'read', ['Normalization']), ('B', 'read', ['Normalization'])]
    """
    entries = []
    for node in your_papers(graph):
        data = graph.nodes[node]
        entries.append(
            {
                "paperId": node,
                "title": data.get("title"),
                "year": data.get("year"),
                "status": reading_status(data).value,
                "topics": list(data.get("topics") or []),
                "sources": list(data.get("sources") or []),
                "note": data.get("note"),
                "url": paper_link(data),
            }
        )
    return entries


def resource_list(state: ServerState) -> list[types.Resource]:
    """The resources the server lists: the map, the notes, the coverage report."""
    return [
        types.Resource(
            uri=state.map_file.as_uri(),
            name="map",
            mime_type="text/html",
            description=f"The interactive map of your citation graph, {state.map_file}: "
            "open it in a browser (it works offline).",
        ),
        types.Resource(
            uri=NOTES_URI,
            name="notes",
            mime_type="application/json",
            description="The papers of your notes, read or queued: title, year, status, topics, "
            "where your notes mention them, your note.",
        ),
        types.Resource(
            uri=COVERAGE_URI,
            name="coverage",
            mime_type="application/json",
            description=f"The last build's coverage report, {state.data_dir / COVERAGE_FILE}.",
        ),
    ]


def map_text(state: ServerState) -> str:
    """The map's HTML: a regular file only (a FIFO or a device there is no map), at most ``MAX_MAP_BYTES``."""
    try:
        with open_regular(state.map_file) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_MAP_BYTES:
                raise GraphMissing(
                    f"the map {state.map_file} is {size >> 20} MB, more than the "
                    f"{MAX_MAP_BYTES >> 20} MB a map citegraph draws can be; draw it again with "
                    f"`citegraph build NOTES -o {state.map_file}`"
                )
            return handle.read(size).decode("utf-8", errors="replace")
    except OSError as exc:
        raise GraphMissing(
            f"no map at {state.map_file} ({exc.strerror}); run `citegraph build NOTES -o {state.map_file}`"
        ) from None


def read_resource_text(state: ServerState, uri: str) -> tuple[str, str]:
    """A resource's text and MIME type; raises CitegraphError (one line) when it cannot be read."""
    if uri == NOTES_URI:
        return json.dumps(notes_entries(state.graph), ensure_ascii=False, default=str), "application/json"
    if uri == COVERAGE_URI:
        return json.dumps(state.coverage_report(), ensure_ascii=False), "application/json"
    if uri == state.map_file.as_uri():
        return map_text(state), "text/html"
    known = ", ".join(str(resource.uri) for resource in resource_list(state))
    raise ToolProblem(f"no resource {cut(uri, 80)!r}; the resources are {known}")
