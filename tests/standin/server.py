"""A loopback HTTP server that answers like the Semantic Scholar Graph API, with injectable faults.

Endpoints (as in shared/reference/s2-academic-graph-openapi.yml):
  GET  /graph/v1/paper/{id}                  fields selection, 404 {"error": ...}
  POST /graph/v1/paper/batch                 <= 500 ids, null for misses, nested references.* fields (no
                                             flags, cut at 1,000 items, empty for chosen papers), 400 over 10 MB
  GET  /graph/v1/paper/{id}/references       contexts/intents/isInfluential + citedPaper fields, offset/limit/next
  GET  /graph/v1/paper/{id}/citations        same with citingPaper
                                             (references of World.withheld papers: data null + publisher notice)
  GET  /graph/v1/paper/search/match          best title match with matchScore, 404 when none
  POST /recommendations/v1/papers            positivePaperIds/negativePaperIds, limit <= 500 (see RECOMMENDATIONS)
  GET  /recommendations/v1/papers/forpaper/{id}   from=recent|all-cs, limit <= 500
Faults: a share of 429s (no Retry-After, like S2) and 5xx ({"message": ...}), slow answers, a
requests-per-second limit answered with 429, a hang after N requests (accepting and never
answering), a connection dropped without an answer after N requests, and from request ``after``
to ``until`` a fixed answer to everything (or to paths matching a pattern): any status, with a body of the
wrong shape (``[]``, ``{}``), an HTML page, or an error that echoes the caller's API key.
The Datasets API and the files it links to: see tests/standin/datasets.py.
Introspection: GET /_standin/stats, POST /_standin/faults, POST /_standin/reset.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs, unquote, urlsplit

from citegraph.demo.world import World

from .datasets import StandinDatasets

PAPER_FIELDS = {
    "paperId",
    "corpusId",
    "externalIds",
    "url",
    "title",
    "abstract",
    "venue",
    "publicationVenue",
    "year",
    "referenceCount",
    "citationCount",
    "influentialCitationCount",
    "isOpenAccess",
    "openAccessPdf",
    "fieldsOfStudy",
    "s2FieldsOfStudy",
    "publicationTypes",
    "publicationDate",
    "journal",
    "citationStyles",
    "authors",
    "tldr",
    "embedding",
    "textAvailability",
}
NESTED = {"references", "citations"}
CITATION_FIELDS = {"contexts", "intents", "contextsWithIntent", "isInfluential"}
TOO_MANY = {
    "message": "Too Many Requests. Please wait and try again or apply for a key for higher rate limits. "
    "https://www.semanticscholar.org/product/api#api-key-form",
    "code": "429",
}
# S2's gateway names its own errors in a header (recorded); errors from the backend carry none.
GATEWAY_ERROR_TYPES = {403: "ForbiddenException", 429: "TooManyRequestsException", 504: "InternalServerErrorException"}
NESTED_CAP = 1000  # nested references/citations lists hold at most this many items (recorded: Paper.json)
MAX_BATCH_BYTES = 10 * 2**20  # a batch answer over 10 MB is refused with a 400 (S2's Error400)
MAX_LINKED = 9_999  # S2 serves at most this many references or citations of a paper; past it, empty pages
RECENT_DAYS = 60  # from=recent: papers published in the last 60 days (s2-folks release notes, 2023-06-20)
OLD_PAPER_YEAR = 2005  # forpaper answers an empty list for papers older than this (s2-folks #176: "some older papers")
MAX_RECOMMENDED = 500
SERVER_ERRORS = [
    (500, "Internal Server Error"),
    (502, "Bad Gateway"),
    (503, "Service Unavailable"),
    (504, "Endpoint request timed out"),
]


@dataclass
class Faults:
    rate_429: float = 0.0
    rate_5xx: float = 0.0
    delay: float = 0.0
    rps: float | None = None
    hang_after: int | None = None
    die_after: int | None = None
    status: int | None = None
    body: str | None = None
    after: int = 0
    until: int | None = None
    matching: str | None = None
    seed: int = 0
    # The batch's nested lists come back empty for these paperIds, and for this share of all papers
    # (chosen by paperId, so the same papers each time), as S2's have for some papers (s2-folks#199).
    empty_nested: list[str] = field(default_factory=list)
    empty_nested_share: float = 0.0
    max_batch_bytes: int = MAX_BATCH_BYTES

    def fixed_answer(self, served: int, path: str, api_key: str | None) -> tuple[int, object] | None:
        """The fixed (status, body) for this request, if the faults give one (see BODIES)."""
        if (self.status is None and self.body is None) or served < self.after:
            return None
        if self.until is not None and served >= self.until:
            return None
        if self.matching and not re.search(self.matching, path):
            return None
        status = self.status or 200
        if self.body is None:
            return status, {"message": HTTP_REASONS.get(status, "Error")}
        if self.body == "echo_key":
            return status, {"message": f"Invalid API key {api_key} for this endpoint"}
        return status, BODIES[self.body]


HTTP_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Endpoint request timed out",
}
HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><style>body{font:14px sans-serif}</style></head>\n"
    "<body><h1>Bad Gateway</h1>\n<p>The proxy server received an invalid response from an upstream server."
    "</p>\n" + "<!-- padding -->\n" * 50 + "</body></html>\n"
)
# Wrong shapes a broken proxy or a changed API could answer with; "html" is sent as text/html.
BODIES = {
    "empty_list": [],
    "empty_object": {},
    "html": HTML_PAGE,
    "short_list": [None],
    "missing_token": {"message": "Missing Authentication Token"},
}  # AWS's answer for an unknown path


@dataclass
class Log:
    requests: list[dict] = field(default_factory=list)
    connections: int = 0
    hanging: int = 0

    def count(self, path_contains: str = "", served_only: bool = False) -> int:
        return sum(1 for r in self.requests if path_contains in r["path"] and (not served_only or r["status"] == 200))


class BadRequest(Exception):
    pass


def _select(record: dict, fields: list[str]) -> dict:
    out = {"paperId": record.get("paperId")}
    for name in fields:
        if name in PAPER_FIELDS:
            out[name] = record.get(name)
    return out


def _parse_fields(raw: str | None, allowed_extra: set[str] = frozenset()) -> tuple[list[str], dict[str, list[str]]]:
    """Split ``fields`` into top-level paper fields and nested ``references.x`` / ``citations.x`` ones."""
    if raw is None:
        return ["title"], {}
    top, nested, bad = [], {}, []
    for name in filter(None, raw.split(",")):
        head, _, sub = name.partition(".")
        if head in NESTED and sub:
            (nested.setdefault(head, []).append(sub) if sub in PAPER_FIELDS else bad.append(name))
        elif head in NESTED:
            nested.setdefault(head, []).extend(["title"])
        elif head == "authors" and sub:
            top.append("authors")
        elif name in PAPER_FIELDS or name in allowed_extra:
            top.append(name)
        else:
            bad.append(name)
    if bad:
        raise BadRequest(f"Unrecognized or unsupported fields: [{', '.join(bad)}]")
    return top, nested


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # Clients killed mid-request (the interrupted-build tests) are expected, not server faults.
        pass


class QuietHandler(BaseHTTPRequestHandler):
    """Keep-alive answers without a log line; ``handle(method)`` answers both GET and POST."""

    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm meets the
        # client's delayed ACK and every keep-alive answer waits ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.handle_request("GET")

    def do_POST(self):
        self.handle_request("POST")

    def handle_request(self, method: str) -> None:
        raise NotImplementedError


class LoopbackService:
    """A stand-in on a loopback port, answering in threads until ``stop``, which also lets go of held answers."""

    def listen(self, handler: type[BaseHTTPRequestHandler], host: str, port: int) -> None:
        self._release = threading.Event()
        self.httpd = _QuietServer((host, port), handler)
        self.httpd.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class StandinS2(LoopbackService):
    """The stand-in service: a World, faults, and a log of every request."""

    def __init__(self, world: World, faults: Faults | None = None, host: str = "127.0.0.1", port: int = 0):
        self.world = world
        self.faults = faults or Faults()
        self.log = Log()
        self._rng = random.Random(self.faults.seed)
        self._lock = threading.Lock()
        self._last_request = 0.0
        self._script: list[tuple[str, int, str, dict]] = []
        self.today = datetime.date.today()  # what "recent" is counted from
        self.datasets = StandinDatasets()
        self.listen(_handler_for(self), host, port)

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)
            self._release.set()
            self._release = threading.Event()

    def replay(self, pattern: str, status: int, body: str, headers: dict | None = None) -> None:
        """Answer the next request whose "METHOD /path" matches ``pattern`` with this recorded answer, once."""
        with self._lock:
            self._script.append((pattern, status, body, headers or {}))

    def scripted(self, method: str, path: str) -> tuple[int, str, dict] | None:
        with self._lock:
            for n, (pattern, status, body, headers) in enumerate(self._script):
                if re.search(pattern, f"{method} {unquote(path)}"):
                    del self._script[n]
                    return status, body, headers
        return None

    def reset(self) -> None:
        with self._lock:
            self.log = Log()

    def stats(self) -> dict:
        by_path = Counter(
            re.sub(r"/paper/[^/]+/(references|citations)", r"/paper/{id}/\1", r["path"]) for r in self.log.requests
        )
        return {
            "requests": len(self.log.requests),
            "connections": self.log.connections,
            "statuses": dict(Counter(str(r["status"]) for r in self.log.requests)),
            "by_endpoint": dict(by_path),
            "api_keys": sorted({r["api_key"] for r in self.log.requests if r["api_key"]}),
        }

    # -- faults ------------------------------------------------------------------------------

    def injected_fault(self) -> tuple[int, dict] | None:
        with self._lock:
            now = time.monotonic()
            if self.faults.rps and now - self._last_request < 1.0 / self.faults.rps:
                return 429, TOO_MANY
            self._last_request = now
            roll = self._rng.random()
            if roll < self.faults.rate_429:
                return 429, TOO_MANY
            if roll < self.faults.rate_429 + self.faults.rate_5xx:
                status, message = self._rng.choice(SERVER_ERRORS)
                return status, {"message": message}
        return None

    # -- endpoints ---------------------------------------------------------------------------

    def paper(self, raw_id: str, query: dict) -> tuple[int, object]:
        top, nested = _parse_fields(query.get("fields"))
        paper_id = self.world.resolve(raw_id)
        if not paper_id:
            return 404, {"error": f"Paper with id {raw_id} not found"}
        return 200, self._with_nested(paper_id, top, nested)

    def batch(self, body: dict, query: dict) -> tuple[int, object]:
        top, nested = _parse_fields(query.get("fields"))
        if not isinstance(body, dict):
            # Recorded: a double-encoded body (a JSON string) gets 500, not 400.
            return 500, {"message": "Internal Server Error"}
        ids = body.get("ids")
        if not isinstance(ids, list):
            raise BadRequest("Body must be a JSON object with an 'ids' list")
        if len(ids) > 500:
            raise BadRequest("Cannot process more than 500 ids at a time")
        out = []
        for raw_id in ids:
            paper_id = self.world.resolve(str(raw_id))
            out.append(self._with_nested(paper_id, top, nested, self._empty_nested(paper_id)) if paper_id else None)
        if len(json.dumps(out)) > self.faults.max_batch_bytes:
            raise BadRequest(
                "Response would exceed maximum size. Please break the request into smaller batches, "
                "or make use of the limit and offset features"
            )
        return 200, out

    def _empty_nested(self, paper_id: str | None) -> bool:
        if paper_id in self.world.withheld:
            return True
        share = self.faults.empty_nested_share
        hashed = int(hashlib.sha1(str(paper_id).encode()).hexdigest()[:8], 16) / 16**8
        return paper_id in self.faults.empty_nested or hashed < share

    def _with_nested(self, paper_id: str, top: list[str], nested: dict[str, list[str]], empty: bool = False) -> dict:
        """The paper's fields, with nested lists cut at NESTED_CAP items; they carry no citation flags."""
        out = _select(self.world.papers[paper_id], top)
        if "references" in nested:
            out["references"] = (
                []
                if empty
                else [
                    _select(self.world.papers[c.cited], nested["references"])
                    if c.cited
                    else {"paperId": None, **{f: (c.title if f == "title" else None) for f in nested["references"]}}
                    for c in self.world.references[paper_id][:NESTED_CAP]
                ]
            )
        if "citations" in nested:
            out["citations"] = (
                []
                if empty
                else [
                    _select(self.world.papers[citer], nested["citations"])
                    for citer, _ in self.world.citations.get(paper_id, [])[:NESTED_CAP]
                ]
            )
        return out

    def links(self, raw_id: str, kind: str, query: dict) -> tuple[int, object]:
        top, nested = _parse_fields(query.get("fields"), CITATION_FIELDS)
        if nested:
            raise BadRequest(f"Unrecognized or unsupported fields: [{', '.join(nested)}]")
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 100))
        if limit > 1000 or limit < 1:
            raise BadRequest("Limit must be between 1 and 1000")
        paper_id = self.world.resolve(raw_id)
        if not paper_id:
            return 404, {"error": f"Paper with id {raw_id} not found"}
        if kind == "references" and paper_id in self.world.withheld:
            return 200, withheld_answer(self.world.papers[paper_id], paper_fields=top)
        if kind == "references":
            items = [(c.cited, c) for c in self.world.references[paper_id]]
            other = "citedPaper"
        else:
            items = [(citer, c) for citer, c in self.world.citations.get(paper_id, [])]
            other = "citingPaper"
        # Past the cap S2 answers empty pages, not errors (s2-folks #117).
        page = items[:MAX_LINKED][offset : offset + limit]
        paper_fields = [f for f in top if f not in CITATION_FIELDS]
        data = []
        for linked, citation in page:
            row = {}
            if "contexts" in top:
                row["contexts"] = citation.contexts
            if "intents" in top:
                row["intents"] = citation.intents
            if "contextsWithIntent" in top:
                row["contextsWithIntent"] = [{"context": c, "intents": citation.intents} for c in citation.contexts]
            if "isInfluential" in top:
                row["isInfluential"] = citation.is_influential
            if linked:
                row[other] = _select(self.world.papers[linked], paper_fields)
            else:
                row[other] = {"paperId": None, **{f: (citation.title if f == "title" else None) for f in paper_fields}}
            data.append(row)
        answer = {"offset": offset, "data": data}
        if offset + limit < len(items):
            answer["next"] = offset + limit
        return 200, answer

    def search(self, query: dict) -> tuple[int, object]:
        """Relevance search by title words: ``total``/``offset``/``next``/``data``; no ``data`` key without hits."""
        top, _ = _parse_fields(query.get("fields"))
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 100))
        if limit > 100 or offset + limit > 1000:
            return 400, {"error": "Requested data for this limit and/or offset is not available"}
        wanted = set(re.findall(r"[a-z0-9]+", (query.get("query") or "").lower()))
        hits = [
            paper_id
            for paper_id, record in self.world.papers.items()
            if wanted & set(re.findall(r"[a-z0-9]+", (record.get("title") or "").lower()))
        ]
        answer: dict = {"total": len(hits), "offset": offset}
        if offset + limit < len(hits):
            answer["next"] = offset + limit
        if hits:
            answer["data"] = [_select(self.world.papers[p], top) for p in hits[offset : offset + limit]]
        return 200, answer

    def match(self, query: dict) -> tuple[int, object]:
        top, _ = _parse_fields(query.get("fields"))
        wanted = set(re.findall(r"[a-z0-9]+", (query.get("query") or "").lower()))
        best, best_score = None, 0.0
        for paper_id, record in self.world.papers.items():
            words = set(re.findall(r"[a-z0-9]+", (record.get("title") or "").lower()))
            if not words or not wanted:
                continue
            score = len(words & wanted) / len(words | wanted)
            if score > best_score:
                best, best_score = paper_id, score
        if best is None or best_score < 0.6:
            return 404, {"error": "Title match not found"}
        return 200, {"data": [{**_select(self.world.papers[best], top), "matchScore": round(200 * best_score, 4)}]}

    # -- recommendations ---------------------------------------------------------------------
    # A stand-in for S2's recommender: a paper is recommended for the positives it cites (3 each)
    # and the references it shares with them (1 each), less the same for the negatives. As on S2,
    # the input papers themselves are not excluded (s2-folks #82): the seed shares all its references.

    def _pool(self, name: str) -> list[str]:
        if name == "recent":
            since = (self.today - datetime.timedelta(days=RECENT_DAYS)).isoformat()
            return [
                p
                for p, r in self.world.papers.items()
                if since <= (r.get("publicationDate") or "") <= self.today.isoformat()
            ]
        if name == "all-cs":
            return [p for p, r in self.world.papers.items() if "Computer Science" in (r.get("fieldsOfStudy") or [])]
        raise BadRequest(f"Invalid from: {name!r}; must be one of recent, all-cs")

    def _recommend(self, positives: list[str], negatives: list[str], pool: str, limit: int, top: list[str]) -> dict:
        cited = {p: {c.cited for c in self.world.references[p] if c.cited} for p in self.world.papers}

        def affinity(candidate: str, inputs: list[str]) -> int:
            return sum(3 * (p in cited[candidate]) + len(cited[candidate] & cited[p]) for p in inputs)

        scored = [(affinity(c, positives) - affinity(c, negatives), c) for c in self._pool(pool)]
        best = sorted((-score, c) for score, c in scored if score > 0)[:limit]
        return {"recommendedPapers": [_select(self.world.papers[c], top) for _, c in best]}

    def _limit(self, query: dict) -> int:
        limit = int(query.get("limit", 100))
        if not 1 <= limit <= MAX_RECOMMENDED:
            raise BadRequest(f"Invalid limit: {limit}; must be between 1 and {MAX_RECOMMENDED}")
        return limit

    def recommend_for_lists(self, body: object, query: dict) -> tuple[int, object]:
        top, _ = _parse_fields(query.get("fields"))
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("positivePaperIds"), list)
            or not body["positivePaperIds"]
        ):
            raise BadRequest("Body must be a JSON object with a non-empty positivePaperIds list")
        lists = []
        for raw_ids in (body["positivePaperIds"], body.get("negativePaperIds") or []):
            resolved = [self.world.resolve(str(raw)) for raw in raw_ids]
            if None in resolved:
                return 404, {"error": f"Paper with id {raw_ids[resolved.index(None)]} not found"}
            lists.append(resolved)
        return 200, self._recommend(*lists, query.get("from", "recent"), self._limit(query), top)

    def recommend_for_paper(self, raw_id: str, query: dict) -> tuple[int, object]:
        top, _ = _parse_fields(query.get("fields"))
        limit, pool = self._limit(query), query.get("from", "recent")
        paper_id = self.world.resolve(raw_id)
        if not paper_id:
            return 404, {"error": f"Paper with id {raw_id} not found"}
        if (self.world.papers[paper_id].get("year") or 0) < OLD_PAPER_YEAR:
            self._pool(pool)  # a bad pool is still a 400
            return 200, {"recommendedPapers": []}
        return 200, self._recommend([paper_id], [], pool, limit, top)

    def route(
        self, method: str, path: str, query: dict, body: object, api_key: str | None = None
    ) -> tuple[int, object]:
        path = unquote(path)
        if path.startswith("/datasets/v1/") and method == "GET":
            return self.datasets.answer(path, self.url, api_key)
        if re.fullmatch(r"/recommendations/v1/papers/?", path) and method == "POST":
            return self.recommend_for_lists(body, query)
        if path.startswith("/recommendations/v1/papers/forpaper/") and method == "GET":
            return self.recommend_for_paper(path[len("/recommendations/v1/papers/forpaper/") :], query)
        if not path.startswith("/graph/v1/paper"):
            return 404, {"message": "Not Found"}
        rest = path[len("/graph/v1/paper") :]
        if rest == "/batch" and method == "POST":
            return self.batch(body, query)
        if rest == "/search/match" and method == "GET":
            return self.match(query)
        if rest == "/search" and method == "GET":
            return self.search(query)
        found = re.fullmatch(r"/(.+)/(references|citations)", rest)
        if found and method == "GET":
            return self.links(found.group(1), found.group(2), query)
        if rest.startswith("/") and method == "GET":
            return self.paper(rest[1:], query)
        return 404, {"message": "Not Found"}


ELIDED_NOTICE = (
    "Notice: The following paper fields have been elided by the publisher: {{'references'}}. Paper or "
    "abstract available at https://doi.org/{doi}, which is subject to the license by the author or "
    "copyright owner provided with this content. Please go to the source to verify the license and "
    "copyright information for your use."
)


def withheld_answer(record: dict, paper_fields: list[str]) -> dict:
    """S2's /references answer for a paper whose publisher withholds its references (observed, undocumented)."""
    citing = _select(record, [f for f in paper_fields if f not in CITATION_FIELDS])
    doi = (record.get("externalIds") or {}).get("DOI") or "10.0000/unknown"
    citing["openAccessPdf"] = {
        "url": "",
        "status": "CLOSED",
        "license": None,
        "disclaimer": ELIDED_NOTICE.format(doi=doi),
    }
    return {"offset": 0, "data": None, "citingPaperInfo": citing}


def withhold_references(world: World, papers: list[str], share: float) -> list[str]:
    """Mark ``share`` of ``papers`` (chosen by paperId, the same ones each time) as withheld; returns them."""
    chosen = sorted(papers, key=lambda p: hashlib.sha1(p.encode()).hexdigest())[: round(share * len(papers))]
    world.withheld.update(chosen)
    return chosen


def _handler_for(service: StandinS2):
    class Handler(QuietHandler):
        def setup(self):
            super().setup()
            with service._lock:
                service.log.connections += 1

        def _send(self, status: int, payload: object, raw: str | None = None, headers: dict | None = None) -> None:
            is_html = isinstance(payload, str)
            data = (raw if raw is not None else payload if is_html else json.dumps(payload)).encode()
            self.send_response(status)
            headers = {
                "Content-Type": "text/html; charset=utf-8" if is_html else "application/json",
                **({"x-amzn-ErrorType": GATEWAY_ERROR_TYPES[status]} if status in GATEWAY_ERROR_TYPES else {}),
                **(headers or {}),
            }
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def handle_request(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw_body = self.rfile.read(length) if length else b""
            if parts.path.startswith("/_standin/"):
                return self._control(parts.path, raw_body)
            if parts.path.startswith("/_files/"):
                return self._file(method, parts.path, query)
            hang = service.faults.hang_after
            if hang is not None and len(service.log.requests) >= hang:
                with service._lock:
                    service.log.hanging += 1
                service._release.wait()
                self.close_connection = True
                return  # a hung request is never answered, nor counted as served
            served = len(service.log.requests)
            if service.faults.die_after is not None and served >= service.faults.die_after:
                self.close_connection = True
                return  # the connection drops without an answer
            status, payload, raw, headers = None, None, None, None
            script = service.scripted(method, parts.path)
            fault = (
                None
                if script
                else (
                    service.faults.fixed_answer(served, parts.path, self.headers.get("x-api-key"))
                    or service.injected_fault()
                )
            )
            if script:
                status, raw, headers = script
            elif fault:
                status, payload = fault
            else:
                if service.faults.delay:
                    time.sleep(service.faults.delay)
                try:
                    body = json.loads(raw_body) if raw_body else None
                    status, payload = service.route(method, parts.path, query, body, self.headers.get("x-api-key"))
                except (BadRequest, ValueError) as exc:
                    status, payload = 400, {"error": str(exc)}
            with service._lock:
                service.log.requests.append(
                    {
                        "method": method,
                        "path": parts.path,
                        "query": query,
                        "status": status,
                        "body": raw_body.decode(errors="replace"),
                        "api_key": self.headers.get("x-api-key"),
                    }
                )
            self._send(status, payload, raw, headers)

        def _file(self, method: str, path: str, query: dict) -> None:
            """A pre-signed link of the Datasets API (raw bytes, Range requests, file faults)."""
            service.datasets.send_file(self, path, query)
            with service._lock:
                service.log.requests.append(
                    {
                        "method": method,
                        "path": path,
                        "query": query,
                        "status": 200,
                        "body": "",
                        "api_key": self.headers.get("x-api-key"),
                    }
                )

        def _control(self, path: str, raw_body: bytes) -> None:
            if path == "/_standin/stats":
                return self._send(200, service.stats())
            if path == "/_standin/reset":
                service.reset()
                return self._send(200, {"ok": True})
            if path == "/_standin/faults":
                service.set_faults(Faults(**json.loads(raw_body or b"{}")))
                return self._send(200, {"ok": True})
            return self._send(404, {"message": "Not Found"})

    return Handler
