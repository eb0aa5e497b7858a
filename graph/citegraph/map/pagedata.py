"""The page's data, sized for the page: papers by number (their index in ``papers``), never by id, in
every list; what the first frame does not need (BibTeX entries, citation contexts) in one compressed
block the page unpacks after its first frame; nothing stored twice (titles, links and markdown lines
are made in the page from ``papers``; the drawn citations from ``adjacency``).
"""

from __future__ import annotations

import base64
import json
import re
import zlib

import networkx as nx

from citegraph.constants import INFLUENCE
from citegraph.map.looks import KINDS, STYLE
from citegraph.map.selection import MapOptions, Selection, paper_label, short_label
from citegraph.paths import first_context
from citegraph.questions import flags_pending_note, paper_link, read_papers, reading_status, withheld_note, your_papers
from citegraph.text import one_line, shown_title

KIND_CODES = list(KINDS)  # a paper's kind in ``papers``: its index here
S2_PAGE = "https://www.semanticscholar.org/paper/"
FLAG_CODE = {False: 0, True: 1, None: 2}  # an adjacency entry is cited * 3 + this code


def paper_rows(graph: nx.DiGraph) -> list[list]:
    """``[id, title, year, kind, citationCount, link, s2url, label]`` per paper, in the graph's order; ``kind``
    a code (``KIND_CODES``), ``s2url`` 0 when it is S2's page for the id, ``link`` 0 when it is ``s2url``. An
    untitled paper's title is its paperId (`citegraph.text.shown_title`), its label empty."""
    rows = []
    for node, data in graph.nodes(data=True):
        s2url, link = data.get("url") or "", paper_link(data)
        rows.append(
            [
                node,
                shown_title(data.get("title"), node),
                data.get("year"),
                KIND_CODES.index(reading_status(data)),
                data.get("citationCount"),
                0 if link == s2url else link,
                0 if s2url == S2_PAGE + node else s2url,
                paper_label(data),
            ]
        )
    return rows


def adjacency(graph: nx.DiGraph, index: dict[str, int]) -> tuple[list[list[int]], dict[str, list]]:
    """Each paper's cited papers (``cited * 3 + FLAG_CODE``) and each citation's intents and first context."""
    rows, hops = [], {}
    for i, node in enumerate(graph.nodes):
        row = []
        for cited, edge in graph.succ[node].items():
            j = index[cited]
            row.append(j * 3 + FLAG_CODE[edge.get("isInfluential")])
            context, intents = first_context(edge), edge.get("intents") or []
            if context is not None or intents:
                hops[f"{i}>{j}"] = [intents, context]
        rows.append(row)
    return rows, hops


def packed(value) -> str:
    """``value`` as compressed JSON in base64: the page unpacks it after its first frame (DecompressionStream)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.b64encode(zlib.compress(text, 9)).decode("ascii")


def markdown_line(title: str | None, link: str) -> str:
    r"""The markdown line the page copies for a paper (the page makes it the same way, from ``papers``).

    Example
    -------
    >>> markdown_line("[Re] Attention   is all", "https://arxiv.org/abs/1706.03762")
    '- [\\[Re\\] Attention is all](https://arxiv.org/abs/1706.03762)'
    """
    return f"- [{_markdown_text(title)}]({link})"


def edge_marks(edges: list[dict], index: dict[str, int]) -> dict[str, list[int]]:
    """The drawn citations the page draws apart from their influence flag, as flat lists of paper numbers
    (citing, cited, citing, cited...): ``crossref`` (Crossref gave them) and ``unknownShown`` (where
    influence is unknown, shown anyway: `citegraph.map.looks.vis_edges`)."""
    marks = {"crossref": [], "unknownShown": []}
    for item in edges:
        mark = "crossref" if item.get("source") == "crossref" else "unknownShown" if item.get("unknownShown") else None
        if mark:
            marks[mark] += [index[item["from"]], index[item["to"]]]
    return marks


def page_nodes(nodes: list[dict], index: dict[str, int], looks: list[str]) -> list[list]:
    """The drawn papers as ``[paper, x, y, size, look, group, labelled, details]`` (``look``: an index of
    ``looks``, vis-network's groups; ``details``: what the card shows beyond ``papers``, your citing
    papers as numbers)."""
    rows = []
    for item in nodes:
        details = dict(item["paper"])
        if "readers" in details:
            details["readers"] = [index[p] for p in details["readers"]]
        rows.append(
            [
                index[item["id"]],
                item["x"],
                item["y"],
                item["size"],
                looks.index(item["group"]),
                item["cluster"],
                1 if item.get("label") else 0,
                details,
            ]
        )
    return rows


def page_data(
    graph: nx.DiGraph, selection: Selection, legend: list, options: MapOptions, ranked: list, bibtex: bool = True
) -> dict:
    """What the page computes with: every paper (compact), the adjacency, the ranked unread rows.

    ``ranked`` is :func:`citegraph.questions.unread_papers` ``(graph, top=None)``: the page's
    ``citegraph.unread()`` answers its rows unchanged. Each unread row is ``[paper, score,
    cited_by_count, influential_count, [citing papers of yours, by title]]``. Without ``bibtex`` (a
    build's first view, redrawn moments later) the copy block holds no BibTeX entries.
    """
    index = {n: i for i, n in enumerate(graph.nodes)}
    yours = set(your_papers(graph))
    title = {p: graph.nodes[p].get("title") or "" for p in yours}
    # cited_by as `unread_papers` lists it: the titles of your papers citing the paper, sorted
    rows = [
        [
            index[row.paperId],
            row.score,
            row.cited_by_count,
            row.influential_count,
            [
                index[p]
                for p in sorted(
                    (p for p in graph.pred[row.paperId] if p in yours and p != row.paperId), key=title.__getitem__
                )
            ],
        ]
        for row in ranked
    ]
    links, hops = adjacency(graph, index)
    from citegraph.export.bibtex import bibtex_entries

    # One call for the whole list: keys stay unique whichever rows are ticked and copied together.
    entries = bibtex_entries(graph, [row.paperId for row in ranked]) if bibtex else {}
    # The legend's kinds, in KINDS' order: "not relevant" only when the notes mark a paper so.
    kinds = [k for k in KINDS if k != "not-relevant" or any(flag for _, flag in graph.nodes(data="not_relevant"))]
    return {
        "papers": paper_rows(graph),
        "kindCodes": KIND_CODES,
        "s2Page": S2_PAGE,
        "adjacency": links,
        "unread": rows,
        "lazy": packed({"hops": hops, "bibtex": [entries.get(row.paperId, "") for row in ranked]}),
        "legend": legend,
        "kinds": {k: v["legend"] for k, v in KINDS.items() if k in kinds},
        "kindOrder": kinds,
        "style": STYLE,
        "drawn": len(selection.drawn),
        "total": graph.number_of_nodes(),
        "folded": sum(selection.folded_into.values()),
        "unlinked": selection.unlinked,
        "overMaxNodes": selection.over_max_nodes,
        "maxNodes": options.max_nodes,
        "summary": selection.summary(graph.number_of_nodes(), options.max_nodes),
        "colorMode": options.color,
        "path": list(options.path),
        "read": len(read_papers(graph)),
        # S2's influence flag in words, as `path` writes it (keys: the flag as JS's String() has it)
        "influenceWords": {
            json_flag: INFLUENCE[flag].words for flag, json_flag in ((True, "true"), (False, "false"), (None, "null"))
        },
        "flagsPending": flags_pending_note(graph),
        "crossrefCitations": sum(1 for _, _, source in graph.edges(data="source") if source == "crossref"),
        "retracted": sum(1 for _, flag in graph.nodes(data="retracted") if flag),
        "withheld": withheld_note(graph),
        "versions": graph.graph.get("version_ids") or {},  # ids of S2 records merged into another: resolve() maps them
    }


def _missing(value) -> bool:
    """None, NaN or pandas' NA (the ranking's integer columns hold NA for an unknown year)."""
    import pandas as pd  # here: a rebuild that keeps its page never needs pandas

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
    from citegraph.export.bibtex import bibtex_entries
    from citegraph.questions import has_citations, top_citing

    citing = []
    if has_citations(graph):
        frame = top_citing(graph, top=LATER_WORK_ROWS, min_cites=1, sort="year")
        entries = bibtex_entries(graph, list(frame["paperId"]))
        for row in frame.itertuples(index=False):
            citing.append(
                {
                    "paperId": row.paperId,
                    "title": row.title,
                    "year": None if _missing(row.year) else int(row.year),
                    "cites_read_count": int(row.cites_read_count),
                    "cites": list(row.cites),
                    "markdown": f"- [{_markdown_text(row.title)}]({row.url})",
                    "bibtex": entries[row.paperId],
                }
            )
    rows = []
    if later is not None and len(later.table):
        papers = later.graph()
        entries = bibtex_entries(papers, list(later.table["paperId"]))
        for row in later.table.itertuples(index=False):
            data, why = papers.nodes[row.paperId], later.reasons.get(row.paperId, {})
            title = data.get("title")  # the checked record's (None when S2 gave none), never a frame's NaN
            rows.append(
                {
                    "paperId": row.paperId,
                    "title": title,
                    "year": None if _missing(row.year) else int(row.year),
                    "venue": row.venue,
                    "citationCount": None if _missing(row.citationCount) else int(row.citationCount),
                    "new": bool(row.new),
                    "cites": [p for p in why.get("cites", []) if p in graph],
                    "shares": [[p, n] for p, n in why.get("shares", {}).items() if p in graph],
                    "label": short_label(title, data.get("year")),
                    "link": row.url,
                    "s2url": data.get("url") or "",
                    "markdown": f"- [{_markdown_text(title or row.paperId)}]({row.url})",
                    "bibtex": entries[row.paperId],
                }
            )
    return {
        "citing": citing,
        "suggestions": rows,
        "asked": later.asked_at[:10] if later is not None else None,
        "previous": later.previous[:10] if later is not None and later.previous else None,
    }


# ---- What changed since the previous build -----------------------------------------------------------


def changes_data(graph: nx.DiGraph, changes=None) -> dict:
    """The page data of the "What changed" panel: the rows `citegraph changes` prints (``rows``, compact: a
    paper of the graph by its number, its title and year left to ``papers``; the page's ``citegraph.changes()``
    answers them whole), the papers marked new (``new``: a paper's number in ``papers``, its paperId when the
    graph lacks it), the summary and the build's saturation figure."""
    if changes is None or changes.since is None:  # a first build's page is the page of its graph alone
        return {"rows": [], "new": [], "summary": None, "saturation": None}
    index = {n: i for i, n in enumerate(graph.nodes)}
    return {
        "rows": [_compact_change(row, graph, index) for row in changes.rows],
        "new": [index.get(paper, paper) for paper in changes.new_papers()],
        "summary": changes.summary(),
        "saturation": changes.saturation_words(),
    }


def _compact_change(row: dict, graph: nx.DiGraph, index: dict[str, int]) -> dict:
    """A change row naming a paper of the graph by number (``paper``); its title and year only where they are
    not the paper's own (the page's ``papers`` hold those: a missing title is kept, as ``papers`` shows the id)."""
    paper = row.get("paperId")
    if paper not in index:
        return dict(row)
    data = graph.nodes[paper]
    compact = {key: value for key, value in row.items() if key not in ("paperId", "title", "year")}
    compact["paper"] = index[paper]
    if not row.get("title") or row["title"] != data.get("title"):
        compact["title"] = row.get("title")
    if row.get("year") != data.get("year"):
        compact["year"] = row.get("year")
    return compact
