"""The ``citegraph`` command group: every CitegraphError becomes one line on stderr, never a traceback."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from citegraph.errors import AmbiguousPaper, CitegraphError, describe_write_error
from citegraph.text import terminal_text

FETCHING_COMMANDS = {"build"}  # the commands that ask Semantic Scholar and store its answers as they come


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
        except click.exceptions.NoArgsIsHelpError:
            raise  # `citegraph datasets` alone: its help, as click prints it
        except click.UsageError as exc:
            one_line_usage_error(ctx, exc)
        except BrokenPipeError:
            # The reader of our output (head, less) has gone: stop quietly, as Unix tools do. Point
            # stdout at /dev/null so the interpreter's final flush does not fail a second time.
            with contextlib.suppress(OSError, ValueError):  # stdout is no file descriptor (a test runner's buffer)
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
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

    def parse_args(self, ctx, args):
        """The group's own options (``citegraph --bogus``) are parsed before any command runs."""
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            one_line_usage_error(ctx, exc)


def one_line_usage_error(ctx: click.Context, exc: click.UsageError) -> None:
    """A mistyped command line as one line naming the help to read: click's own answer is three lines
    (usage, a hint, the error)."""
    if exc.ctx is not None:
        command = exc.ctx.command_path
    else:  # an option missing its value: click names no command, the group knows which it was running
        command = " ".join(filter(None, [ctx.command_path, ctx.invoked_subcommand]))
    click.echo(f"error: {terminal_text(exc.format_message()).rstrip('.')} (see `{command} --help`)", err=True)
    ctx.exit(exc.exit_code)


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
