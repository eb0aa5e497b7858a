"""A downloaded Datasets release on disk: its shards turned into Parquet, and diffs applied to it.

Layout of a release folder: ``papers/*.jsonl.gz`` and ``citations/*.jsonl.gz`` (the shards, as
``citegraph datasets download`` leaves them, with ``manifest.json`` recording each verified shard's
size), and after ``import`` ``parquet/papers.parquet`` (sorted by corpus id, one column per id
kind, the normalised title, the row as S2 wrote it), ``parquet/citations.parquet`` (sorted by
citing id) and ``parquet/citers.parquet`` (cited, citing; sorted by cited). Sorted files keep
min/max statistics per row group, so a lookup by corpus id reads only the row groups that can
hold it. DuckDB does the conversion, under a memory limit, spilling to a temp directory.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from citegraph.bulk.engines import PARQUET_DIR, EngineOptions, apply_settings, engine_error, sql_string
from citegraph.datafiles import NotRegularFile, open_regular, read_regular
from citegraph.errors import CitegraphError, ShardDamaged
from citegraph.text import title_key

MANIFEST = "manifest.json"
DATASETS = ("papers", "citations")
ROW_GROUP = 122_880  # DuckDB's own row-group size: fine-grained enough to prune, large enough to compress
PARQUET_OPTIONS = f"FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP}"
# The columns of a papers row we look up by (ids lower-cased: S2 ids compare without case).
PAPERS_SELECT = """
    CAST(json_extract_string(json, '$.corpusid') AS BIGINT) AS corpusid,
    regexp_extract(json_extract_string(json, '$.url'), '([0-9a-f]{{40}})$', 1) AS paper_id,
    lower(json_extract_string(json, '$.externalids.ArXiv')) AS arxiv,
    lower(json_extract_string(json, '$.externalids.DOI')) AS doi,
    lower(json_extract_string(json, '$.externalids.PubMed')) AS pubmed,
    lower(json_extract_string(json, '$.externalids.ACL')) AS acl,
    title_key(json_extract_string(json, '$.title')) AS title_key,
    CAST(json AS VARCHAR) AS record
FROM read_json_objects({files}, format = 'newline_delimited', compression = 'gzip')"""
# maximum_object_size: DuckDB's default (16 MiB; a citation row is kilobytes). Each reading thread holds
# twice it, so a larger bound would be memory every import needs, however small the release.
CITATIONS_SELECT = """
    CAST(citingcorpusid AS BIGINT) AS citing, CAST(citedcorpusid AS BIGINT) AS cited, isinfluential,
    CAST(intents AS VARCHAR) AS intents, CAST(contexts AS VARCHAR) AS contexts
FROM read_json({files}, format = 'newline_delimited', compression = 'gzip', maximum_object_size = 16777216,
     columns = {{citingcorpusid: 'VARCHAR', citedcorpusid: 'VARCHAR', isinfluential: 'BOOLEAN',
                 intents: 'JSON', contexts: 'JSON'}})"""
SORT_KEYS = {"papers": "corpusid", "citations": "citing, cited"}
DIFF_KEYS = {"papers": ("corpusid", "corpusid"), "citations": ("citing", "citingcorpusid")}


@dataclass
class ImportResult:
    """What an import wrote: rows per table and bytes on disk of the Parquet files."""

    rows: dict[str, int]
    parquet_bytes: int
    # Corpus ids on more than one papers row: a build uses one of them (the same one every time).
    repeated_papers: int = 0


def read_manifest(folder: Path) -> dict:
    """The folder's manifest (release id and verified shards), or an empty one when there is none."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        return {"release": None, "files": {}}
    try:
        manifest = json.loads(read_regular(path))
    except (OSError, ValueError, RecursionError):
        manifest = None
    if not (
        isinstance(manifest, dict)
        and isinstance(manifest.get("release"), str | None)
        and isinstance(manifest.get("files"), dict)
        and all(isinstance(size, int) for size in manifest["files"].values())
    ):
        raise CitegraphError(
            f"{path} is not a manifest citegraph wrote; move it away and download the release "
            "again (shards already here are verified, not fetched again)"
        )
    return manifest


def write_manifest(folder: Path, manifest: dict) -> None:
    """Replace the manifest at once; the new text goes to a file of its own first (created exclusively,
    so a link planted at a temporary name is never followed and two writers never share one)."""
    descriptor, partial = tempfile.mkstemp(dir=folder, prefix=f".{MANIFEST}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "w") as out:
            out.write(json.dumps(manifest, indent=1, sort_keys=True))
        os.replace(partial, Path(folder) / MANIFEST)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


GZIP_MAGIC = b"\x1f\x8b"


def gzip_problem(path: Path) -> str | None:
    """Why ``path`` is not a complete gzip file (None when it is): read through to its checksum.

    An empty file or anything but a regular file is not one (gzip itself reads an empty file as empty)."""
    try:
        with open_regular(path) as raw:
            if raw.read(2) != GZIP_MAGIC:
                return "not gzip (no gzip header)"
            raw.seek(0)
            with gzip.open(raw, "rb") as stream:
                while stream.read(1 << 20):
                    pass
    except NotRegularFile:
        return "not a regular file"
    except (EOFError, OSError, zlib.error) as exc:
        return str(exc) or type(exc).__name__
    return None


def verified_shards(folder: Path, dataset: str) -> list[Path]:
    """The dataset's shards, each complete: recorded by download at this size, or read through now.

    Raises ShardDamaged naming the first damaged shard (a FIFO or a folder named like a shard is damaged too).
    """
    folder = Path(folder)
    known = read_manifest(folder)["files"]
    shards = sorted((folder / dataset).glob("*.jsonl.gz"))
    for shard in shards:
        relative = f"{dataset}/{shard.name}"
        if shard.is_file() and known.get(relative) == shard.stat().st_size:
            continue
        problem = gzip_problem(shard)
        if problem:
            raise ShardDamaged(
                f"{shard} is damaged ({problem}); run `citegraph datasets download` again "
                "to fetch it again (nothing was imported)"
            )
    return shards


def _connect(options: EngineOptions | None):
    import duckdb
    from duckdb.sqltypes import VARCHAR

    db = duckdb.connect()
    options = options or EngineOptions()
    apply_settings(db, options)
    db.execute("SET preserve_insertion_order = false")  # the ORDER BY decides the order, not the input
    db.create_function(
        "title_key", lambda title: title_key(title) if title else None, [VARCHAR], VARCHAR, null_handling="special"
    )
    return db


def _file_list(paths: list[Path]) -> str:
    return "[" + ", ".join(sql_string(p) for p in paths) + "]"


def _select(dataset: str, shards: list[Path]) -> str:
    return "SELECT " + (PAPERS_SELECT if dataset == "papers" else CITATIONS_SELECT).format(files=_file_list(shards))


def _write(db, query: str, target: Path) -> None:
    """``query`` into ``target`` as Parquet, replacing it only once complete."""
    # A name of its own in the folder (created by us, exclusively, then handed to DuckDB): a planted link
    # is never written through and two imports never share a temporary file.
    descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(descriptor)
    try:
        db.execute(f"COPY ({query}) TO {sql_string(partial)} ({PARQUET_OPTIONS})")
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)


def _write_citers(db, parquet: Path) -> None:
    _write(
        db,
        f"SELECT cited, citing FROM read_parquet({sql_string(parquet / 'citations.parquet')}) "
        "WHERE cited IS NOT NULL ORDER BY cited, citing",
        parquet / "citers.parquet",
    )


def _summary(db, parquet: Path) -> ImportResult:
    rows = {
        name: db.execute("SELECT count(*) FROM read_parquet(?)", [(parquet / f"{name}.parquet").as_posix()]).fetchone()[
            0
        ]
        for name in ("papers", "citations", "citers")
    }
    repeated = db.execute(
        "SELECT count(*) - count(DISTINCT corpusid) FROM read_parquet(?)", [(parquet / "papers.parquet").as_posix()]
    ).fetchone()[0]
    return ImportResult(rows, sum(p.stat().st_size for p in parquet.glob("*.parquet")), repeated)


def import_release(folder: Path, options: EngineOptions | None = None) -> ImportResult:
    """Turn a downloaded release's shards into sorted Parquet files (``folder/parquet``).

    Parameters
    ----------
    folder : the release folder (``papers/`` and ``citations/`` shards).
    options : DuckDB's memory limit and temp directory.

    Returns
    -------
    ImportResult

    Raises
    ------
    ShardDamaged : a shard is truncated (nothing is imported). CitegraphError : a dataset has no shards.

    Example
    -------
    >>> import_release(Path("s2-release"), EngineOptions(memory_limit="4GB")).rows  # doctest: +SKIP
    {'papers': 231000000, 'citations': 2900000000, 'citers': 2570000000}
    """
    folder = Path(folder)
    shards = {dataset: verified_shards(folder, dataset) for dataset in DATASETS}
    for dataset, found in shards.items():
        if not found:
            raise CitegraphError(
                f"{folder / dataset} holds no shards (*.jsonl.gz); run `citegraph datasets "
                f"download --release R papers citations --to {folder}` first"
            )
    parquet = folder / PARQUET_DIR
    parquet.mkdir(exist_ok=True)
    import duckdb

    db = _connect(options)
    try:
        for dataset, found in shards.items():
            _write(db, f"{_select(dataset, found)} ORDER BY {SORT_KEYS[dataset]}", parquet / f"{dataset}.parquet")
        _write_citers(db, parquet)
        return _summary(db, parquet)
    except duckdb.Error as exc:
        raise engine_error("DuckDB", folder, exc) from None
    finally:
        db.close()


def apply_diff(
    folder: Path, dataset: str, update_files: list[Path], delete_files: list[Path], options: EngineOptions | None = None
) -> None:
    """Apply one diff to an imported dataset: rows in ``update_files`` inserted or replacing the rows
    with their key, rows whose key is in ``delete_files`` removed.

    The key is the corpus id for ``papers``; for ``citations`` the citing corpus id (an update file
    carries every citation of the papers it names).
    """
    if not update_files and not delete_files:
        return
    folder = Path(folder)
    parquet = folder / PARQUET_DIR
    column, raw_key = DIFF_KEYS[dataset]
    current = sql_string(parquet / f"{dataset}.parquet")
    import duckdb

    db = _connect(options)
    try:
        removed = (
            [
                f"SELECT CAST({raw_key} AS BIGINT) AS k FROM read_json({_file_list(delete_files)}, "
                f"format = 'newline_delimited', compression = 'gzip', columns = {{{raw_key}: 'VARCHAR'}})"
            ]
            if delete_files
            else []
        )
        if update_files:
            db.execute(f"CREATE TEMP TABLE updates AS {_select(dataset, update_files)}")
            removed.append(f"SELECT {column} AS k FROM updates")
        # An anti-join: a million keys are hashed once, and a null key removes nothing (NOT IN would remove all).
        kept = f"SELECT c.* FROM read_parquet({current}) c" + (
            f" ANTI JOIN ({' UNION ALL '.join(removed)}) r ON c.{column} = r.k" if removed else ""
        )
        merged = kept + (" UNION ALL SELECT * FROM updates" if update_files else "")
        _write(db, f"SELECT * FROM ({merged}) ORDER BY {SORT_KEYS[dataset]}", parquet / f"{dataset}.parquet")
        if dataset == "citations":
            _write_citers(db, parquet)
    except duckdb.Error as exc:
        raise engine_error("DuckDB", folder, exc) from None
    finally:
        db.close()
