"""Files citegraph reads but did not necessarily write: opened only when they are regular files.

A data dir, a notes folder or a Zotero folder can hold anything: a FIFO where ``graph.jsonl`` should
be (opening it waits forever), a link to ``/dev/zero`` (reading it never ends). Every such file is
opened without blocking, checked to be a regular file, and read no further than the size it had
when it was opened.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["NotRegularFile", "open_regular", "read_regular", "copy_regular"]


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or a folder, not a file citegraph can read."""


def open_regular(path: str | Path, mode: str = "rb", flags: int = os.O_RDONLY, **options):
    """``path`` opened as a Python file object, if it is a regular file (links followed).

    ``flags`` are the ``os.open`` flags (``os.O_RDWR | os.O_CREAT`` to create it, mode 0666 less the
    umask); ``options`` go to ``open`` (``encoding``). O_NONBLOCK makes opening a FIFO return at once
    instead of waiting for a writer.

    Raises
    ------
    NotRegularFile
        ``path`` exists but is not a regular file (``errno`` EINVAL, ``filename`` the path).
    OSError
        It cannot be opened (missing, no permission).
    """
    descriptor = os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFile(22, "not a regular file (a pipe, device or folder)", str(path))
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, mode, **options)
    except BaseException:
        os.close(descriptor)
        raise


def read_regular(path: str | Path) -> bytes:
    """The bytes of the regular file ``path``, at most as many as it held when opened.

    Raises
    ------
    NotRegularFile, OSError
        As `open_regular`.

    Example
    -------
    >>> from pathlib import Path
    >>> _ = Path("notes.md").write_text("# Reading")
    >>> read_regular("notes.md")
    b'# Reading'
    >>> read_regular("/dev/zero")
    Traceback (most recent call last):
    citegraph.datafiles.NotRegularFile: [Errno 22] not a regular file (a pipe, device or folder): '/dev/zero'
    """
    with open_regular(path) as handle:
        return handle.read(os.fstat(handle.fileno()).st_size)


def copy_regular(source: str | Path, target: str | Path) -> None:
    """Copy the regular file ``source`` to ``target``, no more bytes than it held when opened.

    Raises
    ------
    NotRegularFile, OSError
        As `open_regular`, or ``target`` cannot be written.
    """
    with open_regular(source) as reader, open(target, "wb") as writer:
        remaining = os.fstat(reader.fileno()).st_size
        while remaining > 0:
            chunk = reader.read(min(remaining, 1 << 20))
            if not chunk:
                break
            writer.write(chunk)
            remaining -= len(chunk)
