"""The citegraph command line: parses options, calls graph/ functions, prints their results.

Heavy libraries (pandas, networkx, pyvis) are imported inside the commands so `--help` is instant.
"""

from __future__ import annotations

import json
import sys

import click

from graph.errors import AmbiguousPaper, CitegraphError

TABLE_FORMATS = ["table", "csv", "json", "md"]


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


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def notes(paths, fmt):
    """List the papers found in notes files or folders (.md, .markdown, .txt, .bib)."""
    from graph.notes import read_notes

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


if __name__ == "__main__":
    main()
