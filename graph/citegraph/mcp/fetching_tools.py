"""The MCP tools that may reach Semantic Scholar: ``suggest`` (its stored answer, or S2 asked again with
``ask`` when the server was started with ``allow_fetch``) and ``refresh`` (a build of the notes, listed
only with ``allow_fetch``)."""

from __future__ import annotations

import logging
from functools import partial

from citegraph.constants import MAX_SUGGESTIONS, SUGGESTION_POOLS, TOP
from citegraph.errors import ToolProblem
from citegraph.mcp.answers import Answer, json_data, rows_text
from citegraph.mcp.schemas import TOP_ARG, ToolSpec, optional_paper_arg
from citegraph.mcp.state import ServerState
from citegraph.s2.records import Progress
from citegraph.suggestions import suggest

log = logging.getLogger("citegraph.mcp")


def fetching_tools(state: ServerState) -> list[ToolSpec]:
    """``suggest``, and ``refresh`` when ``state.allow_fetch``."""
    tools = [suggest_tool(state)]
    if state.allow_fetch:
        tools.append(
            ToolSpec(
                "refresh",
                "Build the graph again from your notes (`citegraph build`): fetch "
                "what is missing from Semantic Scholar, store it, redraw the map; sends progress "
                "notifications. The other tools then answer from the new graph.",
                {},
                partial(answer_refresh, state),
                read_only=False,
            )
        )
    return tools


def suggest_tool(state: ServerState) -> ToolSpec:
    """``suggest``: the stored answer; with ``allow_fetch`` also ``ask``, which asks S2 again."""
    return ToolSpec(
        "suggest",
        "Papers Semantic Scholar recommends for your reading, and why: the papers of yours each "
        "cites or shares references with (`citegraph suggest`). "
        + (
            "The last stored answer, or S2 asked again with `ask: true`."
            if state.allow_fetch
            else "The last stored answer (`citegraph suggest` stores one; this server never asks S2)."
        ),
        {
            "top": {**TOP_ARG, "maximum": MAX_SUGGESTIONS},
            "pool": {
                "enum": list(SUGGESTION_POOLS),
                "default": SUGGESTION_POOLS[0],
                "description": "recent: the last 60 days; all-cs: all computer-science papers.",
            },
            "from_paper": optional_paper_arg("Suggest for this one paper instead of your read papers."),
            "cluster": optional_paper_arg("Suggest for your read papers in this group."),
            **(
                {"ask": {"type": "boolean", "default": False, "description": "Ask Semantic Scholar again."}}
                if state.allow_fetch
                else {}
            ),
        },
        partial(answer_suggest, state),
        read_only=not state.allow_fetch,
    )


def answer_suggest(
    state: ServerState,
    top: int = TOP,
    pool: str = SUGGESTION_POOLS[0],
    from_paper: str | None = None,
    cluster: str | None = None,
    ask: bool = False,
) -> Answer:
    result = suggest(
        state.data_dir,
        pool=pool,
        top=top,
        from_paper=from_paper,
        cluster=cluster,
        offline=not ask,
        s2_config=state.s2_config,
        notice=log.info,
    )
    rows = json_data(result.table)
    return Answer(
        rows_text(
            f"{result.summary()}:",
            rows,
            lambda r: (
                "; ".join(
                    [f"cites {', '.join(r['cites'])}"] * bool(r["cites"])
                    + [f"shares references with {', '.join(r['shares'])}"] * bool(r["shares"])
                )
                or "no shared papers"
            ),
        ),
        {"papers": rows, "summary": result.summary()},
    )


def answer_refresh(state: ServerState, progress: Progress) -> Answer:
    from citegraph.fetch import FetchOptions
    from citegraph.pipeline import build
    from citegraph.questions import has_citations

    if not state.notes:
        raise ToolProblem(
            "refresh: the server was started without notes; start it as `citegraph mcp NOTES... --allow-fetch`"
        )
    citations = state.saved.graph is not None and has_citations(state.saved.graph)
    result = build(
        state.notes,
        data_dir=state.data_dir,
        output=state.map_file,
        fetch_options=FetchOptions(citations=citations),
        s2_config=state.s2_config,
        progress=progress,
        notice=lambda line: log.info("%s", line),
    )
    state.saved.replace(result.graph)
    totals = result.report.totals
    data = {
        "totals": totals,
        "requests": result.requests,
        "papers": result.graph.number_of_nodes(),
        "citations": result.graph.number_of_edges(),
        "map": str(state.map_file),
        "complete": result.complete,
        "stopped": result.stopped,
        "failed": result.failed,
    }
    text = (
        f"built: {totals['ok'] + totals['title_matched']} of your papers resolved, {totals['failed']} failed; "
        f"{data['papers']:,} papers, {data['citations']:,} citations; {result.requests} requests; "
        f"map: {state.map_file}" + (f"; {result.stopped}" if result.stopped else "")
    )
    return Answer(text, data)
