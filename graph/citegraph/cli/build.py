"""The commands that read notes and build: ``notes``, ``build``, ``demo``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from citegraph.cli.group import main
from citegraph.cli.options import (
    count_option,
    data_dir_option,
    days_option,
    engine_options,
    format_option,
    make_engine_options,
    map_file_option,
    map_options,
    release_source,
    wide_option,
    zotero_options,
    zotero_source,
)
from citegraph.cli.output import NOTES_COLUMNS, about, print_json, print_rows, print_warnings
from citegraph.constants import (
    CROSSREF_REFRESH_DAYS,
    DEMO_DATA_DIR,
    DEMO_MAP_FILE,
    DEPTHS,
    MAP_FILE,
    MAX_CITATIONS,
    MAX_WAIT,
    MERGE_VERSIONS,
    MIN_RPS,
    REFRESH_AFTER_DAYS,
    ROW_FORMATS,
    RPS,
)
from citegraph.datadir import COVERAGE_FILE
from citegraph.text import terminal_text

PARTIAL_EXIT = 3  # build: the map is drawn, but some papers could not be fetched (see the summary)
LISTED_PROBLEMS = 10  # build: papers not fetched, listed one per line; the rest are counted


@main.command("notes")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@zotero_options
@format_option(ROW_FORMATS)
@wide_option
def notes_command(paths, zotero, collection, fmt, wide):
    """List the papers found in notes files or folders (.md, .markdown, .txt, .org, .bib, .ris, .json)
    and in a Zotero library, each read or queued."""
    from citegraph.notes.reader import read_notes, require_papers

    source = zotero_source(paths, zotero, collection)
    found = read_notes(list(paths), source)
    print_warnings(found)
    if fmt == "json":
        print_json(found.to_dict())
    elif fmt in ("csv", "md"):
        print_rows(found.to_dict()["papers"], fmt)
    else:
        print_rows(
            [
                {
                    "id": p.id,
                    "title": p.title,
                    "status": p.status,
                    "sources": ", ".join(p.sources),
                    "topics": ", ".join(p.topics),
                }
                for p in found.papers
            ],
            "table",
            NOTES_COLUMNS,
            wide,
        )
        click.echo(f"\n{len(found.papers)} papers", nl=False)
        click.echo(f", {len(found.skipped)} links skipped:" if found.skipped else "")
        for skip in found.skipped:
            click.echo(terminal_text(f"  {skip.source}  {skip.reason}  {skip.url}"))
    require_papers(found, paths, source)


class ProgressBars:
    """A click progress bar per fetch phase, shown only on a terminal."""

    def __init__(self):
        self.bar = None
        self.phase = None
        self.done = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not sys.stderr.isatty() or not total:
            return
        if phase != self.phase:
            self.close()
            self.bar = click.progressbar(length=total, label=f"{phase:<18}", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
            self.phase, self.done = phase, 0
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command("build")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@zotero_options
@click.option(
    "--depth",
    type=click.IntRange(DEPTHS[0], DEPTHS[-1]),
    default=DEPTHS[0],
    show_default=True,
    help="1: your papers' references. 2: also their references (no influence flags).",
)
@click.option("--citations", is_flag=True, help="Also fetch papers citing your papers.")
@count_option("--max-citations", MAX_CITATIONS, "At most this many citing papers per paper.")
@click.option("--offline", is_flag=True, help="Never touch the network: build from the store, report what is missing.")
@click.option("--refresh", is_flag=True, help="Fetch everything again, even what is stored.")
@days_option(
    "--refresh-after",
    REFRESH_AFTER_DAYS,
    "Ask again what can change (your papers' citation counts, then the citations of "
    "those that gained citers) once stored this many days; 0: now.",
)
@click.option(
    "--keep",
    type=click.IntRange(1),
    metavar="N",
    help="Keep the snapshots of the last N builds (default: all); see `citegraph changes` and `log`.",
)
@click.option(
    "--rps",
    type=click.FloatRange(MIN_RPS),
    default=RPS,
    show_default=True,
    help="Requests per second to Semantic Scholar (about 1/s with a key).",
)
@click.option(
    "--max-wait",
    type=click.FloatRange(0),
    default=MAX_WAIT,
    show_default=True,
    help="Seconds of retrying one request (429, 5xx, timeouts) before marking it failed.",
)
@map_file_option("-o", "--output", default=MAP_FILE, help="The interactive map.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the coverage JSON here.")
@click.option(
    "--suggest",
    "ask_suggestions",
    is_flag=True,
    help="Also ask S2 what's new for your reading (as `citegraph suggest`) and draw it on the map.",
)
@click.option(
    "--source",
    metavar="datasets:DIR",
    help="Build from a Semantic Scholar Datasets release imported in DIR: 0 requests.",
)
@engine_options
@click.option(
    "--no-crossref",
    "no_crossref",
    is_flag=True,
    help="Send no DOI to Crossref (by default your papers', those of the unread ranking and the suggestions "
    "are sent, for retraction notices and the references S2 withholds).",
)
@days_option(
    "--refresh-crossref",
    CROSSREF_REFRESH_DAYS,
    "Ask Crossref again about retraction notices stored more than DAYS ago.",
)
@click.option(
    "--no-merge-versions",
    "keep_versions",
    is_flag=True,
    default=not MERGE_VERSIONS,
    help="Keep apart S2 records that are versions of one paper (by default merged into one node: same "
    "title, an author, years <= 2 apart, or a shared DOI/arXiv id).",
)
@click.option(
    "--quick",
    is_flag=True,
    help="Stop after the first map (references from the batch, influence unknown); "
    "a later build fetches S2's influence flags.",
)
@data_dir_option
@map_options
def build_command(
    paths,
    zotero,
    collection,
    depth,
    citations,
    max_citations,
    offline,
    refresh,
    refresh_after,
    keep,
    rps,
    max_wait,
    output,
    report,
    ask_suggestions,
    source,
    engine,
    memory_limit,
    temp_dir,
    spark_master,
    spark_conf,
    no_crossref,
    refresh_crossref,
    keep_versions,
    quick,
    data_dir,
    color,
    show,
    max_nodes,
    layout,
):
    """Fetch your notes' papers from Semantic Scholar, store them, and draw the map.

    S2_API_KEY (sent as x-api-key) and S2_API_URL are read from the environment; CROSSREF_API_URL and
    CROSSREF_MAILTO (sent in the User-Agent, Crossref's polite pool) too.
    The first map is drawn as soon as the batch is in when S2's influence flags will take a few
    seconds more; they follow paper by paper and the map is drawn again at the end (or on Ctrl-C).
    Exit status: 0 complete, 3 partial (the map is drawn but some papers could not be fetched, or
    Semantic Scholar stopped answering: run the same command later), 1 nothing useful produced.
    """
    from citegraph.crossref.client import CrossrefConfig
    from citegraph.fetch import FetchOptions
    from citegraph.map.render import MapOptions
    from citegraph.pipeline import build
    from citegraph.s2.config import S2Config
    from citegraph.s2.records import Alert

    progress = ProgressBars()

    def notice(line: str) -> None:
        if sys.stderr.isatty():  # over the progress bar's line, which redraws itself below
            click.echo(f"\r\033[K{line}", err=True)
        elif isinstance(line, Alert):  # an outage is said in a pipe too
            click.echo(line, err=True)

    def first_view(view) -> None:
        progress.close()
        click.echo(
            f"map: {output} — first view; influence flags for {view.pending} papers follow, "
            f"{about(view.seconds)} at {view.rps:g} request{'' if view.rps == 1 else 's'}/s"
        )

    try:
        result = build(
            list(paths),
            data_dir=data_dir,
            output=output,
            fetch_options=FetchOptions(
                depth=depth,
                citations=citations,
                max_citations=max_citations,
                refresh=refresh,
                refresh_after=refresh_after,
            ),
            s2_config=S2Config.from_env(rps=rps, max_wait=max_wait),
            offline=offline,
            map_options=MapOptions(color=color, show=show, max_nodes=max_nodes, layout=layout),
            report_file=report,
            progress=progress,
            notice=notice,
            zotero=zotero_source(paths, zotero, collection),
            suggest=ask_suggestions,
            release=release_source(source),
            engine_options=make_engine_options(engine, memory_limit, temp_dir, spark_master, spark_conf),
            quick=quick,
            first_view=first_view,
            keep=keep,
            crossref=not no_crossref,
            crossref_config=CrossrefConfig.from_env(max_wait=max_wait),
            refresh_crossref=refresh_crossref,
            merge_versions=not keep_versions,
        )
    finally:
        progress.close()
    print_build(result, data_dir, output, offline)


def print_build(result, data_dir: Path, output: Path | None, offline: bool = False) -> None:
    """What a build did, as `build` and `demo` print it; exit 3 when some papers could not be fetched."""
    from citegraph.coverage import UNRESOLVED
    from citegraph.questions import flags_pending_note, withheld_note

    print_warnings(result.notes)
    totals = result.report.totals
    click.echo(
        f"notes: {totals['ok']} resolved, {totals['title_matched']} title-matched, "
        f"{totals['uncertain_match']} uncertain matches, {totals['not_found']} not found, "
        f"{totals['skipped']} skipped, {totals['failed']} failed; {totals['references']:,} references "
        f"({totals['unresolved_references']:,} unresolved); {result.requests} requests to Semantic Scholar"
        + (f" ({result.rate_limited} rate limited)" if result.rate_limited else "")
    )
    unresolved = [e for e in result.report.entries if e.status in UNRESOLVED]
    for entry in unresolved[:LISTED_PROBLEMS]:
        click.echo(
            terminal_text(f"  {entry.status.replace('_', ' ')}: {entry.id or entry.title}: {entry.reason}"), err=True
        )
    if len(unresolved) > LISTED_PROBLEMS:
        click.echo(f"  … and {len(unresolved) - LISTED_PROBLEMS} more: see {data_dir / COVERAGE_FILE}", err=True)
    graph = result.view  # counts and graph attributes: an unchanged saved graph is not loaded
    click.echo(
        f"graph: {graph.number_of_nodes():,} papers, {graph.number_of_edges():,} citations"
        f"{'' if result.graph_changed else ' (unchanged)'}; coverage: {data_dir / COVERAGE_FILE}"
    )
    if line := crossref_line(totals, result.crossref):
        click.echo(line)
    if result.suggested:
        click.echo(terminal_text(f"suggest: {result.suggested}"))
    if result.changes is not None and result.changes.since is not None:
        click.echo(terminal_text(f"changes: {result.changes.summary()} (citegraph changes lists them)"))
    if result.map_meta:
        click.echo(f"map: {output} ({result.map_meta['summary']})")
    if offline and totals["failed"]:
        click.echo(
            f"offline: {totals['failed']} entries are not stored yet; run without --offline to fetch them", err=True
        )
    for note in (flags_pending_note(graph), withheld_note(graph)):
        if note:
            click.echo(note, err=True)
    if result.stopped:
        click.echo(f"error: {result.stopped}", err=True)
    elif result.failed:
        click.echo(
            f"partial: {result.failed} of {result.report.papers} papers could not be fetched; "
            "run the same command later to fetch them",
            err=True,
        )
    if not result.complete:
        click.get_current_context().exit(PARTIAL_EXIT)


def crossref_line(totals: dict, asked) -> str | None:
    """The summary's Crossref line: references by source, retracted papers, requests (None: nothing to say)."""
    withheld = totals.get("references_withheld_papers", 0)
    retracted = totals.get("retracted_papers", 0)
    if not (asked or withheld or retracted):
        return None
    parts = [
        f"references: {totals.get('references_from_s2', 0):,} from S2, "
        f"{totals.get('references_from_crossref', 0):,} from Crossref"
    ]
    if withheld:
        parts.append(
            f"references withheld by the publisher: {withheld} of your papers, "
            f"{totals.get('references_withheld_not_recovered', 0):,} references not recovered"
        )
    if retracted:
        parts.append(f"{retracted} of your papers {'is' if retracted == 1 else 'are'} retracted")
    if asked is not None:
        parts.append(f"{asked.requests} requests to Crossref" + (" (no answer: see coverage)" if asked.outage else ""))
    return "crossref: " + "; ".join(parts)


@main.command("demo")
@map_file_option("-o", "--output", default=DEMO_MAP_FILE, help="Where to write the map.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEMO_DATA_DIR,
    show_default=True,
    help="The demo's store and graph: the queries take it as --data-dir.",
)
@map_options
def demo_command(output, data_dir, color, show, max_nodes, layout):
    """Try citegraph now: the map of the sample notes on a generated citation world, no network, no key."""
    from citegraph.demo.run import NOTICE, demo
    from citegraph.map.render import MapOptions

    click.echo(f"demo: {NOTICE}", err=True)
    result = demo(
        output=output,
        data_dir=data_dir,
        map_options=MapOptions(color=color, show=show, max_nodes=max_nodes, layout=layout),
    )
    print_build(result, data_dir, output)
    click.echo(
        f'next: citegraph unread --data-dir {data_dir}; citegraph path LoRA "Attention Is All You Need" '
        f"--data-dir {data_dir}; for your own notes: citegraph build NOTES"
    )
