"""The MCP tools that ask about papers: which paper a name means, one paper, the path between two, the
unread ranking, similar papers and papers citing yours. Each calls the library function the CLI command
of the same question calls."""

from __future__ import annotations

from functools import partial

from citegraph.clustering import unread_in_cluster
from citegraph.constants import INFLUENCE, MAX_PATHS, TOP
from citegraph.errors import AmbiguousPaper, NoPath, PaperNotFound
from citegraph.lookup import find_paper
from citegraph.mcp.answers import Answer, json_data, label, rows_text
from citegraph.mcp.schemas import PAPER_NAME, TOP_ARG, ToolSpec, optional_paper_arg, paper_arg
from citegraph.mcp.state import ServerState
from citegraph.paths import shortest_paths
from citegraph.questions import most_similar, paper_card, paper_link, reading_status, top_citing, unread_papers


def paper_tools(state: ServerState) -> list[ToolSpec]:
    """``find_paper``, ``paper``, ``path``, ``unread``, ``similar``, ``citing``, answered from ``state``."""
    return [
        ToolSpec(
            "find_paper",
            "Which paper of your citation graph a name means, ranked as `citegraph` ranks "
            "names: an id, then an exact title, the name before the colon, papers in your notes with these "
            "words, any paper with them. A tie lists the candidates; a typo lists the closest titles.",
            {"query": paper_arg(PAPER_NAME)},
            partial(answer_find_paper, state),
            ("query",),
        ),
        ToolSpec(
            "paper",
            "Everything known about one paper (`citegraph show`): metadata, your note, topics, "
            "reading status, its references and citers in the graph with S2's influence flags.",
            {"paper": paper_arg(PAPER_NAME)},
            partial(answer_paper, state),
            ("paper",),
        ),
        ToolSpec(
            "path",
            "How two papers are connected (`citegraph path`): the shortest chain of citations "
            "from → to, or to → from when there is none that way, with each hop's direction, S2's "
            "influence flag, citation intents and context.",
            {
                "from": paper_arg(PAPER_NAME),
                "to": paper_arg(PAPER_NAME),
                "undirected": {"type": "boolean", "default": False, "description": "Ignore which paper cites which."},
                "all": {
                    "type": "boolean",
                    "default": False,
                    "description": f"Every shortest path ({MAX_PATHS} at most; `more` counts the rest).",
                },
            },
            partial(answer_path, state),
            ("from", "to"),
        ),
        *ranking_tools(state),
    ]


def ranking_tools(state: ServerState) -> list[ToolSpec]:
    """``unread``, ``similar``, ``citing``: the tools listing papers, best first."""
    return [
        ToolSpec(
            "unread",
            "The references you have not read, ranked by how much your reading depends on them "
            "(`citegraph unread`): score = cited_by_count + influential_count + pagerank / max pagerank; "
            "papers in your reading queue first; who cites each.",
            {
                "top": TOP_ARG,
                "cluster": optional_paper_arg("Only papers of this group (see the clusters tool)."),
                "since": {"type": ["integer", "null"], "description": "Only papers published in or after this year."},
            },
            partial(answer_unread, state),
        ),
        ToolSpec(
            "similar",
            "Unread papers most related to one paper by co-citation and bibliographic coupling "
            "(`citegraph similar`), naming the shared papers.",
            {"paper": paper_arg(PAPER_NAME), "top": TOP_ARG},
            partial(answer_similar, state),
            ("paper",),
        ),
        ToolSpec(
            "citing",
            "Papers outside your notes citing at least two of your papers, most first "
            "(`citegraph citing`; needs a build with --citations).",
            {"top": TOP_ARG},
            partial(answer_citing, state),
        ),
    ]


def answer_find_paper(state: ServerState, query: str) -> Answer:
    graph = state.graph
    data = {
        "query": query,
        "paperId": None,
        "how": None,
        "title": None,
        "year": None,
        "others": [],
        "candidates": [],
        "suggestions": [],
    }
    try:
        match = find_paper(graph, query)
    except AmbiguousPaper as exc:
        data.update(how="tie", candidates=[{"paperId": p, "label": t} for p, t in exc.candidates])
        return Answer(f"{exc}:\n" + "\n".join(f"- {t} [{p}]" for p, t in exc.candidates), data)
    except PaperNotFound as exc:
        data.update(how="not found", suggestions=exc.suggestions)
        return Answer(str(exc), data)
    node = graph.nodes[match.paper_id]
    data.update(
        paperId=match.paper_id,
        how=match.how,
        title=node.get("title"),
        year=node.get("year"),
        others=[{"paperId": p, "label": t} for p, t in match.others],
    )
    also = f"; {len(match.others)} other paper(s) match less closely" if match.others else ""
    return Answer(f"{label(data)}: matched by {match.how}{also}", data)


def answer_paper(state: ServerState, paper: str) -> Answer:
    card = json_data(paper_card(state.graph, state.resolve(paper)))
    lines = [
        f"{label(card)}, {card.get('venue') or 'no venue'}; {reading_status(card)}; "
        f"{len(card['references'])} references and {len(card['cited_by'])} citers in the graph",
        f"authors: {', '.join(card.get('authors') or []) or 'unknown'}; url: {paper_link(card)}",
    ]
    if card.get("topics"):
        lines.append(f"topics: {'; '.join(card['topics'])}")
    if card.get("note"):
        lines.append(f"your note: {card['note']}")
    if card.get("notice"):
        lines.append(f"Crossref notice: {card['notice']}")
    recovered = sum(1 for r in card["references"] if r.get("source") == "crossref")
    if recovered:
        lines.append(f"{recovered} of its references come from Crossref (S2 withholds them; influence unknown)")
    return Answer("\n".join(lines), card)


def answer_path(state: ServerState, undirected: bool = False, all: bool = False, **ends) -> Answer:  # noqa: A002 (the tool's own name)
    try:
        found = json_data(
            shortest_paths(
                state.graph,
                state.resolve(ends["from"]),
                state.resolve(ends["to"]),
                undirected=undirected,
                all_paths=all,
            )
        )
    except NoPath as exc:  # the library names the CLI's option
        raise NoPath(str(exc).replace("try --undirected", "try undirected: true")) from None
    lines = [
        f"{found['length']} hop(s), {len(found['paths'])} shortest path(s) ({found['direction']})"
        + (f", {found['more']} more" if found["more"] else "")
    ]
    for number, (papers, hops) in enumerate(zip(found["paths"], found["hops"]), start=1):
        steps = [label(papers[0])] + [
            f"{hop['direction']} ({INFLUENCE[hop['isInfluential']].words}"
            f"{'; from Crossref' if hop.get('source') == 'crossref' else ''}) {label(paper)}"
            for hop, paper in zip(hops, papers[1:])
        ]
        lines.append(f"path {number}: " + " → ".join(steps))
    return Answer("\n".join(lines), found)


def answer_unread(state: ServerState, top: int = TOP, cluster: str | None = None, since: int | None = None) -> Answer:
    graph = state.graph
    if cluster is not None:
        ranking = unread_in_cluster(graph, cluster, top=top, since=since)
    elif since is not None:
        ranking = unread_papers(graph, top=top, since=since)
    else:
        ranking = state.whole_ranking(graph)[:top]
    rows = json_data(ranking)
    return Answer(
        rows_text(
            "Unread references, best first:",
            rows,
            lambda r: (
                f"score {r['score']}, cited by {r['cited_by_count']} of your papers "
                f"({r['influential_count']} influential)"
                + (", in your queue" if r["queued"] else "")
                + (f"; {r['notice']}" if r.get("notice") else "")
            ),
        ),
        {"papers": rows},
    )


def answer_similar(state: ServerState, paper: str, top: int = TOP) -> Answer:
    graph = state.graph
    node = state.resolve(paper)
    rows = json_data(most_similar(graph, node, top=top))
    return Answer(
        rows_text(
            f"Unread papers most related to {label({**graph.nodes[node], 'paperId': node})}:",
            rows,
            lambda r: f"score {r['score']}, {r['shared_count']} shared papers",
        ),
        {"papers": rows},
    )


def answer_citing(state: ServerState, top: int = TOP) -> Answer:
    rows = json_data(top_citing(state.graph, top=top))
    return Answer(
        rows_text("Papers citing several of yours:", rows, lambda r: f"cites {r['cites_read_count']} of your papers"),
        {"papers": rows},
    )
