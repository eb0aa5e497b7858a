"""A hostile Semantic Scholar: the stand-in's answers, bent into one hostile shape per mode.

``HostileS2(world, mode)`` serves the world like :class:`StandinS2`, except for what the mode bends:

- ``wrong_type:<case>`` - every paper of a batch answer carries one field of the wrong type
  (see ``WRONG_TYPES``: ``authors`` as a string, ``title`` as a number, ``citationCount`` "many"...);
- ``surrogates`` - titles and citation contexts hold a lone surrogate and control characters;
- ``junk_field`` - every batch paper carries an unknown 1 MB ``junk`` field;
- ``bad_ids`` - batch papers and references carry paperIds that are not paperIds (100,000
  characters; ``../../../../admin?evil=1#``);
- ``deep_nesting`` - a /references answer is an array nested 100,000 deep;
- ``next_self``, ``pages_forever``, ``negative_next`` - /references paging that loops;
- ``slow_body``, ``slow_headers`` - /references answers trickled a byte every ``TRICKLE`` seconds;
- ``gzip_bomb`` - a /references answer of 1 MB gzip that inflates to 1 GB of zeros;
- ``huge_answer`` - a /references answer of 200 MB (a JSON object with a 200 MB ``junk`` string);
- ``html_error`` - /references answers HTTP 502 with a 200 KB HTML page of unclosed ``<title`` tags.

Every request's path is logged in ``paths`` (the tests check none leaves the API's path).
"""

from __future__ import annotations

import json
import struct
import time
import zlib
from functools import cache
from urllib.parse import parse_qs, urlsplit

from citegraph.demo.world import World

from .server import LoopbackService, QuietHandler, StandinS2

WRONG_TYPES = {
    "authors": ("authors", "A. Author and B. Author"),
    "authors_strings": ("authors", ["A. Author", "B. Author"]),
    "externalIds": ("externalIds", ["DOI", "10.1/x"]),
    "journal": ("journal", "Journal of Hostility"),
    "citationStyles": ("citationStyles", "@article{x}"),
    "title_number": ("title", 12345),
    "title_object": ("title", {"text": "A title in an object"}),
    "citationCount": ("citationCount", "many"),
}
MODES = [f"wrong_type:{case}" for case in WRONG_TYPES] + [
    "surrogates",
    "junk_field",
    "bad_ids",
    "deep_nesting",
    "next_self",
    "pages_forever",
    "negative_next",
    "slow_body",
    "slow_headers",
    "gzip_bomb",
    "huge_answer",
    "html_error",
]
BAD_IDS = ["f" * 100_000, "../../../../admin?evil=1#"]
TRICKLE = 0.5  # seconds between the bytes of a slow answer
DEEP = 100_000
HUGE = 200 * 1024 * 1024
JUNK = 1024 * 1024
BOMB_MB = 1024


@cache
def gzip_bomb() -> bytes:
    """About 1 MB of gzip that inflates to ``BOMB_MB`` MB of zeros (made without compressing a GB:
    after a full flush, each further megabyte of zeros compresses to the same bytes)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(BOMB_MB):
        crc = zlib.crc32(zeros, crc)
    last_block = compressor.flush()[:-8]  # its trailer is for 2 MB: ours is for all of them
    return first + repeated * (BOMB_MB - 1) + last_block + struct.pack("<II", crc, (BOMB_MB << 20) & 0xFFFFFFFF)


class HostileS2(LoopbackService):
    """The stand-in's world served in one hostile ``mode`` (one of ``MODES``)."""

    def __init__(self, world: World, mode: str, host: str = "127.0.0.1", port: int = 0):
        if mode not in MODES:
            raise ValueError(f"unknown hostile mode {mode!r}; one of {', '.join(MODES)}")
        self.mode = mode
        self.standin = StandinS2(world)  # routes only: never started
        self.paths: list[str] = []
        self.listen(_handler_for(self), host, port)

    def bend(self, path: str, query: dict, status: int, answer: object) -> object:
        """The honest answer bent by the mode (JSON-able; text for the modes that break JSON)."""
        mode, _, case = self.mode.partition(":")
        if path.endswith("/batch") and isinstance(answer, list):
            for paper in filter(None, answer):
                if mode == "wrong_type":
                    name, value = WRONG_TYPES[case]
                    paper[name] = value
                elif mode == "surrogates":
                    paper["title"] = f"\ud800{paper.get('title')}\x00\x1b[31m"
                elif mode == "junk_field":
                    paper["junk"] = "j" * JUNK
                elif mode == "bad_ids":
                    paper["paperId"] = BAD_IDS[0] if paper is answer[0] else paper["paperId"]
            return answer
        if not path.endswith("/references") or status != 200:
            return answer
        offset = int(query.get("offset", 0))
        if mode == "surrogates":
            for row in answer["data"]:
                row["contexts"] = ["a context \ud800 with \x07 a bell"]
        elif mode == "bad_ids":
            answer["data"][0]["citedPaper"]["paperId"] = BAD_IDS[0]
            answer["data"][1]["citedPaper"]["paperId"] = BAD_IDS[1]
        elif mode == "next_self":
            answer["next"] = offset
        elif mode == "pages_forever":
            answer["next"] = offset + len(answer["data"] or [0])
            answer["data"] = answer["data"] or [{"citedPaper": {"paperId": None, "title": "forever"}}]
        elif mode == "negative_next":
            answer["next"] = -1000
        return answer


def _handler_for(service: HostileS2):
    class Handler(QuietHandler):
        def handle_request(self, method: str) -> None:
            parts = urlsplit(self.path)
            service.paths.append(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw_body = self.rfile.read(length) if length else b""
            mode = service.mode
            if parts.path.endswith("/references") and mode in TRANSPORT_MODES:
                return TRANSPORT_MODES[mode](self)
            try:
                status, answer = service.standin.route(
                    method, parts.path, query, json.loads(raw_body) if raw_body else None
                )
            except ValueError as exc:
                status, answer = 400, {"error": str(exc)}
            self._json(status, service.bend(parts.path, query, status, answer))

        def _json(self, status: int, answer: object) -> None:
            self._answer(status, json.dumps(answer).encode())

        def _answer(self, status: int, data: bytes, headers: dict | None = None) -> None:
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def trickle(self, data: bytes) -> None:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(TRICKLE)

        def slow_body(self) -> None:
            data = json.dumps({"offset": 0, "data": []}).encode() * 100
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.trickle(data)

        def slow_headers(self) -> None:
            self.trickle(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"s" * 10_000 + b"\r\n\r\n")

        def deep_nesting(self) -> None:
            self._answer(200, b"[" * DEEP + b"]" * DEEP)

        def gzip_bomb(self) -> None:
            self._answer(200, gzip_bomb(), {"Content-Encoding": "gzip"})

        def huge_answer(self) -> None:
            head, tail = b'{"offset": 0, "data": [], "junk": "', b'"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(head) + HUGE + len(tail)))
            self.end_headers()
            self.wfile.write(head)
            block = b"j" * (1 << 20)
            try:
                for _ in range(HUGE >> 20):
                    self.wfile.write(block)
                self.wfile.write(tail)
            except OSError:  # the client stopped reading: what it should do
                pass

        def html_error(self) -> None:
            page = b"<html><head>" + b"<title " * 30_000 + b"</head><body>Bad Gateway</body></html>"
            self._answer(502, page, {"Content-Type": "text/html"})

    TRANSPORT_MODES = {
        name: getattr(Handler, name)
        for name in ("slow_body", "slow_headers", "deep_nesting", "gzip_bomb", "huge_answer", "html_error")
    }
    return Handler
