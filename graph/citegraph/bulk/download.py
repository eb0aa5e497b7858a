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
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from citegraph.bulk.engines import EngineOptions
from citegraph.constants import LATEST_RELEASE
from citegraph.errors import CitegraphError, DownloadFailed
from citegraph.bulk.release import apply_diff, gzip_problem, read_manifest, write_manifest
from citegraph.s2.records import Progress
from citegraph.s2.transport import S2Config

ATTEMPTS = 4  # tries per file: a cut connection resumes, a damaged file starts over


def redact_link(url: str) -> str:
    """A pre-signed link without its query (where the signature is), for messages.

    Example
    -------
    >>> redact_link("https://bucket.s3.amazonaws.com/papers-part0.jsonl.gz?X-Amz-Signature=abc")
    'https://bucket.s3.amazonaws.com/papers-part0.jsonl.gz?…'
    """
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")


def _client(config: S2Config | None):
    from citegraph.s2.adapter import client

    return client(config or S2Config.from_env())


@dataclass
class ReleaseInfo:
    """A release and its datasets (name, description)."""

    release_id: str
    datasets: list[tuple[str, str]]


def list_releases(config: S2Config | None = None, release: str | None = None) -> list[ReleaseInfo]:
    """The releases S2 offers (newest first); with ``release``, only that one, with its datasets.

    Example
    -------
    >>> [r.release_id for r in list_releases()][:1]  # doctest: +SKIP
    ['2025-12-05']
    """
    with _client(config) as s2:
        if release:
            found = s2.get_release(release)
            return [ReleaseInfo(found.release_id, [(d.name, d.description or "") for d in found.datasets or []])]
        return [ReleaseInfo(r, []) for r in sorted(s2.get_available_releases(), reverse=True)]


def file_name(url: str) -> str:
    return Path(urlsplit(url).path).name


def download_file(url: str, target: Path, progress: Progress | None = None, http=None) -> int:
    """One linked file into ``target``, resuming a partial download, verified as complete gzip.

    The bytes go to ``target.part`` first; a cut connection resumes from its size, a file that is
    not complete gzip is fetched again from the start. Returns the file's size.

    Raises
    ------
    DownloadFailed : still incomplete after ``ATTEMPTS`` tries (the message shows the link without its signature).
    """
    import httpx

    partial = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    problem = "not tried"
    own = http is None
    http = http or httpx.Client(timeout=httpx.Timeout(60.0, connect=10.0), follow_redirects=True)
    try:
        for _ in range(ATTEMPTS):
            have = partial.stat().st_size if partial.exists() else 0
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
                        total = have + int(answer.headers.get("Content-Length") or 0)
                        with open(partial, "ab" if have else "wb") as out:
                            for chunk in answer.iter_bytes():
                                out.write(chunk)
                                have += len(chunk)
                                if progress:
                                    progress(target.name, have, total)
            except httpx.HTTPError as exc:
                problem = f"connection lost ({type(exc).__name__})"
                continue
            problem = gzip_problem(partial)
            if problem is None:
                os.replace(partial, target)
                return target.stat().st_size
            partial.unlink()  # damaged, not merely short: start over
    finally:
        if own:
            http.close()
    raise DownloadFailed(f"{target.name} could not be downloaded complete from {redact_link(url)} ({problem}); "
                         "run the same command again to resume")


def _download_all(urls: list[str], folder: Path, progress: Progress | None) -> list[Path]:
    targets = [folder / file_name(url) for url in urls]
    for url, target in zip(urls, targets):
        download_file(url, target, progress)
    return targets


def download_release(release: str, datasets: list[str], folder: Path, shards: int | None = None,
                     config: S2Config | None = None, progress: Progress | None = None) -> dict[str, list[Path]]:
    """Download the named datasets of a release into ``folder/<dataset>/`` (the first ``shards`` of each).

    Shards already downloaded complete (in the manifest at their size) are skipped, so running it
    again resumes. The manifest records the release and each shard's size, never a link.

    Returns
    -------
    dict : dataset -> its shard files.

    Raises
    ------
    CitegraphError : another release is already in ``folder``; DownloadFailed, S2Error.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(folder)
    if manifest.get("release") not in (None, release):
        raise CitegraphError(f"{folder} holds release {manifest['release']}; download {release} into another folder, "
                             "or bring it up to date with `citegraph datasets update`")
    manifest["release"] = release
    found: dict[str, list[Path]] = {}
    with _client(config) as s2:
        links = {name: s2.get_dataset_download_links(release, name).files for name in datasets}
    for name, urls in links.items():
        found[name] = []
        for url in urls[:shards] if shards else urls:
            target = folder / name / file_name(url)
            relative = f"{name}/{target.name}"
            if not (target.exists() and manifest["files"].get(relative) == target.stat().st_size):
                manifest["files"][relative] = download_file(url, target, progress)
                write_manifest(folder, manifest)
            found[name].append(target)
    write_manifest(folder, manifest)
    return found


def update_release(folder: Path, to_release: str = LATEST_RELEASE, config: S2Config | None = None,
                   options: EngineOptions | None = None, progress: Progress | None = None) -> str:
    """Bring an imported release up to ``to_release`` by S2's diffs: upserts and deletes by corpus id.

    Every dataset imported in ``folder`` is updated; the diff files are downloaded (verified) into
    ``folder/diffs`` and applied one release step at a time. Returns the release now held.

    Example
    -------
    >>> update_release(Path("s2-release"))  # doctest: +SKIP
    '2025-12-12'
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    start = manifest.get("release")
    if not start:
        raise CitegraphError(f"{folder} records no release; download it with `citegraph datasets download` first")
    datasets = sorted({relative.split("/", 1)[0] for relative in manifest["files"]} & {"papers", "citations"})
    with _client(config) as s2:
        plans = {name: s2.get_dataset_diffs(name, start, to_release) for name in datasets}
    reached = start
    for name, plan in plans.items():
        for step in plan.diffs:
            where = folder / "diffs" / f"{step.from_release}_{step.to_release}" / name
            apply_diff(folder, name, _download_all(step.update_files or [], where / "updates", progress),
                       _download_all(step.delete_files or [], where / "deletes", progress), options)
            reached = step.to_release
    manifest["release"] = reached
    write_manifest(folder, manifest)
    return reached
