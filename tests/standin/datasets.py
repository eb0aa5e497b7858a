"""The stand-in's Datasets API: releases, dataset listings with pre-signed links it serves itself, diffs.

Endpoints (as in S2's Datasets API description):
  GET /datasets/v1/release/                                  release ids
  GET /datasets/v1/release/{id}                              {release_id, README, datasets: [...]}
  GET /datasets/v1/release/{id}/dataset/{name}               {name, description, README, files: [links]}  (key needed)
  GET /datasets/v1/diffs/{start}/to/{end|latest}/{name}      {dataset, start_release, end_release, diffs}  (key needed)
  GET /_files/{token}?X-Amz-…&X-Amz-Signature=…              a file, with Range support
File faults: the first answer for each file sends ``cut_after_bytes`` bytes and drops the
connection; files named in ``truncated_once`` are first answered complete in HTTP terms but with
the gzip cut short. Hostile file modes (``hostile``): ``endless`` (a chunked body that never ends),
``huge_length`` (a Content-Length of 10**13), ``trickle`` (one byte every ``trickle_seconds``),
``empty`` (HTTP 200 with no body).
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

# What a pre-signed link carries: tests check it is never written anywhere.
SIGNATURE = "standin-presigned-signature-0123456789abcdef"
HOSTILE_BYTES = 256 << 20  # what the endless hostile modes send at most
DESCRIPTIONS = {
    "papers": "Core paper metadata",
    "citations": "Citation links between papers, with contexts and intents",
}


@dataclass
class FileFaults:
    cut_after_bytes: int | None = None
    truncated_once: set[str] = field(default_factory=set)
    hostile: str | None = None
    trickle_seconds: float = 0.2


class StandinDatasets:
    """Releases (dataset name -> shard files) and diffs, served under /datasets/v1 and /_files."""

    def __init__(self):
        self.releases: dict[str, dict[str, list[Path]]] = {}
        self.diffs: dict[tuple[str, str], dict] = {}  # (dataset, from release) -> the diff to the next release
        self.files: dict[str, Path] = {}
        self.faults = FileFaults()
        self._served: set[str] = set()
        self.file_requests: list[dict] = []

    def add_release(self, release_id: str, datasets: dict[str, list[Path]]) -> None:
        self.releases[release_id] = {name: [Path(p) for p in paths] for name, paths in datasets.items()}

    def add_diff(self, dataset: str, start: str, end: str, update_files: list[Path], delete_files: list[Path]) -> None:
        self.diffs[(dataset, start)] = {
            "from_release": start,
            "to_release": end,
            "update_files": list(update_files),
            "delete_files": list(delete_files),
        }

    def _link(self, base: str, path: Path) -> str:
        token = f"{len(self.files)}/{path.name}"
        self.files[token] = path
        return f"{base}/_files/{token}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature={SIGNATURE}"

    def answer(self, path: str, base: str, api_key: str | None) -> tuple[int, object]:
        """The JSON answer to a /datasets/v1 request."""
        rest = path[len("/datasets/v1") :]
        if rest in ("/release", "/release/"):
            return 200, sorted(self.releases)
        found = re.fullmatch(r"/release/([^/]+)", rest)
        if found:
            release = self._release(found.group(1))
            if release is None:
                return 404, {"error": f"Release {found.group(1)} not found"}
            return 200, {
                "release_id": release,
                "README": "Semantic Scholar Academic Graph datasets (stand-in)",
                "datasets": [
                    {"name": n, "description": DESCRIPTIONS.get(n, n), "README": f"The {n} dataset"}
                    for n in sorted(self.releases[release])
                ],
            }
        if not api_key:
            return 401, {"message": "Unauthorized: an API key is needed for the datasets"}
        found = re.fullmatch(r"/release/([^/]+)/dataset/([^/]+)", rest)
        if found:
            release = self._release(found.group(1))
            files = self.releases.get(release, {}).get(found.group(2)) if release else None
            if files is None:
                return 404, {"error": f"Dataset {found.group(2)} not found in release {found.group(1)}"}
            return 200, {
                "name": found.group(2),
                "description": DESCRIPTIONS.get(found.group(2), ""),
                "README": "...",
                "files": [self._link(base, p) for p in files],
            }
        found = re.fullmatch(r"/diffs/([^/]+)/to/([^/]+)/([^/]+)", rest)
        if found:
            start, end, dataset = found.groups()
            chain, at, goal = [], start, self._release(end)
            while goal and at != goal and (dataset, at) in self.diffs:
                chain.append(self.diffs[(dataset, at)])
                at = chain[-1]["to_release"]
            if not goal or at != goal:
                return 404, {"error": f"No diffs from {start} to {end} for {dataset}"}
            return 200, {
                "dataset": dataset,
                "start_release": start,
                "end_release": goal,
                "diffs": [
                    {
                        **d,
                        "update_files": [self._link(base, p) for p in d["update_files"]],
                        "delete_files": [self._link(base, p) for p in d["delete_files"]],
                    }
                    for d in chain
                ],
            }
        return 404, {"message": "Not Found"}

    def _release(self, release_id: str) -> str | None:
        if release_id == "latest":
            return max(self.releases) if self.releases else None
        return release_id if release_id in self.releases else None

    def send_file(self, handler, path: str, query: dict) -> None:
        """Serve a pre-signed link: 403 without its signature, Range requests answered 206."""
        token = path[len("/_files/") :]
        target = self.files.get(token)
        self.file_requests.append({"path": path, "range": handler.headers.get("Range")})
        if target is None or query.get("X-Amz-Signature") != SIGNATURE:
            return handler.send_error(403, "Forbidden")
        data = target.read_bytes()
        first_time = token not in self._served
        self._served.add(token)
        start = 0
        found = re.fullmatch(r"bytes=(\d+)-", handler.headers.get("Range") or "")
        if found:
            start = int(found.group(1))
        body = data[start:]
        if self.faults.hostile:
            return self._send_hostile(handler, body)
        if first_time and target.name in self.faults.truncated_once:
            body = body[: len(body) // 2]
        handler.send_response(206 if start else 200)
        handler.send_header("Content-Type", "application/gzip")
        handler.send_header("Content-Length", str(len(body)))
        if start:
            handler.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        handler.end_headers()
        cut = self.faults.cut_after_bytes
        if first_time and cut is not None and cut < len(body):
            handler.wfile.write(body[:cut])
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        handler.wfile.write(body)

    def _send_hostile(self, handler, body: bytes) -> None:
        # The endless modes end after HOSTILE_BYTES: a client that failed to stop would fail its test, not
        # fill the disk.
        mode = self.faults.hostile
        handler.send_response(200)
        handler.send_header("Content-Type", "application/gzip")
        try:
            if mode == "empty":
                handler.send_header("Content-Length", "0")
                handler.end_headers()
            elif mode == "huge_length":
                handler.send_header("Content-Length", str(10**13))
                handler.end_headers()
                for _ in range(HOSTILE_BYTES // 65536):
                    handler.wfile.write(b"\0" * 65536)
                handler.close_connection = True
            elif mode == "endless":
                handler.send_header("Transfer-Encoding", "chunked")
                handler.end_headers()
                chunk = b"\0" * 65536
                for _ in range(HOSTILE_BYTES // len(chunk)):
                    handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                handler.close_connection = True
            elif mode == "trickle":
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                for byte in body:
                    handler.wfile.write(bytes([byte]))
                    handler.wfile.flush()
                    time.sleep(self.faults.trickle_seconds)
        except OSError:  # the client gave up: what these modes are for
            handler.close_connection = True
