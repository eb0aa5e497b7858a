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
argument is wrong, which the SDK's function-signature tools cannot.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, is_dataclass
from functools import cached_property
from pathlib import Path

import anyio
import jsonschema
import networkx as nx
from mcp import types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from citegraph import __version__, find_paper, graph_stats, most_similar, paper_card, shortest_paths, top_citing
from citegraph.assemble import graph_path
from citegraph.clustering import cluster_rows, unread_in_cluster
from citegraph.constants import INFLUENCE, MAP_FILE, MAX_PATHS, MAX_SUGGESTIONS, MAX_TOP, SUGGESTION_POOLS, TOP
from citegraph.coverage import read_coverage
from citegraph.datadir import COVERAGE_FILE
from citegraph.datafiles import open_regular
from citegraph.errors import AmbiguousPaper, CitegraphError, GraphMissing, NoPath, PaperNotFound, ToolProblem
from citegraph.questions import paper_link, reading_status, retraction_note, unread_papers, your_papers
from citegraph.s2.records import Progress
from citegraph.savedgraph import read_saved_graph
from citegraph.suggestions import suggest
from citegraph.text import cut

__all__ = ["create_server", "serve", "notes_entries"]

log = logging.getLogger("citegraph.mcp")

MAX_MAP_BYTES = 256 << 20  # a map of 2,000 papers is a few MB; more is not a map citegraph drew
MAX_NAME = 2000  # characters of a paper's name or a cluster's: more is no title, and is refused at once
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


def json_data(result) -> dict | list:
    """What a CLI command prints with ``--format json`` for a library result (a dataclass with
    ``to_dict``, records, or a table's rows with missing values null), as JSON values."""
    if isinstance(result, list):
        data = [asdict(row) for row in result]
    elif is_dataclass(result):
        data = result.to_dict()
    else:
        data = result.astype(object).where(result.notna(), None).to_dict("records")
    return json.loads(json.dumps(data, default=str))


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


def paper_arg(description: str) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": MAX_NAME, "description": description}


PAPER_NAME = (
    "an S2 paperId, an arXiv id or DOI (arXiv:2106.09685, 10.…), an arXiv/DOI/S2 URL, "
    "or a title (case- and punctuation-insensitive; the name before the colon is enough)"
)
ARTICLES = {
    "integer": "an integer",
    "string": "a string",
    "boolean": "true or false",
    "null": "null",
    "object": "an object",
}
TOP_ARG = {"type": "integer", "minimum": 1, "maximum": MAX_TOP, "default": TOP, "description": "Rows to return."}


@dataclass(frozen=True)
class Answer:
    """A tool's answer: the short text for clients that show text, and the structured result."""

    text: str
    data: dict


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its name, what the assistant reads about it, its arguments' JSON schema, and how it is answered."""

    name: str
    description: str
    properties: dict
    answer: Callable
    required: tuple = ()
    read_only: bool = True

    @property
    def input_schema(self) -> dict:
        return {
            "type": "object",
            "properties": self.properties,
            "required": list(self.required),
            "additionalProperties": False,
        }

    @cached_property
    def validator(self) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator(self.input_schema)

    def sdk_tool(self) -> types.Tool:
        return types.Tool(
            name=self.name,
            description=self.description,
            input_schema=self.input_schema,
            annotations=types.ToolAnnotations(read_only_hint=self.read_only, open_world_hint=not self.read_only),
        )


def argument_problem(tool: ToolSpec, arguments: dict) -> str | None:
    """What is wrong with a call's arguments, in one line that never repeats the value; None when they are fine."""
    errors = sorted(tool.validator.iter_errors(arguments), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return None
    error = errors[0]
    name = ".".join(map(str, error.absolute_path))
    expected = ", ".join(tool.properties) or "no arguments"
    match error.validator:
        case "required":
            missing = next(n for n in error.validator_value if n not in error.instance)
            return f"{tool.name}: missing argument {missing!r} (it takes {expected})"
        case "additionalProperties":
            unknown = sorted(set(error.instance) - set(tool.properties))
            return f"{tool.name}: unknown argument {cut(unknown[0], 80)!r} (it takes {expected})"
        case "type":
            kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            return f"{tool.name}: argument {name!r} must be {' or '.join(ARTICLES.get(k, k) for k in kinds)}"
        case "minimum" | "maximum":
            bound = "at least" if error.validator == "minimum" else "at most"
            return f"{tool.name}: argument {name!r} must be {bound} {error.validator_value}"
        case "maxLength":
            return f"{tool.name}: argument {name!r} is longer than {error.validator_value:,} characters"
        case "minLength":
            return f"{tool.name}: argument {name!r} is empty"
        case "enum":
            return f"{tool.name}: argument {name!r} must be one of {', '.join(map(json.dumps, error.validator_value))}"
    return f"{tool.name}: argument {name!r} is not valid"


def whole_numbers(tool: ToolSpec, arguments: dict) -> dict:
    """Integer arguments as ints: JSON Schema counts 1.0 and 1e3 as integers, Python's slices do not."""
    return {
        name: int(value)
        if isinstance(value, float) and "integer" in str(tool.properties.get(name, {}).get("type"))
        else value
        for name, value in arguments.items()
    }


def label(paper: dict) -> str:
    """A paper (a row of an answer, or a node's attributes with its paperId) as the text summaries name
    it: title (year) [paperId]."""
    return f"{paper.get('title')} ({paper.get('year') or 'n.d.'}) [{paper.get('paperId')}]"


def rows_text(heading: str, rows: list[dict], details: Callable[[dict], str]) -> str:
    lines = [heading] + [f"{i}. {label(row)}: {details(row)}" for i, row in enumerate(rows, start=1)]
    return "\n".join(lines) if rows else f"{heading} none"


@dataclass
class Citegraph:
    """The server's state and its answers: the data dir's graph and what a refresh needs."""

    data_dir: Path
    notes: list = field(default_factory=list)
    allow_fetch: bool = False
    map_file: Path = MAP_FILE
    s2_config: object = None

    def __post_init__(self):
        self.data_dir = Path(self.data_dir).resolve()
        self.map_file = Path(self.map_file).resolve()
        self.saved = SavedGraph(self.data_dir)
        self._ranking = None  # (graph, its whole unread ranking), see whole_ranking
        self.tools = {tool.name: tool for tool in self._tools()}
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

    # -- the tools ------------------------------------------------------------------------------

    def _tools(self) -> list[ToolSpec]:
        tools = [
            ToolSpec(
                "find_paper",
                "Which paper of your citation graph a name means, ranked as `citegraph` ranks "
                "names: an id, then an exact title, the name before the colon, papers in your notes with these "
                "words, any paper with them. A tie lists the candidates; a typo lists the closest titles.",
                {"query": paper_arg(PAPER_NAME)},
                self.find_paper,
                ("query",),
            ),
            ToolSpec(
                "paper",
                "Everything known about one paper (`citegraph show`): metadata, your note, topics, "
                "reading status, its references and citers in the graph with S2's influence flags.",
                {"paper": paper_arg(PAPER_NAME)},
                self.paper,
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
                    "undirected": {
                        "type": "boolean",
                        "default": False,
                        "description": "Ignore which paper cites which.",
                    },
                    "all": {
                        "type": "boolean",
                        "default": False,
                        "description": f"Every shortest path ({MAX_PATHS} at most; `more` counts the rest).",
                    },
                },
                self.path,
                ("from", "to"),
            ),
            ToolSpec(
                "unread",
                "The references you have not read, ranked by how much your reading depends on them "
                "(`citegraph unread`): score = cited_by_count + influential_count + pagerank / max pagerank; "
                "papers in your reading queue first; who cites each.",
                {
                    "top": TOP_ARG,
                    "cluster": {
                        **paper_arg("Only papers of this group (see the clusters tool)."),
                        "type": ["string", "null"],
                    },
                    "since": {
                        "type": ["integer", "null"],
                        "description": "Only papers published in or after this year.",
                    },
                },
                self.unread,
            ),
            ToolSpec(
                "similar",
                "Unread papers most related to one paper by co-citation and bibliographic coupling "
                "(`citegraph similar`), naming the shared papers.",
                {"paper": paper_arg(PAPER_NAME), "top": TOP_ARG},
                self.similar,
                ("paper",),
            ),
            ToolSpec(
                "citing",
                "Papers outside your notes citing at least two of your papers, most first "
                "(`citegraph citing`; needs a build with --citations).",
                {"top": TOP_ARG},
                self.citing,
            ),
            ToolSpec(
                "stats",
                "Counts of the graph (`citegraph stats`): papers read, queued and unread, citations by "
                "S2's influence flag, years, papers per decade, the last build's coverage totals.",
                {},
                self.stats,
            ),
            ToolSpec(
                "coverage",
                "What Semantic Scholar gave for each entry of your notes at the last build "
                "(coverage.json): resolved, title-matched, uncertain, not found, skipped or failed, and why.",
                {},
                self.coverage,
            ),
        ]
        tools.append(
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
                self.changes,
            )
        )
        tools.append(
            ToolSpec(
                "clusters",
                "The groups of the citation graph (`citegraph clusters`): name, "
                "size, your papers in each, its top unread papers.",
                {},
                self.clusters,
            )
        )
        tools.append(self._suggest_tool())
        if self.allow_fetch:
            tools.append(
                ToolSpec(
                    "refresh",
                    "Build the graph again from your notes (`citegraph build`): fetch "
                    "what is missing from Semantic Scholar, store it, redraw the map; sends progress "
                    "notifications. The other tools then answer from the new graph.",
                    {},
                    self.refresh,
                    read_only=False,
                )
            )
        return tools

    def _suggest_tool(self) -> ToolSpec:
        """``suggest``: the stored answer; with ``allow_fetch`` also ``ask``, which asks S2 again."""
        return ToolSpec(
            "suggest",
            "Papers Semantic Scholar recommends for your reading, and why: the papers of yours each "
            "cites or shares references with (`citegraph suggest`). "
            + (
                "The last stored answer, or S2 asked again with `ask: true`."
                if self.allow_fetch
                else "The last stored answer (`citegraph suggest` stores one; this server never asks S2)."
            ),
            {
                "top": {**TOP_ARG, "maximum": MAX_SUGGESTIONS},
                "pool": {
                    "enum": list(SUGGESTION_POOLS),
                    "default": SUGGESTION_POOLS[0],
                    "description": "recent: the last 60 days; all-cs: all computer-science papers.",
                },
                "from_paper": {
                    **paper_arg("Suggest for this one paper instead of your read papers."),
                    "type": ["string", "null"],
                },
                "cluster": {**paper_arg("Suggest for your read papers in this group."), "type": ["string", "null"]},
                **(
                    {"ask": {"type": "boolean", "default": False, "description": "Ask Semantic Scholar again."}}
                    if self.allow_fetch
                    else {}
                ),
            },
            self.suggest,
            read_only=not self.allow_fetch,
        )

    def find_paper(self, query: str) -> Answer:
        graph = self.graph
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

    def paper(self, paper: str) -> Answer:
        card = json_data(paper_card(self.graph, self.resolve(paper)))
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

    def path(self, undirected: bool = False, all: bool = False, **ends) -> Answer:  # noqa: A002 (the tool's own name)
        try:
            found = json_data(
                shortest_paths(
                    self.graph,
                    self.resolve(ends["from"]),
                    self.resolve(ends["to"]),
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

    def unread(self, top: int = TOP, cluster: str | None = None, since: int | None = None) -> Answer:
        graph = self.graph
        if cluster is not None:
            ranking = unread_in_cluster(graph, cluster, top=top, since=since)
        elif since is not None:
            ranking = unread_papers(graph, top=top, since=since)
        else:
            ranking = self.whole_ranking(graph)[:top]
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

    def similar(self, paper: str, top: int = TOP) -> Answer:
        graph = self.graph
        node = self.resolve(paper)
        rows = json_data(most_similar(graph, node, top=top))
        return Answer(
            rows_text(
                f"Unread papers most related to {label({**graph.nodes[node], 'paperId': node})}:",
                rows,
                lambda r: f"score {r['score']}, {r['shared_count']} shared papers",
            ),
            {"papers": rows},
        )

    def citing(self, top: int = TOP) -> Answer:
        rows = json_data(top_citing(self.graph, top=top))
        return Answer(
            rows_text(
                "Papers citing several of yours:", rows, lambda r: f"cites {r['cites_read_count']} of your papers"
            ),
            {"papers": rows},
        )

    def stats(self) -> Answer:
        stats = graph_stats(self.graph, coverage_file=self.data_dir / COVERAGE_FILE)
        figures = json_data(stats)
        retracted = retraction_note(stats)
        return Answer(
            f"{figures['papers']:,} papers ({figures['read']} read, {figures['queued']} queued, "
            f"{figures['unread']:,} unread), {figures['citations']:,} citations "
            f"({figures['influential']:,} influential, {figures['citations_from_crossref']:,} from Crossref)"
            + (f"; {retracted}" if retracted else ""),
            figures,
        )

    def coverage_report(self) -> dict:
        report = read_coverage(self.data_dir / COVERAGE_FILE)
        if report is None:
            raise GraphMissing(
                f"no coverage report at {self.data_dir / COVERAGE_FILE}; run `citegraph build NOTES "
                f"--data-dir {self.data_dir}` first"
            )
        return report

    def coverage(self) -> Answer:
        report = self.coverage_report()
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

    def changes(self, since: str | None = None, since_build: int | None = None) -> Answer:
        from citegraph.history import stored_changes

        found = json_data(stored_changes(self.data_dir, self.graph, since, since_build))
        lines = [found["summary"]] + [
            f"- {row['change']}: {row['title'] or row['paperId']} ({row['detail']})" for row in found["changes"]
        ]
        return Answer("\n".join(lines), found)

    def clusters(self) -> Answer:
        groups = json_data(cluster_rows(self.graph))
        return Answer(
            "\n".join(
                f"- {g['cluster']}: {g['size']} papers, {g['your_papers']} of yours; best unread: "
                f"{'; '.join(g['top_unread']) or 'none'}"
                for g in groups
            )
            or "no groups",
            {"clusters": groups},
        )

    def suggest(
        self,
        top: int = TOP,
        pool: str = SUGGESTION_POOLS[0],
        from_paper: str | None = None,
        cluster: str | None = None,
        ask: bool = False,
    ) -> Answer:
        result = suggest(
            self.data_dir,
            pool=pool,
            top=top,
            from_paper=from_paper,
            cluster=cluster,
            offline=not ask,
            s2_config=self.s2_config,
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

    def refresh(self, progress: Progress) -> Answer:
        from citegraph.fetch import FetchOptions
        from citegraph.pipeline import build
        from citegraph.questions import has_citations

        if not self.notes:
            raise ToolProblem(
                "refresh: the server was started without notes; start it as `citegraph mcp NOTES... --allow-fetch`"
            )
        citations = self.saved.graph is not None and has_citations(self.saved.graph)
        result = build(
            self.notes,
            data_dir=self.data_dir,
            output=self.map_file,
            fetch_options=FetchOptions(citations=citations),
            s2_config=self.s2_config,
            progress=progress,
            notice=lambda line: log.info("%s", line),
        )
        self.saved.replace(result.graph)
        totals = result.report.totals
        data = {
            "totals": totals,
            "requests": result.requests,
            "papers": result.graph.number_of_nodes(),
            "citations": result.graph.number_of_edges(),
            "map": str(self.map_file),
            "complete": result.complete,
            "stopped": result.stopped,
            "failed": result.failed,
        }
        text = (
            f"built: {totals['ok'] + totals['title_matched']} of your papers resolved, {totals['failed']} failed; "
            f"{data['papers']:,} papers, {data['citations']:,} citations; {result.requests} requests; "
            f"map: {self.map_file}" + (f"; {result.stopped}" if result.stopped else "")
        )
        return Answer(text, data)

    # -- the resources --------------------------------------------------------------------------

    def resources(self) -> list[types.Resource]:
        return [
            types.Resource(
                uri=self.map_file.as_uri(),
                name="map",
                mime_type="text/html",
                description=f"The interactive map of your citation graph, {self.map_file}: "
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
                description=f"The last build's coverage report, {self.data_dir / COVERAGE_FILE}.",
            ),
        ]

    def map_text(self) -> str:
        """The map's HTML: a regular file only (a FIFO or a device there is no map), at most ``MAX_MAP_BYTES``."""
        try:
            with open_regular(self.map_file) as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > MAX_MAP_BYTES:
                    raise GraphMissing(
                        f"the map {self.map_file} is {size >> 20} MB, more than the "
                        f"{MAX_MAP_BYTES >> 20} MB a map citegraph draws can be; draw it again with "
                        f"`citegraph build NOTES -o {self.map_file}`"
                    )
                return handle.read(size).decode("utf-8", errors="replace")
        except OSError as exc:
            raise GraphMissing(
                f"no map at {self.map_file} ({exc.strerror}); run `citegraph build NOTES -o {self.map_file}`"
            ) from None

    def read(self, uri: str) -> tuple[str, str]:
        """A resource's text and MIME type; raises CitegraphError (one line) when it cannot be read."""
        if uri == NOTES_URI:
            return json.dumps(notes_entries(self.graph), ensure_ascii=False, default=str), "application/json"
        if uri == COVERAGE_URI:
            return json.dumps(self.coverage_report(), ensure_ascii=False), "application/json"
        if uri == self.map_file.as_uri():
            return self.map_text(), "text/html"
        known = ", ".join(str(resource.uri) for resource in self.resources())
        raise ToolProblem(f"no resource {cut(uri, 80)!r}; the resources are {known}")


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
    s2_config : citegraph.s2.transport.S2Config, optional
        How ``refresh`` reaches Semantic Scholar (default: from the environment).

    Returns
    -------
    mcp.server.lowlevel.Server
        Run it with `serve`, or connect ``mcp.Client(server)`` to it in-process.

    Example
    -------
    >>> server = create_server(Path("data"))  # doctest: +SKIP
    """
    state = Citegraph(Path(data_dir), [str(n) for n in notes or []], allow_fetch, Path(map_file), s2_config)
    one_build_at_a_time = anyio.Lock()

    async def list_tools(ctx, params) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[tool.sdk_tool() for tool in state.tools.values()])

    async def call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = state.tools.get(params.name)
        if tool is None:
            return error_result(f"unknown tool {cut(params.name, 80)!r}; the tools are {', '.join(state.tools)}")
        arguments = params.arguments or {}
        problem = argument_problem(tool, arguments)
        if problem:
            return error_result(problem)
        arguments = whole_numbers(tool, arguments)
        try:
            if tool.name == "refresh":
                async with one_build_at_a_time:
                    answer = await run_refresh(state, ctx)
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

    async def list_resources(ctx, params) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=state.resources())

    async def read_resource(ctx, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        try:
            # Off the event loop: a map file on a slow disk must not hold the other requests.
            text, mime_type = await anyio.to_thread.run_sync(state.read, str(params.uri))
        except CitegraphError as exc:
            raise MCPError(code=types.INVALID_PARAMS, message=str(exc)) from None
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=params.uri, mime_type=mime_type, text=text)]
        )

    return Server(
        "citegraph",
        version=__version__,
        instructions="Questions about the user's own citation graph: the papers in their reading notes "
        "(read or queued), the references and citations Semantic Scholar gave for them. "
        "Name papers by id or title; find_paper says which paper a name means.",
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_read_resource=read_resource,
    )


async def run_refresh(state: Citegraph, ctx) -> Answer:
    """Run the build in a worker thread, relaying its progress to the client as notifications."""
    steps = 0

    def progress(phase: str, done: int, total: int) -> None:
        nonlocal steps
        steps += 1  # MCP progress must grow: count the reports, the phase's own count is in the message
        anyio.from_thread.run(ctx.session.report_progress, steps, None, f"{phase}: {done} of {total}")

    return await anyio.to_thread.run_sync(state.refresh, progress)


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

    from citegraph.mcp_stdio import BoundedStdio

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
