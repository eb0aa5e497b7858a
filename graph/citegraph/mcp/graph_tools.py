"""The MCP tools that ask about the whole graph and its builds: its counts, what S2 gave for each entry of
your notes, what changed since an earlier build, and its groups."""

from __future__ import annotations

from functools import partial

from citegraph.clustering import cluster_rows
from citegraph.datadir import COVERAGE_FILE
from citegraph.mcp.answers import Answer, json_data
from citegraph.mcp.schemas import ToolSpec
from citegraph.mcp.state import ServerState
from citegraph.questions import graph_stats, retraction_note


def graph_tools(state: ServerState) -> list[ToolSpec]:
    """``stats``, ``coverage``, ``changes``, ``clusters``, answered from ``state``."""
    return [
        ToolSpec(
            "stats",
            "Counts of the graph (`citegraph stats`): papers read, queued and unread, citations by "
            "S2's influence flag, years, papers per decade, the last build's coverage totals.",
            {},
            partial(answer_stats, state),
        ),
        ToolSpec(
            "coverage",
            "What Semantic Scholar gave for each entry of your notes at the last build "
            "(coverage.json): resolved, title-matched, uncertain, not found, skipped or failed, and why.",
            {},
            partial(answer_coverage, state),
        ),
        ToolSpec(
            "changes",
            "What changed since the previous build (`citegraph changes`), from the kept builds: new "
            "papers citing yours, unread references entering, climbing or leaving your top 20 (and why: read), "
            "groups that grew or split, new suggestions.",
            {
                "since": {
                    "type": ["string", "null"],
                    "maxLength": 40,
                    "description": "Compare with the last build before this date (YYYY-MM-DD).",
                },
                "since_build": {
                    "type": ["integer", "null"],
                    "minimum": 1,
                    "description": "Compare with this build (see `citegraph log`).",
                },
            },
            partial(answer_changes, state),
        ),
        ToolSpec(
            "clusters",
            "The groups of the citation graph (`citegraph clusters`): name, "
            "size, your papers in each, its top unread papers.",
            {},
            partial(answer_clusters, state),
        ),
    ]


def answer_stats(state: ServerState) -> Answer:
    stats = graph_stats(state.graph, coverage_file=state.data_dir / COVERAGE_FILE)
    figures = json_data(stats)
    retracted = retraction_note(stats)
    return Answer(
        f"{figures['papers']:,} papers ({figures['read']} read, {figures['queued']} queued, "
        f"{figures['unread']:,} unread), {figures['citations']:,} citations "
        f"({figures['influential']:,} influential, {figures['citations_from_crossref']:,} from Crossref)"
        + (f"; {retracted}" if retracted else ""),
        figures,
    )


def answer_coverage(state: ServerState) -> Answer:
    report = state.coverage_report()
    totals = report["totals"]
    problems = [e for e in report["entries"] if e.get("status") not in ("ok", "title_matched", "skipped")]
    lines = [", ".join(f"{key}: {value}" for key, value in totals.items())]
    lines += [f"- {e.get('status')}: {e.get('id') or e.get('title')}: {e.get('reason')}" for e in problems]
    crossref = report.get("crossref") or {}
    if crossref.get("outage"):
        lines.append(f"Crossref gave no answer ({crossref['outage']}): what it would add is missing")
    lines += [
        f"- references withheld, not recovered: {m.get('doi') or m.get('paperId')}: {m.get('why')}"
        for m in crossref.get("withheld_not_recovered") or []
    ]
    withheld = [e for e in report["entries"] if e.get("references_withheld")]
    if withheld:
        lines.append(f"references withheld by the publisher: {len(withheld)} of your papers")
        lines += [f"- {e.get('id') or e.get('title')}: {e.get('reason')}" for e in withheld]
    return Answer("\n".join(lines), report)


def answer_changes(state: ServerState, since: str | None = None, since_build: int | None = None) -> Answer:
    from citegraph.history import stored_changes

    found = json_data(stored_changes(state.data_dir, state.graph, since, since_build))
    lines = [found["summary"]] + [
        f"- {row['change']}: {row['title'] or row['paperId']} ({row['detail']})" for row in found["changes"]
    ]
    return Answer("\n".join(lines), found)


def answer_clusters(state: ServerState) -> Answer:
    groups = json_data(cluster_rows(state.graph))
    return Answer(
        "\n".join(
            f"- {g['cluster']}: {g['size']} papers, {g['your_papers']} of yours; best unread: "
            f"{'; '.join(g['top_unread']) or 'none'}"
            for g in groups
        )
        or "no groups",
        {"clusters": groups},
    )
