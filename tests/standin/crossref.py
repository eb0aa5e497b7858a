"""A loopback stand-in for Crossref's REST API, generated from a stand-in world.

``StandinCrossref(world)`` serves each world paper that has a DOI as a Crossref work:

  GET /works?filter=doi:A,doi:B,...&rows=N&select=DOI,reference,updated-by   a work-list (unknown DOIs left out)
  GET /works/{doi}                                   a work; 404 ``Resource not found.`` as text/plain when none

A work's ``reference`` list is the world paper's references: ``DOI`` (``doi-asserted-by`` crossref)
where the cited paper has one, else ``unstructured``; ``references_without_doi`` is the share of
references deposited without a DOI all the same (chosen by DOI, so the same each time). Retractions,
corrections and expressions of concern are planted with :meth:`plant` (``updated-by`` on the work).
Every answer carries Crossref's ``X-Rate-Limit-Limit``/``-Interval`` headers.

Faults (``mode``): ``rate_429`` is a share of 429s; ``down`` answers 503 to everything, ``drop``
closes every connection unanswered, ``html`` answers a 200 HTML page, ``wrong_shape`` a 200 JSON of
another shape, ``hang`` never answers. Every request is logged in ``requests`` (path, query, User-Agent).
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from urllib.parse import parse_qs, unquote, urlsplit

from citegraph.demo.world import World

from .server import LoopbackService, QuietHandler

MODES = ("down", "drop", "html", "wrong_shape", "hang")
NOT_FOUND = b"Resource not found."
MAX_ROWS = 1000


def give_every_paper_a_doi(world: World) -> World:
    """Give each world paper without a DOI one (``10.5555/world.<corpusId>``), indexed for S2's ``DOI:`` ids."""
    for paper_id, record in world.papers.items():
        ids = record.setdefault("externalIds", {}) or {}
        record["externalIds"] = ids
        if not ids.get("DOI"):
            ids["DOI"] = f"10.5555/world.{record.get('corpusId') or paper_id[:12]}"
            world.by_external[f"doi:{ids['DOI'].lower()}"] = paper_id
    return world


class StandinCrossref(LoopbackService):
    """The service: a world's papers as Crossref works, planted notices, faults, and a request log."""

    def __init__(
        self,
        world: World,
        references_without_doi: float = 0.0,
        mode: str | None = None,
        rate_429: float = 0.0,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.world = world
        self.references_without_doi = references_without_doi
        self.mode = mode
        self.rate_429 = rate_429
        self.rate_limit = (50, "1s")
        self.requests: list[dict] = []
        self.notices: dict[str, list[dict]] = {}
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.by_doi = {
            str((r.get("externalIds") or {}).get("DOI")).lower(): p
            for p, r in world.papers.items()
            if (r.get("externalIds") or {}).get("DOI")
        }
        self.listen(_handler_for(self), host, port)

    def plant(
        self,
        paper_id: str,
        kind: str = "retraction",
        source: str = "retraction-watch",
        date: tuple[int, int, int] = (2020, 2, 6),
    ) -> str:
        """Record a notice (``retraction``, ``correction``, ``expression_of_concern``) on a world
        paper's work; returns the notice's DOI."""
        doi = self.world.papers[paper_id]["externalIds"]["DOI"]
        notice = f"10.5555/notice.{kind}.{hashlib.sha1(doi.encode()).hexdigest()[:8]}"
        self.notices.setdefault(doi.lower(), []).append(
            {
                "type": kind,
                "DOI": notice,
                "source": source,
                "label": kind.replace("_", " ").title(),
                "updated": {
                    "date-parts": [list(date)],
                    "date-time": f"{date[0]:04d}-{date[1]:02d}-{date[2]:02d}T00:00:00Z",
                },
            }
        )
        return notice

    def count(self, path_contains: str = "") -> int:
        return sum(1 for r in self.requests if path_contains in r["path"])

    # -- answers -----------------------------------------------------------------------------

    def _deposited_without_doi(self, citing_doi: str, n: int) -> bool:
        hashed = int(hashlib.sha1(f"{citing_doi}#{n}".encode()).hexdigest()[:8], 16) / 16**8
        return hashed < self.references_without_doi

    def work(self, doi: str, select: set[str] | None) -> dict:
        paper_id = self.by_doi[doi.lower()]
        record = self.world.papers[paper_id]
        own = record["externalIds"]["DOI"]
        references = []
        for n, citation in enumerate(self.world.references.get(paper_id, [])):
            cited = self.world.papers.get(citation.cited) if citation.cited else None
            cited_doi = (cited.get("externalIds") or {}).get("DOI") if cited else None
            item = {"key": f"{own}-ref{n}"}
            if cited_doi and not self._deposited_without_doi(own, n):
                item.update({"DOI": cited_doi, "doi-asserted-by": "crossref"})
            else:
                item["unstructured"] = f"{citation.title}. {cited.get('year') if cited else ''}"
            references.append(item)
        work = {
            "DOI": own,
            "title": [record.get("title")],
            "type": "journal-article",
            "reference-count": len(references),
            "reference": references,
        }
        if doi.lower() in self.notices:
            work["updated-by"] = self.notices[doi.lower()]
        if select:
            work = {k: v for k, v in work.items() if k in select}
        return work

    def answer(self, path: str, query: dict) -> tuple[int, bytes, str]:
        select = set(query["select"].split(",")) if "select" in query else None
        if path.rstrip("/") == "/works":
            rows = int(query.get("rows", 20))
            if rows > MAX_ROWS:
                return (
                    400,
                    json.dumps(
                        {
                            "status": "failed",
                            "message-type": "validation-failure",
                            "message": [{"type": "integer-not-valid", "value": rows}],
                        }
                    ).encode(),
                    "json",
                )
            wanted = [f[len("doi:") :].lower() for f in query.get("filter", "").split(",") if f.startswith("doi:")]
            items = [self.work(d, select) for d in dict.fromkeys(wanted) if d in self.by_doi][:rows]
            return (
                200,
                _json(
                    {
                        "status": "ok",
                        "message-type": "work-list",
                        "message-version": "1.0.0",
                        "message": {
                            "facets": {},
                            "total-results": len(items),
                            "items": items,
                            "items-per-page": rows,
                            "query": {"start-index": 0},
                        },
                    }
                ),
                "json",
            )
        if path.startswith("/works/"):
            doi = unquote(path[len("/works/") :]).lower()
            if doi not in self.by_doi:
                return 404, NOT_FOUND, "text"
            return (
                200,
                _json(
                    {
                        "status": "ok",
                        "message-type": "work",
                        "message-version": "1.0.0",
                        "message": self.work(doi, select),
                    }
                ),
                "json",
            )
        return 404, NOT_FOUND, "text"


def _json(value) -> bytes:
    return json.dumps(value).encode()


HTML = b"<!DOCTYPE html><html><head><title>Crossref is down for maintenance</title></head><body></body></html>"


def _handler_for(service: StandinCrossref):
    class Handler(QuietHandler):
        def handle_request(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            with service._lock:
                service.requests.append(
                    {"path": unquote(parts.path), "query": query, "user_agent": self.headers.get("user-agent")}
                )
                roll = service._rng.random()
            if service.mode == "drop":
                self.close_connection = True
                return
            if service.mode == "hang":
                service._release.wait()
                return
            if service.mode == "down":
                return self._send(503, b"<html><head><title>503 Service Unavailable</title></head></html>", "html")
            if roll < service.rate_429:
                return self._send(429, b"Too many requests", "text", {"Retry-After": "0"})
            if service.mode == "html":
                return self._send(200, HTML, "html")
            if service.mode == "wrong_shape":
                return self._send(200, b'{"status": "ok", "message-type": "work-list", "message": []}', "json")
            status, body, kind = service.answer(
                unquote(parts.path) if parts.path.startswith("/works/") else parts.path, query
            )
            self._send(status, body, kind)

        def _send(self, status: int, body: bytes, kind: str, headers: dict | None = None):
            self.send_response(status)
            self.send_header(
                "Content-Type", {"json": "application/json", "text": "text/plain", "html": "text/html"}[kind]
            )
            self.send_header("Content-Length", str(len(body)))
            limit, interval = service.rate_limit
            self.send_header("X-Rate-Limit-Limit", str(limit))
            self.send_header("X-Rate-Limit-Interval", interval)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
