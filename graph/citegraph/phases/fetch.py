"""The fetch phase of a build: the store filled from S2 (the batch, a first map, then the influence
flags, most useful first) or from a Datasets release, and Crossref's part."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from citegraph.bulk.extract import fill_store_from_release
from citegraph.crossref.ask import CrossrefAsker, CrossrefRun, withheld_papers
from citegraph.crossref.client import CrossrefClient, CrossrefConfig
from citegraph.datadir import COVERAGE_FILE, CROSSREF_RATE_FILE, RATE_FILE, STORE_FILE
from citegraph.errors import CitegraphError, S2Unreachable
from citegraph.fetch import Fetcher
from citegraph.phases.graph import assemble_graph, rankings, report_and_assemble
from citegraph.phases.plan import BuildPlan, BuildRun, FirstView
from citegraph.questions import unread_papers, your_papers
from citegraph.s2.client import S2Client
from citegraph.s2.config import S2Config
from citegraph.store import Store
from citegraph.suggestions import stored_suggestions

TOP_REFERENCES = 10  # ordering the flags: a paper is judged by its ten best-ranked unread references
NOTHING_STORED = (
    "nothing is stored yet: check the network and S2_API_URL; `citegraph demo` needs no network; in a "
    "citegraph checkout, the tests' stand-in serves a generated world: `python -m tests.standin --port 8765 &` then "
    "`S2_API_URL=http://127.0.0.1:8765 citegraph build data/notes` "
    "(docs/getting-started.md: No route to Semantic Scholar?)"
)


def fill_the_store(plan: BuildPlan, run: BuildRun, store: Store) -> None:
    """Fetch what is missing from S2, or extract it from a Datasets release; offline, check there is something."""
    if plan.offline and store.is_empty():
        raise CitegraphError(f"--offline builds from {plan.data_dir / STORE_FILE}, but {NOTHING_STORED}")
    if plan.release is not None:
        fill_store_from_release(store, run.notes, plan.release, plan.engine_options, plan.fetch_options, plan.progress)
    elif not plan.offline:
        fetch_from_s2(plan, run, store)


def fetch_from_s2(plan: BuildPlan, run: BuildRun, store: Store) -> None:
    """The batch first (and a first map), then S2's influence flags paper by paper, most useful first."""
    config = dataclasses.replace(plan.s2_config or S2Config.from_env(), rate_file=plan.data_dir / RATE_FILE)
    with S2Client(config, plan.notice) as client:
        fetcher = Fetcher(store, client, plan.fetch_options, plan.progress)
        try:
            fetcher.first_view(run.notes)
            pending = fetcher.pending()
            order = None
            if (wait := first_view_wait(plan, fetcher, pending)) is not None:
                order = draw_the_first_view(plan, run, store, client, fetcher, pending, wait)
            if not plan.quick and not fetcher.stopped:
                fetcher.finish(order)
            if plan.crossref and not fetcher.stopped:
                ask_crossref(plan, run, store, client, fetcher.yours)
        except S2Unreachable as exc:
            advice = (
                NOTHING_STORED
                if store.is_empty()
                else ("check the network and S2_API_URL, or use --offline to build from stored data")
            )
            raise S2Unreachable(f"{exc}; {advice}") from None
        except KeyboardInterrupt:
            run.interrupted = True  # what is stored is drawn, then the interrupt goes on
        finally:
            run.requests, run.rate_limited, run.skipped = client.requests, client.rate_limited, client.tally.skipped
        run.stopped, run.stopped_at = fetcher.stopped, fetcher.stopped_at


def first_view_wait(plan: BuildPlan, fetcher: Fetcher, pending: list) -> float | None:
    """The seconds the ``pending`` flags will take, when a first map is worth drawing before them: flags are
    still to come, for long enough that the complete map is worth waiting for (a quick build's first map is
    its last). None: no first map."""
    if not pending or plan.quick or fetcher.stopped:
        return None
    seconds = fetcher.seconds_to_finish(pending)
    return seconds if seconds >= plan.first_view_after else None


def draw_the_first_view(
    plan: BuildPlan, run: BuildRun, store: Store, client: S2Client, fetcher: Fetcher, pending: list, wait: float
) -> list[str]:
    """The map drawn from the batch, before the flags (``wait``: the seconds they will take); the order in
    which the flags are fetched."""
    from citegraph.phases.output import draw

    run.requests, run.skipped = client.requests, client.tally.skipped
    graph, _ = report_and_assemble(plan, run, store, flags_to_come=True)
    meta = (
        draw(plan, run, graph, stored_suggestions(store, graph), first_view=True)
        if plan.output and your_papers(graph)
        else None
    )
    if plan.first_view:
        plan.first_view(FirstView(meta, len(pending), len(fetcher.yours), wait, client.config.rps))
    return most_useful_first(graph)


def ask_crossref(plan: BuildPlan, run: BuildRun, store: Store, s2: S2Client, yours: list[str]) -> CrossrefRun:
    """Crossref's part of a build: your papers' notices and the references S2 withholds (resolved
    through ``s2``), then the notices of the papers the unread ranking and the stored suggestions
    list first. An outage is said in one line and ends Crossref's part; the build goes on."""
    from citegraph.s2.records import Alert

    config = dataclasses.replace(
        plan.crossref_config or CrossrefConfig.from_env(), rate_file=plan.data_dir / CROSSREF_RATE_FILE
    )
    with CrossrefClient(config, plan.notice) as client:
        asker = CrossrefAsker(store, client, s2, plan.refresh_crossref)
        run.crossref = asker.run
        asker.papers(yours, withheld_papers(store, yours))
        if not asker.run.outage:
            run.requests, run.skipped = s2.requests, s2.tally.skipped
            graph, changed = assemble_graph(plan, run, store)  # ranked as it now stands
            run.assembled_midway = run.assembled_midway or changed
            ranked = [graph.nodes[paper] for paper in rankings(plan, run, graph)["crossref"]]
            later = stored_suggestions(store, graph)
            asker.ranked(ranked + list(later.papers.values() if later else []))
    if asker.run.outage and plan.notice:
        plan.notice(
            Alert(
                f"Crossref: no answer ({asker.run.outage}); the map is drawn without what Crossref would "
                f'add (see {Path(plan.data_dir) / COVERAGE_FILE}, "crossref")'
            )
        )
    return asker.run


def most_useful_first(graph) -> list[str]:
    """Your papers, those citing the papers that lead the unread ranking first: their influence
    flags move that ranking most."""
    position = {row.paperId: rank for rank, row in enumerate(unread_papers(graph, top=None))}
    # Compared by their best-ranked reference, then the next best, …; papers citing none come last.
    ranks = {
        paper: sorted(position[cited] for cited in graph.succ[paper] if cited in position)[:TOP_REFERENCES]
        or [len(position)]
        for paper in your_papers(graph)
    }
    return sorted(ranks, key=ranks.__getitem__)
