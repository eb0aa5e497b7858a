"""The page's data: every paper, the adjacency and the panels' rows, compact (papers by number, not by id)."""

from __future__ import annotations

import re

import networkx as nx
import pandas as pd

from citegraph.constants import INFLUENCE
from citegraph.export.formats import bibtex_entries
from citegraph.map.looks import KINDS, STYLE
from citegraph.map.selection import MapOptions, Selection, short_label
from citegraph.paths import first_context
from citegraph.questions import flags_pending_note, paper_link, read_papers, reading_status
from citegraph.text import one_line

def page_data(graph: nx.DiGraph, selection: Selection, legend: list, options: MapOptions, ranked) -> dict:
    """What the page computes with: every paper (compact), the adjacency, the ranked unread rows.

    ``ranked`` is :func:`citegraph.questions.unread` ``(graph, top=None)``: the panel shows its rows as they are.
    """
    ids = list(graph.nodes)
    index = {n: i for i, n in enumerate(ids)}
    flag_code = {False: 0, True: 1, None: 2}
    papers, adjacency, hop_details = [], [], {}
    for i, node in enumerate(ids):
        data = graph.nodes[node]
        papers.append([node, data.get("title") or "", data.get("year"), reading_status(data), data.get("citationCount"),
                       paper_link(data), data.get("url") or "", short_label(data.get("title"), data.get("year"))])
        row = []
        for cited, edge in graph.succ[node].items():
            j = index[cited]
            row.append(j * 3 + flag_code[edge.get("isInfluential")])
            context, intents = first_context(edge), edge.get("intents") or []
            if context is not None or intents:
                hop_details[f"{i}>{j}"] = [intents, context]
        adjacency.append(row)
    rows = []
    # One call for the whole list: keys stay unique whichever rows are ticked and copied together.
    entries = bibtex_entries(graph, list(ranked["paperId"]))
    for row in ranked.itertuples(index=False):
        rows.append({"paperId": row.paperId, "title": row.title, "year": None if _missing(row.year) else int(row.year),
                     "score": float(row.score), "cited_by_count": int(row.cited_by_count),
                     "influential_count": int(row.influential_count), "cited_by": list(row.cited_by),
                     "markdown": f"- [{_markdown_text(row.title)}]({paper_link(graph.nodes[row.paperId])})",
                     "bibtex": entries[row.paperId]})
    # The legend's kinds, in KINDS' order: "not relevant" only when the notes mark a paper so.
    kinds = [k for k in KINDS if k != "not-relevant" or any(flag for _, flag in graph.nodes(data="not_relevant"))]
    return {
        "papers": papers, "adjacency": adjacency, "hops": hop_details, "unread": rows,
        "legend": legend, "kinds": {k: v["legend"] for k, v in KINDS.items() if k in kinds}, "kindOrder": kinds, "style": STYLE,
        "drawn": len(selection.drawn), "total": graph.number_of_nodes(),
        "folded": sum(selection.folded_into.values()), "unlinked": selection.unlinked,
        "overMaxNodes": selection.over_max_nodes, "maxNodes": options.max_nodes,
        "summary": selection.summary(graph.number_of_nodes(), options.max_nodes),
        "colorMode": options.color, "path": list(options.path), "read": len(read_papers(graph)),
        # S2's influence flag in words, as `path` writes it (keys: the flag as JS's String() has it)
        "influenceWords": {json_flag: INFLUENCE[flag].words for flag, json_flag in ((True, "true"), (False, "false"),
                                                                                     (None, "null"))},
        "flagsPending": flags_pending_note(graph),
    }


def _missing(value) -> bool:
    """None, NaN or pandas' NA (the ranking's integer columns hold NA for an unknown year)."""
    return value is None or bool(pd.isna(value))


def _markdown_text(title: str | None) -> str:
    return re.sub(r"([\[\]\\])", r"\\\1", one_line(title or ""))



LATER_WORK_ROWS = 200  # papers citing yours listed at most, newest first


def later_work_data(graph: nx.DiGraph, later=None) -> dict:
    """The page data of the "Later work & suggestions" panel.

    ``citing``: papers citing yours (stored by ``build --citations``), newest first, as
    `citegraph.questions.top_citing` with ``min_cites=1, sort="year"`` lists them. ``suggestions``:
    the last stored `citegraph.suggestions.Suggestions` (``later``), each with the paperIds of your papers
    it cites and shares references with (the page draws it near them), ``new`` and its copy texts.
    """
    from citegraph.questions import has_citations, top_citing

    citing = []
    if has_citations(graph):
        frame = top_citing(graph, top=LATER_WORK_ROWS, min_cites=1, sort="year")
        entries = bibtex_entries(graph, list(frame["paperId"]))
        for row in frame.itertuples(index=False):
            citing.append({"paperId": row.paperId, "title": row.title, "year": None if _missing(row.year) else int(row.year),
                           "cites_read_count": int(row.cites_read_count), "cites": list(row.cites),
                           "markdown": f"- [{_markdown_text(row.title)}]({row.url})", "bibtex": entries[row.paperId]})
    rows = []
    if later is not None and len(later.table):
        papers = later.graph()
        entries = bibtex_entries(papers, list(later.table["paperId"]))
        for row in later.table.itertuples(index=False):
            data, why = papers.nodes[row.paperId], later.reasons.get(row.paperId, {})
            rows.append({"paperId": row.paperId, "title": row.title, "year": None if _missing(row.year) else int(row.year),
                         "venue": row.venue, "citationCount": None if _missing(row.citationCount) else int(row.citationCount),
                         "new": bool(row.new), "cites": [p for p in why.get("cites", []) if p in graph],
                         "shares": [[p, n] for p, n in why.get("shares", {}).items() if p in graph],
                         "label": short_label(row.title, data.get("year")), "link": row.url, "s2url": data.get("url") or "",
                         "markdown": f"- [{_markdown_text(row.title)}]({row.url})", "bibtex": entries[row.paperId]})
    return {"citing": citing, "suggestions": rows,
            "asked": later.asked_at[:10] if later is not None else None,
            "previous": later.previous[:10] if later is not None and later.previous else None}

