"""The MCP server (`citegraph mcp`): an AI assistant's questions over the saved graph.

`server` wires the protocol's requests to the tools and resources and runs it on stdio (`stdio`
bounds what it reads and writes); `state` holds the loaded graph; the tools are grouped by what they
ask (`paper_tools`, `graph_tools`, `fetching_tools`, each a thin call of the library), with their
arguments' schemas and checks in `schemas` and their answers' shape in `answers`; `resources` lists
and reads the map, the notes and the coverage report.
"""

from citegraph.mcp.resources import notes_entries
from citegraph.mcp.server import create_server, serve

__all__ = ["create_server", "serve", "notes_entries"]
