"""Claims: two builds sharing the store never fetch the same subject at the same time."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterable

from citegraph.store.connection import StoreConnection
from citegraph.store.schema import FetchKind

CLAIM_STALE = 3600.0  # a claim from another machine this old is taken over (its build cannot be asked)


def new_owner() -> str:
    """A name for one build's claims."""
    return uuid.uuid4().hex


def _running(pid: int, host: str, since: float) -> bool:
    """Whether the build that made a claim may still be running."""
    if host != socket.gethostname():
        return time.time() - since < CLAIM_STALE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StoreClaims(StoreConnection):
    """Claiming subjects for one build and releasing them."""

    def claim(self, kind: FetchKind, subjects: Iterable[str], owner: str) -> list[str]:
        """Claim for ``owner`` (one build) the subjects no other running build holds; returns those
        now held, in order. A claim of a build that ended without releasing it (killed) is taken over."""
        host, pid = socket.gethostname(), os.getpid()
        with self._tx(changes_graph=False) as db:
            held = {
                subject: (holder, holder_pid, holder_host, since)
                for subject, holder, holder_pid, holder_host, since in db.execute(
                    "SELECT subject, owner, pid, host, claimed_at FROM claims WHERE what=?", (kind,)
                )
            }
            mine = [
                s for s in dict.fromkeys(subjects) if s not in held or held[s][0] == owner or not _running(*held[s][1:])
            ]
            db.executemany(
                "INSERT OR REPLACE INTO claims VALUES (?,?,?,?,?,?)",
                [(s, kind, owner, pid, host, time.time()) for s in mine],
            )
        return mine

    def release(self, owner: str, kind: FetchKind | None = None, subjects: Iterable[str] | None = None) -> None:
        """Drop ``owner``'s claims: these subjects of ``kind``, or all of them."""
        with self._tx(changes_graph=False) as db:
            if subjects is None:
                db.execute("DELETE FROM claims WHERE owner=?", (owner,))
            else:
                db.executemany(
                    "DELETE FROM claims WHERE owner=? AND what=? AND subject=?", [(owner, kind, s) for s in subjects]
                )
