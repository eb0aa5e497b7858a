"""Write the command reference, docs/cli.md, from every command's and subcommand's ``--help``.

    python scripts/cli_reference.py > docs/cli.md     # regenerate it
    python scripts/cli_reference.py --check           # exit 1 when docs/cli.md differs

The help is rendered at a fixed width, so the page is the same on every terminal.
"""

import argparse
import sys
from pathlib import Path

import click

from citegraph.cli import main

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
WIDTH = 100
REGENERATE = "python scripts/cli_reference.py > docs/cli.md"


def command_contexts(command: click.Command, name: str, parent: click.Context | None = None):
    """Each command of the tree as a context (whose help names its full command line), depth first."""
    context = click.Context(
        command,
        info_name=name,
        parent=parent,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
        **command.context_settings,
    )
    yield context
    if isinstance(command, click.Group):
        for sub_name in sorted(command.commands):
            yield from command_contexts(command.commands[sub_name], sub_name, context)


def reference() -> str:
    parts = [
        "# Command reference",
        "",
        "Every command's `--help`, as `citegraph` prints it. This page is generated: after changing a",
        f"command, run `{REGENERATE}` (a test fails until it matches).",
        "",
    ]
    for context in command_contexts(main, "citegraph"):
        heading = "#" * min(context.command_path.count(" ") + 2, 4)
        parts += [f"{heading} `{context.command_path}`", "", "```text", context.get_help().rstrip(), "```", ""]
    return "\n".join(parts)


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/cli.md differs from the commands' help")
    if parser.parse_args().check:
        if not REFERENCE.exists() or REFERENCE.read_text(encoding="utf-8") != reference():
            print(f"{REFERENCE} does not match the commands' --help; run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(reference())
    return 0


if __name__ == "__main__":
    sys.exit(run())
