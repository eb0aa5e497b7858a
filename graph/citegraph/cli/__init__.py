"""The citegraph command line: parses options, calls citegraph functions, prints their results.

Heavy libraries (pandas, networkx, pyvis) are imported inside the commands so `--help` is instant;
the questions (unread, path, show, similar, citing, stats, notes) answer from the saved graph read
as a `citegraph.graphfile.SavedGraph` and print records, so they never import them at all.
Everything printed as text (tables, markdown, cards) goes through `terminal_text`, so a title
holding terminal escape sequences cannot retitle or recolour the user's terminal; JSON keeps such
characters, escaped.
"""

from citegraph.cli import build, history, questions, services  # noqa: F401  (each registers its commands)
from citegraph.cli.group import main

__all__ = ["main"]
