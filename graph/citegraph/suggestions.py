"""What's new for me: papers Semantic Scholar recommends for your reading, each with why.

Positives are your read papers (or one paper, or one cluster of them), negatives the papers you
marked not relevant. The recommendations come through the `semanticscholar` client's API over our
transport (:mod:`citegraph.s2.adapter`): with several positives and the recent pool the list-based
endpoint (it takes the negatives, and no pool parameter), with one positive or ``pool="all-cs"`` the
single-paper endpoint for each positive (S2 takes the pool only there, and no negatives). One
batch request with nested references then says why each suggestion fits: which of your papers it
cites and with which it shares references. Papers in your notes — and the seed, which S2 may
recommend to itself — are never listed. Every answer is stored with the date asked, so the page
and ``offline=True`` need no network and a later run tells what is new.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.constants import DATA_DIR, MAX_SUGGESTIONS, SUGGESTION_POOLS, TOP
from citegraph.datadir import CROSSREF_RATE_FILE, RATE_FILE, load, open_store
from citegraph.errors import CitegraphError, ConflictingOptions, S2Unavailable
from citegraph.questions import YEAR, notice_line, paper_link, your_papers
from citegraph.s2 import schema
from citegraph.s2.client import S2Client
from citegraph.s2.config import S2Config
from citegraph.s2.records import Notice
from citegraph.text import shown_title

if TYPE_CHECKING:  # pandas and NetworkX are imported when a table or a graph is asked for, not by every build
    import networkx as nx
    import pandas as pd

__all__ = ["Suggestions", "suggest", "suggestion_graph", "stored_suggestions"]

SUGGESTION_FIELDS = [
    "title",
    "year",
    "venue",
    "citationCount",
    "externalIds",
    "url",
    "authors",
    "publicationDate",
    "citationStyles",
    "journal",
    "publicationTypes",
]
COLUMNS = ["paperId", "title", "year", "venue", "citationCount", "new", "notice", "cites", "shares", "url"]


@dataclass
class Suggestions:
    """One `suggest` answer.

    ``table`` has one row per suggestion, best first: ``paperId``, ``title``, ``year`` (Int64),
    ``venue``, ``citationCount`` (Int64), ``new`` (not in any earlier answer for the same papers and
    pool), ``cites`` (titles of your papers it cites), ``shares`` (``"n× title"`` for each of your
    papers it shares n references with, most first), ``url``. ``asked_at`` is when S2 was asked
    (ISO date and time, UTC), ``previous`` the date of the earlier answer compared with (None the
    first time), ``requests`` the requests made (0 offline). ``rows`` are the table's rows as dicts.
    """

    rows: list[dict]
    scope: str
    pool: str
    asked_at: str
    previous: str | None
    offline: bool
    requests: int = 0
    papers: dict = dataclasses.field(default_factory=dict, repr=False)
    reasons: dict = dataclasses.field(default_factory=dict, repr=False)

    @functools.cached_property
    def table(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.rows, columns=COLUMNS).astype({"year": YEAR, "citationCount": YEAR})

    @property
    def new(self) -> int:
        return sum(bool(row["new"]) for row in self.rows)

    def summary(self) -> str:
        """One line: how many, from which pool, asked when, how many new since when."""
        asked = self.asked_at[:10]
        how = f"stored answer of {asked}" if self.offline else f"asked {asked}"
        since = f"{self.new} new since {self.previous[:10]}" if self.previous else "first answer for these papers"
        hint = (
            "; S2 has none from papers of the last 60 days: try --pool all-cs"
            if (not self.rows and self.pool == "recent")
            else ""
        )
        return f"{len(self.rows)} suggestions ({self.pool} pool, {self.scope}, {how}); {since}{hint}"

    def to_dict(self) -> dict:
        """The answer as plain values (for JSON, an MCP tool): summary, dates and the rows."""
        rows = self.table.astype(object).where(self.table.notna(), None).to_dict("records")
        return {
            "summary": self.summary(),
            "scope": self.scope,
            "pool": self.pool,
            "asked_at": self.asked_at,
            "previous": self.previous,
            "offline": self.offline,
            "new": self.new,
            "suggestions": rows,
        }

    def graph(self) -> nx.DiGraph:
        """The suggested papers as graph nodes (for `citegraph.export.bibtex.bibtex`)."""
        return suggestion_graph(self.papers)


def suggestion_graph(papers: dict[str, dict]) -> nx.DiGraph:
    """Paper records (``{paperId: S2 record}``) as the nodes of a graph, with citegraph's node attributes."""
    import networkx as nx

    from citegraph.assemble import node_attributes

    graph = nx.DiGraph()
    for paper_id, paper in papers.items():
        graph.add_node(paper_id, **node_attributes(paper))
    return graph


def in_notes(graph: nx.DiGraph) -> set[str]:
    """Every paper of your notes: read, queued or marked not relevant."""
    return {n for n, d in graph.nodes(data=True) if d.get("read") or d.get("queued") or d.get("not_relevant")}


def _positives(graph: nx.DiGraph, from_paper: str | None, cluster: str | None) -> tuple[str, list[str]]:
    """(scope, positive paperIds) for the options given."""
    from citegraph.lookup import resolve_paper
    from citegraph.questions import read_papers

    if from_paper is not None and cluster is not None:
        raise ConflictingOptions("suggest: give from_paper or cluster, not both")
    if from_paper is not None:
        paper_id = resolve_paper(graph, from_paper)
        return f"paper {paper_id}", [paper_id]
    read = read_papers(graph)
    if cluster is not None:
        from citegraph.clustering import cluster_name

        cluster = cluster_name(graph, cluster)
        chosen = [n for n in read if graph.nodes[n].get("cluster") == cluster]
        if not chosen:
            raise CitegraphError(
                f"--cluster {cluster!r}: none of your read papers is in it; "
                "see `citegraph clusters` for the groups holding your papers"
            )
        return f"cluster {cluster}", chosen
    if not read:
        raise CitegraphError("no read papers in the graph to suggest from; build from your notes first")
    return "your read papers", read


def _recommended(transport: S2Client, positives: list[str], negatives: list[str], pool: str, limit: int) -> list[dict]:
    """S2's recommendations as paper records, best first, through the `semanticscholar` client."""
    from citegraph.s2.adapter import client

    s2 = client(transport)
    if len(positives) > 1 and pool == "recent":
        papers = s2.get_recommended_papers_from_lists(positives, negatives or None, SUGGESTION_FIELDS, limit)
        return schema.usable_papers([p.raw_data for p in papers])
    # One positive, or the all-cs pool (S2 takes a pool only for one paper): one request per positive,
    # merged by how many of them recommend a paper, then by its best rank.
    votes: Counter = Counter()
    best: dict[str, tuple[int, dict]] = {}
    for positive in positives:
        recommended = schema.usable_papers(
            [p.raw_data for p in s2.get_recommended_papers(positive, SUGGESTION_FIELDS, limit, pool)]
        )
        for rank, record in enumerate(recommended):
            votes[record["paperId"]] += 1
            if record["paperId"] not in best or rank < best[record["paperId"]][0]:
                best[record["paperId"]] = (rank, record)
    order = sorted(best, key=lambda p: (-votes[p], best[p][0], p))
    return [best[p][1] for p in order]


def _reasons(graph: nx.DiGraph, transport: S2Client, paper_ids: list[str], notice: Notice) -> dict[str, dict]:
    """``{paperId: {"cites": [your paperIds], "shares": {your paperId: n}}}`` from one batch request with
    nested references; an empty dict (reasons unknown) when that request fails."""
    if not paper_ids:
        return {}
    try:
        references = transport.nested_references(paper_ids)
    except S2Unavailable as exc:
        notice(f"why each paper is suggested is unknown this time ({exc})")
        return {}
    yours = your_papers(graph)
    your_refs = {p: set(graph.succ[p]) for p in yours}
    reasons = {}
    for paper_id, refs in references.items():
        cited = {r["paperId"] for r in refs or [] if r.get("paperId")}
        shares = {p: len(cited & your_refs[p]) for p in yours if cited & your_refs[p]}
        reasons[paper_id] = {
            "cites": sorted(p for p in yours if p in cited),
            "shares": dict(sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))),
            "references": None if refs is None else len(refs),
        }
    return reasons


def _title(graph: nx.DiGraph, paper_id: str) -> str:
    return shown_title(graph.nodes[paper_id].get("title"), paper_id) if paper_id in graph else paper_id


def _notices(store) -> dict:
    """``{doi: [notice dicts]}`` Crossref gave (see `citegraph.crossref.stored`), for the notice column."""
    from citegraph.crossref.stored import all_updates

    return {doi: [u.to_dict() for u in updates] for doi, updates in all_updates(store).items()}


def _ask_crossref(store, papers: list[dict], data_dir: Path, notice: Notice) -> None:
    """The suggestions' retraction notices from Crossref (one request); an outage is one line."""
    from citegraph.crossref.ask import CrossrefAsker
    from citegraph.crossref.client import CrossrefClient, CrossrefConfig

    config = dataclasses.replace(CrossrefConfig.from_env(), rate_file=data_dir / CROSSREF_RATE_FILE)
    with CrossrefClient(config, notice) as client:
        asker = CrossrefAsker(store, client, None)
        asker.ranked(papers)
    if asker.run.outage:
        notice(f"Crossref: no answer ({asker.run.outage}); the suggestions' retraction notices are not known")


def _table(
    graph: nx.DiGraph, rows: list[tuple[str, dict, dict]], seen_before: set[str], notices: dict | None = None
) -> list[dict]:
    from citegraph.crossref.stored import paper_doi

    records = []
    for paper_id, paper, reasons in rows:
        records.append(
            {
                "paperId": paper_id,
                "title": paper.get("title"),
                "year": paper.get("year"),
                "venue": paper.get("venue") or "",
                "citationCount": paper.get("citationCount"),
                "new": paper_id not in seen_before,
                "notice": notice_line({"updates": (notices or {}).get(paper_doi(paper) or "")}),
                "cites": [_title(graph, p) for p in reasons.get("cites", [])],
                "shares": [f"{n}× {_title(graph, p)}" for p, n in reasons.get("shares", {}).items()],
                "url": paper_link(paper),
            }
        )
    return records


def _usable_rows(rows) -> list[tuple[str, dict, dict]]:
    """Stored suggestion rows that pass the schema's check (a store written before it was checked may
    hold others), each paper once."""
    usable = {}
    for paper_id, paper, why in rows:
        checked = schema.usable_papers([paper]) if isinstance(paper, dict) and paper.get("paperId") == paper_id else []
        if checked and paper_id not in usable:
            usable[paper_id] = (paper_id, checked[0], why if isinstance(why, dict) else {})
    return list(usable.values())


def stored_suggestions(
    store, graph: nx.DiGraph, scope: str | None = None, pool: str | None = None, top: int | None = None
) -> Suggestions | None:
    """The last stored answer (of this scope and pool, if given), without the papers now in your notes.

    Parameters
    ----------
    store : citegraph.store.Store
    graph : the graph the papers' titles and your notes come from.
    scope, pool : which answers to look at (None: any).
    top : rows to keep (None: all).

    Returns
    -------
    Suggestions or None
        None when nothing was stored.
    """
    runs = store.suggestion_runs(scope, pool)
    if not runs:
        return None
    run, asked_at, scope, pool = runs[-1]
    earlier = [r for r in store.suggestion_runs(scope, pool) if r[0] < run]
    seen_before = {pid for r in earlier for pid, _, _ in store.suggestions(r[0])}
    notes = in_notes(graph)
    rows = [row for row in _usable_rows(store.suggestions(run)) if row[0] not in notes][:top]
    return Suggestions(
        _table(graph, rows, seen_before, _notices(store)),
        scope,
        pool,
        asked_at,
        earlier[-1][1] if earlier else None,
        offline=True,
        papers={pid: paper for pid, paper, _ in rows},
        reasons={pid: why for pid, _, why in rows},
    )


def suggest(
    data_dir: Path = DATA_DIR,
    pool: str = SUGGESTION_POOLS[0],
    top: int = TOP,
    from_paper: str | None = None,
    cluster: str | None = None,
    offline: bool = False,
    s2_config: S2Config | None = None,
    notice: Notice | None = None,
    crossref: bool = True,
) -> Suggestions:
    """Which papers does Semantic Scholar recommend for my reading, and why?

    Parameters
    ----------
    data_dir : the folder a build wrote (the graph and the store; suggestions are stored there).
    pool : ``"recent"`` (papers of the last 60 days) or ``"all-cs"`` (all computer-science papers).
    top : at most this many suggestions (1 to 500).
    from_paper : suggest for this one paper (a name as `citegraph.lookup.find_paper` takes it) instead.
    cluster : suggest for the read papers of this cluster (the graph's ``cluster`` node attribute).
    offline : no network: the last stored answer for the same papers and pool.
    s2_config : how to reach S2 (default ``S2Config.from_env()``); the data dir's rate budget is shared.
    notice : called with one line while waiting to retry, or when the reasons could not be fetched.
    crossref : ask Crossref for the suggestions' retraction notices (one request; ``CROSSREF_API_URL``),
        unless stored in the last ``CROSSREF_REFRESH_DAYS``; an outage is one notice line.

    Returns
    -------
    Suggestions
        ``.table`` best first (see `Suggestions`), ``.summary()`` one line ("… 12 new since 2026-11-20").

    Raises
    ------
    GraphMissing : no build in ``data_dir`` yet.
    CitegraphError : nothing stored for ``offline``, no positives, an unknown cluster.
    S2Error : Semantic Scholar gave no usable answer (404 for an unknown paper, an outage).

    Example
    -------
    >>> result = suggest(Path("data"), top=5)  # doctest: +SKIP
    >>> result.summary()  # doctest: +SKIP
    '5 suggestions (recent pool, your read papers, asked 2026-11-27); 5 new since 2026-11-20'
    """
    if pool not in SUGGESTION_POOLS:
        raise ValueError(f"pool is one of {', '.join(SUGGESTION_POOLS)}, not {pool!r}")
    if not 1 <= top <= MAX_SUGGESTIONS:
        raise ValueError(f"top is 1 to {MAX_SUGGESTIONS}, not {top}")
    notice = notice or (lambda line: None)
    data_dir = Path(data_dir)
    graph = load(data_dir)
    scope, positives = _positives(graph, from_paper, cluster)
    store = open_store(data_dir)
    try:
        if offline:
            found = stored_suggestions(store, graph, scope, pool, top)
            if found is None:
                raise CitegraphError(
                    f"no stored suggestions for {scope} ({pool} pool) in {data_dir}; "
                    "run `citegraph suggest` once with the network"
                )
            return found
        if store.read_only:
            raise CitegraphError(
                f"{data_dir} is read-only: suggestions are stored there; use --offline "
                "for the last stored ones, or a writable --data-dir"
            )
        config = dataclasses.replace(s2_config or S2Config.from_env(), rate_file=data_dir / RATE_FILE)
        return _ask_and_store(store, graph, scope, positives, pool, top, config, notice, data_dir if crossref else None)
    finally:
        store.close()


def _ask_and_store(
    store,
    graph: nx.DiGraph,
    scope: str,
    positives: list[str],
    pool: str,
    top: int,
    config: S2Config,
    notice: Notice,
    crossref_data_dir: Path | None,
) -> Suggestions:
    """S2 asked for ``top`` suggestions and why each fits; the answer stored with the time asked, and
    (given the data dir) Crossref asked for the suggestions' notices."""
    negatives = sorted(n for n, d in graph.nodes(data=True) if d.get("not_relevant"))
    excluded = in_notes(graph) | set(positives)
    if negatives and (len(positives) == 1 or pool == "all-cs"):
        notice(
            f"S2 takes no negatives for one paper or the all-cs pool: the {len(negatives)} paper(s) "
            "marked not relevant are only left out"
        )
    with S2Client(config, notice) as transport:
        limit = min(MAX_SUGGESTIONS, top + len(excluded))
        papers = [
            p for p in _recommended(transport, positives, negatives, pool, limit) if p["paperId"] not in excluded
        ][:top]
        reasons = _reasons(graph, transport, [p["paperId"] for p in papers], notice)
        requests = transport.requests
    asked_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    earlier = store.suggestion_runs(scope, pool)
    seen_before = {pid for r in earlier for pid, _, _ in store.suggestions(r[0])}
    rows = [(p["paperId"], p, reasons.get(p["paperId"], {})) for p in papers]
    store.record_suggestions(asked_at, scope, pool, positives, negatives, rows)
    if crossref_data_dir is not None:
        _ask_crossref(store, papers, crossref_data_dir, notice)
    return Suggestions(
        _table(graph, rows, seen_before, _notices(store)),
        scope,
        pool,
        asked_at,
        earlier[-1][1] if earlier else None,
        offline=False,
        requests=requests,
        papers={p["paperId"]: p for p in papers},
        reasons={pid: why for pid, _, why in rows},
    )
