"""What a test run makes once and its test processes (the xdist workers) share: the first process to ask
makes it under a file lock and leaves it pickled; the others load it. Only for what tests read and never
change (a generated world, a built data dir they copy)."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

Made = TypeVar("Made")
PICKLE = "made.pickle"


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the run's test processes share: a worker's base folder is one of the run's; without
    workers the base is the run's alone."""
    base = tmp_path_factory.getbasetemp()
    return base.parent / "shared" if os.environ.get("PYTEST_XDIST_WORKER") else base / "shared"


def made_before(folder: Path):
    """What ``once_per_run`` left in ``folder``, or None when nothing is finished there."""
    done = folder / PICKLE
    return pickle.loads(done.read_bytes()) if done.exists() else None


def once_per_run(root: Path, name: str, make: Callable[[Path], Made]) -> Made:
    """``make(folder)`` for ``folder = root / name``, called by one process of the run; the others get what it
    returned."""
    folder = root / name
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (already := made_before(folder)) is not None:
            return already
        shutil.rmtree(folder, ignore_errors=True)  # what a process stopped while making it left
        folder.mkdir(parents=True)
        made = make(folder)
        (folder / f"{PICKLE}.part").write_bytes(pickle.dumps(made))
        os.replace(folder / f"{PICKLE}.part", folder / PICKLE)
        return made
