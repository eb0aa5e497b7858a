"""Semantic Scholar through the `semanticscholar` client, made safe for a rate-limited service.

The client (0.12) opens a new connection per call, retries only 429 with a fixed schedule, turns
502/503 into an empty answer and forgets the API key on paginated endpoints. We keep its API and
models but give it our own requester: one pooled HTTP connection, the key on every request,
pacing to ``rps``, and tenacity retries (exponential backoff with full jitter, Retry-After honoured)
of 429, 5xx, timeouts and connection errors, bounded by ``max_wait`` per request. Whatever cannot
be answered raises, so an outage is never mistaken for "no references" or "not found".
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote_plus

from typing import TYPE_CHECKING

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_random_exponential

from .errors import S2AuthError, S2Error, S2NotFound, S2Unavailable, S2Unreachable
from .ids import identifiers_of

if TYPE_CHECKING:
    import httpx

# httpx and semanticscholar are imported when a client is made: a build with nothing to fetch
# (a warm rebuild) never pays for them.

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
LINK_FIELDS = ["isInfluential", "intents", "contexts"]
BATCH_SIZE = 500
PAGE_SIZE = 1000
UNREACHABLE_ATTEMPTS = 3


@dataclass(frozen=True)
class S2Config:
    api_url: str = DEFAULT_API_URL
    api_key: str | None = None
    rps: float = 1.0
    max_wait: float = 600.0
    timeout: float = 30.0

    @classmethod
    def from_env(cls, **overrides) -> S2Config:
        values = {"api_url": os.environ.get("S2_API_URL") or DEFAULT_API_URL,
                  "api_key": os.environ.get("S2_API_KEY") or None}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


class _Transient(Exception):
    """A failure worth retrying; ``connection`` marks failures to connect at all."""

    def __init__(self, reason: str, retry_after: float | None = None, connection: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.connection = connection


class _Requester:
    """Stands in for semanticscholar's ApiRequester; the client awaits it, we answer synchronously."""

    def __init__(self, client: S2Client):
        self._client = client

    async def get_data_async(self, url: str, parameters: str, headers: dict, payload: dict | None = None):
        return self._client.request_json(url, parameters.lstrip("&"), payload)



class S2Client:
    """The calls citegraph needs, each one request (or one per page), each raising on failure."""

    def __init__(self, config: S2Config):
        self.config = config
        self.requests = 0
        self._connected = False
        self._last_start = 0.0
        self._http: httpx.Client | None = None
        self._client = None

    @property
    def _api(self):
        """The semanticscholar client, made on first use with our requester in place of its own."""
        if self._client is None:
            import httpx
            from semanticscholar import SemanticScholar

            headers = {"x-api-key": self.config.api_key} if self.config.api_key else {}
            self._http = httpx.Client(timeout=self.config.timeout, headers=headers)
            # its "IDs not found" warning is ours to report, in the coverage summary
            logging.getLogger("semanticscholar").setLevel(logging.ERROR)
            self._client = SemanticScholar(timeout=int(self.config.timeout), api_url=self.config.api_url.rstrip("/"),
                                           retry=False)
            # The client offers no hook for its transport; its requester attribute is the only seam.
            self._client._AsyncSemanticScholar._requester = _Requester(self)
        return self._client

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> S2Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transport -----------------------------------------------------------------------------

    def request_json(self, url: str, parameters: str, payload: dict | None):
        method = "POST" if payload is not None else "GET"
        retrying = Retrying(
            retry=retry_if_exception_type(_Transient),
            wait=self._backoff,
            stop=self._should_stop,
            reraise=True,
        )
        started = time.monotonic()
        try:
            for attempt in retrying:
                with attempt:
                    return self._send(method, url, parameters, payload)
        except _Transient as exc:
            if exc.connection and not self._connected:
                raise S2Unreachable(
                    f"cannot reach Semantic Scholar at {self.config.api_url} ({exc.reason}); "
                    "check S2_API_URL and the network, or use --offline to build from stored data"
                ) from None
            waited = time.monotonic() - started
            raise S2Unavailable(f"{exc.reason}; gave up after {waited:.0f}s of retries") from None

    def _pace(self) -> None:
        interval = 1.0 / self.config.rps
        delay = self._last_start + interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._last_start = time.monotonic()

    def _backoff(self, state: RetryCallState) -> float:
        exc = state.outcome.exception()
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            wait = exc.retry_after
        else:
            # Full jitter, starting at one request interval: a crowd of clients does not retry in step.
            wait = wait_random_exponential(multiplier=1.0 / self.config.rps, max=60)(state)
        remaining = self.config.max_wait - state.seconds_since_start
        return max(0.0, min(wait, remaining))

    def _should_stop(self, state: RetryCallState) -> bool:
        if state.seconds_since_start >= self.config.max_wait:
            return True
        exc = state.outcome.exception()
        never_connected = isinstance(exc, _Transient) and exc.connection and not self._connected
        return never_connected and state.attempt_number >= UNREACHABLE_ATTEMPTS

    def _send(self, method: str, url: str, parameters: str, payload: dict | None):
        import httpx
        from semanticscholar.SemanticScholarException import BadQueryParametersException, ObjectNotFoundException

        self._pace()
        self.requests += 1
        try:
            response = self._http.request(method, f"{url}?{parameters}" if parameters else url, json=payload)
        except httpx.TimeoutException:
            raise _Transient(f"timed out after {self.config.timeout:.0f}s") from None
        except httpx.TransportError as exc:
            connect_failed = isinstance(exc, (httpx.ConnectError, httpx.UnsupportedProtocol))
            raise _Transient(f"connection failed: {exc}", connection=connect_failed) from None
        self._connected = True
        status = response.status_code
        if status == 200:
            return response.json()
        message = _error_message(response)
        if status == 429 or status >= 500:
            label = "rate limited (HTTP 429)" if status == 429 else f"server error (HTTP {status}: {message})"
            raise _Transient(label, retry_after=_retry_after(response))
        if status == 404:
            raise ObjectNotFoundException(message)
        if status == 400:
            raise BadQueryParametersException(message)
        if status in (401, 403):
            raise S2AuthError("Semantic Scholar refused the API key (HTTP 403); check S2_API_KEY")
        raise S2Error(f"unexpected answer from Semantic Scholar: HTTP {status} {message}")

    # -- the calls -----------------------------------------------------------------------------

    def papers(self, ids: list[str], fields: list[str] = PAPER_FIELDS) -> dict[str, dict | None]:
        """Batch metadata: ``{requested id: paper dict or None when S2 does not know it}``."""
        if not 0 < len(ids) <= BATCH_SIZE:
            raise ValueError(f"a batch takes 1 to {BATCH_SIZE} ids, not {len(ids)}")
        found = self._api.get_papers(list(ids), fields=list(fields))
        index = {}
        for paper in found:
            for alias in identifiers_of(paper.raw_data):
                index[alias] = paper.raw_data
        return {paper_id: index.get(paper_id.lower()) for paper_id in ids}

    def linked_pages(self, paper_id: str, direction: str, max_items: int | None = None) -> Iterator[list[dict]]:
        """Pages of ``/references`` or ``/citations`` (with influence flags), following ``next``."""
        from semanticscholar.SemanticScholarException import NoMorePagesException, ObjectNotFoundException

        fields = LINK_FIELDS + LINKED_PAPER_FIELDS
        fetch = self._api.get_paper_references if direction == "references" else self._api.get_paper_citations
        try:
            results = fetch(paper_id, fields=fields, limit=PAGE_SIZE if max_items is None else min(PAGE_SIZE, max_items))
        except ObjectNotFoundException as exc:
            raise S2NotFound(f"Semantic Scholar has no paper {paper_id}") from exc
        seen = 0
        while True:
            page = results.raw_data if max_items is None else results.raw_data[: max_items - seen]
            seen += len(page)
            yield page
            if max_items is not None and seen >= max_items:
                return
            try:
                results.next_page()
            except NoMorePagesException:
                return

    def match_title(self, title: str) -> dict | None:
        """The paper S2 matches to a title (with ``matchScore``), or None when it matches none."""
        from semanticscholar.SemanticScholarException import ObjectNotFoundException

        # The client puts the query into the URL unescaped; "&" or "#" in a title would cut it.
        try:
            paper = self._api.search_paper(quote_plus(title), match_title=True, fields=PAPER_FIELDS)
        except ObjectNotFoundException:
            return None
        return paper.raw_data


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("error") or body.get("message") or body)
    return str(body)[:200]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
