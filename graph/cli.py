"""The citegraph command line: parses options, calls citegraph functions, prints their results.

Heavy libraries (pandas, networkx, pyvis) are imported inside the commands so `--help` is instant.
Everything printed as text (tables, markdown, cards) goes through `terminal_text`, so a title
holding terminal escape sequences cannot retitle or recolour the user's terminal; JSON keeps such
characters, escaped.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path

import click

from citegraph.constants import EXPORT_FORMATS, MAX_PATHS, PAPER_SELECTIONS
from citegraph.errors import AmbiguousPaper, CitegraphError

PAPER_FORMATS = ["table", "csv", "json", "md", "bibtex"]
REPORT_FORMATS = ["table", "json", "md"]
TABLE_TITLE_WIDTH = 60
PARTIAL_EXIT = 3  # build: the map is drawn, but some papers could not be fetched (see the summary)
LISTED_PROBLEMS = 10  # build: papers not fetched, listed one per line; the rest are counted
TABLE_LIST_ITEMS, TABLE_LIST_ITEM_WIDTH = 3, 40

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
            click.echo(f"error: {exc.filename}: {exc.strerror or exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted: everything fetched so far is stored; run the same command to resume", err=True)
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


def frame_records(frame) -> list[dict]:
    """A DataFrame's rows as plain values, numbers in full precision (missing values None, integer years int)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _is_list(value) -> bool:
    return isinstance(value, (list, tuple))


def print_frame(frame, fmt: str) -> None:
    """Print a DataFrame as an aligned table, CSV, JSON records or a markdown table.

    CSV and JSON carry every value in full (lists: JSON arrays, `; `-joined in CSV); markdown keeps
    full values on one line; the table cuts long titles and lists with "…".
    """
    if fmt == "json":
        print_json(frame_records(frame))
        return
    shown = frame.copy()
    for column in shown.columns:
        if shown[column].map(_is_list).any():
            if fmt == "table":
                shown[column] = shown[column].map(
                    lambda items: "; ".join(cut(str(t), TABLE_LIST_ITEM_WIDTH) for t in items[:TABLE_LIST_ITEMS])
                    + (f" (+{len(items) - TABLE_LIST_ITEMS} more)" if len(items) > TABLE_LIST_ITEMS else ""))
            else:
                shown[column] = shown[column].map(lambda items: "; ".join(map(str, items)))
    if fmt == "csv":
        click.echo(shown.to_csv(index=False), nl=False)
        return
    shown = shown.round(4).astype(object).where(shown.notna(), None).map(terminal_text)
    if fmt == "md":
        def row(cells):
            return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"
        click.echo("\n".join([row(shown.columns), "|" + "---|" * len(shown.columns),
                              *(row(cells) for cells in shown.itertuples(index=False))]))
    elif shown.empty:
        click.echo("(nothing)")
    else:
        if "title" in shown:
            shown["title"] = shown["title"].map(lambda t: cut(t, TABLE_TITLE_WIDTH))
        click.echo(shown.to_string(index=False, max_colwidth=None))


def resolve(graph, query: str) -> str:
    """The paperId a name on the command line means; says on stderr which paper was picked when
    the name was not an id or an exact title."""
    from citegraph.analysis import PaperRef
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


def format_option(choices=PAPER_FORMATS):
    return click.option("--format", "fmt", type=click.Choice(choices), default="table", show_default=True,
                        help="table cuts long values with …; the other formats carry them in full.")


def map_options(func):
    func = click.option("--color", type=click.Choice(["topic", "community", "year"]), default="topic",
                        show_default=True, help="What node colours mean on the map.")(func)
    func = click.option("--show", type=click.Choice(["folded", "all"]), default="folded", show_default=True,
                        help="folded: references cited by one of your papers only are folded into it.")(func)
    func = click.option("--max-nodes", type=click.IntRange(10), default=2000, show_default=True,
                        help="Draw at most this many papers (your papers and the best unread ones).")(func)
    func = click.option("--layout", type=click.Choice(["auto", "timeline"]), default="auto", show_default=True,
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
def notes_command(paths, zotero, collection, fmt):
    """List the papers found in notes files or folders (.md, .markdown, .txt, .org, .bib, .ris, .json)
    and in a Zotero library, each read or queued."""
    import pandas as pd

    from citegraph.notes import read_notes, require_papers

    source = zotero_source(paths, zotero, collection)
    found = read_notes(list(paths), source)
    print_warnings(found)
    if fmt == "json":
        print_json(found.to_dict())
    elif fmt in ("csv", "md"):
        print_frame(pd.DataFrame(found.to_dict()["papers"]), fmt)
    else:
        print_frame(found.to_frame(), "table")
        click.echo(f"\n{len(found.papers)} papers", nl=False)
        click.echo(f", {len(found.skipped)} links skipped:" if found.skipped else "")
        for skip in found.skipped:
            click.echo(terminal_text(f"  {skip.source}  {skip.reason}  {skip.url}"))
    require_papers(found, paths, source)


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
@click.option("--depth", type=click.IntRange(1, 3), default=1, show_default=True,
              help="1: your papers' references. 2: also their references (no influence flags).")
@click.option("--citations", is_flag=True, help="Also fetch papers citing your papers.")
@click.option("--max-citations", type=click.IntRange(1), default=1000, show_default=True,
              help="At most this many citing papers per paper.")
@click.option("--offline", is_flag=True, help="Never touch the network: build from the store, report what is missing.")
@click.option("--refresh", is_flag=True, help="Fetch everything again, even what is stored.")
@click.option("--rps", type=click.FloatRange(0.01), default=1.0, show_default=True,
              help="Requests per second to Semantic Scholar (about 1/s with a key).")
@click.option("--max-wait", type=click.FloatRange(0), default=600, show_default=True,
              help="Seconds of retrying one request (429, 5xx, timeouts) before marking it failed.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default="output/graph.html",
              show_default=True, help="The interactive map.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the coverage JSON here.")
@click.option("--quick", is_flag=True,
              help="Stop after the first map (references from the batch, influence unknown); "
                   "a later build fetches S2's influence flags.")
@data_dir_option
@map_options
def build_command(paths, zotero, collection, depth, citations, max_citations, offline, refresh, rps, max_wait, output,
          report, quick, data_dir, color, show, max_nodes, layout):
    """Fetch your notes' papers from Semantic Scholar, store them, and draw the map.

    S2_API_KEY (sent as x-api-key) and S2_API_URL are read from the environment.
    The first map is drawn as soon as the batch is in; S2's influence flags follow paper by paper
    and the map is drawn again at the end (or on Ctrl-C). Exit status: 0 complete, 3 partial (the
    map is drawn but some papers could not be fetched, or Semantic Scholar stopped answering: run
    the same command later), 1 nothing useful produced.
    """
    from citegraph.analysis import flags_pending_note
    from citegraph.coverage import UNRESOLVED
    from citegraph.fetch import FetchOptions
    from citegraph.pipeline import COVERAGE_FILE, build
    from citegraph.render import MapOptions
    from citegraph.s2 import S2Config

    progress = Progress()

    def notice(line: str) -> None:
        if sys.stderr.isatty():  # over the progress bar's line, which redraws itself below
            click.echo(f"\r\033[K{line}", err=True)

    def first_view(view) -> None:
        progress.close()
        click.echo(f"map: {output} — first view; influence flags for {view.pending} papers follow, "
                   f"{about(view.seconds)} at {view.rps:g} request{'' if view.rps == 1 else 's'}/s")

    try:
        result = build(
            list(paths), data_dir, output,
            FetchOptions(depth=depth, citations=citations, max_citations=max_citations, refresh=refresh),
            S2Config.from_env(rps=rps, max_wait=max_wait), offline,
            MapOptions(color=color, show=show, max_nodes=max_nodes, layout=layout), report, progress, notice,
            zotero_source(paths, zotero, collection), quick, first_view)
    finally:
        progress.close()
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


def about(seconds: float) -> str:
    """A duration as people say it ahead of time: "about 7 min", "about 40 s"."""
    return f"about {round(seconds / 60)} min" if seconds >= 90 else f"about {max(1, round(seconds))} s"


@main.command("stats")
@data_dir_option
@format_option(REPORT_FORMATS)
def stats_command(data_dir, fmt):
    """Counts of papers (read/unread), citations (influential), coverage and years."""
    from citegraph.analysis import flags_pending_note, graph_stats
    from citegraph.pipeline import COVERAGE_FILE, load

    graph = load(data_dir)
    figures = graph_stats(graph, coverage_file=data_dir / COVERAGE_FILE)
    if note := flags_pending_note(graph):
        click.echo(note, err=True)
    if fmt == "json":
        print_json(figures)
        return
    rows = [(key, ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else value)
            for key, value in figures.to_dict().items()]
    if fmt == "md":
        click.echo("\n".join(["| figure | value |", "|---|---|", *(f"| {key} | {value} |" for key, value in rows)]))
    else:
        for key, value in rows:
            click.echo(f"{key:>22}: {value}")


def _hop_text(hop, markdown: bool) -> str:
    flag = {True: "influential", False: "not influential", None: "influence unknown"}[hop.isInfluential]
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
@format_option(REPORT_FORMATS + ["bibtex"])
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path), help="Also write the map with the path highlighted.")
@data_dir_option
@map_options
def path_command(source, target, undirected, all_paths, fmt, html, data_dir, color, show, max_nodes, layout):
    """Shortest chain of citations from FROM to TO (or back, or --undirected).

    FROM and TO: an S2 paperId, any identifier the notes accept (arXiv, DOI, URL...), or a title fragment.
    The map options apply to the --html map.
    """
    from citegraph.analysis import shortest_paths
    from citegraph.export import bibtex
    from citegraph.pipeline import load
    from citegraph.render import MapOptions, render_map

    graph = load(data_dir)
    found = shortest_paths(graph, resolve(graph, source), resolve(graph, target), undirected, all_paths)
    on_path = list(dict.fromkeys(paper.paperId for path in found.paths for paper in path))
    if fmt == "json":
        print_json(found)
    elif fmt == "bibtex":
        click.echo(bibtex(graph, on_path), nl=False)
    else:
        click.echo("\n".join(_path_lines(found, markdown=fmt == "md")))
    if html:
        first_path = list(dict.fromkeys(paper.paperId for paper in found.paths[0]))
        render_map(graph, html, MapOptions(color=color, show=show, max_nodes=max_nodes, layout=layout, path=first_path))
        click.echo(f"map: {html}", err=fmt != "table")


def _print_papers(graph, frame, fmt: str) -> None:
    from citegraph.export import bibtex

    if fmt == "bibtex":
        click.echo(bibtex(graph, list(frame["paperId"])), nl=False)
    else:
        shown = frame.drop(columns=["url"]) if fmt == "table" and "url" in frame else frame
        if fmt == "table" and "queued" in shown:
            shown = shown.assign(queued=shown["queued"].map({True: "in your queue", False: ""}))
        print_frame(shown, fmt)


@main.command("unread")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Rows to print.")
@click.option("--min-cited-by", type=click.IntRange(1), default=1, show_default=True,
              help="Only papers cited by at least this many of your papers.")
@click.option("--since", type=int, help="Only papers published in or after this year.")
@format_option()
@data_dir_option
def unread_command(top, min_cited_by, since, fmt, data_dir):
    """References you have not read, ranked by how much your reading depends on them.

    \b
    score = cited_by_count + influential_count + pagerank / max_pagerank
      cited_by_count:    how many of your papers cite it
      influential_count: how many of those citations S2 marks influential
      pagerank:          its PageRank in the citation graph, scaled to [0, 1]
    Ties are broken by global citationCount.
    """
    from citegraph.analysis import flags_pending_note, unread
    from citegraph.pipeline import load

    graph = load(data_dir)
    _print_papers(graph, unread(graph, top, min_cited_by, since), fmt)
    if note := flags_pending_note(graph):
        click.echo(f"{note} (rankings count the flags known so far)", err=True)


@main.command("similar")
@click.argument("paper")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Rows to print.")
@format_option()
@data_dir_option
def similar_command(paper, top, fmt, data_dir):
    """Unread papers most related to PAPER (co-citation + bibliographic coupling, Salton cosine)."""
    from citegraph.analysis import most_similar
    from citegraph.pipeline import load

    graph = load(data_dir)
    _print_papers(graph, most_similar(graph, resolve(graph, paper), top), fmt)


@main.command("citing")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Rows to print.")
@click.option("--min-cites", type=click.IntRange(1), default=2, show_default=True,
              help="Only papers citing at least this many of your papers.")
@format_option()
@data_dir_option
def citing_command(top, min_cites, fmt, data_dir):
    """Papers that cite many of your papers (needs `build --citations`)."""
    from citegraph.analysis import top_citing
    from citegraph.pipeline import load

    graph = load(data_dir)
    _print_papers(graph, top_citing(graph, top, min_cites), fmt)


SHOW_FIELDS = ("title", "paperId", "year", "venue", "authors", "citationCount", "influentialCitationCount",
               "url", "read", "topics", "sources", "note", "pagerank", "unresolved_references")
SHOW_LINKS_SHOWN = 30


def _card_lines(card, markdown: bool) -> list[str]:
    fields = {**card.paper, "unresolved_references": card.unresolved_references}
    lines = ["| field | value |", "|---|---|"] if markdown else []
    for key in SHOW_FIELDS:
        value = fields.get(key)
        value = terminal_text("; ".join(map(str, value)) if isinstance(value, list) else value)
        lines.append(f"| {key} | {value.replace('|', chr(92) + '|')} |" if markdown else f"{key:>24}: {value}")
    for label, links in (("references in the graph", card.references), ("cited by (in the graph)", card.cited_by)):
        lines.append(f"\n{'### ' if markdown else ''}{label}: {len(links)}"
                     + (" (* = in your notes)" if links else ""))
        if markdown and links:
            lines.append("")
        for item in sorted(links, key=lambda i: (not i.read, -(i.year or 0)))[:SHOW_LINKS_SHOWN]:
            mark = "*" if item.read else " "
            flag = {True: "influential", False: "", None: "?"}[item.isInfluential]
            title = terminal_text(item.title)
            lines.append(f"- {mark} {title} ({item.year or 'n.d.'}) {flag}".rstrip() if markdown
                         else f"  {mark} {cut(title, 70)} ({item.year or 'n.d.'}) {flag}".rstrip())
        if len(links) > SHOW_LINKS_SHOWN:
            lines.append(f"  (+{len(links) - SHOW_LINKS_SHOWN} more; --format json lists all)")
    return lines


@main.command("show")
@click.argument("paper")
@format_option(REPORT_FORMATS + ["bibtex"])
@data_dir_option
def show_command(paper, fmt, data_dir):
    """Everything known about one paper, with its references and citers in the graph.

    In the lists of references and citers, * marks papers in your notes; "influential" is S2's
    flag, "?" means S2 did not say.
    """
    from citegraph.analysis import paper_card
    from citegraph.export import bibtex
    from citegraph.pipeline import load

    graph = load(data_dir)
    node = resolve(graph, paper)
    if fmt == "bibtex":
        click.echo(bibtex(graph, [node]), nl=False)
    elif fmt == "json":
        print_json(paper_card(graph, node))
    else:
        click.echo("\n".join(_card_lines(paper_card(graph, node), markdown=fmt == "md")))


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write (csv: PATH.nodes.csv and PATH.edges.csv, a .csv suffix dropped).")
@click.option("--papers", type=click.Choice(PAPER_SELECTIONS), default="all", show_default=True,
              help="Write only the papers in your notes (read), in their reading queue (queued) or the others (unread).")
@data_dir_option
def export_command(fmt, output, papers, data_dir):
    """Write the graph for Gephi/Cytoscape (GraphML, GEXF), as node-link JSON, CSV tables or BibTeX."""
    from citegraph.export import export
    from citegraph.pipeline import load

    for written in export(load(data_dir), fmt, output, papers):
        click.echo(f"wrote {written}", err=True)


if __name__ == "__main__":
    main()
