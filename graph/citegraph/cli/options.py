"""Options several commands share, and reading what they name (the saved graph, a paper, a release)."""

from __future__ import annotations

from pathlib import Path

import click

from citegraph.constants import (
    DATA_DIR,
    ENGINES,
    MAP_COLORS,
    MAP_LAYOUTS,
    MAP_MAX_NODES,
    MAP_MIN_NODES,
    MAP_SHOWS,
    PAPER_FORMATS,
    SPARK_MASTER,
    TOP,
)
from citegraph.text import terminal_text


def resolve(graph, query: str) -> str:
    """The paperId a name on the command line means; says on stderr which paper was picked when
    the name was not an id or an exact title."""
    from citegraph.lookup import find_paper
    from citegraph.paths import PaperRef

    match = find_paper(graph, query)
    if match.how not in ("id", "exact title"):
        why = {
            "short title": "the only paper whose title before the colon is this",
            "in your notes": "the only paper in your notes whose title has these words",
            "title words": "the only paper whose title has these words",
        }[match.how]
        also = f"; {len(match.others)} other paper(s) match less closely" if match.others else ""
        click.echo(
            terminal_text(f"{query!r} is {PaperRef.of(graph, match.paper_id).label} [{match.paper_id}]: {why}{also}"),
            err=True,
        )
    return match.paper_id


def zotero_options(func):
    func = click.option(
        "--collection", metavar="NAME", help="With --zotero: only this collection (and its subcollections)."
    )(func)
    return click.option(
        "--zotero",
        "zotero",
        is_flag=False,
        flag_value="",
        default=None,
        metavar="[PATH]",
        help="Also read a Zotero library, read-only (default ~/Zotero/zotero.sqlite). "
        "Put it after the notes paths, or write --zotero=PATH.",
    )(func)


def zotero_source(paths, zotero, collection):
    """The Zotero source the options name; a usage error when there is nothing to read at all."""
    from citegraph.notes.zotero import ZoteroSource

    if collection is not None and zotero is None:
        raise click.UsageError("--collection needs --zotero")
    if not paths and zotero is None:
        raise click.UsageError("give notes files or folders, or --zotero")
    return ZoteroSource(Path(zotero) if zotero else None, collection) if zotero is not None else None


def data_dir_option(func):
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=DATA_DIR,
        envvar="CITEGRAPH_DATA_DIR",
        show_default=True,
        help="Where the store, the saved graph and coverage.json live.",
    )(func)


def wide_option(func):
    return click.option(
        "--wide",
        is_flag=True,
        help="table: every column, titles cut at 60 characters only, whatever the terminal's width.",
    )(func)


def saved_graph(data_dir: Path):
    """The graph the last build saved in ``data_dir``, read for a question (no NetworkX)."""
    from citegraph.graphfile import graph_path
    from citegraph.savedgraph import read_saved_graph

    return read_saved_graph(graph_path(data_dir))


def choice_option(*names: str, choices, help: str, **more):
    """An option taking one of ``choices``, the first being the default (so it is written once)."""
    return click.option(*names, type=click.Choice(choices), default=choices[0], show_default=True, help=help, **more)


def count_option(name: str, default: int, help: str, minimum: int = 1, **more):
    """A whole-number option of at least ``minimum``, its default shown."""
    return click.option(name, type=click.IntRange(minimum), default=default, show_default=True, help=help, **more)


def days_option(name: str, default: float, help: str):
    """A number of days (0 or more, fractions allowed), its default shown."""
    return click.option(name, type=click.FloatRange(0), default=default, show_default=True, metavar="DAYS", help=help)


def format_option(choices=PAPER_FORMATS):
    return choice_option(
        "--format", "fmt", choices=choices, help="table cuts long values with …; the other formats carry them in full."
    )


def output_options(formats=PAPER_FORMATS, wide: bool = True):
    """What every question of the saved graph takes: --format (one of ``formats``), --wide when its
    answer is a table of rows, and --data-dir."""

    def decorate(func):
        func = data_dir_option(func)
        if wide:
            func = wide_option(func)
        return format_option(formats)(func)

    return decorate


def top_option(maximum: int | None = None):
    return click.option("--top", type=click.IntRange(1, maximum), default=TOP, show_default=True, help="Rows to print.")


def since_option(help: str = "Only papers published in or after this year."):
    return click.option("--since", type=int, help=help)


def map_file_option(*names: str, default: Path, help: str):
    """A file the map is written to (or read from)."""
    return click.option(
        *names, type=click.Path(dir_okay=False, path_type=Path), default=default, show_default=True, help=help
    )


def map_options(func):
    """--color, --show, --max-nodes, --layout: how the map is drawn."""
    func = choice_option(
        "--color",
        choices=MAP_COLORS,
        help="What node colours mean on the map (auto: topic when your notes have two topics or more, else cluster).",
    )(func)
    func = choice_option(
        "--show",
        choices=MAP_SHOWS,
        help="folded: references cited by one of your papers only are folded into it.",
    )(func)
    func = count_option(
        "--max-nodes",
        MAP_MAX_NODES,
        "Draw at most this many papers (your papers and the best unread ones).",
        minimum=MAP_MIN_NODES,
    )(func)
    return choice_option("--layout", choices=MAP_LAYOUTS, help="timeline: x is the publication year.")(func)


def release_source(value: str | None) -> Path | None:
    """``--source datasets:DIR`` -> DIR (None: the Graph API)."""
    if value is None:
        return None
    kind, _, folder = value.partition(":")
    if kind != "datasets" or not folder:
        raise click.BadParameter(
            f"{value!r}: write datasets:DIR (a release imported with `citegraph datasets import`)",
            param_hint="--source",
        )
    return Path(folder)


def duckdb_options(func):
    func = click.option(
        "--temp-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="DuckDB spills here when the memory limit is reached.",
    )(func)
    return click.option("--memory-limit", metavar="SIZE", help="DuckDB's memory limit, e.g. 4GB.")(func)


def _spark_settings(ctx, param, values) -> tuple[tuple[str, str], ...]:
    settings = []
    for value in values:
        key, sign, setting = value.partition("=")
        if not sign or not key.strip():
            raise click.BadParameter(
                f"{value!r}: write KEY=VALUE, e.g. spark.executor.memory=4g", param_hint="--spark-conf"
            )
        settings.append((key.strip(), setting.strip()))
    return tuple(settings)


def engine_options(func):
    """--engine, --memory-limit, --temp-dir, --spark-master, --spark-conf: how a Datasets release is read."""
    func = click.option(
        "--spark-conf",
        metavar="KEY=VALUE",
        multiple=True,
        callback=_spark_settings,
        help="With --engine spark: a Spark setting for the session, e.g. spark.executor.memory=4g (repeatable).",
    )(func)
    func = click.option(
        "--spark-master",
        default=SPARK_MASTER,
        show_default=True,
        help="With --engine spark: local[N], spark://HOST:PORT, or Spark Connect sc://HOST.",
    )(func)
    func = duckdb_options(func)
    return choice_option(
        "--engine",
        choices=ENGINES,
        help="Reads a Datasets release: DuckDB embedded, or Spark (pip install 'citegraph[spark]').",
    )(func)


def make_engine_options(engine, memory_limit, temp_dir, spark_master, spark_conf=()):
    from citegraph.bulk.engines import EngineOptions

    try:
        return EngineOptions(engine, memory_limit, temp_dir, spark_master, tuple(spark_conf))
    except ValueError as exc:
        raise click.BadParameter(str(exc).replace("memory_limit=", ""), param_hint="--memory-limit") from None
