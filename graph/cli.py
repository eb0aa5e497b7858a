"""The citegraph command line: parses options, calls citegraph functions, prints their results.

Heavy libraries (pandas, networkx, pyvis) are imported inside the commands so `--help` is instant;
the questions (unread, path, show, similar, citing, stats, notes) answer from the saved graph read
as a `citegraph.graphfile.SavedGraph` and print records, so they never import them at all.
Everything printed as text (tables, markdown, cards) goes through `terminal_text`, so a title
holding terminal escape sequences cannot retitle or recolour the user's terminal; JSON keeps such
characters, escaped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path

import click

from citegraph.constants import (CITING_SORTS, COVERAGE_FILE, DEPTHS, EXPORT_FORMATS, INFLUENCE, MAP_COLORS, MAP_LAYOUTS, MAP_MAX_NODES,
                                 MAP_MIN_NODES, MAP_SHOWS, MAX_CITATIONS, MAX_PATHS, MAX_WAIT, MIN_RPS, PAPER_FORMATS,
                                 PAPER_SELECTIONS, REPORT_FORMATS, RPS)
from citegraph.errors import AmbiguousPaper, CitegraphError, describe_write_error

TABLE_TITLE_WIDTH = 60
MIN_TITLE_WIDTH = 24  # a table on a narrow terminal shortens titles to this before dropping columns
# Each listing's table columns, most important first: a narrow terminal drops them from the right
# (README: Tables). --wide, a pipe and the other formats keep every column.
UNREAD_COLUMNS = ("title", "year", "score", "queued", "cited_by_count", "influential_count", "citationCount",
                  "paperId", "pagerank", "cited_by")
SIMILAR_COLUMNS = ("title", "year", "score", "cocitation", "coupling", "shared_count", "paperId", "shared")
CITING_COLUMNS = ("title", "year", "cites_read_count", "citationCount", "paperId", "cites")
CLUSTER_COLUMNS = ("cluster", "size", "your_papers", "top_unread")
SUGGESTION_COLUMNS = ("title", "new", "year", "cites", "shares", "venue", "citationCount", "paperId")
NOTES_COLUMNS = ("title", "status", "id", "topics", "sources")
PARTIAL_EXIT = 3  # build: the map is drawn, but some papers could not be fetched (see the summary)
LISTED_PROBLEMS = 10  # build: papers not fetched, listed one per line; the rest are counted
TABLE_LIST_ITEMS, TABLE_LIST_ITEM_WIDTH = 3, 40

FETCHING_COMMANDS = {"build"}  # the commands that ask Semantic Scholar and store its answers as they come

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")


class CitegraphGroup(click.Group):
    """Turns every CitegraphError into one line on stderr and its exit code: never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AmbiguousPaper as exc:
            click.echo(f"error: {terminal_text(str(exc))}", err=True)
            for paper_id, title in exc.candidates:
                click.echo(f"  {paper_id}  {terminal_text(title)}", err=True)
            ctx.exit(exc.exit_code)
        except CitegraphError as exc:
            click.echo(f"error: {terminal_text(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader of our output (head, less) has gone: stop quietly, as Unix tools do. Point
            # stdout at /dev/null so the interpreter's final flush does not fail a second time.
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):  # stdout is no file descriptor (a test runner's buffer)
                pass
            ctx.exit(0)  # what click itself does when stdout's pipe breaks outside a command
        except OSError as exc:
            if not exc.filename:  # no file named: not the user's file problem but a bug, keep the traceback
                raise
            click.echo(f"error: {exc.filename}: {describe_write_error(exc, Path(exc.filename).parent)}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            if ctx.invoked_subcommand in FETCHING_COMMANDS:
                click.echo("interrupted: everything fetched so far is stored; run the same command to resume", err=True)
            else:  # it fetches nothing: claiming a stored state would be wrong
                click.echo(f"interrupted: `citegraph {ctx.invoked_subcommand}` stopped before it finished", err=True)
            ctx.exit(130)


@click.group(cls=CitegraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="citegraph")
def main():
    """citegraph: a citation graph of the papers in your reading notes.

    \b
    Quick start:
      citegraph notes data/notes          # what papers do my notes mention?
      citegraph build data/notes          # fetch from Semantic Scholar, write output/graph.html
      citegraph unread                    # influential references I have not read
      citegraph path "LoRA" "Attention Is All You Need"

    The data dir (default data/) can also be set with CITEGRAPH_DATA_DIR.
    """


def terminal_text(value) -> str:
    """``value`` as one line of text without control characters (terminal escapes, newlines, tabs)."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", text.replace("\n", " ").replace("\t", " ").replace("\r", " "))


def cut(text: str, width: int) -> str:
    """``text`` at most ``width`` characters, ending in "…" when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def print_json(data) -> None:
    """The one place JSON is printed: dataclasses through their ``to_dict``, ``/`` unescaped,
    every control character escaped."""
    if is_dataclass(data):
        data = data.to_dict() if hasattr(data, "to_dict") else asdict(data)
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    # json escapes C0 control characters itself; C1 ones (0x7f-0x9f) only occur inside strings.
    click.echo(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _is_list(value) -> bool:
    return isinstance(value, (list, tuple))


def _cell(value, fmt: str) -> str:
    """One value as a table, markdown or CSV cell: lists joined (the table lists a few, cut), numbers
    to 4 decimals in the table and markdown, missing values empty."""
    if _is_list(value):
        if fmt != "table":
            return "; ".join(map(str, value))
        more = f" (+{len(value) - TABLE_LIST_ITEMS} more)" if len(value) > TABLE_LIST_ITEMS else ""
        return "; ".join(cut(str(item), TABLE_LIST_ITEM_WIDTH) for item in value[:TABLE_LIST_ITEMS]) + more
    if value is None:
        return ""
    if isinstance(value, float) and fmt != "csv":
        return str(round(value, 4))
    return str(value)


def markdown_table(header, rows) -> str:
    """The one writer of markdown tables: every cell on one line, ``|`` escaped."""
    def row(cells):
        return "| " + " | ".join(terminal_text(cell).replace("|", "\\|") for cell in cells) + " |"
    return "\n".join([row(header), "|" + "---|" * len(header), *(row(cells) for cells in rows)])


def table_width(wide: bool) -> int | None:
    """The width a table must fit: the terminal's, or None (no limit) with --wide or when piped."""
    if wide or not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def fit_table(columns: list[str], cells: list[list[str]], width: int | None) -> tuple[list[str], list[list[str]]]:
    """Fit a table into ``width`` characters: titles are shortened with "…" (to MIN_TITLE_WIDTH),
    then columns are dropped from the right, ``columns`` being in order of importance."""
    def widths(names, rows):
        return [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]

    def total(names, rows):
        return sum(widths(names, rows)) + 2 * (len(names) - 1)

    if width is None or total(columns, cells) <= width:
        return columns, cells
    if "title" in columns:
        at = columns.index("title")
        others = total(columns, cells) - widths(columns, cells)[at]
        title_width = max(MIN_TITLE_WIDTH, width - others)
        cells = [[*row[:at], cut(row[at], title_width), *row[at + 1:]] for row in cells]
    while len(columns) > 1 and total(columns, cells) > width:
        columns, cells = columns[:-1], [row[:-1] for row in cells]
    return columns, cells


def print_rows(rows: list[dict], fmt: str, table_columns: tuple | None = None, wide: bool = False) -> None:
    """Print records (dicts, all with the same keys) as an aligned table, CSV, JSON or a markdown table.

    CSV and JSON carry every value in full (lists: JSON arrays, `; `-joined in CSV); markdown keeps
    full values on one line; the table shows ``table_columns`` (in order of importance; default
    all), cuts long titles and lists with "…" and fits the terminal (see `fit_table`).
    """
    if fmt == "json":
        print_json(rows)
        return
    columns = list(rows[0]) if rows else []
    if fmt == "csv":
        import csv
        import io

        from citegraph.entries import spreadsheet_cell

        terminal = sys.stdout.isatty()
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(columns)
        # Text cells only: a negative number is no formula.
        writer.writerows([spreadsheet_cell(_cell(row[c], "csv"), terminal) if isinstance(row[c], str) or _is_list(row[c])
                          else _cell(row[c], "csv") for c in columns] for row in rows)
        click.echo(text.getvalue(), nl=False)
    elif fmt == "md":
        click.echo(markdown_table(columns, [[_cell(row[c], "md") for c in columns] for row in rows]))
    elif not rows:
        click.echo("(nothing)")
    else:
        shown = [c for c in table_columns if c in columns] if table_columns else columns
        cells = [[terminal_text(_cell(row[c], "table")) for c in shown] for row in rows]
        if "title" in shown:
            at = shown.index("title")
            cells = [[*row[:at], cut(row[at], TABLE_TITLE_WIDTH), *row[at + 1:]] for row in cells]
        shown, cells = fit_table(shown, cells, table_width(wide))
        widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(shown)]
        # Text left-aligned, numbers right-aligned, as in a spreadsheet.
        numeric = [all(isinstance(row[c], (int, float)) or row[c] is None for row in rows) for c in shown]
        def line(values):
            return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric)).rstrip()
        click.echo("\n".join([line(shown), *(line(row) for row in cells)]))


def resolve(graph, query: str) -> str:
    """The paperId a name on the command line means; says on stderr which paper was picked when
    the name was not an id or an exact title."""
    from citegraph.paths import PaperRef
    from citegraph.naming import find_paper

    match = find_paper(graph, query)
    if match.how not in ("id", "exact title"):
        why = {"short title": "the only paper whose title before the colon is this",
               "in your notes": "the only paper in your notes whose title has these words",
               "title words": "the only paper whose title has these words"}[match.how]
        also = f"; {len(match.others)} other paper(s) match less closely" if match.others else ""
        click.echo(terminal_text(f"{query!r} is {PaperRef.of(graph, match.paper_id).label} [{match.paper_id}]: "
                                 f"{why}{also}"), err=True)
    return match.paper_id


def zotero_options(func):
    func = click.option("--collection", metavar="NAME",
                        help="With --zotero: only this collection (and its subcollections).")(func)
    return click.option("--zotero", "zotero", is_flag=False, flag_value="", default=None, metavar="[PATH]",
                        help="Also read a Zotero library, read-only (default ~/Zotero/zotero.sqlite). "
                             "Put it after the notes paths, or write --zotero=PATH.")(func)


def zotero_source(paths, zotero, collection):
    """The Zotero source the options name; a usage error when there is nothing to read at all."""
    from citegraph.zotero import ZoteroSource

    if collection is not None and zotero is None:
        raise click.UsageError("--collection needs --zotero")
    if not paths and zotero is None:
        raise click.UsageError("give notes files or folders, or --zotero")
    return ZoteroSource(Path(zotero) if zotero else None, collection) if zotero is not None else None


def data_dir_option(func):
    return click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default="data",
                        envvar="CITEGRAPH_DATA_DIR", show_default=True,
                        help="Where the store, the saved graph and coverage.json live.")(func)


def wide_option(func):
    return click.option("--wide", is_flag=True,
                        help="table: every column, titles cut at 60 characters only, whatever the terminal's width.")(func)


def saved_graph(data_dir: Path):
    """The graph the last build saved in ``data_dir``, read for a question (no NetworkX)."""
    from citegraph.graphfile import graph_path, read_saved_graph

    return read_saved_graph(graph_path(data_dir))


def format_option(choices=PAPER_FORMATS):
    return click.option("--format", "fmt", type=click.Choice(choices), default="table", show_default=True,
                        help="table cuts long values with …; the other formats carry them in full.")


def map_options(func):
    func = click.option("--color", type=click.Choice(MAP_COLORS), default=MAP_COLORS[0], show_default=True,
                        help="What node colours mean on the map (auto: topic when your notes have two topics or more, "
                             "else cluster).")(func)
    func = click.option("--show", type=click.Choice(MAP_SHOWS), default=MAP_SHOWS[0], show_default=True,
                        help="folded: references cited by one of your papers only are folded into it.")(func)
    func = click.option("--max-nodes", type=click.IntRange(MAP_MIN_NODES), default=MAP_MAX_NODES, show_default=True,
                        help="Draw at most this many papers (your papers and the best unread ones).")(func)
    func = click.option("--layout", type=click.Choice(MAP_LAYOUTS), default=MAP_LAYOUTS[0], show_default=True,
                        help="timeline: x is the publication year.")(func)
    return func


def print_warnings(notes) -> None:
    """The notes' warnings (unreadable files, bytes, …) on stderr, one line each, made safe for a terminal."""
    for warning in notes.warnings:
        click.echo(f"warning: {terminal_text(warning)}", err=True)


@main.command("notes")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@zotero_options
@format_option(["table", "csv", "json", "md"])
@wide_option
def notes_command(paths, zotero, collection, fmt, wide):
    """List the papers found in notes files or folders (.md, .markdown, .txt, .org, .bib, .ris, .json)
    and in a Zotero library, each read or queued."""
    from citegraph.notes import read_notes, require_papers

    source = zotero_source(paths, zotero, collection)
    found = read_notes(list(paths), source)
    print_warnings(found)
    if fmt == "json":
        print_json(found.to_dict())
    elif fmt in ("csv", "md"):
        print_rows(found.to_dict()["papers"], fmt)
    else:
        print_rows([{"id": p.id, "title": p.title, "status": p.status, "sources": ", ".join(p.sources),
                     "topics": ", ".join(p.topics)} for p in found.papers], "table", NOTES_COLUMNS, wide)
        click.echo(f"\n{len(found.papers)} papers", nl=False)
        click.echo(f", {len(found.skipped)} links skipped:" if found.skipped else "")
        for skip in found.skipped:
            click.echo(terminal_text(f"  {skip.source}  {skip.reason}  {skip.url}"))
    require_papers(found, paths, source)


def release_source(value: str | None) -> Path | None:
    """``--source datasets:DIR`` -> DIR (None: the Graph API)."""
    if value is None:
        return None
    kind, _, folder = value.partition(":")
    if kind != "datasets" or not folder:
        raise click.BadParameter(f"{value!r}: write datasets:DIR (a release imported with `citegraph datasets import`)",
                                 param_hint="--source")
    return Path(folder)


def duckdb_options(func):
    func = click.option("--temp-dir", type=click.Path(file_okay=False, path_type=Path),
                        help="DuckDB spills here when the memory limit is reached.")(func)
    return click.option("--memory-limit", metavar="SIZE", help="DuckDB's memory limit, e.g. 4GB.")(func)


def engine_options(func):
    """--engine, --memory-limit, --temp-dir, --spark-master: how a Datasets release is read."""
    func = click.option("--spark-master", default="local[*]", show_default=True,
                        help="With --engine spark: local[N], spark://HOST:PORT, or Spark Connect sc://HOST.")(func)
    func = duckdb_options(func)
    return click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
                        help="Reads a Datasets release: DuckDB embedded, or Spark (pip install 'citegraph[spark]').")(func)


def make_engine_options(engine, memory_limit, temp_dir, spark_master):
    from citegraph.engines import EngineOptions

    return EngineOptions(engine, memory_limit, temp_dir, spark_master)


class Progress:
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
@click.option("--depth", type=click.IntRange(DEPTHS[0], DEPTHS[-1]), default=DEPTHS[0], show_default=True,
              help="1: your papers' references. 2: also their references (no influence flags).")
@click.option("--citations", is_flag=True, help="Also fetch papers citing your papers.")
@click.option("--max-citations", type=click.IntRange(1), default=MAX_CITATIONS, show_default=True,
              help="At most this many citing papers per paper.")
@click.option("--offline", is_flag=True, help="Never touch the network: build from the store, report what is missing.")
@click.option("--refresh", is_flag=True, help="Fetch everything again, even what is stored.")
@click.option("--rps", type=click.FloatRange(MIN_RPS), default=RPS, show_default=True,
              help="Requests per second to Semantic Scholar (about 1/s with a key).")
@click.option("--max-wait", type=click.FloatRange(0), default=MAX_WAIT, show_default=True,
              help="Seconds of retrying one request (429, 5xx, timeouts) before marking it failed.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default="output/graph.html",
              show_default=True, help="The interactive map.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the coverage JSON here.")
@click.option("--suggest", "ask_suggestions", is_flag=True,
              help="Also ask S2 what's new for your reading (as `citegraph suggest`) and draw it on the map.")
@click.option("--source", metavar="datasets:DIR",
              help="Build from a Semantic Scholar Datasets release imported in DIR: 0 requests.")
@engine_options
@click.option("--quick", is_flag=True,
              help="Stop after the first map (references from the batch, influence unknown); "
                   "a later build fetches S2's influence flags.")
@data_dir_option
@map_options
def build_command(paths, zotero, collection, depth, citations, max_citations, offline, refresh, rps, max_wait, output,
          report, ask_suggestions, source, engine, memory_limit, temp_dir, spark_master, quick, data_dir, color, show,
          max_nodes, layout):
    """Fetch your notes' papers from Semantic Scholar, store them, and draw the map.

    S2_API_KEY (sent as x-api-key) and S2_API_URL are read from the environment.
    The first map is drawn as soon as the batch is in; S2's influence flags follow paper by paper
    and the map is drawn again at the end (or on Ctrl-C). Exit status: 0 complete, 3 partial (the
    map is drawn but some papers could not be fetched, or Semantic Scholar stopped answering: run
    the same command later), 1 nothing useful produced.
    """
    from citegraph.fetch import FetchOptions
    from citegraph.pipeline import build
    from citegraph.render import MapOptions
    from citegraph.s2 import Alert, S2Config

    progress = Progress()

    def notice(line: str) -> None:
        if sys.stderr.isatty():  # over the progress bar's line, which redraws itself below
            click.echo(f"\r\033[K{line}", err=True)
        elif isinstance(line, Alert):  # an outage is said in a pipe too
            click.echo(line, err=True)

    def first_view(view) -> None:
        progress.close()
        click.echo(f"map: {output} — first view; influence flags for {view.pending} papers follow, "
                   f"{about(view.seconds)} at {view.rps:g} request{'' if view.rps == 1 else 's'}/s")

    try:
        result = build(
            list(paths), data_dir=data_dir, output=output,
            fetch_options=FetchOptions(depth=depth, citations=citations, max_citations=max_citations, refresh=refresh),
            s2_config=S2Config.from_env(rps=rps, max_wait=max_wait), offline=offline,
            map_options=MapOptions(color=color, show=show, max_nodes=max_nodes, layout=layout), report_file=report,
            progress=progress, notice=notice, zotero=zotero_source(paths, zotero, collection), suggest=ask_suggestions,
            release=release_source(source),
            engine_options=make_engine_options(engine, memory_limit, temp_dir, spark_master), quick=quick,
            first_view=first_view)
    finally:
        progress.close()
    print_build(result, data_dir, output, offline)


def print_build(result, data_dir: Path, output: Path | None, offline: bool = False) -> None:
    """What a build did, as `build` and `demo` print it; exit 3 when some papers could not be fetched."""
    from citegraph.analysis import flags_pending_note
    from citegraph.coverage import UNRESOLVED

    print_warnings(result.notes)
    totals = result.report.totals
    click.echo(
        f"notes: {totals['ok']} resolved, {totals['title_matched']} title-matched, "
        f"{totals['uncertain_match']} uncertain matches, {totals['not_found']} not found, "
        f"{totals['skipped']} skipped, {totals['failed']} failed; {totals['references']:,} references "
        f"({totals['unresolved_references']:,} unresolved); {result.requests} requests to Semantic Scholar"
        + (f" ({result.rate_limited} rate limited)" if result.rate_limited else ""))
    unresolved = [e for e in result.report.entries if e.status in UNRESOLVED]
    for entry in unresolved[:LISTED_PROBLEMS]:
        click.echo(terminal_text(f"  {entry.status.replace('_', ' ')}: {entry.id or entry.title}: {entry.reason}"),
                   err=True)
    if len(unresolved) > LISTED_PROBLEMS:
        click.echo(f"  … and {len(unresolved) - LISTED_PROBLEMS} more: see {data_dir / COVERAGE_FILE}", err=True)
    graph = result.graph
    click.echo(f"graph: {graph.number_of_nodes():,} papers, {graph.number_of_edges():,} citations"
               f"{'' if result.graph_changed else ' (unchanged)'}; coverage: {data_dir / COVERAGE_FILE}")
    if result.suggested:
        click.echo(terminal_text(f"suggest: {result.suggested}"))
    if result.map_meta:
        click.echo(f"map: {output} ({result.map_meta['summary']})")
    if offline and totals["failed"]:
        click.echo(f"offline: {totals['failed']} entries are not stored yet; run without --offline to fetch them", err=True)
    if note := flags_pending_note(graph):
        click.echo(note, err=True)
    if result.stopped:
        click.echo(f"error: {result.stopped}", err=True)
    elif result.failed:
        click.echo(f"partial: {result.failed} of {result.report.papers} papers could not be fetched; "
                   "run the same command later to fetch them", err=True)
    if not result.complete:
        click.get_current_context().exit(PARTIAL_EXIT)


@main.command("demo")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default="output/demo.html",
              show_default=True, help="Where to write the map.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default="data/demo", show_default=True,
              help="The demo's store and graph: the queries take it as --data-dir.")
@map_options
def demo_command(output, data_dir, color, show, max_nodes, layout):
    """Try citegraph now: the map of the sample notes on a generated citation world, no network, no key."""
    from citegraph.demo import NOTICE, demo
    from citegraph.render import MapOptions

    click.echo(f"demo: {NOTICE}", err=True)
    result = demo(output=output, data_dir=data_dir,
                  map_options=MapOptions(color=color, show=show, max_nodes=max_nodes, layout=layout))
    print_build(result, data_dir, output)
    click.echo(f"next: citegraph unread --data-dir {data_dir}; citegraph path LoRA \"Attention Is All You Need\" "
               f"--data-dir {data_dir}; for your own notes: citegraph build NOTES")


def about(seconds: float) -> str:
    """A duration as people say it ahead of time: "about 7 min", "about 40 s"."""
    return f"about {round(seconds / 60)} min" if seconds >= 90 else f"about {max(1, round(seconds))} s"


@main.command("stats")
@data_dir_option
@format_option(REPORT_FORMATS)
def stats_command(data_dir, fmt):
    """Counts of papers (read/unread), citations (influential), coverage and years."""
    from citegraph.analysis import flags_pending_note, graph_stats

    graph = saved_graph(data_dir)
    figures = graph_stats(graph, coverage_file=data_dir / COVERAGE_FILE)
    if note := flags_pending_note(graph):
        click.echo(note, err=True)
    if fmt == "json":
        print_json(figures)
        return
    rows = [(key, ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else str(value))
            for key, value in figures.to_dict().items()]
    if fmt == "md":
        click.echo(markdown_table(["figure", "value"], rows))
    else:
        for key, value in rows:
            click.echo(f"{key:>22}: {value}")


def _hop_text(hop, markdown: bool) -> str:
    flag = INFLUENCE[hop.isInfluential].words
    why = terminal_text(f"; {', '.join(hop.intents)}") if hop.intents else ""
    context = terminal_text(hop.context) if hop.context else ""
    if markdown:
        return f"   - {hop.direction} ({flag}{why})" + (f': "{context}"' if context else "")
    return f"  {hop.direction} ({flag}{why})" + (f'\n        "{context}"' if context else "")


def _path_lines(found, markdown: bool) -> list[str]:
    lines = []
    if found.direction == "reverse":
        lines.append(terminal_text(f"No chain from {found.source.label} to {found.target.label}; "
                                   f"found one from {found.target.label} to {found.source.label}:"))
    lines.append(f"{found.length} hop(s), {len(found.paths)} shortest path(s)"
                 + (f" (+{found.more} more)" if found.more else ""))
    for number, (papers, hops) in enumerate(zip(found.paths, found.hops), start=1):
        lines.append(f"\n### path {number}\n" if markdown else f"\npath {number}:")
        for paper, hop in zip(papers, hops + [None]):
            lines.append(f"{'1. ' if markdown else '  '}{terminal_text(paper.label)}")
            if hop:
                lines.append(_hop_text(hop, markdown))
    return lines


@main.command("path")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--undirected", is_flag=True, help="Ignore citation direction: how are they connected at all?")
@click.option("--all", "all_paths", is_flag=True, help=f"All shortest paths (up to {MAX_PATHS}; says how many more).")
@format_option((*REPORT_FORMATS, "bibtex"))
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path), help="Also write the map with the path highlighted.")
@click.option("--global", "whole_release", is_flag=True,
              help="Search the whole Datasets release given by --source (up to 4 hops), not your graph.")
@click.option("--source", "release", metavar="datasets:DIR", help="With --global: the imported release.")
@engine_options
@data_dir_option
@map_options
def path_command(source, target, undirected, all_paths, fmt, html, whole_release, release, engine, memory_limit,
                 temp_dir, spark_master, data_dir, color, show, max_nodes, layout):
    """Shortest chain of citations from FROM to TO (or back, or --undirected).

    FROM and TO: an S2 paperId, any identifier the notes accept (arXiv, DOI, URL...), or a title fragment
    (with --global: an exact title). The map options apply to the --html map.
    """
    from citegraph.paths import shortest_paths

    if whole_release:
        from citegraph.engines import open_engine
        from citegraph.extract import global_path_graph, release_key

        if release is None or undirected:
            raise click.UsageError("--global needs --source datasets:DIR, and follows citations (no --undirected)")
        with open_engine(release_source(release), make_engine_options(engine, memory_limit, temp_dir, spark_master)) as found_in:
            graph, source, target = global_path_graph(found_in, release_key(source), release_key(target))
    else:
        graph = saved_graph(data_dir)
        source, target = resolve(graph, source), resolve(graph, target)
    found = shortest_paths(graph, source, target, undirected=undirected, all_paths=all_paths)
    on_path = list(dict.fromkeys(paper.paperId for path in found.paths for paper in path))
    if fmt == "json":
        print_json(found)
    elif fmt == "bibtex":
        from citegraph.export import bibtex

        click.echo(bibtex(graph, on_path), nl=False)
    else:
        click.echo("\n".join(_path_lines(found, markdown=fmt == "md")))
    if html:
        from citegraph.pipeline import load
        from citegraph.render import MapOptions, render_map

        graph = load(data_dir)  # the map is drawn from the NetworkX graph
        first_path = list(dict.fromkeys(paper.paperId for paper in found.paths[0]))
        render_map(graph, html, MapOptions(color=color, show=show, max_nodes=max_nodes, layout=layout, path=first_path))
        click.echo(f"map: {html}", err=fmt != "table")




def _print_papers(graph, rows: list, fmt: str, table_columns: tuple, wide: bool) -> None:
    """A listing's records in ``fmt``: BibTeX of its papers, or `print_rows` (the table without urls)."""
    if fmt == "bibtex":
        from citegraph.export import bibtex

        click.echo(bibtex(graph, [row.paperId for row in rows]), nl=False)
        return
    records = [asdict(row) for row in rows]
    if fmt == "table":
        for record in records:
            if "queued" in record:
                record["queued"] = "in your queue" if record["queued"] else ""
    print_rows(records, fmt, table_columns, wide)


@main.command("unread")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Rows to print.")
@click.option("--min-cited-by", type=click.IntRange(1), default=1, show_default=True,
              help="Only papers cited by at least this many of your papers.")
@click.option("--since", type=int, help="Only papers published in or after this year.")
@click.option("--cluster", metavar="NAME", help="Only papers of this group (see `citegraph clusters`).")
@format_option()
@wide_option
@data_dir_option
def unread_command(top, min_cited_by, since, cluster, fmt, wide, data_dir):
    """References you have not read, ranked by how much your reading depends on them.

    \b
    score = cited_by_count + influential_count + pagerank / max_pagerank
      cited_by_count:    how many of your papers cite it
      influential_count: how many of those citations S2 marks influential
      pagerank:          its PageRank in the citation graph, scaled to [0, 1]
    Ties are broken by global citationCount.
    """
    from citegraph.analysis import flags_pending_note, unread_papers

    graph = saved_graph(data_dir)
    if cluster is not None:
        from citegraph.groups import unread_in_cluster

        rows = unread_in_cluster(graph, cluster, top=top, min_cited_by=min_cited_by, since=since)
    else:
        rows = unread_papers(graph, top=top, min_cited_by=min_cited_by, since=since)
    _print_papers(graph, rows, fmt, UNREAD_COLUMNS, wide)
    if note := flags_pending_note(graph):
        click.echo(f"{note} (rankings count the flags known so far)", err=True)


@main.command("similar")
@click.argument("paper")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Rows to print.")
@format_option()
@wide_option
@data_dir_option
def similar_command(paper, top, fmt, wide, data_dir):
    """Unread papers most related to PAPER (co-citation + bibliographic coupling, Salton cosine)."""
    from citegraph.analysis import similar_papers

    graph = saved_graph(data_dir)
    _print_papers(graph, similar_papers(graph, resolve(graph, paper), top=top), fmt, SIMILAR_COLUMNS, wide)


@main.command("citing")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Rows to print.")
@click.option("--min-cites", type=click.IntRange(1), default=2, show_default=True,
              help="Only papers citing at least this many of your papers.")
@click.option("--since", type=int, help="Only papers published in or after this year (later work).")
@click.option("--sort", type=click.Choice(CITING_SORTS), default="cites", show_default=True,
              help="cites: most of your papers cited first; year: newest first.")
@format_option()
@wide_option
@data_dir_option
def citing_command(top, min_cites, since, sort, fmt, wide, data_dir):
    """Papers that cite many of your papers, read or queued (needs `build --citations`)."""
    from citegraph.analysis import citing_papers

    graph = saved_graph(data_dir)
    _print_papers(graph, citing_papers(graph, top=top, min_cites=min_cites, since=since, sort=sort), fmt,
                  CITING_COLUMNS, wide)

SHOW_FIELDS = ("title", "paperId", "year", "venue", "authors", "citationCount", "influentialCitationCount",
               "url", "read", "topics", "sources", "note", "pagerank", "unresolved_references")
SHOW_LINKS_SHOWN = 30


def _card_lines(card, markdown: bool) -> list[str]:
    fields = {**card.paper, "unresolved_references": card.unresolved_references}
    values = [(key, terminal_text("; ".join(map(str, value)) if isinstance(value, list) else value))
              for key, value in ((key, fields.get(key)) for key in SHOW_FIELDS)]
    lines = [markdown_table(["field", "value"], values)] if markdown else [f"{key:>24}: {value}" for key, value in values]
    for label, links in (("references in the graph", card.references), ("cited by (in the graph)", card.cited_by)):
        lines.append(f"\n{'### ' if markdown else ''}{label}: {len(links)}"
                     + (" (* = in your notes)" if links else ""))
        if markdown and links:
            lines.append("")
        for item in sorted(links, key=lambda i: (not i.read, -(i.year or 0)))[:SHOW_LINKS_SHOWN]:
            mark = "*" if item.read else " "
            flag = INFLUENCE[item.isInfluential].mark
            title = terminal_text(item.title)
            lines.append(f"- {mark} {title} ({item.year or 'n.d.'}) {flag}".rstrip() if markdown
                         else f"  {mark} {cut(title, 70)} ({item.year or 'n.d.'}) {flag}".rstrip())
        if len(links) > SHOW_LINKS_SHOWN:
            lines.append(f"  (+{len(links) - SHOW_LINKS_SHOWN} more; --format json lists all)")
    return lines


@main.command("show")
@click.argument("paper")
@format_option((*REPORT_FORMATS, "bibtex"))
@data_dir_option
def show_command(paper, fmt, data_dir):
    """Everything known about one paper, with its references and citers in the graph.

    In the lists of references and citers, * marks papers in your notes; "influential" is S2's
    flag, "?" means S2 did not say.
    """
    from citegraph.analysis import paper_card

    graph = saved_graph(data_dir)
    node = resolve(graph, paper)
    if fmt == "bibtex":
        from citegraph.export import bibtex

        click.echo(bibtex(graph, [node]), nl=False)
    elif fmt == "json":
        print_json(paper_card(graph, node))
    else:
        click.echo("\n".join(_card_lines(paper_card(graph, node), markdown=fmt == "md")))


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write, - for standard output (csv: PATH.nodes.csv and PATH.edges.csv, a .csv suffix dropped).")
@click.option("--papers", type=click.Choice(PAPER_SELECTIONS), default="all", show_default=True,
              help="Write only the papers in your notes (read), in their reading queue (queued) or the others (unread).")
@data_dir_option
def export_command(fmt, output, papers, data_dir):
    """Write the graph for Gephi/Cytoscape (GraphML, GEXF), as node-link JSON, CSV tables or BibTeX."""
    from citegraph.export import export_graph
    from citegraph.pipeline import load

    for written in export_graph(load(data_dir), fmt, output, papers=papers):
        if str(written) != "-":
            click.echo(f"wrote {written}", err=True)


@main.command("mcp")
@click.argument("notes", nargs=-1, type=click.Path(exists=True))
@click.option("--allow-fetch", is_flag=True,
              help="Add the refresh tool: a build of NOTES that fetches from Semantic Scholar. Without it the "
                   "server never touches the network.")
@click.option("--map", "map_file", type=click.Path(dir_okay=False, path_type=Path), default="output/graph.html",
              show_default=True, help="The map the server's map resource points to (and refresh draws).")
@data_dir_option
def mcp_command(notes, allow_fetch, map_file, data_dir):
    """Answer an AI assistant's questions about the stored graph: a Model Context Protocol server on stdio.

    Start it from the assistant's configuration (see the README), not by hand: it speaks JSON-RPC
    on stdin/stdout and logs on stderr. NOTES are what the refresh tool builds (with --allow-fetch).
    """
    if allow_fetch and not notes:
        raise click.UsageError("--allow-fetch needs the notes to build: citegraph mcp NOTES... --allow-fetch")
    from citegraph.mcp_server import serve

    serve(data_dir, list(notes), allow_fetch, map_file)


# -- Semantic Scholar Datasets: bulk releases instead of the Graph API ------------------------------

@main.group("datasets")
def datasets_group():
    """Semantic Scholar's bulk Datasets: list, download, import and update a release (needs S2_API_KEY)."""


@datasets_group.command("list")
@click.option("--release", metavar="R", help="List this release's datasets (default: list the releases).")
def datasets_list_command(release):
    """The releases S2 offers, newest first, or one release's datasets."""
    from citegraph.datasets import list_releases

    for found in list_releases(release=release):
        click.echo(found.release_id)
        for name, description in found.datasets:
            click.echo(terminal_text(f"  {name:<24} {description}"))


@datasets_group.command("download")
@click.argument("names", metavar="DATASET...", nargs=-1, required=True)
@click.option("--release", metavar="R", required=True, help="The release id, e.g. 2025-12-05, or latest.")
@click.option("--shards", type=click.IntRange(1), help="Only the first K shards of each dataset (a sample).")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The release folder; run again to resume.")
def datasets_download_command(names, release, shards, folder):
    """Download a release's datasets (papers citations), resumable, each shard verified."""
    from citegraph.datasets import download_release

    progress = Progress()
    try:
        found = download_release(release, list(names), folder, shards, progress=progress)
    finally:
        progress.close()
    for name, files in found.items():
        click.echo(f"{name}: {len(files)} shards in {folder / name}")


@datasets_group.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@duckdb_options
def datasets_import_command(folder, memory_limit, temp_dir):
    """Turn a downloaded release's shards into Parquet sorted by corpus id (FOLDER/parquet)."""
    from citegraph.release import import_release

    result = import_release(folder, make_engine_options("duckdb", memory_limit, temp_dir, None))
    click.echo(", ".join(f"{name}: {rows:,} rows" for name, rows in result.rows.items())
               + f"; {result.parquet_bytes / 1e6:,.1f} MB of Parquet in {folder / 'parquet'}")


@datasets_group.command("update")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--to-release", metavar="R", default="latest", show_default=True, help="The release to bring it to.")
@duckdb_options
def datasets_update_command(folder, to_release, memory_limit, temp_dir):
    """Apply S2's diffs to an imported release: upserts and deletes by corpus id."""
    from citegraph.datasets import update_release

    progress = Progress()
    try:
        reached = update_release(folder, to_release, options=make_engine_options("duckdb", memory_limit, temp_dir, None),
                                 progress=progress)
    finally:
        progress.close()
    click.echo(f"{folder}: release {reached}")


if __name__ == "__main__":
    main()


@main.command("suggest")
@click.option("--pool", type=click.Choice(["recent", "all-cs"]), default="recent", show_default=True,
              help="recent: papers of the last 60 days; all-cs: all computer-science papers.")
@click.option("--top", type=click.IntRange(1, 500), default=20, show_default=True, help="Rows to print.")
@click.option("--from-paper", "from_paper", metavar="PAPER", help="Suggest for this one paper instead of your read papers.")
@click.option("--cluster", metavar="NAME", help="Suggest for your read papers in this cluster of the map.")
@click.option("--offline", is_flag=True, help="No network: the last stored suggestions for the same papers and pool.")
@format_option()
@data_dir_option
def suggest_command(pool, top, from_paper, cluster, offline, fmt, data_dir):
    """Papers Semantic Scholar recommends for your reading, and why (needs a build).

    Positives: your read papers (or --from-paper / --cluster); negatives: papers your notes mark
    not relevant. Papers in your notes are never listed. Each answer is stored with its date.
    """
    from citegraph.export import bibtex
    from citegraph.suggestions import suggest

    if from_paper is not None and cluster is not None:
        raise click.UsageError("give --from-paper or --cluster, not both")
    result = suggest(data_dir, pool, top, from_paper, cluster, offline,
                     notice=lambda line: click.echo(terminal_text(line), err=True))
    click.echo(terminal_text(result.summary()), err=True)
    if fmt == "bibtex":
        click.echo(bibtex(result.graph(), list(result.table["paperId"])), nl=False)
    else:
        table = result.table.astype(object).where(result.table.notna(), None)
        if fmt == "table":
            # Shared references go to many of your papers: the table names the one sharing most, and how many.
            table = table.assign(new=table["new"].map({True: "new", False: ""}),
                                 shares=table["shares"].map(lambda s: f"{len(s)}, most: {s[0]}" if s else ""))
        print_rows(table.to_dict("records"), fmt, SUGGESTION_COLUMNS)


@main.command("clusters")
@click.option("--top", type=click.IntRange(0), default=3, show_default=True,
              help="Best unread papers listed per group.")
@format_option(["table", "csv", "json", "md"])
@wide_option
@data_dir_option
def clusters_command(top, fmt, wide, data_dir):
    """The groups your papers fall into: name, size, your papers in it, its best unread papers.

    Groups are communities of the citation graph (found when the graph is built, the same graph
    giving the same groups), named after the notes topic most of their read papers share, else
    after their most distinctive title words.
    """
    from citegraph.groups import cluster_rows

    rows = [asdict(row) for row in cluster_rows(saved_graph(data_dir), top_unread=top)]
    if fmt == "table":
        for row in rows:
            del row["top_unread_ids"]
    print_rows(rows, fmt, CLUSTER_COLUMNS, wide)
