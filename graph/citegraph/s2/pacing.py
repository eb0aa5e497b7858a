"""The pace of requests: starts ``1 / rps`` apart (with a small margin, shared through a file by every
build using the same data dir), slowing down by 10% on each 429 and recovering slowly, as S2 advises."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from citegraph.datafiles import NotRegularFile, open_regular

# S2 advises a 10% margin: the pace starts a little under the asked rate and slows by 10% per 429.
PACE_MARGIN = 1.04
SLOW_DOWN = 1.1
RECOVER = 1.01
MAX_SLOW_DOWN = 8.0  # a 429 storm (S2 is overloaded, not us) slows the pace at most eightfold
MAX_INTERVAL = 60.0


class RateBudget:
    """Spaces request starts; through ``rate_file`` (locked while read and written) across processes.

    Each request reserves the next free slot, so two builds sharing a data dir interleave and
    together stay under the rate.
    """

    def __init__(self, rps: float, rate_file: Path | None):
        self.base = PACE_MARGIN / rps
        self.interval = self.base
        self.rate_file = rate_file
        self._next_local = 0.0

    def wait(self) -> None:
        """Sleep until this request's slot. Woken late (a loaded machine), it moves its slot: to the
        end of the queue when another build booked the next one, else it just pushes the next slot back."""
        now = time.time()
        start = self.reserve(now)
        if start > now:
            time.sleep(start - now)
        woke = time.time()
        if woke - start <= self.base * (1 - 1 / PACE_MARGIN):  # within the margin: the slot still holds
            return

        def moved(booked: float) -> tuple[float, float]:
            if booked > start + self.interval:  # the next slot is another build's: queue behind it
                return max(booked, woke), max(booked, woke) + self.interval
            return woke, woke + self.interval

        later = self._book(moved, woke)
        if later > woke:
            time.sleep(later - woke)

    def reserve(self, now: float) -> float:
        """Book the next free slot at or after ``now`` (epoch seconds) and return its start."""
        return self._book(lambda booked: (max(now, booked), max(now, booked) + self.interval), now)

    def _book(self, choose: Callable[[float], tuple[float, float]], now: float) -> float:
        """Under the lock: read the next free slot, choose (start, next free slot) from it, store the latter."""
        if self.rate_file is None:
            start, self._next_local = choose(self._next_local)
            return start
        try:
            import fcntl
        except ImportError:  # no POSIX locks (Windows): pace this process alone
            self.rate_file = None
            return self._book(choose, now)
        self.rate_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = open_regular(self.rate_file, "r+", os.O_RDWR | os.O_CREAT, encoding="ascii", errors="replace")
        except NotRegularFile:  # a pipe or device in the data dir: pace this process alone
            self.rate_file = None
            return self._book(choose, now)
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            try:
                booked = float(handle.read(64).strip() or 0)  # a time is a few bytes: never read more
            except ValueError:
                booked = 0.0
            # A slot booked far ahead (a clock jump, a crashed process's leftover) is not waited for.
            start, following = choose(min(booked, now + MAX_INTERVAL))
            handle.seek(0)
            handle.truncate()
            handle.write(repr(following))
            handle.flush()
        return start

    def slow_down(self) -> None:
        self.interval = min(self.interval * SLOW_DOWN, self.base * MAX_SLOW_DOWN, MAX_INTERVAL)

    def recover(self) -> None:
        self.interval = max(self.base, self.interval / RECOVER)
