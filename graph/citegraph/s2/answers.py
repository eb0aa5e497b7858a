"""Reading an answer within bounds: every socket read and write under the attempt's deadline (a
server trickling a byte at a time cannot hold a request), a body read as a stream and given up past
a size once decoded (a gzip bomb is inflated in bounded steps), and an error answer summarised from
its beginning in linear time."""

from __future__ import annotations

import functools
import math
import time
import zlib
from typing import TYPE_CHECKING

from citegraph.s2 import schema
from citegraph.text import one_line

if TYPE_CHECKING:
    import ssl

    import httpx

# S2 caps its answers at 10 MB; a bigger one is not S2's and is not read past this (decoded) size.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
MAX_ERROR_BYTES = 64 * 1024  # an error answer is summarised from its beginning only
_READ_CHUNK = 64 * 1024
_INFLATE_STEP = 1024 * 1024  # bytes inflated at a time: a bomb never holds more than this beyond the body


class Deadline:
    """The end (monotonic seconds) of the attempt under way, checked by every socket read and write."""

    def __init__(self):
        self.at = math.inf

    def left(self, timeout: float | None) -> float:
        import httpcore

        left = self.at - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the answer did not complete in time")
        return left if timeout is None else min(timeout, left)


def deadline_transport(deadline: Deadline) -> httpx.HTTPTransport:
    """An httpx transport whose socket reads and writes all end by ``deadline``: a server that
    trickles its headers or body a byte at a time cannot hold a request past it."""
    import httpcore
    import httpx

    class Stream(httpcore.NetworkStream):
        def __init__(self, inner):
            self.inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self.inner.read(max_bytes, deadline.left(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self.inner.write(buffer, deadline.left(timeout))

        def close(self) -> None:
            self.inner.close()

        def start_tls(self, ssl_context, server_hostname=None, timeout=None):
            return Stream(self.inner.start_tls(ssl_context, server_hostname, deadline.left(timeout)))

        def get_extra_info(self, info: str):
            return self.inner.get_extra_info(info)

    class Backend(httpcore.SyncBackend):
        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            return Stream(super().connect_tcp(host, port, deadline.left(timeout), local_address, socket_options))

    transport = httpx.HTTPTransport(verify=tls_context())
    # httpx builds its pool without a way to pass a network backend; this is the same pool with ours.
    transport._pool = httpcore.ConnectionPool(ssl_context=tls_context(), network_backend=Backend())
    return transport


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The trusted certificates, read once per process: reading them costs about 50 ms, and a build opens
    clients for S2 and Crossref, whose transports would each read them twice, and a release download
    one client per file."""
    import httpx

    return httpx.create_ssl_context()


def read_body(response: httpx.Response, limit: int) -> tuple[bytearray, bool]:
    """The answer's body decoded, at most ``limit`` bytes of it, and whether that is all of it.

    gzip and deflate are decompressed here a megabyte at a time, so a small bomb cannot grow past
    ``limit``; an encoding not asked for is not read.
    """
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "deflate", "x-gzip"):
        return b"", False
    # wbits 47: zlib or gzip, told apart by their header; raw deflate (some servers) is tried if that fails.
    inflate = None if encoding in ("identity", "") else zlib.decompressobj(47)
    body = bytearray()
    for chunk in response.iter_raw(_READ_CHUNK):
        while chunk:
            if inflate is None:
                piece, chunk = chunk, b""
            else:
                try:
                    piece = inflate.decompress(chunk, min(limit + 1 - len(body), _INFLATE_STEP))
                except zlib.error:
                    return bytes(body), False
                chunk = inflate.unconsumed_tail
            body += piece
            if len(body) > limit:
                del body[limit:]
                return body, False
            if inflate is not None and not piece and chunk:
                break
    return body, True


def json_or_none(raw: bytes):
    """An error answer's JSON, None when it is not JSON."""
    try:
        return schema.read_json(raw)
    except schema.WrongShape:
        return None


def html_title(raw: bytes) -> str | None:
    """The ``<title>`` of an HTML page, looked for in linear time in its first ``MAX_ERROR_BYTES``."""
    head = raw[:MAX_ERROR_BYTES].decode("utf-8", "replace")
    lowered = head.lower()
    start = lowered.find("<title")
    opened = lowered.find(">", start) if start >= 0 else -1
    end = lowered.find("</title", opened) if opened >= 0 else -1
    return one_line(head[opened + 1 : end])[:200] if end >= 0 else None


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
