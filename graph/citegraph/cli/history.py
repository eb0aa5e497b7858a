"""The history of builds, answered from the store: ``changes``, ``log``, ``saturation``."""

from __future__ import annotations

import click

from citegraph.cli.group import main
from citegraph.cli.options import (
    output_options,
    saved_graph,
)
from citegraph.cli.output import markdown_table, print_json, print_rows
from citegraph.constants import CHANGE_FORMATS, LOG_FORMATS, REPORT_FORMATS
from citegraph.text import terminal_text

CHANGE_COLUMNS = ("change", "title", "detail", "rank", "score", "year", "paperId")
LOG_TABLE_COLUMNS = (
    "build",
    "built_at",
    "source",
    "requests",
    "resolved",
    "title_matched",
    "not_found",
    "withheld",
    "failed",
    "papers",
    "graph_citations",
    "depth",
    "citations",
    "max_citations",
    "max_nodes",
    "version",
    "rate_limited",
    "notes",
)


@main.command("changes")
@click.option("--since", metavar="DATE", help="Compare with the last build made before this date (YYYY-MM-DD).")
@click.option("--since-build", type=click.IntRange(1), metavar="N", help="Compare with build N (see `citegraph log`).")
@output_options(CHANGE_FORMATS)
def changes_command(since, since_build, fmt, wide, data_dir):
    """What changed since the previous build (or --since DATE, --since-build N): new papers citing yours,
    unread references entering, climbing or leaving your top 20, groups that grew or split, new suggestions."""
    from citegraph.history import stored_changes

    if since and since_build:
        raise click.UsageError("give --since or --since-build, not both")
    found = stored_changes(data_dir, saved_graph(data_dir), since, since_build)
    if fmt == "json":
        print_json(found.to_dict())
        return
    if fmt == "table":
        click.echo(terminal_text(found.summary()), err=True)
    print_rows(found.rows, fmt, CHANGE_COLUMNS, wide)


@main.command("log")
@output_options(LOG_FORMATS, wide=False)
def log_command(fmt, data_dir):
    """One row per kept build: when, citegraph's version, the source, the notes files (sizes, SHA-256),
    the options, the requests made and the counts. md: a methods paragraph and the table, for a review."""
    from citegraph.buildlog import log_rows, methods_markdown
    from citegraph.history import stored_snapshots

    snapshots = stored_snapshots(data_dir)
    if fmt == "json":
        print_json(log_rows(snapshots, full_hashes=True))
    elif fmt == "csv":
        print_rows(log_rows(snapshots), "csv")
    else:
        rows = log_rows(snapshots)
        table = markdown_table(list(LOG_TABLE_COLUMNS), [[_md(row[c]) for c in LOG_TABLE_COLUMNS] for row in rows])
        click.echo(methods_markdown(snapshots, table), nl=False)


def _md(value) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


@main.command("saturation")
@output_options(REPORT_FORMATS, wide=False)
def saturation_command(fmt, data_dir):
    """Per build, how many of your top 20 unread references are new (in no earlier build's ranking)
    against already known, and what the series says: is your reading saturated?"""
    from citegraph.history import (
        saturation_reading,
        saturation_series,
        stored_snapshots,
    )

    series = saturation_series(stored_snapshots(data_dir))
    reading = saturation_reading(series)
    if fmt == "json":
        print_json({"series": series, "reading": reading})
        return
    print_rows(series, "md" if fmt == "md" else "table")
    click.echo(f"\n{reading}")
