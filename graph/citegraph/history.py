"""What changed between builds, and whether your reading is saturated, from a snapshot each build keeps.

Each build stores one compact snapshot (zlib-compressed JSON, in the store's ``builds`` table): your
papers and their statuses, the graph's counts, the top ``RANKING_KEPT`` unread papers with their
scores, the groups (size and your papers in each), the stored suggestions, what was asked of S2 and
where from, the notes files read, and the papers citing yours seen for the first time (so a
snapshot holds only the new citers, and a long history stays small). Everything below is answered
from the snapshots and the saved graph: no network.

Saturation (README: Saturation). For build k (k >= 2), with T_k the top ``SATURATION_TOP`` papers of
build k's unread ranking and R_j the ``RANKING_KEPT`` papers build j kept: ``new`` is the number of
papers of T_k in no R_j of an earlier kept build, ``known`` the others (new + known = |T_k|). The
first build has no figure. Ties in the ranking are broken as `citegraph unread` breaks them, so the
figures are deterministic.
"""

from __future__ import annotations

import datetime
import json
import zlib
from collections import Counter
from dataclasses import dataclass, field

from citegraph.constants import CLIMB_RANKS, RANKING_KEPT, SATURATION_TOP
from citegraph.questions import reading_status, unread_papers, your_papers

__all__ = ["Changes", "Snapshot", "changes_between", "saturation_reading", "saturation_series", "take_snapshot"]


@dataclass
class Snapshot:
    """One build as it was kept: ``build`` its number, ``data`` the snapshot's fields."""

    build: int
    built_at: str
    data: dict

    @property
    def ranking(self) -> list[str]:
        return [row[0] for row in self.data["ranking"]]

    @property
    def yours(self) -> dict[str, str]:
        """Your papers and their reading status."""
        return {paper: status for status, papers in self.data["yours"].items() for paper in papers}

    def group_members(self) -> dict[str, list[str]]:
        """Each group's papers of yours (kept as positions in the sorted list of your papers)."""
        ordered = sorted(self.yours)
        return {name: [ordered[i] for i in group["yours"]] for name, group in self.data["groups"].items()}


def pack(data: dict) -> bytes:
    """The stored form: a build after the first keeps only how your papers changed (``yours_delta``)."""
    kept = {k: v for k, v in data.items() if not (k == "yours" and "yours_delta" in data)}
    return zlib.compress(json.dumps(kept, separators=(",", ":"), sort_keys=True).encode(), 9)


def unpack(blob: bytes) -> dict:
    return json.loads(zlib.decompress(blob))


def _yours_delta(before: dict[str, str], now: dict[str, list[str]]) -> dict:
    """Your papers now against before: those added or whose status changed, and those removed."""
    current = {paper: status for status, papers in now.items() for paper in papers}
    added: dict[str, list[str]] = {}
    for paper, status in sorted(current.items()):
        if before.get(paper) != status:
            added.setdefault(status, []).append(paper)
    return {"added": added, "removed": sorted(set(before) - set(current))}


def _materialise(snapshots: list[dict]) -> list[dict]:
    """Every snapshot with ``yours`` in full, replaying the deltas from the oldest (always full)."""
    yours: dict[str, str] = {}
    for data in snapshots:
        if "yours_delta" in data:
            delta = data["yours_delta"]
            yours = {p: s for p, s in yours.items() if p not in set(delta["removed"])}
            yours.update({p: status for status, papers in delta["added"].items() for p in papers})
            by_status: dict[str, list[str]] = {}
            for paper in sorted(yours):
                by_status.setdefault(yours[paper], []).append(paper)
            data["yours"] = by_status
        else:
            yours = {p: status for status, papers in data["yours"].items() for p in papers}
    return snapshots


def fold(dropped: list[bytes], oldest_kept: bytes) -> bytes:
    """The oldest kept snapshot after older ones are dropped (``--keep``): it inherits their first-seen
    citers and their rankings, so "new" keeps meaning new since the first build."""
    *earlier, kept = _materialise([unpack(blob) for blob in dropped] + [unpack(oldest_kept)])
    kept.pop("yours_delta", None)  # the oldest kept build holds your papers in full
    kept["citers_new"] = sorted({c for snap in earlier for c in snap.get("citers_new", [])} | set(kept["citers_new"]))
    ranked = {row[0] for snap in earlier for row in snap["ranking"]}
    ranked |= {p for snap in earlier for p in snap.get("seen_ranked", [])}
    kept["seen_ranked"] = sorted(ranked | set(kept.get("seen_ranked", [])))
    return pack(kept)


def load_snapshots(store) -> list[Snapshot]:
    rows = store.snapshots()
    datas = _materialise([unpack(blob) for _, _, blob in rows])
    return [Snapshot(build, built_at, data) for (build, built_at, _), data in zip(rows, datas)]


def citers_of_yours(graph, yours: set[str]) -> set[str]:
    """Papers outside your notes citing at least one of your papers."""
    return {citing for paper in yours if paper in graph for citing in graph.pred[paper] if citing not in yours}


def take_snapshot(graph, earlier: list[Snapshot], facts: dict, ranking: list | None = None) -> dict:
    """This build's snapshot: ``facts`` (source, notes files, options, requests, counts, suggestions)
    and what the graph says now; ``earlier`` gives the citers already seen and the saturation figure.
    ``ranking``: the graph's first ``RANKING_KEPT`` unread papers as ``[paperId, score]``, when known."""
    yours = your_papers(graph)
    if ranking is None:
        ranking = [[row.paperId, row.score] for row in unread_papers(graph, top=RANKING_KEPT)]
    groups: dict[str, dict] = {}
    for _, name in graph.nodes(data="cluster"):
        if name:
            group = groups.setdefault(name, {"size": 0, "yours": []})
            group["size"] += 1
    for position, node in enumerate(sorted(yours)):
        name = graph.nodes[node].get("cluster")
        if name:
            groups[name]["yours"].append(position)
    seen = {c for snap in earlier for c in snap.data.get("citers_new", [])}
    data = {
        **facts,
        "yours": _by_status(graph, yours),
        "ranking": [list(row) for row in ranking],
        "groups": {name: groups[name] for name in sorted(groups)},
        "citers_new": sorted(citers_of_yours(graph, set(yours)) - seen),
        "withheld": sorted(node for node, flag in graph.nodes(data="withheld") if flag),
    }
    if earlier:
        data["saturation"] = saturation_figure(data, earlier)
        data["yours_delta"] = _yours_delta(earlier[-1].yours, data["yours"])
    return data


def _by_status(graph, yours: list[str]) -> dict[str, list[str]]:
    statuses: dict[str, list[str]] = {}
    for node in sorted(yours):
        statuses.setdefault(reading_status(graph.nodes[node]).value, []).append(node)
    return statuses


def saturation_figure(data: dict, earlier: list[Snapshot]) -> dict:
    """How many of this build's top ``SATURATION_TOP`` unread papers no earlier kept build ranked."""
    ranked_before = {p for snap in earlier for p in snap.ranking + snap.data.get("seen_ranked", [])}
    top = [row[0] for row in data["ranking"][:SATURATION_TOP]]
    new = sum(p not in ranked_before for p in top)
    return {"top": SATURATION_TOP, "new": new, "known": len(top) - new}


# -- changes ------------------------------------------------------------------------------------------


@dataclass
class Changes:
    """What changed from build ``since`` to build ``current``: one row per change (see `changes_between`)."""

    since: Snapshot | None
    current: Snapshot
    rows: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        if self.since is None:
            return (
                f"build {self.current.build} ({self.current.built_at[:10]}) is the first kept build: nothing to compare"
            )
        kinds = Counter(row["change"] for row in self.rows)
        counted = ", ".join(f"{n} {kind}" for kind, n in kinds.items()) or "no change"
        return (
            f"since build {self.since.build} ({self.since.built_at[:16].replace('T', ' ')}), "
            f"build {self.current.build} ({self.current.built_at[:16].replace('T', ' ')}): {counted}"
        )

    def to_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "since_build": self.since and self.since.build,
            "since": self.since and self.since.built_at,
            "build": self.current.build,
            "built_at": self.current.built_at,
            "changes": self.rows,
        }

    def saturation_words(self) -> str | None:
        """The build's saturation figure in words (None for a first build)."""
        figure = self.current.data.get("saturation")
        return f"saturation: {figure['new']} of your top {figure['top']} unread are new this build" if figure else None

    def new_papers(self) -> list[str]:
        """The paperIds the map marks new."""
        return list(
            dict.fromkeys(
                row["paperId"]
                for row in self.rows
                if row["paperId"] and row["change"] != "read" and not row["change"].startswith("left top")
            )
        )


def _row(
    change: str,
    graph,
    paper: str | None,
    detail: str,
    rank: int | None = None,
    score: float | None = None,
    title: str | None = None,
) -> dict:
    data = graph.nodes[paper] if paper is not None and paper in graph else {}
    return {
        "change": change,
        "paperId": paper,
        "title": title if title is not None else data.get("title"),
        "year": data.get("year"),
        "rank": rank,
        "score": score,
        "detail": detail,
    }


def _citing_rows(graph, since: Snapshot, later: list[Snapshot]) -> list[dict]:
    yours = set(since.yours) | set(later[-1].yours)
    rows = []
    for citer in sorted({c for snap in later for c in snap.data.get("citers_new", [])}):
        cited = (
            sorted(graph.nodes[p].get("title") or p for p in graph.succ[citer] if p in yours)
            if (citer in graph)
            else []
        )
        rows.append(_row("cites yours", graph, citer, "cites " + "; ".join(cited) if cited else "cites your papers"))
    rows.sort(key=lambda r: (-(r["year"] or 0), r["title"] or "", r["paperId"]))
    return rows


def _ranking_rows(graph, since: Snapshot, now: Snapshot) -> list[dict]:
    before = {p: (rank, score) for rank, (p, score) in enumerate(since.data["ranking"], start=1)}
    after = {p: (rank, score) for rank, (p, score) in enumerate(now.data["ranking"], start=1)}
    top = SATURATION_TOP
    rows = []
    for paper, (rank, score) in after.items():
        was = before.get(paper, (None, None))[0]
        if rank <= top and (was is None or was > top):
            rows.append(
                _row(f"entered top {top}", graph, paper, f"was #{was}" if was else "new to the ranking", rank, score)
            )
        elif rank <= top and was - rank >= CLIMB_RANKS:
            rows.append(_row("climbed", graph, paper, f"#{was} → #{rank}", rank, score))
    statuses = now.yours
    for paper, (was, score) in before.items():
        rank = after.get(paper, (None, None))[0]
        status = statuses.get(paper)
        if was <= top and (rank is None or rank > top):
            why = (
                "you read it"
                if status == "read"
                else f"now {status}"
                if status
                else f"now #{rank}"
                if rank
                else f"below #{RANKING_KEPT} or no longer cited"
            )
            rows.append(_row(f"left top {top}", graph, paper, why, rank, score))
        elif was > top and status == "read":
            rows.append(_row("read", graph, paper, f"was #{was}; you read it", None, score))
    return rows


def _group_rows(since: Snapshot, now: Snapshot, graph) -> list[dict]:
    rows = []
    old, new = since.data["groups"], now.data["groups"]
    home = {paper: name for name, members in now.group_members().items() for paper in members}
    for name, members in since.group_members().items():
        moved_to = sorted({home[p] for p in members if p in home})
        if len(moved_to) > 1:
            rows.append(_row("group split", graph, None, "your papers now in: " + "; ".join(moved_to), title=name))
    for name, group in new.items():
        if name not in old:
            rows.append(
                _row("new group", graph, None, f"{group['size']} papers, {len(group['yours'])} of yours", title=name)
            )
        elif group["size"] > old[name]["size"]:
            rows.append(_row("group grew", graph, None, f"{old[name]['size']} → {group['size']} papers", title=name))
    return rows


def changes_between(graph, since: Snapshot | None, later: list[Snapshot]) -> Changes:
    """The changes from the snapshot ``since`` to the last of ``later`` (the builds after it, in order),
    described with ``graph`` (the current graph: titles, years, which of your papers a citer cites).

    Rows, in this order: ``cites yours`` (papers citing yours seen for the first time, newest first),
    ``entered top 20`` / ``climbed`` / ``left top 20`` / ``read`` (the unread ranking), ``group split`` /
    ``new group`` / ``group grew``, ``withheld``, ``new suggestion``. Each row: change, paperId, title,
    year, rank and score (in the current ranking, where it applies), detail.
    """
    now = later[-1]
    if since is None:
        return Changes(None, now)
    rows = _citing_rows(graph, since, later) + _ranking_rows(graph, since, now) + _group_rows(since, now, graph)
    rows += [
        _row("withheld", graph, p, "S2 withholds it now")
        for p in sorted(set(now.data.get("withheld", [])) - set(since.data.get("withheld", [])))
    ]
    rows += [
        _row("new suggestion", graph, p, "suggested by S2")
        for p in now.data.get("suggestions", [])
        if p not in set(since.data.get("suggestions", []))
    ]
    return Changes(since, now, rows)


def pick_since(
    snapshots: list[Snapshot], since_date: str | None = None, since_build: int | None = None
) -> Snapshot | None:
    """The build to compare the last one with: the previous build (default), build ``since_build``, or the
    last build made before ``since_date`` (ISO date); None when there is none."""
    earlier = snapshots[:-1]
    if since_build is not None:
        return next((s for s in earlier if s.build == since_build), None)
    if since_date is not None:
        before = [s for s in earlier if s.built_at[: len(since_date)] < since_date]
        return before[-1] if before else (earlier[0] if earlier else None)
    return earlier[-1] if earlier else None


# -- saturation --------------------------------------------------------------------------------------


def saturation_series(snapshots: list[Snapshot]) -> list[dict]:
    """One row per kept build: build, built_at, depth, citations, top, new, known (new/known None the first time)."""
    rows = []
    for snap in snapshots:
        figure = snap.data.get("saturation") or {}
        options = snap.data.get("options", {})
        rows.append(
            {
                "build": snap.build,
                "built_at": snap.built_at,
                "depth": options.get("depth"),
                "citations": options.get("citations"),
                "top": figure.get("top", SATURATION_TOP),
                "new": figure.get("new"),
                "known": figure.get("known"),
            }
        )
    return rows


def saturation_reading(series: list[dict]) -> str:
    """The series in plain words, and what to try when it looks saturated."""
    figures = [row for row in series if row["new"] is not None]
    if not figures:
        return "one build so far: saturation is measured from the second build on"
    last = figures[-1]
    top = last["top"]
    if last["new"]:
        return (
            f"the last build added {last['new']} new reference(s) to your top {top}: "
            "your reading is still finding new papers"
        )
    tries = [f"--depth {last['depth'] + 1}"] * bool(last["depth"] and last["depth"] < 3) + ["--citations"] * (
        not last["citations"]
    )
    advice = f"; try {' or '.join(tries)}" if tries else ""
    if len(figures) >= 2 and not figures[-2]["new"]:
        return (
            f"the last two builds added no new reference to your top {top}: at depth {last['depth']} "
            f"your reading looks saturated{advice}"
        )
    return f"the last build added no new reference to your top {top}; one more such build would suggest saturation"


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def stored_snapshots(data_dir) -> list[Snapshot]:
    """The kept builds of ``data_dir``'s store, oldest first; raises NoHistory when there are none."""
    from pathlib import Path

    from citegraph.datadir import STORE_FILE
    from citegraph.errors import NoHistory
    from citegraph.store import Store

    path = Path(data_dir) / STORE_FILE
    if not path.exists():
        raise NoHistory(f"no store in {data_dir}: run `citegraph build NOTES --data-dir {data_dir}` first")
    store = Store(path)
    try:
        snapshots = load_snapshots(store)
    finally:
        store.close()
    if not snapshots:
        raise NoHistory(
            f"no build is kept in {path} yet: a store from before the history of builds keeps its "
            "first one at its next build; run `citegraph build NOTES` again"
        )
    return snapshots


def stored_changes(data_dir, graph, since: str | None = None, since_build: int | None = None) -> Changes:
    """What changed from an earlier kept build (default: the previous one) to the last, from the store
    and ``graph`` (the saved graph), without network. Raises NoHistory for an unknown ``since_build``."""
    from citegraph.errors import NoHistory

    snapshots = stored_snapshots(data_dir)
    base = pick_since(snapshots, since, since_build)
    if since_build is not None and base is None:
        kept = ", ".join(str(s.build) for s in snapshots[:-1]) or "none before the last"
        raise NoHistory(f"build {since_build} is not a kept build before the last (kept: {kept}); see `citegraph log`")
    later = [s for s in snapshots if base is None or s.build > base.build]
    return changes_between(graph, base, later)
