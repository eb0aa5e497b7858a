"""How the commands print: tables fitted to the terminal, CSV, JSON and markdown, all through one
writer each; text shown in a terminal goes through ``terminal_text``."""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import asdict, is_dataclass

import click

from citegraph.text import cut, markdown_text, terminal_text

TABLE_TITLE_WIDTH = 60
MIN_TITLE_WIDTH = 24  # a table on a narrow terminal shortens titles to this before dropping columns
# Each listing's table columns, most important first: a narrow terminal drops them from the right
# (docs/questions.md: Tables fit the terminal). --wide, a pipe and the other formats keep every column.
UNREAD_COLUMNS = (
    "title",
    "year",
    "score",
    "queued",
    "notice",
    "cited_by_count",
    "influential_count",
    "citationCount",
    "paperId",
    "pagerank",
    "cited_by",
)
SIMILAR_COLUMNS = ("title", "year", "score", "cocitation", "coupling", "shared_count", "paperId", "shared")
CITING_COLUMNS = ("title", "year", "cites_read_count", "citationCount", "paperId", "cites")
CLUSTER_COLUMNS = ("cluster", "size", "your_papers", "top_unread")
SUGGESTION_COLUMNS = ("title", "new", "notice", "year", "cites", "shares", "venue", "citationCount", "paperId")
NOTES_COLUMNS = ("title", "status", "id", "topics", "sources")
TABLE_LIST_ITEMS, TABLE_LIST_ITEM_WIDTH = 3, 40

_C1 = re.compile(r"[\x7f-\x9f]")


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
        return "| " + " | ".join(markdown_text(cell) for cell in cells) + " |"

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
        cells = [[*row[:at], cut(row[at], title_width), *row[at + 1 :]] for row in cells]
    while len(columns) > 1 and total(columns, cells) > width:
        columns, cells = columns[:-1], [row[:-1] for row in cells]
    return columns, cells


def print_rows(rows: list[dict], fmt: str, table_columns: tuple | None = None, wide: bool = False) -> None:
    """Print records (dicts, all with the same keys) as an aligned table, CSV, JSON or a markdown table.

    CSV and JSON carry every value in full (lists: JSON arrays, `; `-joined in CSV); markdown keeps
    full values on one line; the table shows ``table_columns`` (in order of importance; default
    all), cuts long titles and lists with "…" and fits the terminal (see `fit_table`), where it also
    leaves out the columns empty in every row.
    """
    if fmt == "json":
        print_json(rows)
        return
    columns = list(rows[0]) if rows else []
    if fmt == "csv":
        import csv
        import io

        from citegraph.text import spreadsheet_cell

        terminal = sys.stdout.isatty()
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(columns)
        # Text cells only: a negative number is no formula.
        writer.writerows(
            [
                spreadsheet_cell(_cell(row[c], "csv"), terminal)
                if isinstance(row[c], str) or _is_list(row[c])
                else _cell(row[c], "csv")
                for c in columns
            ]
            for row in rows
        )
        click.echo(text.getvalue(), nl=False)
    elif fmt == "md":
        click.echo(markdown_table(columns, [[_cell(row[c], "md") for c in columns] for row in rows]))
    elif not rows:
        click.echo("(nothing)")
    else:
        shown = [c for c in table_columns if c in columns] if table_columns else columns
        width = table_width(wide)
        if width is not None:  # on a terminal, a column empty in every row (no paper queued) only takes room
            shown = [c for c in shown if any(_cell(row[c], "table") for row in rows)] or shown
        cells = [[terminal_text(_cell(row[c], "table")) for c in shown] for row in rows]
        if "title" in shown:
            at = shown.index("title")
            cells = [[*row[:at], cut(row[at], TABLE_TITLE_WIDTH), *row[at + 1 :]] for row in cells]
        shown, cells = fit_table(shown, cells, width)
        widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(shown)]
        # Text left-aligned, numbers right-aligned, as in a spreadsheet.
        numeric = [all(isinstance(row[c], (int, float)) or row[c] is None for row in rows) for c in shown]

        def line(values):
            return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric)).rstrip()

        click.echo("\n".join([line(shown), *(line(row) for row in cells)]))


def print_warnings(notes) -> None:
    """The notes' warnings (unreadable files, bytes, …) on stderr, one line each, made safe for a terminal."""
    for warning in notes.warnings:
        click.echo(f"warning: {terminal_text(warning)}", err=True)


def about(seconds: float) -> str:
    """A duration as people say it ahead of time: "about 7 min", "about 40 s"."""
    return f"about {round(seconds / 60)} min" if seconds >= 90 else f"about {max(1, round(seconds))} s"
