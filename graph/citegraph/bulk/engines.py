"""Where a release's SQL runs: DuckDB embedded (the default) or Apache Spark (``citegraph[spark]``).

Both engines answer the same SQL text (citegraph.bulk.extract writes it once, in the subset both
dialects accept) over the same three Parquet tables an import writes (``papers``, ``citations``,
``citers``), plus small input tables the caller passes as rows with a declared schema.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from citegraph.constants import ENGINES, SPARK_MASTER
from citegraph.errors import CitegraphError, ReleaseMissing

TABLES = ("papers", "citations", "citers")
PARQUET_DIR = "parquet"
# A memory limit as DuckDB reads one: a number and a unit, nothing else ever reaches its SQL.
MEMORY_LIMIT = re.compile(r"\d+(\.\d+)?\s?(B|[KMGT]i?B)", re.IGNORECASE)


@dataclass
class EngineOptions:
    """Which engine, and its settings.

    ``memory_limit`` (e.g. ``"4GB"``) and ``temp_dir`` apply to DuckDB; ``spark_master``
    (``local[*]``, ``spark://host:7077`` or Spark Connect ``sc://host``) and ``spark_conf``
    (``(key, value)`` settings, e.g. ``("spark.executor.memory", "4g")``) to Spark.
    """

    engine: str = ENGINES[0]
    memory_limit: str | None = None
    temp_dir: Path | None = None
    spark_master: str = SPARK_MASTER
    spark_conf: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if self.memory_limit is not None and not MEMORY_LIMIT.fullmatch(str(self.memory_limit)):
            raise ValueError(f"memory_limit={self.memory_limit!r} is not a size like 4GB, 512MB or 1.5GiB")


def sql_string(value: str | Path) -> str:
    """``value`` as an SQL string literal: quoted, every quote doubled (a folder may be named ``it's``).

    Example
    -------
    >>> sql_string("/home/o'brien/release")
    "'/home/o''brien/release'"
    """
    text = value.as_posix() if isinstance(value, Path) else str(value)
    return "'" + text.replace("'", "''") + "'"


def apply_settings(db, options: EngineOptions) -> None:
    """DuckDB's memory limit and temp directory, as ``options`` name them."""
    if options.memory_limit:
        db.execute(f"SET memory_limit = {sql_string(options.memory_limit)}")
    if options.temp_dir:
        db.execute(f"SET temp_directory = {sql_string(Path(options.temp_dir))}")


def parquet_files(release_dir: Path) -> dict[str, Path]:
    """The imported tables of a release folder; raises ReleaseMissing when it was not imported."""
    folder = Path(release_dir) / PARQUET_DIR
    files = {name: folder / f"{name}.parquet" for name in TABLES}
    missing = [name for name, path in files.items() if not path.exists()]
    not_files = [str(path) for path in files.values() if path.exists() and not path.is_file()]
    if not_files:  # a FIFO would hang the engine's read for ever
        raise ReleaseMissing(
            f"{not_files[0]} is not a regular file; run `citegraph datasets import {release_dir}` again"
        )
    if missing:
        raise ReleaseMissing(
            f"{release_dir} holds no imported release ({', '.join(missing)} missing); "
            f"run `citegraph datasets import {release_dir}` first"
        )
    return files


def engine_error(engine: str, release_dir: Path, exc: Exception) -> CitegraphError:
    """An engine's failure as one line (its first line: Spark's are Java stack traces)."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    return CitegraphError(
        f"{engine} could not read the release in {release_dir} ({first}); if it ran out of memory, "
        "raise --memory-limit or give --temp-dir room; if a file is damaged, run "
        "`citegraph datasets import` again"
    )


class _Engine:
    """What both engines share: ``with`` closes them."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class DuckDBEngine(_Engine):
    """SQL on DuckDB over the release's Parquet files (views: nothing is loaded up front)."""

    def __init__(self, release_dir: Path, options: EngineOptions):
        import duckdb

        self.release_dir = release_dir
        self.db = duckdb.connect()
        apply_settings(self.db, options)
        try:
            for name, path in parquet_files(release_dir).items():
                self.db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({sql_string(path)})")
        except duckdb.Error as exc:
            raise engine_error("DuckDB", release_dir, exc) from None

    def query(self, sql: str, inputs: dict[str, tuple[str, Sequence[tuple]]] | None = None) -> list[tuple]:
        """Rows of ``sql``; ``inputs`` are ``{table: (schema DDL, rows)}`` made visible to it."""
        import duckdb
        import pandas as pd

        try:
            for name, (schema, rows) in (inputs or {}).items():
                self.db.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({schema})")
                if rows:
                    columns = [column.split()[0] for column in schema.split(",")]
                    self.db.register("input_rows", pd.DataFrame(list(rows), columns=columns))
                    self.db.execute(f"INSERT INTO {name} SELECT * FROM input_rows")
                    self.db.unregister("input_rows")
            return self.db.execute(sql).fetchall()
        except duckdb.Error as exc:
            raise engine_error("DuckDB", self.release_dir, exc) from None

    def close(self) -> None:
        self.db.close()


# Set for every Spark session citegraph starts; --spark-conf adds to them and wins. Input tables go to
# Spark as Arrow batches, decoded in the JVM: executors never need citegraph's Python.
# (A Spark Connect server keeps its own settings of the driver, and always sends rows as Arrow.)
SPARK_DEFAULTS = (("spark.sql.shuffle.partitions", "8"),)
SPARK_STARTED_DEFAULTS = (
    ("spark.ui.enabled", "false"),
    ("spark.ui.showConsoleProgress", "false"),
    ("spark.sql.execution.arrow.pyspark.enabled", "true"),
    ("spark.sql.execution.arrow.pyspark.fallback.enabled", "false"),
)
_spark_sessions: dict[tuple, object] = {}


def _spark_error(master: str, exc: Exception) -> CitegraphError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    where = (
        "is the Spark Connect server running there?"
        if master.startswith("sc://")
        else "is the master running, and Java installed?"
    )
    return CitegraphError(f"Spark did not start at {master} ({first}); check --spark-master ({where}) and --spark-conf")


def stop_spark_sessions() -> None:
    """Stop the Spark sessions this process started (a cluster's cores go back to it)."""
    while _spark_sessions:
        _, session = _spark_sessions.popitem()
        session.stop()


def spark_session(master: str, settings: Sequence[tuple[str, str]] = ()):
    """One SparkSession per master and settings for the whole process (starting one takes seconds).

    A process holds one Spark driver (``local[N]`` or ``spark://``): asking for another master or
    other settings stops the one it holds. Spark Connect sessions (``sc://``) are clients and coexist.
    """
    key = (master, tuple(settings))
    if key in _spark_sessions:
        return _spark_sessions[key]
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CitegraphError("--engine spark needs pyspark: pip install 'citegraph[spark]'") from None
    remote = master.startswith("sc://")
    if not remote:
        for held in [k for k in _spark_sessions if not k[0].startswith("sc://")]:
            _spark_sessions.pop(held).stop()
    builder = SparkSession.builder.appName("citegraph")
    builder = builder.remote(master) if remote else builder.master(master)
    for name, value in (*SPARK_DEFAULTS, *(() if remote else SPARK_STARTED_DEFAULTS), *settings):
        builder = builder.config(name, value)
    try:
        with warnings.catch_warnings():  # pyspark's notes on pandas versions are not the user's business
            warnings.simplefilter("ignore", FutureWarning)
            session = builder.getOrCreate()
        if not remote:
            session.sparkContext.setLogLevel("ERROR")
    except Exception as exc:  # Spark's own errors are Java stack traces or gRPC statuses: one line is enough
        raise _spark_error(master, exc) from None
    _spark_sessions[key] = session
    return session


class SparkEngine(_Engine):
    """The same SQL on Apache Spark over the same Parquet files (local mode, a cluster, or Spark Connect).

    The Parquet files are named by path: on a cluster every executor reads them itself, so the
    release must lie on storage every worker sees, at the same path.
    """

    def __init__(self, release_dir: Path, options: EngineOptions):
        self.release_dir = release_dir
        self.spark = spark_session(options.spark_master, options.spark_conf)
        try:
            for name, path in parquet_files(release_dir).items():
                self.spark.read.parquet(str(Path(path).resolve())).createOrReplaceTempView(name)
        except CitegraphError:
            raise
        except Exception as exc:
            raise engine_error("Spark", release_dir, exc) from None

    def query(self, sql: str, inputs: dict[str, tuple[str, Sequence[tuple]]] | None = None) -> list[tuple]:
        import pandas as pd

        try:
            for name, (schema, rows) in (inputs or {}).items():
                columns = [column.split()[0] for column in schema.split(",")]
                table = pd.DataFrame(list(rows), columns=columns)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", FutureWarning)
                    self.spark.createDataFrame(table, schema=schema).createOrReplaceTempView(name)
            return [tuple(row) for row in self.spark.sql(sql).collect()]
        except Exception as exc:  # py4j and Spark Connect errors share no base class we could name
            raise engine_error("Spark", self.release_dir, exc) from None

    def close(self) -> None:
        pass  # the session is shared by every engine of this process


def open_engine(release_dir: Path, options: EngineOptions | None = None):
    """The engine ``options`` names, over the release imported in ``release_dir``.

    Example
    -------
    >>> engine = open_engine(Path("s2-release"))  # doctest: +SKIP
    >>> engine.query("SELECT count(*) FROM papers")  # doctest: +SKIP
    [(231000000,)]
    """
    options = options or EngineOptions()
    if options.engine == "spark":
        return SparkEngine(release_dir, options)
    if options.engine == "duckdb":
        return DuckDBEngine(release_dir, options)
    raise CitegraphError(f"unknown engine {options.engine!r}: use {' or '.join(ENGINES)}")
