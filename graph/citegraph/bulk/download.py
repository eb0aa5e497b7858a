"""Semantic Scholar's Datasets API: list releases, download a release's shards, fetch and apply diffs.

The API calls (releases, a dataset's links, diffs) are the `semanticscholar` client's, over our
transport (citegraph.s2.adapter: pacing, retries, the key sent and never shown). The links it
returns are pre-signed, temporary and secret: they are downloaded here, resumably (a cut
connection goes on from the bytes already on disk with an HTTP Range request), each shard read
through to its gzip checksum before it takes its final name and is recorded in the folder's
manifest; a truncated shard is fetched again, never imported. Links are never written anywhere
and appear in messages only without their query (the signature).
"""

from __future__ import annotations

import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from citegraph.bulk.engines import EngineOptions
from citegraph.bulk.release import apply_diff, gzip_problem, read_manifest, write_manifest
from citegraph.constants import LATEST_RELEASE
from citegraph.errors import CitegraphError, DownloadFailed, UnusableAnswer
from citegraph.s2.answers import tls_context
from citegraph.s2.config import S2Config
from citegraph.s2.records import Notice, Progress
from citegraph.text import terminal_text

ATTEMPTS = 4  # tries per file: a cut connection resumes, a damaged file starts over
# No shard of S2's is near this; a server that sends more (or declares more) is not sending a shard.
MAX_SHARD_BYTES = 64 << 30
# A download slower than this over a whole window is given up (and resumed by the next attempt):
# a server trickling a byte at a time would otherwise hold the command for ever.
MIN_BYTES_PER_SECOND = 1024
RATE_WINDOW = 30.0
# Release ids and dataset names become folder names: a conservative set, never "." or "..".
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
SAFE_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,199}")


def shown(value: object) -> str:
    """A value from a server, as a message may quote it: one line, no terminal control, at most 60 characters."""
    text = terminal_text(value if isinstance(value, str) else repr(value))
    return repr(text if len(text) <= 60 else text[:59] + "…")


def safe_name(value: object, what: str) -> str:
    """``value`` if it can name a folder (a release id, a dataset name), else UnusableAnswer.

    Example
    -------
    >>> safe_name("2025-12-05", "release id")
    '2025-12-05'
    >>> safe_name("x/../../etc", "release id")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    citegraph.errors.UnusableAnswer: release id 'x/../../etc' is not a name citegraph writes to disk ...
    """
    if isinstance(value, str) and SAFE_NAME.fullmatch(value) and ".." not in value:
        return value
    raise UnusableAnswer(
        f"{what} {shown(value)} is not a name citegraph writes to disk (letters, digits, '.', '_' and '-' only)"
    )


def inside(folder: Path, path: Path) -> Path:
    """``path``, checked to lie inside ``folder`` once both are resolved (links followed)."""
    resolved = path.resolve()
    if not resolved.is_relative_to(Path(folder).resolve()):
        raise UnusableAnswer(f"{path} would lie outside {folder}; nothing was written there")
    return path


def redact_link(url: str) -> str:
    """A pre-signed link without its query (where the signature is) and without any user or password, for messages.

    Example
    -------
    >>> redact_link("https://bucket.s3.amazonaws.com/papers-part0.jsonl.gz?X-Amz-Signature=abc")
    'https://bucket.s3.amazonaws.com/papers-part0.jsonl.gz?…'
    >>> redact_link("https://user:secret@host/shard.gz")
    'https://host/shard.gz'
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(a malformed link)"
    host = f"[{host}]" if ":" in host else host
    return terminal_text(f"{parts.scheme}://{host}{port}{parts.path}" + ("?…" if parts.query else ""))


def _client(config: S2Config | None, notice: Notice | None = None):
    from citegraph.s2.adapter import client

    return client(config or S2Config.from_env(), notice)


@dataclass
class ReleaseInfo:
    """A release and its datasets (name, description)."""

    release_id: str
    datasets: list[tuple[str, str]]


def list_releases(
    config: S2Config | None = None, release: str | None = None, notice: Notice | None = None
) -> list[ReleaseInfo]:
    """The releases S2 offers (newest first); with ``release``, only that one, with its datasets.

    Example
    -------
    >>> [r.release_id for r in list_releases()][:1]  # doctest: +SKIP
    ['2025-12-05']
    """
    with _client(config, notice) as s2:
        if release:
            found = s2.get_release(safe_name(release, "release id"))
            return [ReleaseInfo(found.release_id, [(d.name, d.description or "") for d in found.datasets or []])]
        return [ReleaseInfo(r, []) for r in sorted(s2.get_available_releases(), reverse=True)]


def file_name(url: object) -> str:
    """The file a link names (the last part of its path), checked to be a plain file name.

    Example
    -------
    >>> file_name("https://host/staging/papers-part0.jsonl.gz?X-Amz-Signature=abc")
    'papers-part0.jsonl.gz'
    """
    if not isinstance(url, str) or any(c in url for c in "\x00\r\n"):
        raise UnusableAnswer(f"a download link {shown(url)} is not a link")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        raise UnusableAnswer(f"a download link {shown(redact_link(url))} is malformed") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnusableAnswer(f"a download link {shown(redact_link(url))} is not an http(s) link")
    name = unquote(parts.path.rsplit("/", 1)[-1])
    if not SAFE_FILE.fullmatch(name) or ".." in name:
        raise UnusableAnswer(f"the download link {shown(redact_link(url))} names no usable file")
    return name


def _target_names(urls: list, folder: Path) -> list[tuple[str, Path]]:
    """(link, file) for each link, every file inside ``folder`` and named by one link only."""
    pairs = [(url, folder / file_name(url)) for url in urls]
    seen: set[str] = set()
    for _, target in pairs:
        if target.name in seen:
            raise UnusableAnswer(f"two download links name the same file {target.name}; nothing was downloaded for it")
        seen.add(target.name)
        inside(folder, target)
    return pairs


def _partial_size(partial: Path) -> int:
    """How much of the file is already here: 0 when ``partial`` is absent or anything but a regular file
    (a planted link or FIFO is removed, never followed)."""
    try:
        found = os.lstat(partial)
    except FileNotFoundError:
        return 0
    if stat.S_ISREG(found.st_mode):
        return found.st_size
    if stat.S_ISDIR(found.st_mode):
        raise DownloadFailed(f"{partial} is a folder; remove it and run the same command again")
    partial.unlink()
    return 0


def _open_partial(partial: Path, append: bool):
    """``partial`` opened for writing without following links: appended to, or created anew (exclusively)."""
    flags = os.O_WRONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    if append:
        flags |= os.O_APPEND
    else:
        partial.unlink(missing_ok=True)
        flags |= os.O_CREAT | os.O_EXCL
    descriptor = os.open(partial, flags, 0o644)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise DownloadFailed(f"{partial} is not a regular file; remove it and run the same command again")
    return os.fdopen(descriptor, "ab" if append else "wb")


class _TooSlow(Exception):
    pass


def _receive(answer, out, have: int, declared: int | None, name: str, progress: Progress | None) -> int:
    """Write the answer's body to ``out``; stop at the declared length, the shard cap, or a trickle."""
    limit = have + declared if declared is not None else MAX_SHARD_BYTES
    window_start, window_bytes = time.monotonic(), 0
    for chunk in answer.iter_raw():  # the file's own bytes: a .gz served with Content-Encoding stays gzip
        have += len(chunk)
        window_bytes += len(chunk)
        if have > limit:
            what = (
                f"longer than the {declared:,} bytes it declared"
                if declared is not None
                else f"larger than {MAX_SHARD_BYTES >> 30} GiB"
            )
            raise DownloadFailed(f"{name}: the server sent a file {what}; nothing of it was kept")
        out.write(chunk)
        if progress:
            progress(name, have, limit if declared is not None else 0)
        elapsed = time.monotonic() - window_start
        if elapsed >= RATE_WINDOW:
            if window_bytes < MIN_BYTES_PER_SECOND * elapsed:
                raise _TooSlow(f"slower than {MIN_BYTES_PER_SECOND:,} bytes/s for {elapsed:.0f} s")
            window_start, window_bytes = time.monotonic(), 0
    return have


def download_file(url: str, target: Path, progress: Progress | None = None, http=None) -> int:
    """One linked file into ``target``, resuming a partial download, verified as complete gzip.

    The bytes go to ``target.part`` first (never through a link planted there); a cut connection
    resumes from its size, a file that is not complete gzip is fetched again from the start. A body
    longer than its declared length or than ``MAX_SHARD_BYTES``, or slower than
    ``MIN_BYTES_PER_SECOND`` over ``RATE_WINDOW`` seconds, is given up. Returns the file's size.

    Raises
    ------
    DownloadFailed : still incomplete after ``ATTEMPTS`` tries (the message shows the link without its signature).
    """
    import httpx

    partial = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    problem = "not tried"
    own = http is None
    http = http or httpx.Client(timeout=httpx.Timeout(60.0, connect=10.0), follow_redirects=True, verify=tls_context())
    try:
        for _ in range(ATTEMPTS):
            have = _partial_size(partial)
            try:
                with http.stream("GET", url, headers={"Range": f"bytes={have}-"} if have else {}) as answer:
                    if answer.status_code == 416:  # asked past the end: what we have is the whole file
                        pass
                    elif answer.status_code not in (200, 206):
                        problem = f"HTTP {answer.status_code}"
                        continue
                    else:
                        if answer.status_code == 200:
                            have = 0  # the server ignored the range: start over
                        declared = _declared_length(answer.headers.get("Content-Length"), have, target.name)
                        with _open_partial(partial, append=have > 0) as out:
                            _receive(answer, out, have, declared, target.name, progress)
            except (httpx.HTTPError, _TooSlow) as exc:
                problem = str(exc) if isinstance(exc, _TooSlow) else f"connection lost ({type(exc).__name__})"
                continue
            except DownloadFailed:
                partial.unlink(missing_ok=True)
                raise
            problem = gzip_problem(partial)
            if problem is None:
                os.replace(partial, target)
                return target.stat().st_size
            partial.unlink()  # damaged, not merely short: start over
    finally:
        if own:
            http.close()
    raise DownloadFailed(
        f"{target.name} could not be downloaded complete from {redact_link(url)} ({problem}); "
        "run the same command again to resume"
    )


def _declared_length(header: str | None, have: int, name: str) -> int | None:
    if header is None:
        return None
    if not header.strip().isdigit():
        raise DownloadFailed(f"{name}: the server declared a length of {shown(header)}, not a number")
    declared = int(header)
    if have + declared > MAX_SHARD_BYTES:
        raise DownloadFailed(
            f"{name}: the server declared {have + declared:,} bytes, more than the "
            f"{MAX_SHARD_BYTES >> 30} GiB a shard may have; nothing was downloaded"
        )
    return declared


def _download_all(urls: list, folder: Path, progress: Progress | None) -> list[Path]:
    pairs = _target_names(urls, folder)
    for url, target in pairs:
        download_file(url, target, progress)
    return [target for _, target in pairs]


def download_release(
    release: str,
    datasets: list[str],
    folder: Path,
    shards: int | None = None,
    config: S2Config | None = None,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> dict[str, list[Path]]:
    """Download the named datasets of a release into ``folder/<dataset>/`` (the first ``shards`` of each).

    Shards already downloaded complete (in the manifest at their size) are skipped, so running it
    again resumes. The manifest records the release and each shard's size, never a link.

    Returns
    -------
    dict : dataset -> its shard files.

    Raises
    ------
    CitegraphError : another release is already in ``folder``; DownloadFailed, UnusableAnswer, S2Error.
    """
    release = safe_name(release, "release id")
    datasets = [safe_name(name, "dataset name") for name in datasets]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(folder)
    if manifest.get("release") not in (None, release):
        raise CitegraphError(
            f"{folder} holds release {manifest['release']}; download {release} into another folder, "
            "or bring it up to date with `citegraph datasets update`"
        )
    manifest["release"] = release
    found: dict[str, list[Path]] = {}
    with _client(config, notice) as s2:
        links = {name: s2.get_dataset_download_links(release, name).files for name in datasets}
    planned = {
        name: _target_names(urls[:shards] if shards else urls, inside(folder, folder / name))
        for name, urls in links.items()
    }
    for name, pairs in planned.items():
        found[name] = []
        for url, target in pairs:
            relative = f"{name}/{target.name}"
            if not (target.exists() and manifest["files"].get(relative) == target.stat().st_size):
                manifest["files"][relative] = download_file(url, target, progress)
                write_manifest(folder, manifest)
            found[name].append(target)
    write_manifest(folder, manifest)
    return found


def update_release(
    folder: Path,
    to_release: str = LATEST_RELEASE,
    config: S2Config | None = None,
    options: EngineOptions | None = None,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> str:
    """Bring an imported release up to ``to_release`` by S2's diffs: upserts and deletes by corpus id.

    Every dataset imported in ``folder`` is updated; the diff files are downloaded (verified) into
    ``folder/diffs`` and applied one release step at a time. Each step must start at the release the
    folder holds, and every dataset must reach the same release: a diff that does not fit is refused
    before anything is downloaded. Returns the release now held.

    Example
    -------
    >>> update_release(Path("s2-release"))  # doctest: +SKIP
    '2025-12-12'
    """
    folder = Path(folder)
    to_release = safe_name(to_release, "release id")
    manifest = read_manifest(folder)
    start = manifest.get("release")
    if not start:
        raise CitegraphError(f"{folder} records no release; download it with `citegraph datasets download` first")
    start = safe_name(start, f"the release recorded in {folder}'s manifest")
    datasets = sorted({relative.split("/", 1)[0] for relative in manifest["files"]} & {"papers", "citations"})
    with _client(config, notice) as s2:
        plans = {
            name: _fitting_steps(s2.get_dataset_diffs(name, start, to_release).diffs or [], start, name)
            for name in datasets
        }
    ends = {steps[-1].to_release if steps else start for steps in plans.values()}
    if len(ends) > 1:
        raise UnusableAnswer(
            f"S2's diffs bring the datasets of {folder} to different releases "
            f"({', '.join(sorted(ends))}); nothing was changed"
        )
    for name, steps in plans.items():
        for step in steps:
            where = inside(folder, folder / "diffs" / f"{step.from_release}_{step.to_release}" / name)
            apply_diff(
                folder,
                name,
                _download_all(step.update_files or [], where / "updates", progress),
                _download_all(step.delete_files or [], where / "deletes", progress),
                options,
            )
    manifest["release"] = ends.pop() if ends else start
    write_manifest(folder, manifest)
    return manifest["release"]


def _fitting_steps(steps: list, start: str, dataset: str) -> list:
    """The diff steps, checked to chain from ``start`` (each starting where the last ended), with usable ids
    and links."""
    held = start
    for step in steps:
        origin = safe_name(getattr(step, "from_release", None), "a diff's from_release")
        reached = safe_name(getattr(step, "to_release", None), "a diff's to_release")
        if origin != held:
            raise UnusableAnswer(
                f"S2's diff for {dataset} starts at release {origin}, but the folder holds {held}; nothing was changed"
            )
        for links in (step.update_files, step.delete_files):
            if not isinstance(links, list | None) or any(not isinstance(link, str) for link in links or []):
                raise UnusableAnswer(
                    f"S2's diff {origin} to {reached} for {dataset} lists something "
                    "other than links; nothing was changed"
                )
        held = reached
    return steps
