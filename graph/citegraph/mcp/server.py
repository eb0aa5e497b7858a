"""Ask the stored citation graph from an AI assistant: a Model Context Protocol server (`citegraph mcp`).

The server reads the saved graph once, when it starts, and answers every question from memory
(it reads it again only when a build has replaced it since). Each tool is a thin call of the
library function the CLI command of the same question calls; its structured result is what that
command prints with ``--format json`` (a list as ``{"papers": [...]}``, since MCP results are
objects), and its text is a short summary, one line per paper, for clients that show text.

Errors are tool errors of one line (an unknown paper with the closest titles, a tie with the
candidates, no graph yet with the build command); logs go to stderr, never to the protocol's
stream. No tool touches the network unless the server was started with ``allow_fetch``, which
adds ``refresh`` (a build of the notes, with progress notifications) and lets ``suggest`` ask
Semantic Scholar again. ``clusters`` and ``suggest`` are tools only where the library has them.

The tools are answered by the official MCP Python SDK's low-level ``Server``: its tools take
arguments named ``from`` and ``to`` (Python keywords) and their errors say in one line which
argument is wrong, which the SDK's function-signature tools cannot. The tools are in
`citegraph.mcp.paper_tools`, `citegraph.mcp.graph_tools` and `citegraph.mcp.fetching_tools`; their
arguments' checks in `citegraph.mcp.schemas`; the resources in `citegraph.mcp.resources`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import anyio
from mcp import types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from citegraph import __version__
from citegraph.constants import MAP_FILE
from citegraph.errors import AmbiguousPaper, CitegraphError, PaperNotFound
from citegraph.mcp.answers import Answer
from citegraph.mcp.fetching_tools import fetching_tools
from citegraph.mcp.graph_tools import graph_tools
from citegraph.mcp.paper_tools import paper_tools
from citegraph.mcp.resources import read_resource_text, resource_list
from citegraph.mcp.schemas import ToolSpec, argument_problem, whole_numbers
from citegraph.mcp.state import ServerState
from citegraph.text import cut

__all__ = ["create_server", "serve", "all_tools"]

log = logging.getLogger("citegraph.mcp")


def all_tools(state: ServerState) -> dict[str, ToolSpec]:
    """Every tool the server lists, by name, in the order it lists them (``refresh`` only with ``allow_fetch``)."""
    return {tool.name: tool for tool in [*paper_tools(state), *graph_tools(state), *fetching_tools(state)]}


def error_result(line: str, **data) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=line)],
        is_error=True,
        structured_content={"error": line, **data} if data else None,
    )


def failure(exc: CitegraphError) -> types.CallToolResult:
    """A CitegraphError as a tool error: its one line, and the candidates or suggestions as data."""
    if isinstance(exc, AmbiguousPaper):
        names = "; ".join(f"{title} [{paper}]" for paper, title in exc.candidates)
        return error_result(f"{exc}: {names}", candidates=[{"paperId": p, "label": t} for p, t in exc.candidates])
    if isinstance(exc, PaperNotFound):
        return error_result(str(exc), suggestions=exc.suggestions)
    return error_result(str(exc))


class RequestHandlers:
    """The server's answers to the protocol's requests: list and call the tools, list and read the resources."""

    def __init__(self, state: ServerState):
        self.state = state
        self.tools = all_tools(state)
        self.one_build_at_a_time = anyio.Lock()

    async def list_tools(self, ctx, params) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[tool.sdk_tool() for tool in self.tools.values()])

    async def call_tool(self, ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = self.tools.get(params.name)
        if tool is None:
            return error_result(f"unknown tool {cut(params.name, 80)!r}; the tools are {', '.join(self.tools)}")
        arguments = params.arguments or {}
        problem = argument_problem(tool, arguments)
        if problem:
            return error_result(problem)
        arguments = whole_numbers(tool, arguments)
        try:
            if tool.name == "refresh":
                async with self.one_build_at_a_time:
                    answer = await run_refresh(tool, ctx)
            else:
                answer = tool.answer(**arguments)
        except CitegraphError as exc:
            log.info("%s: %s", tool.name, exc)
            return failure(exc)
        except Exception as exc:  # a bug: its traceback goes to the log (stderr), one line to the assistant
            log.exception("%s failed", tool.name)
            return error_result(
                f"{tool.name} failed inside citegraph ({type(exc).__name__}: {cut(str(exc), 80)}); "
                "the server's log (stderr) has the details"
            )
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=answer.text)], structured_content=answer.data
        )

    async def list_resources(self, ctx, params) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=resource_list(self.state))

    async def read_resource(self, ctx, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        try:
            # Off the event loop: a map file on a slow disk must not hold the other requests.
            text, mime_type = await anyio.to_thread.run_sync(read_resource_text, self.state, str(params.uri))
        except CitegraphError as exc:
            raise MCPError(code=types.INVALID_PARAMS, message=str(exc)) from None
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=params.uri, mime_type=mime_type, text=text)]
        )


def create_server(
    data_dir: Path, notes: list | None = None, allow_fetch: bool = False, map_file: Path = MAP_FILE, s2_config=None
) -> Server:
    """The MCP server over the graph saved in ``data_dir`` (loaded now, once).

    Parameters
    ----------
    data_dir : Path
        What ``citegraph build --data-dir`` wrote.
    notes : list of paths, optional
        The notes ``refresh`` builds from.
    allow_fetch : bool
        Add the ``refresh`` tool, the only one that reaches Semantic Scholar.
    map_file : Path
        The map the ``map`` resource points to and ``refresh`` draws.
    s2_config : citegraph.s2.config.S2Config, optional
        How ``refresh`` reaches Semantic Scholar (default: from the environment).

    Returns
    -------
    mcp.server.lowlevel.Server
        Run it with `serve`, or connect ``mcp.Client(server)`` to it in-process.

    Example
    -------
    >>> server = create_server(Path("data"))  # doctest: +SKIP
    """
    state = ServerState(Path(data_dir), [str(n) for n in notes or []], allow_fetch, Path(map_file), s2_config)
    handlers = RequestHandlers(state)
    return Server(
        "citegraph",
        version=__version__,
        instructions="Questions about the user's own citation graph: the papers in their reading notes "
        "(read or queued), the references and citations Semantic Scholar gave for them. "
        "Name papers by id or title; find_paper says which paper a name means.",
        on_list_tools=handlers.list_tools,
        on_call_tool=handlers.call_tool,
        on_list_resources=handlers.list_resources,
        on_read_resource=handlers.read_resource,
    )


async def run_refresh(tool: ToolSpec, ctx) -> Answer:
    """Run the build in a worker thread, relaying its progress to the client as notifications."""
    steps = 0

    def progress(phase: str, done: int, total: int) -> None:
        nonlocal steps
        steps += 1  # MCP progress must grow: count the reports, the phase's own count is in the message
        anyio.from_thread.run(ctx.session.report_progress, steps, None, f"{phase}: {done} of {total}")

    return await anyio.to_thread.run_sync(tool.answer, progress)


def serve(data_dir: Path, notes: list | None = None, allow_fetch: bool = False, map_file: Path = MAP_FILE) -> None:
    """Run the server on stdin/stdout until the client closes them; logs go to stderr.

    Parameters
    ----------
    data_dir, notes, allow_fetch, map_file
        As for `create_server` (``refresh`` reaches Semantic Scholar as ``S2_API_URL`` and
        ``S2_API_KEY`` in the environment say).

    Example
    -------
    >>> serve(Path("data"))  # doctest: +SKIP
    """
    from mcp.server.stdio import stdio_server

    from citegraph.mcp.stdio import BoundedStdio

    handler = logging.StreamHandler()  # stderr: stdout is the protocol's stream
    handler.setFormatter(logging.Formatter("citegraph mcp: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    server = create_server(data_dir, notes, allow_fetch, map_file)
    ended = ["the client closed the connection"]

    async def run() -> None:
        with anyio.CancelScope() as scope:

            def gone(why: str) -> None:
                ended[0] = why
                scope.cancel()

            stdio = BoundedStdio(gone)
            try:
                async with stdio_server(stdio, stdio) as (read_stream, write_stream):
                    await server.run(read_stream, write_stream, server.create_initialization_options())
            finally:
                stdio.close()

    anyio.run(run)
    log.info("%s; stopped", ended[0])
