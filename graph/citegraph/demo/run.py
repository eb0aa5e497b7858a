"""`citegraph demo`: the map of the sample notes on a generated citation world, with no network and no key.

The sample notes (``citegraph/sample_notes``, the same files as the repository's ``data/notes``)
keep their real papers' titles and arXiv ids; the world around them is made up by
:func:`citegraph.demo.world.generate_world` (seeded, so the same each run). It is written as a bulk
Datasets release (:mod:`citegraph.demo.release_writer`) and built as any release is (``build --citations
--source datasets:DIR``): in-process, through the same store, graph, map and queries as a real build.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from citegraph.constants import DEMO_DATA_DIR, DEMO_MAP_FILE
from citegraph.errors import CitegraphError
from citegraph.fetch import FetchOptions
from citegraph.map.render import MapOptions
from citegraph.pipeline import BuildResult, build

SAMPLE_NOTES = Path(__file__).parent / "sample_notes"
WORLD_PAPERS = 3000  # papers around the sample's, as many as the stand-in serves by default
WORLD_SEED = 0
RELEASE_FOLDER = "release"  # in the demo's data dir
NOTICE = (
    "the papers of the sample notes are real (titles and arXiv ids); their references, the "
    f"{WORLD_PAPERS:,} papers around them, authors and citation contexts are generated: "
    "try citegraph with it, never read about a field from it"
)

__all__ = ["demo", "SAMPLE_NOTES", "NOTICE"]


def _check_writable(folder: Path, option: str) -> None:
    """Refuse at once, naming the folder and the option that moves it, when the demo cannot write there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, probe = tempfile.mkstemp(dir=folder, prefix=".citegraph-demo-", suffix=".probe")
        os.close(descriptor)
        os.unlink(probe)
    except OSError as exc:
        raise CitegraphError(
            f"the demo cannot write in {folder.absolute()} ({exc.strerror}); run it from a folder "
            f"you can write to, or give it one with {option}"
        ) from None


def demo(
    *, output: Path = DEMO_MAP_FILE, data_dir: Path = DEMO_DATA_DIR, map_options: MapOptions | None = None
) -> BuildResult:
    """Build the map of the sample notes on the generated world, with no network.

    Parameters
    ----------
    output : where the map is written.
    data_dir : the demo's store and saved graph (queries take it as ``--data-dir``); the generated
        release is kept in ``data_dir/release`` and made only once.
    map_options : how to draw the map.

    Returns
    -------
    BuildResult
        As `citegraph.pipeline.build` returns it; ``requests`` is 0.

    Example
    -------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> result = demo(output=folder / "demo.html", data_dir=folder / "data")
    >>> result.requests, result.report.totals["ok"], (folder / "demo.html").exists()
    (0, 35, True)
    """
    from citegraph.bulk.release import import_release
    from citegraph.demo.release_writer import write_release
    from citegraph.demo.world import generate_world, sample_notes_seeds

    for folder, option in ((Path(data_dir), "--data-dir DIR"), (Path(output).parent, "-o FILE")):
        _check_writable(folder, option)
    release = Path(data_dir) / RELEASE_FOLDER
    if not (release / "parquet").is_dir():
        # Made in a folder of its own, then moved into place at once: demos started together never
        # write one file at the same time, and whichever moves first is the release they all use.
        staging = Path(tempfile.mkdtemp(dir=data_dir, prefix=".release-"))
        try:
            write_release(
                generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=WORLD_PAPERS, seed=WORLD_SEED), staging
            )
            import_release(staging)
            if release.is_dir() and not (release / "parquet").is_dir():
                shutil.rmtree(release, ignore_errors=True)  # a release an interrupted demo left unfinished
            with contextlib.suppress(OSError):  # another demo moved its release there first: the same release
                os.rename(staging, release)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    # With the papers citing the sample's, as `build --citations` gives them: `citing` has an answer too.
    return build(
        [SAMPLE_NOTES],
        data_dir=Path(data_dir),
        output=Path(output),
        map_options=map_options,
        fetch_options=FetchOptions(citations=True),
        release=release,
    )
