"""The questions, answered from the saved graph: stats, path, unread, similar, citing, show, export, clusters."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from citegraph.cli.group import main
from citegraph.cli.options import (
    choice_option,
    count_option,
    data_dir_option,
    engine_options,
    format_option,
    make_engine_options,
    map_options,
    output_options,
    release_source,
    resolve,
    saved_graph,
    since_option,
    top_option,
)
from citegraph.cli.output import (
    CITING_COLUMNS,
    CLUSTER_COLUMNS,
    SIMILAR_COLUMNS,
    UNREAD_COLUMNS,
    markdown_table,
    print_json,
    print_rows,
)
from citegraph.constants import (
    CITING_SORTS,
    CLUSTER_TOP_UNREAD,
    EXPORT_FORMATS,
    INFLUENCE,
    MAX_PATHS,
    MIN_CITED_BY,
    MIN_CITES,
    PAPER_REPORT_FORMATS,
    PAPER_SELECTIONS,
    REPORT_FORMATS,
    ROW_FORMATS,
    ReadingStatus,
)
from citegraph.datadir import COVERAGE_FILE
from citegraph.text import cut, markdown_text, terminal_text, withheld_words


@main.command("stats")
@output_options(REPORT_FORMATS, wide=False)
def stats_command(data_dir, fmt):
    """Counts of papers (read/unread), citations (influential), coverage and years."""
    from citegraph.questions import flags_pending_note, graph_stats, retraction_note, withheld_note

    graph = saved_graph(data_dir)
    figures = graph_stats(graph, coverage_file=data_dir / COVERAGE_FILE)
    for note in (flags_pending_note(graph), withheld_note(graph)):
        if note:
            click.echo(note, err=True)
    if note := retraction_note(figures):
        click.echo(terminal_text(note), err=fmt == "json")
    if fmt == "json":
        print_json(figures)
        return
    rows = [
        (
            key,
            ", ".join(f"{k}: {v}" for k, v in value.items())
            if isinstance(value, dict)
            else "; ".join(map(str, value)) or "none"
            if isinstance(value, list)
            else str(value),
        )
        for key, value in figures.to_dict().items()
    ]
    if fmt == "md":
        click.echo(markdown_table(["figure", "value"], rows))
    else:
        for key, value in rows:
            click.echo(f"{key:>22}: {value}")


def _hop_text(hop, markdown: bool) -> str:
    flag = INFLUENCE[hop.isInfluential].words + ("; from Crossref" if hop.source == "crossref" else "")
    why = terminal_text(f"; {', '.join(hop.intents)}") if hop.intents else ""
    context = terminal_text(hop.context) if hop.context else ""
    if markdown:
        return f"   - {hop.direction} ({flag}{why})" + (f': "{context}"' if context else "")
    return f"  {hop.direction} ({flag}{why})" + (f'\n        "{context}"' if context else "")


def _path_lines(found, markdown: bool) -> list[str]:
    lines = []
    if found.direction == "reverse":
        lines.append(
            terminal_text(
                f"No chain from {found.source.label} to {found.target.label}; "
                f"found one from {found.target.label} to {found.source.label}:"
            )
        )
    lines.append(
        f"{found.length} hop(s), {len(found.paths)} shortest path(s)" + (f" (+{found.more} more)" if found.more else "")
    )
    for number, (papers, hops) in enumerate(zip(found.paths, found.hops), start=1):
        lines.append(f"\n### path {number}\n" if markdown else f"\npath {number}:")
        for paper, hop in zip(papers, hops + [None]):
            lines.append(f"1. {markdown_text(paper.label)}" if markdown else f"  {terminal_text(paper.label)}")
            if hop:
                lines.append(_hop_text(hop, markdown))
    return lines


@main.command("path")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--undirected", is_flag=True, help="Ignore citation direction: how are they connected at all?")
@click.option("--all", "all_paths", is_flag=True, help=f"All shortest paths (up to {MAX_PATHS}; says how many more).")
@format_option(PAPER_REPORT_FORMATS)
@click.option(
    "--html", type=click.Path(dir_okay=False, path_type=Path), help="Also write the map with the path highlighted."
)
@click.option(
    "--global",
    "whole_release",
    is_flag=True,
    help="Search the whole Datasets release given by --source (up to 4 hops), not your graph.",
)
@click.option("--source", "release", metavar="datasets:DIR", help="With --global: the imported release.")
@engine_options
@data_dir_option
@map_options
def path_command(
    source,
    target,
    undirected,
    all_paths,
    fmt,
    html,
    whole_release,
    release,
    engine,
    memory_limit,
    temp_dir,
    spark_master,
    spark_conf,
    data_dir,
    color,
    show,
    max_nodes,
    layout,
):
    """Shortest chain of citations from FROM to TO (or back, or --undirected).

    FROM and TO: an S2 paperId, any identifier the notes accept (arXiv, DOI, URL...), or a title fragment
    (with --global: an exact title). The map options apply to the --html map.
    """
    from citegraph.paths import shortest_paths

    if whole_release:
        from citegraph.bulk.engines import open_engine
        from citegraph.bulk.extract import global_path_graph, release_key

        if release is None or undirected:
            raise click.UsageError("--global needs --source datasets:DIR, and follows citations (no --undirected)")
        chosen = make_engine_options(engine, memory_limit, temp_dir, spark_master, spark_conf)
        with open_engine(release_source(release), chosen) as found_in:
            graph, source, target = global_path_graph(found_in, release_key(source), release_key(target))
    else:
        graph = saved_graph(data_dir)
        source, target = resolve(graph, source), resolve(graph, target)
    found = shortest_paths(graph, source, target, undirected=undirected, all_paths=all_paths)
    on_path = list(dict.fromkeys(paper.paperId for path in found.paths for paper in path))
    if fmt == "json":
        print_json(found)
    elif fmt == "bibtex":
        from citegraph.export.bibtex import bibtex

        click.echo(bibtex(graph, on_path), nl=False)
    else:
        click.echo("\n".join(_path_lines(found, markdown=fmt == "md")))
    if html:
        from citegraph.datadir import load
        from citegraph.map.render import MapOptions, render_map

        graph = load(data_dir)  # the map is drawn from the NetworkX graph
        first_path = list(dict.fromkeys(paper.paperId for paper in found.paths[0]))
        render_map(graph, html, MapOptions(color=color, show=show, max_nodes=max_nodes, layout=layout, path=first_path))
        click.echo(f"map: {html}", err=fmt != "table")


def _print_papers(graph, rows: list, fmt: str, table_columns: tuple, wide: bool) -> None:
    """A listing's records in ``fmt``: BibTeX of its papers, or `print_rows` (the table without urls)."""
    if fmt == "bibtex":
        from citegraph.export.bibtex import bibtex

        click.echo(bibtex(graph, [row.paperId for row in rows]), nl=False)
        return
    records = [asdict(row) for row in rows]
    if fmt == "table":
        for record in records:
            if "queued" in record:
                record["queued"] = "in your queue" if record["queued"] else ""
    print_rows(records, fmt, table_columns, wide)


@main.command("unread")
@top_option()
@count_option("--min-cited-by", MIN_CITED_BY, "Only papers cited by at least this many of your papers.")
@since_option()
@click.option("--cluster", metavar="NAME", help="Only papers of this group (see `citegraph clusters`).")
@click.option(
    "--include-retracted",
    is_flag=True,
    help="Rank retracted papers (Crossref's notices) as any other; by default they come last.",
)
@output_options()
def unread_command(top, min_cited_by, since, cluster, include_retracted, fmt, wide, data_dir):
    """References you have not read, ranked by how much your reading depends on them.

    \b
    score = cited_by_count + influential_count + pagerank / max_pagerank
      cited_by_count:    how many of your papers cite it
      influential_count: how many of those citations S2 marks influential
      pagerank:          its PageRank in the citation graph, scaled to [0, 1]
    Ties are broken by global citationCount. The notice column names a retraction, correction or
    expression of concern Crossref records; retracted papers are ranked last unless --include-retracted.
    """
    from citegraph.questions import flags_pending_note, unread_papers

    graph = saved_graph(data_dir)
    if cluster is not None:
        from citegraph.clustering import unread_in_cluster

        rows = unread_in_cluster(graph, cluster, top=top, min_cited_by=min_cited_by, since=since)
    else:
        rows = unread_papers(
            graph, top=top, min_cited_by=min_cited_by, since=since, include_retracted=include_retracted
        )
    _print_papers(graph, rows, fmt, UNREAD_COLUMNS, wide)
    if note := flags_pending_note(graph):
        click.echo(f"{note} (rankings count the flags known so far)", err=True)


@main.command("similar")
@click.argument("paper")
@top_option()
@output_options()
def similar_command(paper, top, fmt, wide, data_dir):
    """Unread papers most related to PAPER (co-citation + bibliographic coupling, Salton cosine)."""
    from citegraph.questions import similar_papers

    graph = saved_graph(data_dir)
    _print_papers(graph, similar_papers(graph, resolve(graph, paper), top=top), fmt, SIMILAR_COLUMNS, wide)


@main.command("citing")
@top_option()
@count_option("--min-cites", MIN_CITES, "Only papers citing at least this many of your papers.")
@since_option("Only papers published in or after this year (later work).")
@choice_option("--sort", choices=CITING_SORTS, help="cites: most of your papers cited first; year: newest first.")
@output_options()
def citing_command(top, min_cites, since, sort, fmt, wide, data_dir):
    """Papers that cite many of your papers, read or queued (needs `build --citations`)."""
    from citegraph.questions import citing_papers

    graph = saved_graph(data_dir)
    _print_papers(
        graph, citing_papers(graph, top=top, min_cites=min_cites, since=since, sort=sort), fmt, CITING_COLUMNS, wide
    )


SHOW_FIELDS = (
    "title",
    "paperId",
    "year",
    "venue",
    "authors",
    "citationCount",
    "influentialCitationCount",
    "url",
    "status",
    "topics",
    "sources",
    "note",
    "pagerank",
    "unresolved_references",
    "notice",
)
SHOW_LINKS_SHOWN = 30


STATUS_WORDS = {
    ReadingStatus.READ: "read (in your notes)",
    ReadingStatus.QUEUED: "queued (in your reading queue)",
    ReadingStatus.NOT_RELEVANT: "not relevant (so marked in your notes)",
    ReadingStatus.UNREAD: "not in your notes",
}


def _card_lines(card, markdown: bool) -> list[str]:
    from citegraph.questions.reading import reading_status

    fields = {
        **card.paper,
        "status": STATUS_WORDS[reading_status(card.paper)],
        "unresolved_references": card.unresolved_references,
    }
    values = [
        (key, terminal_text("; ".join(map(str, value)) if isinstance(value, list) else value))
        for key, value in ((key, fields.get(key)) for key in SHOW_FIELDS)
        if key != "notice" or value
    ]
    lines = (
        [markdown_table(["field", "value"], values)] if markdown else [f"{key:>24}: {value}" for key, value in values]
    )
    if card.paper.get("alsoS2"):  # S2 records merged into this one as versions of one paper
        lines.append(f"\nalso S2 record {', '.join(card.paper['alsoS2'])} (a version of this paper)")
    for label, links in (("references in the graph", card.references), ("cited by (in the graph)", card.cited_by)):
        lines.append(f"\n{'### ' if markdown else ''}{label}: {len(links)}" + (" (* = in your notes)" if links else ""))
        if markdown and links:
            lines.append("")
        for item in sorted(links, key=lambda i: (not i.read, -(i.year or 0)))[:SHOW_LINKS_SHOWN]:
            mark = ("\\*" if markdown else "*") if item.read else " "  # a bare * after "- " would open a nested list
            flag = " ".join(
                filter(
                    None,
                    [
                        INFLUENCE[item.isInfluential].mark,
                        "[from Crossref]" if item.source == "crossref" else "",
                        f"[{item.notice}]" if item.notice else "",
                    ],
                )
            )
            title = terminal_text(item.title)
            lines.append(
                f"- {mark} {markdown_text(item.title)} ({item.year or 'n.d.'}) {flag}".rstrip()
                if markdown
                else f"  {mark} {cut(title, 70)} ({item.year or 'n.d.'}) {flag}".rstrip()
            )
        if len(links) > SHOW_LINKS_SHOWN:
            lines.append(f"  (+{len(links) - SHOW_LINKS_SHOWN} more; --format json lists all)")
        if links is card.references and card.paper.get("referencesWithheld"):
            lines.append(f"{'' if markdown else '  '}{withheld_words(card.paper.get('referenceCount'))}")
    return lines


@main.command("show")
@click.argument("paper")
@output_options(PAPER_REPORT_FORMATS, wide=False)
def show_command(paper, fmt, data_dir):
    """Everything known about one paper, with its references and citers in the graph.

    In the lists of references and citers, * marks papers in your notes; "influential" is S2's
    flag, "?" means S2 did not say; "[from Crossref]" marks a reference S2 withholds that Crossref
    lists. A retraction, correction or expression of concern Crossref records is the notice line.
    """
    from citegraph.questions import paper_card

    graph = saved_graph(data_dir)
    node = resolve(graph, paper)
    if fmt == "bibtex":
        from citegraph.export.bibtex import bibtex

        click.echo(bibtex(graph, [node]), nl=False)
    elif fmt == "json":
        print_json(paper_card(graph, node))
    else:
        click.echo("\n".join(_card_lines(paper_card(graph, node), markdown=fmt == "md")))


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write, - for standard output (csv: PATH.nodes.csv and PATH.edges.csv, a .csv suffix dropped).",
)
@click.option(
    "--papers",
    type=click.Choice(PAPER_SELECTIONS),
    default="all",
    show_default=True,
    help="Write only the papers in your notes (read), in their reading queue (queued) or the others (unread).",
)
@data_dir_option
def export_command(fmt, output, papers, data_dir):
    """Write the graph for Gephi/Cytoscape (GraphML, GEXF), as node-link JSON, CSV tables or BibTeX."""
    from citegraph.datadir import load
    from citegraph.export.formats import export_graph

    for written in export_graph(load(data_dir), fmt, output, papers=papers):
        if str(written) != "-":
            click.echo(f"wrote {written}", err=True)


@main.command("clusters")
@count_option("--top", CLUSTER_TOP_UNREAD, "Best unread papers listed per group.", minimum=0)
@output_options(ROW_FORMATS)
def clusters_command(top, fmt, wide, data_dir):
    """The groups your papers fall into: name, size, your papers in it, its best unread papers.

    Groups are communities of the citation graph (found when the graph is built, the same graph
    giving the same groups), named after the notes topic most of their read papers share, else
    after their most distinctive title words.
    """
    from citegraph.clustering import cluster_rows

    rows = [asdict(row) for row in cluster_rows(saved_graph(data_dir), top_unread=top)]
    if fmt == "table":
        for row in rows:
            del row["top_unread_ids"]
    print_rows(rows, fmt, CLUSTER_COLUMNS, wide)
