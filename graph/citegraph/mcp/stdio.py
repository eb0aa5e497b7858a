"""The MCP server's stdio, bounded: the SDK's JSON-RPC session over our own stdin and stdout streams.

The SDK reads stdin a line at a time with no bound and answers nothing to a line it cannot parse;
it writes stdout with no bound on how long a write may wait. Here both descriptors are used without
blocking, from the event loop:

- a message line longer than ``MAX_MESSAGE_BYTES`` is skipped (read through to its end, never held)
  and answered with a JSON-RPC parse error (-32700), as is a line that is not JSON;
- a client that stops reading (a write waiting ``WRITE_TIMEOUT`` seconds) or has gone (a broken pipe)
  ends the server with one line on stderr, as stdin's end does, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import AsyncIterator, Callable

import anyio

MAX_MESSAGE_BYTES = 16 << 20  # a request names papers and options: far below this
_ID = re.compile(rb'"id"\s*:\s*(-?\d{1,18}|"(?:[^"\\]|\\.){0,200}")')
WRITE_TIMEOUT = 60.0
_READ_CHUNK = 64 * 1024


def parse_error(detail: str, head: bytes = b"") -> str:
    """The JSON-RPC 2.0 answer to a message that could not be read: with the request's id when its first
    bytes name one (so a client waiting for that answer gets it), else null."""
    found = _ID.search(head[:4096])
    try:
        request_id = json.loads(found.group(1)) if found else None
    except ValueError:
        request_id = None
    return json.dumps(
        {"jsonrpc": "2.0", "id": request_id, "error": {"code": -32700, "message": f"Parse error: {detail}"}}
    )


class ClientGone(Exception):
    """The client closed stdout or stopped reading it."""


class BoundedStdio:
    """stdin as an async iterator of JSON lines and stdout as an async text writer, as the SDK's
    ``stdio_server(stdin, stdout)`` takes them; ``gone`` is called once when the client has gone."""

    def __init__(self, gone: Callable[[str], None], stdin_fd: int = 0, stdout_fd: int = 1):
        self.gone = gone
        self._in = stdin_fd
        self._out = stdout_fd
        self._pending = bytearray()
        self._write_lock = anyio.Lock()
        self._said_gone = False
        self._restore = [(fd, os.get_blocking(fd)) for fd in (stdin_fd, stdout_fd)]
        for fd in (stdin_fd, stdout_fd):
            os.set_blocking(fd, False)

    def close(self) -> None:
        for fd, blocking in self._restore:
            with contextlib.suppress(OSError):
                os.set_blocking(fd, blocking)

    def __aiter__(self) -> AsyncIterator[str]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[str]:
        oversized = False
        while True:
            chunk = await self._read()
            if chunk is None:  # end of input: a last line without its newline still counts
                if self._pending and not oversized:
                    line = await self._checked(bytes(self._pending))
                    if line is not None:
                        yield line
                return
            self._pending += chunk
            while True:
                end = self._pending.find(b"\n")
                if end < 0:
                    if len(self._pending) > MAX_MESSAGE_BYTES:
                        if not oversized:
                            await self.write(
                                parse_error(
                                    f"a message is longer than {MAX_MESSAGE_BYTES:,} bytes", bytes(self._pending[:4096])
                                )
                                + "\n"
                            )
                        oversized = True
                        self._pending.clear()
                    break
                raw = bytes(self._pending[:end])
                del self._pending[: end + 1]
                if oversized:  # the tail of a skipped message
                    oversized = False
                    continue
                if len(raw) > MAX_MESSAGE_BYTES:
                    await self.write(parse_error(f"a message is longer than {MAX_MESSAGE_BYTES:,} bytes", raw) + "\n")
                    continue
                line = await self._checked(raw)
                if line is not None:
                    yield line

    async def _checked(self, raw: bytes) -> str | None:
        """The line, when it is JSON (the SDK checks it is JSON-RPC); else a parse error is answered."""
        if not raw.strip():
            return None
        try:
            text = raw.decode("utf-8")
            json.loads(text)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            await self.write(parse_error(type(exc).__name__, raw) + "\n")
            return None
        return text

    async def _read(self) -> bytes | None:
        while True:
            try:
                chunk = os.read(self._in, _READ_CHUNK)
            except BlockingIOError:
                await anyio.wait_readable(self._in)
                continue
            except OSError:
                return None
            return chunk or None

    async def write(self, text: str) -> None:
        data = memoryview(text.encode("utf-8"))
        async with self._write_lock:
            try:
                with anyio.fail_after(WRITE_TIMEOUT):
                    while data:
                        try:
                            written = os.write(self._out, data)
                        except BlockingIOError:
                            await anyio.wait_writable(self._out)
                            continue
                        data = data[written:]
            except TimeoutError:
                self._client_gone(f"the client stopped reading for {WRITE_TIMEOUT:.0f} s")
            except OSError:  # a broken pipe, a reset: the client has gone
                self._client_gone("the client closed the connection")

    async def flush(self) -> None:
        """Every write went straight to the descriptor: nothing is buffered."""

    def _client_gone(self, why: str) -> None:
        if not self._said_gone:
            self._said_gone = True
            self.gone(why)
