"""Semantic Scholar's Graph API, asked safely: paced, retried, every answer checked before use.

Three calls (batch metadata, pages of references or citations, title match), each made with one
pooled httpx connection that sends the key on every request. Pacing keeps request starts
``1 / rps`` apart (with a small margin, shared through a file by every build using the same data
dir), slows down by 10% on each 429 and recovers slowly, as S2 advises. 429, 500, 502, 503, 504,
timeouts, dropped connections and answers of the wrong shape (HTML, ``{}``, a short batch) are
retried with exponential backoff and full jitter, bounded by ``max_wait`` per request; anything
else is not retried. Whatever cannot be answered raises a citegraph error with one line, so an
outage is never mistaken for "no references" or "not found". The API key never appears in a
message: it is redacted from everything the server sends back.

The client hands the store plain records (:class:`LinksPage`, :class:`Link`, paper dicts): only
this module knows S2's JSON shapes.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_random_exponential

from .entries import one_line
from .errors import S2AuthError, S2Error, S2NotFound, S2Unavailable, S2Unreachable

if TYPE_CHECKING:
    import httpx

# httpx is imported when a client is made: a build with nothing to fetch never pays for it.

DEFAULT_API_URL = "https://api.semanticscholar.org"
PAPER_FIELDS = [
    "title", "year", "authors", "venue", "externalIds", "citationCount", "influentialCitationCount",
    "referenceCount", "fieldsOfStudy", "url", "openAccessPdf", "publicationDate", "citationStyles",
    "publicationTypes", "journal",
]
LINKED_PAPER_FIELDS = [
    "title", "year", "authors", "venue", "externalIds", "citationCount", "influentialCitationCount", "url",
    "publicationDate",
]
# Nested reference items carry no authors: 500 papers' lists must stay under the batch's 10 MB.
NESTED_FIELDS = [f"references.{f}" for f in ["paperId"] + LINKED_PAPER_FIELDS if f != "authors"]
NESTED_REFERENCE_FIELDS = ["title"] + NESTED_FIELDS
NESTED_CAP = 1000  # S2 cuts nested lists at this many items
NESTED_SHORT = 0.8  # a nested list shorter than this share of referenceCount is taken as cut
TOO_LARGE = "would exceed maximum size"  # S2's 400 for a batch answer over 10 MB
LINK_FIELDS = ["isInfluential", "intents", "contexts"]
_LINKED = {"references": "citedPaper", "citations": "citingPaper"}  # where a page item holds the other paper
BATCH_SIZE = 500
PAGE_SIZE = 1000
UNREACHABLE_ATTEMPTS = 3
RETRIED_STATUSES = {429, 500, 502, 503, 504}
# S2 advises a 10% margin: the pace starts a little under the asked rate and slows by 10% per 429.
PACE_MARGIN = 1.04
SLOW_DOWN = 1.1
RECOVER = 1.01
MAX_SLOW_DOWN = 8.0  # a 429 storm (S2 is overloaded, not us) slows the pace at most eightfold
MAX_INTERVAL = 60.0

Notice = Callable[[str], None]


@dataclass(frozen=True)
class S2Config:
    """How to reach Semantic Scholar.

    Parameters
    ----------
    api_url : the API's base URL (``S2_API_URL``); a trailing ``/graph/v1`` is accepted and dropped.
    api_key : sent as ``x-api-key`` (``S2_API_KEY``); redacted from every message.
    rps : requests per second, at most (S2 allows about 1 with a key).
    max_wait : seconds of retrying one request before it is given up.
    timeout : seconds to wait for one answer.
    rate_file : a file through which every client using it shares one rate budget (a data dir's).
    """

    api_url: str = DEFAULT_API_URL
    api_key: str | None = None
    rps: float = 1.0
    max_wait: float = 600.0
    timeout: float = 30.0
    rate_file: Path | None = None

    @classmethod
    def from_env(cls, **overrides) -> S2Config:
        values = {"api_url": os.environ.get("S2_API_URL") or DEFAULT_API_URL,
                  "api_key": os.environ.get("S2_API_KEY") or None}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def base_url(self) -> str:
        """The Graph API root, whether or not ``api_url`` already ends with ``/graph/v1``."""
        return re.sub(r"(/graph/v1)?/*$", "", self.api_url) + "/graph/v1"


@dataclass(frozen=True)
class Link:
    """One citation: ``citing`` cites ``cited``, with S2's flags (None when S2 does not say)."""

    citing: str
    cited: str
    is_influential: bool | None
    intents: list[str] | None
    contexts: list[str] | None


@dataclass
class BatchPaper:
    """A paper from the batch with its nested references (which carry no influence flags).

    ``references``: the nested items (paperId None when S2 could not resolve one). ``complete`` is
    False when the list may be cut: 1,000 items or more, empty (unless referenceCount is 0), or
    much shorter than referenceCount; that paper's references must then be fetched page by page.
    """

    paper: dict
    references: list[dict]
    complete: bool


@dataclass
class LinksPage:
    """One page of a paper's references or citations, as plain records.

    ``papers`` are the linked papers (stub metadata), ``unresolved`` the titles of linked items S2
    has no paperId for (kept only to count them), ``next_offset`` where the next page starts (None
    on the last page), ``truncated_at`` set when S2 answered an empty page before the end (it
    serves no more than 9,999 items per paper).
    """

    offset: int
    papers: list[dict] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    unresolved: list[str | None] = field(default_factory=list)
    next_offset: int | None = None
    truncated_at: int | None = None


class _Transient(Exception):
    """A failure worth retrying; ``connection`` marks failures to connect at all."""

    def __init__(self, reason: str, retry_after: float | None = None, connection: bool = False, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.connection = connection
        self.status = status


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
        with open(self.rate_file, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            try:
                booked = float(handle.read().strip() or 0)
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


class S2Client:
    """The calls citegraph needs, each one request (or one per page), each raising on failure.

    Parameters
    ----------
    config : where and how fast to ask.
    notice : called with one line while waiting to retry ("waiting 32 s after HTTP 503 (attempt 4)").
    """

    def __init__(self, config: S2Config, notice: Notice | None = None):
        self.config = config
        self.notice = notice or (lambda line: None)
        self.requests = 0
        self.rate_limited = 0
        self._connected = False
        self._pacer = RateBudget(config.rps, config.rate_file)
        self._http: httpx.Client | None = None

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> S2Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def redact(self, text: str) -> str:
        """``text`` as one short line without the API key (servers echo it in error bodies)."""
        text = one_line(str(text))
        if self.config.api_key:
            text = text.replace(self.config.api_key, "[redacted]")
        return text[:300]

    # -- transport -----------------------------------------------------------------------------

    def request_json(self, method: str, path: str, params: dict, payload: dict | None, check: Callable[[object], str | None]):
        """The JSON answer to one request, retried until ``check`` accepts its shape (it names what is wrong)."""
        retrying = Retrying(retry=retry_if_exception_type(_Transient), wait=self._backoff, stop=self._should_stop,
                            before_sleep=self._announce, reraise=True)
        started = time.monotonic()
        try:
            for attempt in retrying:
                with attempt:
                    retry = attempt.retry_state.attempt_number > 1
                    return self._send(method, path, params, payload, check, started if retry else None)
        except _Transient as exc:
            if exc.connection and not self._connected:
                raise S2Unreachable(f"cannot reach Semantic Scholar at {self.config.api_url} ({exc.reason})") from None
            waited = time.monotonic() - started
            raise S2Unavailable(f"{exc.reason}; gave up after {waited:.0f}s of retries") from None

    def _remaining(self, started: float) -> float:
        return self.config.max_wait - (time.monotonic() - started)

    def _backoff(self, state: RetryCallState) -> float:
        exc = state.outcome.exception()
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            wait = exc.retry_after
        else:
            # Full jitter, starting at one request interval: a crowd of clients does not retry in step.
            wait = wait_random_exponential(multiplier=self._pacer.interval, max=60)(state)
        remaining = self.config.max_wait - state.seconds_since_start
        return max(0.0, min(wait, remaining))

    def _should_stop(self, state: RetryCallState) -> bool:
        # The next attempt is paced at least one interval later: one that could not start in time is not made.
        if state.seconds_since_start + self._pacer.interval > self.config.max_wait:
            return True
        exc = state.outcome.exception()
        never_connected = isinstance(exc, _Transient) and exc.connection and not self._connected
        return never_connected and state.attempt_number >= UNREACHABLE_ATTEMPTS

    def _announce(self, state: RetryCallState) -> None:
        exc = state.outcome.exception()
        after = f"HTTP {exc.status}" if exc.status else exc.reason.rstrip(".")
        sleep = state.next_action.sleep
        shown = f"{sleep:.0f}" if sleep >= 10 else f"{sleep:.1f}"
        self.notice(f"waiting {shown} s after {after} (attempt {state.attempt_number + 1})")

    def _client(self) -> httpx.Client:
        if self._http is None:
            import httpx

            headers = {"x-api-key": self.config.api_key} if self.config.api_key else {}
            self._http = httpx.Client(timeout=self.config.timeout, headers=headers)
        return self._http

    def _send(self, method: str, path: str, params: dict, payload: dict | None, check, retry_started: float | None):
        """One attempt; a retry (``retry_started`` set) never waits for its answer past ``max_wait``."""
        import httpx

        http = self._client()  # made before pacing: its setup must not eat into the slot
        self._pacer.wait()
        self.requests += 1
        # The first attempt may take the whole timeout; retries are bounded by --max-wait, so one
        # request takes at most max(timeout, max_wait).
        timeout = self.config.timeout if retry_started is None else max(
            0.1, min(self.config.timeout, self._remaining(retry_started)))
        try:
            response = http.request(method, self.config.base_url + path, params=params, json=payload,
                                              timeout=timeout)
        except httpx.TimeoutException:
            raise _Transient(f"no answer within {timeout:.3g}s") from None
        except httpx.TransportError as exc:
            connect_failed = isinstance(exc, (httpx.ConnectError, httpx.UnsupportedProtocol))
            raise _Transient(f"connection failed: {self.redact(exc)}", connection=connect_failed) from None
        self._connected = True
        status = response.status_code
        body = _json_or_none(response)
        if status == 200:
            if body is None:
                raise self._not_json(response)
            problem = check(body)
            if problem:
                raise _Transient(f"unexpected answer from Semantic Scholar ({problem})")
            self._pacer.recover()
            return body
        message = self._error_text(response, body)
        if status == 429:
            self.rate_limited += 1
            self._pacer.slow_down()
            raise _Transient("rate limited (HTTP 429)", retry_after=_retry_after(response), status=429)
        if status in RETRIED_STATUSES:
            raise _Transient(f"server error (HTTP {status}: {message})", retry_after=_retry_after(response),
                             status=status)
        raise self._refusal(status, message, response, body)

    def _not_json(self, response: httpx.Response) -> _Transient:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        title = _html_title(response.text)
        return _Transient(f"unexpected answer from Semantic Scholar (not JSON but {kind}"
                          + (f": {self.redact(title)!r})" if title else ")"))

    def _refusal(self, status: int, message: str, response: httpx.Response, body) -> S2Error:
        """The error for an answer that retrying cannot change."""
        if status == 401:
            return S2AuthError("Semantic Scholar asks for an API key (HTTP 401); set S2_API_KEY to a valid key")
        if status == 403 and message == "Missing Authentication Token":
            return self._wrong_endpoint(403, response)  # what S2's gateway answers for a path it does not serve
        if status == 403:
            if self.config.api_key:
                return S2AuthError("Semantic Scholar refused the API key (HTTP 403 Forbidden); check S2_API_KEY "
                                   "(keys unused for about 60 days are withdrawn), or unset it to use the public pool")
            return S2AuthError(f"Semantic Scholar refused the request (HTTP 403: {message}); is S2_API_URL "
                               f"({self.config.api_url}) the API's base URL?")
        if status == 404:
            if isinstance(body, dict) and "error" in body:  # S2's backend: the paper (or title) does not exist
                return S2NotFound(message)
            return self._wrong_endpoint(404, response)
        if status == 400:
            return S2Unavailable(f"Semantic Scholar rejected the request (HTTP 400: {message})")
        return S2Unavailable(f"Semantic Scholar answered HTTP {status} ({message}); not retried")

    def _wrong_endpoint(self, status: int, response: httpx.Response) -> S2Error:
        return S2Error(f"Semantic Scholar has no such endpoint (HTTP {status} for {response.request.url.path}); "
                       f"S2_API_URL ({self.config.api_url}) should be the API's base URL, like {DEFAULT_API_URL}")

    def _error_text(self, response: httpx.Response, body) -> str:
        """An error answer (``body``: its JSON, None if it has none) as one line: S2's ``error``/``message``,
        an HTML page's title, or the reason phrase."""
        if body is None:
            return self.redact(_html_title(response.text) or response.text or response.reason_phrase)
        if isinstance(body, dict):
            return self.redact(body.get("error") or body.get("message") or body)
        return self.redact(body)

    # -- the calls -----------------------------------------------------------------------------

    def papers(self, ids: list[str], fields: list[str] = PAPER_FIELDS) -> dict[str, dict | None]:
        """Batch metadata: ``{requested id: paper dict, or None when S2 does not know the id}``.

        Raises S2Unavailable when no well-formed answer came within ``max_wait``.
        """
        if not 0 < len(ids) <= BATCH_SIZE:
            raise ValueError(f"a batch takes 1 to {BATCH_SIZE} ids, not {len(ids)}")
        try:
            answer = self.request_json("POST", "/paper/batch", {"fields": ",".join(fields)}, {"ids": list(ids)},
                                       lambda body: _batch_problem(body, len(ids)))
        except S2NotFound as exc:  # a batch answers null for unknown ids: a 404 is no answer at all
            raise S2Unavailable(f"unexpected answer from Semantic Scholar (HTTP 404: {exc})") from None
        return dict(zip(ids, answer))

    def papers_with_references(self, ids: list[str]) -> dict[str, BatchPaper | None]:
        """Batch metadata with each paper's nested references: ``{requested id: BatchPaper, or None}``.

        A batch whose answer S2 finds too large (HTTP 400 "would exceed maximum size") is asked
        again in halves; a single paper that is still too large comes without references (incomplete).
        """
        try:
            answers = self.papers(ids, PAPER_FIELDS + NESTED_FIELDS)
        except S2Unavailable as exc:
            if TOO_LARGE not in str(exc):
                raise
            if len(ids) == 1:
                paper = self.papers(ids)[ids[0]]
                return {ids[0]: None if paper is None else BatchPaper(paper, [], False)}
            half = len(ids) // 2
            return {**self.papers_with_references(ids[:half]), **self.papers_with_references(ids[half:])}
        return {identifier: None if paper is None else _batch_paper(paper) for identifier, paper in answers.items()}

    def nested_references(self, ids: list[str]) -> dict[str, list[dict] | None]:
        """Depth >= 2: ``{paperId: its references (paper dicts, paperId None when unresolved) or None}``."""
        return {paper_id: None if paper is None else [r for r in paper.get("references") or [] if isinstance(r, dict)]
                for paper_id, paper in self.papers(ids, NESTED_REFERENCE_FIELDS).items()}

    def linked_pages(self, paper_id: str, direction: str, max_items: int | None = None,
                     start: int = 0) -> Iterator[LinksPage]:
        """Pages of ``/references`` or ``/citations`` from offset ``start``, following ``next``.

        Raises S2NotFound when S2 has no such paper, S2Unavailable when a page cannot be had.
        """
        other = _LINKED[direction]
        fields = ",".join(LINK_FIELDS + LINKED_PAPER_FIELDS)
        offset = reached = start
        while True:
            limit = PAGE_SIZE if max_items is None else min(PAGE_SIZE, max_items - offset)
            body = self.request_json("GET", f"/paper/{paper_id}/{direction}",
                                     {"fields": fields, "offset": offset, "limit": limit}, None,
                                     lambda answer: _page_problem(answer, other))
            page = parse_links_page(paper_id, direction, offset, body["data"])
            following = body.get("next")
            if max_items is not None and following is not None and following >= max_items:
                following = None
            if not page.papers and not page.unresolved and offset > 0:
                # Past its cap S2 answers an empty page, not an error: what we have is all there is.
                page.truncated_at = reached
                following = None
            reached = offset + len(body["data"])
            page.next_offset = following
            yield page
            if following is None:
                return
            offset = following

    def match_title(self, title: str) -> dict | None:
        """The paper S2 matches to a title (with ``matchScore``), or None when it matches none."""
        try:
            body = self.request_json("GET", "/paper/search/match", {"query": title, "fields": ",".join(PAPER_FIELDS)},
                                     None, _match_problem)
        except S2NotFound:
            return None
        return body["data"][0] if body.get("data") else None


# -- shapes ---------------------------------------------------------------------------------------

def _is_paper(item) -> bool:
    return isinstance(item, dict) and isinstance(item.get("paperId"), str) and bool(item["paperId"])


def _batch_problem(body, count: int) -> str | None:
    if not isinstance(body, list):
        return f"a batch answer is a list, got {type(body).__name__}"
    if len(body) != count:
        return f"a batch answer has one item per id: {count} asked, {len(body)} answered"
    if not all(item is None or _is_paper(item) for item in body):
        return "a batch answer holds papers with a paperId or nulls"
    if not all(item is None or isinstance(item.get("references", []), list | None) for item in body):
        return "nested references are a list"
    return None


def _batch_paper(answer: dict) -> BatchPaper:
    paper = {k: v for k, v in answer.items() if k != "references"}
    references = [r for r in answer.get("references") or [] if isinstance(r, dict)]
    expected = paper.get("referenceCount")
    cut = len(references) >= NESTED_CAP or (not references and expected != 0) or (
        isinstance(expected, int) and len(references) < NESTED_SHORT * expected)
    return BatchPaper(paper, references, not cut)


def _page_problem(body, other: str) -> str | None:
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return "a page is an object with a data list"
    if "next" in body and not isinstance(body["next"], int):
        return "a page's next is an offset"
    if not all(isinstance(row, dict) and isinstance(row.get(other) or {}, dict) for row in body["data"]):
        return f"a page's items are objects with {other}"
    return None


def _match_problem(body) -> str | None:
    if isinstance(body, dict) and "data" not in body and body.get("total") == 0:
        return None  # the search endpoints' "no hits" shape
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return "a title match is an object with a data list"
    if body["data"] and not (_is_paper(body["data"][0]) and isinstance(body["data"][0].get("title"), str)):
        return "a title match is a paper with a title"
    return None


def parse_links_page(paper_id: str, direction: str, offset: int, rows: list[dict]) -> LinksPage:
    """The items of a /references (or /citations) page of ``paper_id`` as plain records."""
    other = _LINKED[direction]
    page = LinksPage(offset)
    for row in rows:
        linked = row.get(other) or {}
        if not _is_paper(linked):
            page.unresolved.append(linked.get("title") if isinstance(linked.get("title"), str) else None)
            continue
        page.papers.append(linked)
        citing, cited = (paper_id, linked["paperId"]) if direction == "references" else (linked["paperId"], paper_id)
        influential = row.get("isInfluential")
        page.links.append(Link(citing, cited, influential if isinstance(influential, bool) else None,
                               _strings(row.get("intents")), _strings(row.get("contexts"))))
    return page


def _strings(value) -> list[str] | None:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else None


def _json_or_none(response: httpx.Response):
    """The answer's JSON, parsed once; None when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None


def _html_title(text: str) -> str | None:
    found = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
    return one_line(found.group(1)) if found else None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
