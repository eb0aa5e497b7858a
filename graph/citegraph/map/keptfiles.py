"""The files the map keeps beside its page (the layout, the note of the page drawn): read only when they
are regular files, written by moving a file of our own into place.

Whatever sits at a kept file's name may have been planted there: a FIFO would block a read or a write
for ever, a link would be written through, a deep or oddly shaped JSON would raise anywhere. So a kept
file is read with :func:`citegraph.datafiles.read_regular`, anything unexpected in it counts as no file
(``UNREADABLE``), and it is written to a new temporary file in its folder, then renamed over the name.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from citegraph.datafiles import read_regular

# What reading a kept file and taking it apart may raise when it is not what we wrote: it is then ignored.
UNREADABLE = (OSError, ValueError, AttributeError, KeyError, TypeError, IndexError, RecursionError)


def read_kept(path: Path):
    """The JSON value kept at ``path`` (raises one of ``UNREADABLE`` when there is none or it is no JSON)."""
    return json.loads(read_regular(path))


def write_kept(path: Path, value) -> None:
    """Keep ``value`` as JSON at ``path``, never opening what is at that name; a failure is silent (a kept
    file that cannot be written only costs the next build some time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".part")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(json.dumps(value))
        os.replace(partial, path)
    except (OSError, ValueError, TypeError):
        Path(partial).unlink(missing_ok=True)
