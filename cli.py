"""The citegraph command line: parses options, calls graph/ functions, prints their results.

Heavy libraries (pandas, networkx, pyvis) are imported inside the commands so `--help` is instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from citegraph.errors import AmbiguousPaper, CitegraphError

TABLE_FORMATS = ["table", "csv", "json", "md"]
PARTIAL_EXIT = 3  # build: the map is drawn, but some papers could not be fetched (see the summary)
LISTED_PROBLEMS = 10  # build: papers not fetched, listed one per line; the rest are counted


class CitegraphGroup(click.Group):
    """Turns every CitegraphError into one line on stderr and its exit code: never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AmbiguousPaper as exc:
            click.echo(f"error: {exc}", err=True)
            for paper_id, title in exc.candidates:
                click.echo(f"  {paper_id}  {title}", err=True)
            ctx.exit(exc.exit_code)
        except CitegraphError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # an unwritable output, a full disk: the user's to fix, not a bug
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
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
    """


def print_frame(frame, fmt: str) -> None:
    """Print a DataFrame as an aligned table, CSV, JSON records or a markdown table."""
    if fmt == "json":
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "md":
        header = "| " + " | ".join(map(str, frame.columns)) + " |"
        rule = "|" + "---|" * len(frame.columns)
        rows = ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in frame.itertuples(index=False)]
        click.echo("\n".join([header, rule, *rows]))
    else:
        if frame.empty:
            click.echo("(nothing)")
        else:
            click.echo(frame.to_string(index=False, max_colwidth=70))


@main.command("notes")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def notes_command(paths, fmt):
    """List the papers found in notes files or folders (.md, .markdown, .txt, .bib)."""
    from citegraph.notes import read_notes

    found = read_notes(list(paths))
    for warning in found.warnings:
        click.echo(f"warning: {warning}", err=True)
    if fmt == "json":
        click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_frame(found.to_frame(), "table")
        click.echo(f"\n{len(found.papers)} papers", nl=False)
        click.echo(f", {len(found.skipped)} links skipped:" if found.skipped else "")
        for skip in found.skipped:
            click.echo(f"  {skip.source}  {skip.reason}  {skip.url}")
    if not found.papers:
        click.echo("no papers found", err=True)
        sys.exit(1)


def data_dir_option(func):
    return click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default="data",
                        envvar="CITEGRAPH_DATA_DIR", show_default=True,
                        help="Where the store, the saved graph and coverage.json live.")(func)


def format_option(choices=TABLE_FORMATS):
    return click.option("--format", "fmt", type=click.Choice(choices), default="table", show_default=True)


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
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
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
@data_dir_option
@map_options
def build_command(paths, depth, citations, max_citations, offline, refresh, rps, max_wait, output, report, data_dir,
          color, show, max_nodes, layout):
    """Fetch your notes' papers from Semantic Scholar, store them, and draw the map.

    S2_API_KEY (sent as x-api-key) and S2_API_URL are read from the environment.
    Exit status: 0 complete, 3 partial (the map is drawn but some papers could not be fetched, or
    Semantic Scholar stopped answering: run the same command later), 1 nothing useful produced.
    """
    from citegraph.fetch import FetchOptions
    from citegraph.pipeline import COVERAGE_FILE, build
    from citegraph.render import MapOptions
    from citegraph.s2 import S2Config

    progress = Progress()

    def notice(line: str) -> None:
        if sys.stderr.isatty():  # over the progress bar's line, which redraws itself below
            click.echo(f"\r\033[K{line}", err=True)

    try:
        result = build(
            list(paths), data_dir, output,
            FetchOptions(depth=depth, citations=citations, max_citations=max_citations, refresh=refresh),
            S2Config.from_env(rps=rps, max_wait=max_wait), offline,
            MapOptions(color=color, show=show, max_nodes=max_nodes, layout=layout), report, progress, notice)
    finally:
        progress.close()
    for warning in result.notes.warnings:
        click.echo(f"warning: {warning}", err=True)
    totals = result.report.totals
    click.echo(
        f"notes: {totals['ok']} resolved, {totals['title_matched']} title-matched, "
        f"{totals['uncertain_match']} uncertain matches, {totals['not_found']} not found, "
        f"{totals['skipped']} skipped, {totals['failed']} failed; {totals['references']:,} references "
        f"({totals['unresolved_references']:,} unresolved); {result.requests} requests to Semantic Scholar"
        + (f" ({result.rate_limited} rate limited)" if result.rate_limited else ""))
    unresolved = [e for e in result.report.entries if e.status in ("failed", "not_found", "uncertain_match")]
    for entry in unresolved[:LISTED_PROBLEMS]:
        click.echo(f"  {entry.status.replace('_', ' ')}: {entry.id or entry.title}: {entry.reason}", err=True)
    if len(unresolved) > LISTED_PROBLEMS:
        click.echo(f"  … and {len(unresolved) - LISTED_PROBLEMS} more: see {data_dir / COVERAGE_FILE}", err=True)
    graph = result.graph
    click.echo(f"graph: {graph.number_of_nodes():,} papers, {graph.number_of_edges():,} citations"
               f"{'' if result.graph_changed else ' (unchanged)'}; coverage: {data_dir / COVERAGE_FILE}")
    if result.map_meta:
        meta = result.map_meta
        click.echo(f"map: {output} ({meta['drawn']:,} of {meta['total']:,} papers drawn, {meta['folded']:,} folded)")
    if offline and totals["failed"]:
        click.echo(f"offline: {totals['failed']} entries are not stored yet; run without --offline to fetch them", err=True)
    if result.stopped:
        click.echo(f"error: {result.stopped}", err=True)
    elif result.failed:
        click.echo(f"partial: {result.failed} of {result.report.papers} papers could not be fetched; "
                   "run the same command later to fetch them", err=True)
    if not result.complete:
        click.get_current_context().exit(PARTIAL_EXIT)


def load_graph(data_dir):
    from citegraph.pipeline import load

    return load(data_dir)


@main.command("stats")
@data_dir_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats_command(data_dir, fmt):
    """Counts of papers (read/unread), citations (influential), coverage and years."""
    from citegraph.analysis import graph_stats
    from citegraph.pipeline import COVERAGE_FILE

    figures = graph_stats(load_graph(data_dir))
    coverage_file = data_dir / COVERAGE_FILE
    if coverage_file.exists():
        figures["coverage"] = json.loads(coverage_file.read_text())["totals"]
    if fmt == "json":
        click.echo(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        click.echo(f"{key:>22}: {value}")


def _hop_text(hop: dict) -> str:
    flag = {True: "influential", False: "not influential", None: "influence unknown"}[hop["isInfluential"]]
    why = f"; {', '.join(hop['intents'])}" if hop["intents"] else ""
    context = f'\n        "{hop["context"]}"' if hop["context"] else ""
    return f"  {hop['direction']} ({flag}{why}){context}"


@main.command("path")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--undirected", is_flag=True, help="Ignore citation direction: how are they connected at all?")
@click.option("--all", "all_paths", is_flag=True, help="All shortest paths (up to 20; says how many more).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path), help="Also write the map with the path highlighted.")
@data_dir_option
@map_options
def path_command(source, target, undirected, all_paths, fmt, html, data_dir, color, show, max_nodes, layout):
    """Shortest chain of citations from FROM to TO (or back, or --undirected).

    FROM and TO: an S2 paperId, any identifier the notes accept (arXiv, DOI, URL...), or a title fragment.
    """
    from citegraph.analysis import resolve_paper, shortest_paths
    from citegraph.render import MapOptions, render_map

    graph = load_graph(data_dir)
    found = shortest_paths(graph, resolve_paper(graph, source), resolve_paper(graph, target), undirected, all_paths)
    if fmt == "json":
        click.echo(json.dumps({k: found[k] for k in ("from", "to", "directed", "length", "paths")}, indent=2,
                              ensure_ascii=False))
    else:
        if found["direction"] == "reverse":
            click.echo("No chain from FROM to TO; found one from TO to FROM:")
        click.echo(f"{found['length']} hop(s), {len(found['paths'])} shortest path(s)"
                   + (f" (+{found['more']} more)" if found["more"] else ""))
        for number, (papers, hops) in enumerate(zip(found["paths"], found["hops"]), start=1):
            click.echo(f"\npath {number}:")
            for paper, hop in zip(papers, hops + [None]):
                click.echo(f"  {paper['title']} ({paper['year'] or 'n.d.'})")
                if hop:
                    click.echo(_hop_text(hop))
    if html:
        nodes = list(dict.fromkeys(n["paperId"] for n in found["paths"][0]))
        render_map(graph, html, MapOptions(color=color, show=show, max_nodes=max_nodes, layout=layout, path=nodes))
        click.echo(f"map: {html}", err=fmt == "json")


def _print_papers(graph, frame, fmt: str, list_columns=("cited_by", "shared", "cites")) -> None:
    from citegraph.export import bibtex

    if fmt == "bibtex":
        click.echo(bibtex(graph, list(frame["paperId"])), nl=False)
        return
    if fmt == "json":
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=2))
        return
    shown = frame.copy()
    for column in list_columns:
        if column in shown:
            shown[column] = shown[column].map(lambda titles: "; ".join(t[:50] for t in titles[:3])
                                              + (f" (+{len(titles) - 3})" if len(titles) > 3 else ""))
    if fmt == "table":
        shown = shown.drop(columns=["paperId", "url"], errors="ignore")
        shown["title"] = shown["title"].str.slice(0, 60)
    print_frame(shown, fmt)


@main.command("unread")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True)
@click.option("--min-cited-by", type=click.IntRange(1), default=1, show_default=True,
              help="Only papers cited by at least this many of your papers.")
@click.option("--since", type=int, help="Only papers published in or after this year.")
@format_option(TABLE_FORMATS + ["bibtex"])
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
    from citegraph.analysis import unread

    graph = load_graph(data_dir)
    _print_papers(graph, unread(graph, top, min_cited_by, since), fmt)


@main.command("similar")
@click.argument("paper")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True)
@format_option(TABLE_FORMATS + ["bibtex"])
@data_dir_option
def similar_command(paper, top, fmt, data_dir):
    """Unread papers most related to PAPER (co-citation + bibliographic coupling, Salton cosine)."""
    from citegraph.analysis import resolve_paper, most_similar

    graph = load_graph(data_dir)
    _print_papers(graph, most_similar(graph, resolve_paper(graph, paper), top), fmt)


@main.command("citing")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True)
@click.option("--min-cites", type=click.IntRange(1), default=2, show_default=True,
              help="Only papers citing at least this many of your papers.")
@format_option(TABLE_FORMATS + ["bibtex"])
@data_dir_option
def citing_command(top, min_cites, fmt, data_dir):
    """Papers that cite many of your papers (needs `build --citations`)."""
    from citegraph.analysis import top_citing

    graph = load_graph(data_dir)
    frame = top_citing(graph, top, min_cites)
    if frame.empty and not any(o == "citations" for _, _, o in graph.edges(data="origin")):
        click.echo("no citing papers stored; run `citegraph build NOTES --citations` first", err=True)
        sys.exit(1)
    _print_papers(graph, frame, fmt)


@main.command("show")
@click.argument("paper")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "bibtex"]), default="table", show_default=True)
@data_dir_option
def show_command(paper, fmt, data_dir):
    """Everything known about one paper, with its references and citers in the graph."""
    from citegraph.analysis import resolve_paper, paper_card
    from citegraph.export import bibtex

    graph = load_graph(data_dir)
    node = resolve_paper(graph, paper)
    if fmt == "bibtex":
        click.echo(bibtex(graph, [node]), nl=False)
        return
    card = paper_card(graph, node)
    if fmt == "json":
        click.echo(json.dumps(card, indent=2, ensure_ascii=False, default=str))
        return
    for key in ("title", "paperId", "year", "venue", "authors", "citationCount", "influentialCitationCount",
                "url", "read", "topics", "sources", "note", "pagerank", "unresolved_references"):
        value = card.get(key)
        if isinstance(value, list):
            value = "; ".join(map(str, value))
        click.echo(f"{key:>24}: {value}")
    for label, key in (("references in the graph", "references"), ("cited by (in the graph)", "cited_by")):
        click.echo(f"\n{label}: {len(card[key])}")
        for item in sorted(card[key], key=lambda i: (not i["read"], -(i["year"] or 0)))[:30]:
            mark = "*" if item["read"] else " "
            flag = {True: "influential", False: "", None: "?"}[item["isInfluential"]]
            click.echo(f"  {mark} {item['title'][:70]} ({item['year'] or 'n.d.'}) {flag}")


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "csv"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write (csv: PREFIX.nodes.csv and PREFIX.edges.csv).")
@data_dir_option
def export_command(fmt, output, data_dir):
    """Write the graph for Gephi/Cytoscape (GraphML, GEXF), as node-link JSON, or as CSV tables."""
    from citegraph.export import export

    for written in export(load_graph(data_dir), fmt, output):
        click.echo(f"wrote {written}")


if __name__ == "__main__":
    main()
