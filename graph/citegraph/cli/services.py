"""The commands that serve or fetch beyond a build: ``mcp``, ``datasets``, ``suggest``."""

from __future__ import annotations

from pathlib import Path

import click

from citegraph.cli.build import ProgressBars
from citegraph.cli.group import main
from citegraph.cli.options import (
    choice_option,
    data_dir_option,
    duckdb_options,
    make_engine_options,
    map_file_option,
    output_options,
    top_option,
)
from citegraph.cli.output import SUGGESTION_COLUMNS, print_rows
from citegraph.constants import ENGINES, LATEST_RELEASE, MAP_FILE, MAX_SUGGESTIONS, SUGGESTION_POOLS
from citegraph.text import terminal_text


@main.command("mcp")
@click.argument("notes", nargs=-1, type=click.Path(exists=True))
@click.option(
    "--allow-fetch",
    is_flag=True,
    help="Add the refresh tool: a build of NOTES that fetches from Semantic Scholar. Without it the "
    "server never touches the network.",
)
@map_file_option(
    "--map", "map_file", default=MAP_FILE, help="The map the server's map resource points to (and refresh draws)."
)
@data_dir_option
def mcp_command(notes, allow_fetch, map_file, data_dir):
    """Answer an AI assistant's questions about the stored graph: a Model Context Protocol server on stdio.

    Start it from the assistant's configuration (see docs/mcp.md), not by hand: it speaks JSON-RPC
    on stdin/stdout and logs on stderr. NOTES are what the refresh tool builds (with --allow-fetch).
    """
    if allow_fetch and not notes:
        raise click.UsageError("--allow-fetch needs the notes to build: citegraph mcp NOTES... --allow-fetch")
    from citegraph.mcp import serve

    serve(data_dir, list(notes), allow_fetch, map_file)


# -- Semantic Scholar Datasets: bulk releases instead of the Graph API ------------------------------


def say_waiting(line: str) -> None:
    """A wait for Semantic Scholar (a retry after 429 or 5xx) said on stderr, so a slow command is not silent."""
    click.echo(terminal_text(line), err=True)


@main.group("datasets")
def datasets_group():
    """Semantic Scholar's bulk Datasets: list, download, import and update a release (needs S2_API_KEY)."""


@datasets_group.command("list")
@click.option("--release", metavar="R", help="List this release's datasets (default: list the releases).")
def datasets_list_command(release):
    """The releases S2 offers, newest first, or one release's datasets."""
    from citegraph.bulk.download import list_releases

    for found in list_releases(release=release, notice=say_waiting):
        click.echo(terminal_text(found.release_id))
        for name, description in found.datasets:
            click.echo(terminal_text(f"  {name:<24} {description}"))


@datasets_group.command("download")
@click.argument("names", metavar="DATASET...", nargs=-1, required=True)
@click.option("--release", metavar="R", required=True, help="The release id, e.g. 2025-12-05, or latest.")
@click.option("--shards", type=click.IntRange(1), help="Only the first K shards of each dataset (a sample).")
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The release folder; run again to resume.",
)
def datasets_download_command(names, release, shards, folder):
    """Download a release's datasets (papers citations), resumable, each shard verified."""
    from citegraph.bulk.download import download_release

    progress = ProgressBars()
    try:
        found = download_release(release, list(names), folder, shards, progress=progress, notice=say_waiting)
    finally:
        progress.close()
    for name, files in found.items():
        click.echo(f"{name}: {len(files)} shards in {folder / name}")


@datasets_group.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@duckdb_options
def datasets_import_command(folder, memory_limit, temp_dir):
    """Turn a downloaded release's shards into Parquet sorted by corpus id (FOLDER/parquet)."""
    from citegraph.bulk.release import import_release

    result = import_release(folder, make_engine_options(ENGINES[0], memory_limit, temp_dir, None))
    click.echo(
        ", ".join(f"{name}: {rows:,} rows" for name, rows in result.rows.items())
        + f"; {result.parquet_bytes / 1e6:,.1f} MB of Parquet in {folder / 'parquet'}"
    )
    if result.repeated_papers:
        click.echo(
            f"warning: {result.repeated_papers:,} papers rows repeat a corpus id of another row; builds use "
            "one row per corpus id, the same each time",
            err=True,
        )


@datasets_group.command("update")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--to-release", metavar="R", default=LATEST_RELEASE, show_default=True, help="The release to bring it to."
)
@duckdb_options
def datasets_update_command(folder, to_release, memory_limit, temp_dir):
    """Apply S2's diffs to an imported release: upserts and deletes by corpus id."""
    from citegraph.bulk.download import update_release

    progress = ProgressBars()
    try:
        options = make_engine_options(ENGINES[0], memory_limit, temp_dir, None)
        reached = update_release(folder, to_release, options=options, progress=progress, notice=say_waiting)
    finally:
        progress.close()
    click.echo(terminal_text(f"{folder}: release {reached}"))


@main.command("suggest")
@choice_option(
    "--pool", choices=SUGGESTION_POOLS, help="recent: papers of the last 60 days; all-cs: all computer-science papers."
)
@top_option(MAX_SUGGESTIONS)
@click.option(
    "--from-paper", "from_paper", metavar="PAPER", help="Suggest for this one paper instead of your read papers."
)
@click.option("--cluster", metavar="NAME", help="Suggest for your read papers in this cluster of the map.")
@click.option("--offline", is_flag=True, help="No network: the last stored suggestions for the same papers and pool.")
@click.option(
    "--no-crossref",
    "no_crossref",
    is_flag=True,
    help="Do not send the suggestions' DOIs to Crossref (for their retraction notices).",
)
@output_options(wide=False)
def suggest_command(pool, top, from_paper, cluster, offline, no_crossref, fmt, data_dir):
    """Papers Semantic Scholar recommends for your reading, and why (needs a build).

    Positives: your read papers (or --from-paper / --cluster); negatives: papers your notes mark
    not relevant. Papers in your notes are never listed. Each answer is stored with its date.
    """
    from citegraph.export.bibtex import bibtex
    from citegraph.suggestions import suggest

    if from_paper is not None and cluster is not None:
        raise click.UsageError("give --from-paper or --cluster, not both")
    result = suggest(
        data_dir,
        pool,
        top,
        from_paper,
        cluster,
        offline,
        notice=lambda line: click.echo(terminal_text(line), err=True),
        crossref=not no_crossref,
    )
    click.echo(terminal_text(result.summary()), err=True)
    if fmt == "bibtex":
        click.echo(bibtex(result.graph(), list(result.table["paperId"])), nl=False)
    else:
        table = result.table.astype(object).where(result.table.notna(), None)
        if fmt == "table":
            # Shared references go to many of your papers: the table names the one sharing most, and how many.
            table = table.assign(
                new=table["new"].map({True: "new", False: ""}),
                shares=table["shares"].map(lambda s: f"{len(s)}, most: {s[0]}" if s else ""),
            )
        print_rows(table.to_dict("records"), fmt, SUGGESTION_COLUMNS)
