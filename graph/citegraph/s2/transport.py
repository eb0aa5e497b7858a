"""The paced, bounded, retrying HTTP transport every Semantic Scholar call goes through, and every
Crossref call (:mod:`citegraph.crossref.client` names its service, errors, headers and refusals).

Requests are paced (:mod:`citegraph.s2.pacing`); 429, 500, 502, 503, 504, timeouts, dropped
connections and answers of the wrong shape are retried with exponential backoff and full jitter,
bounded by ``max_wait`` per request; anything else is not retried. The API key (and any password in
``S2_API_URL``) never appears in a message.

No server can hold a build: every attempt has a total deadline and a bounded body
(:mod:`citegraph.s2.answers`), and when nothing answers at all the transport says so at once (an
:class:`~citegraph.s2.records.Alert`) and gives up ``outage_window`` seconds after the last answer.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_random_exponential

from citegraph.errors import S2AuthError, S2Error, S2NotFound, S2Unavailable, S2Unreachable
from citegraph.s2 import schema
from citegraph.s2.answers import (
    MAX_ANSWER_BYTES,
    MAX_ERROR_BYTES,
    Deadline,
    deadline_transport,
    html_title,
    json_or_none,
    read_body,
    retry_after,
)
from citegraph.s2.config import DEFAULT_API_URL, GRAPH_API, ServiceConfig
from citegraph.s2.pacing import RateBudget
from citegraph.s2.records import Alert, Notice
from citegraph.text import one_line

if TYPE_CHECKING:
    import httpx

# httpx is imported when a client is made: a build with nothing to fetch never pays for it.

UNREACHABLE_ATTEMPTS = 3
RETRIED_STATUSES = {429, 500, 502, 503, 504}
MIN_ATTEMPT = 5.0  # seconds one attempt may take however small max_wait is (a real answer takes that)


class _Transient(Exception):
    """A failure worth retrying; ``connection`` marks failures to connect at all."""

    def __init__(
        self,
        reason: str,
        retry_after: float | None = None,
        connection: bool = False,
        status: int | None = None,
        silent: bool = False,
        cut_short: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.connection = connection
        self.status = status
        self.silent = silent  # no answer at all: refused, reset, timed out
        self.cut_short = cut_short  # an attempt --max-wait left too little time to finish


class Transport:
    """One pooled, paced connection to S2: :meth:`request_json` asks, retries and checks; the endpoint
    calls live in :class:`~citegraph.s2.client.S2Client`.

    Parameters
    ----------
    config : where and how fast to ask.
    notice : called with one line while waiting to retry ("waiting 32 s after HTTP 503 (attempt 4)").
    """

    # What a subclass for another service changes: its name in messages, its errors, its headers.
    service = "Semantic Scholar"
    unavailable: type[S2Error] | type[Exception] = S2Unavailable
    unreachable: type[Exception] = S2Unreachable

    def __init__(self, config: ServiceConfig, notice: Notice | None = None):
        self.config = config
        self.notice = notice or (lambda line: None)
        self.requests = 0
        self.rate_limited = 0
        self._connected = False
        self._pacer = RateBudget(config.rps, config.rate_file)
        self._http: httpx.Client | None = None
        self._deadline = Deadline()
        self._silent_since: float | None = None  # monotonic time of the first failure since the last answer
        self._down: str | None = None  # set once nothing answered for the outage window: later requests are not made
        self.tally = schema.Tally()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def redact(self, text: str) -> str:
        """``text`` as one short line without the API key (servers echo it in error bodies)."""
        text = one_line(str(text)[:4096])
        if self.config.api_key:
            text = text.replace(self.config.api_key, "[redacted]")
        credentials = urlsplit(self.config.api_url).netloc.rpartition("@")[0]
        password = credentials.partition(":")[2]
        for secret in (credentials, password):
            if len(secret) >= 4:  # a shorter one would blank out ordinary words
                text = text.replace(secret, "[redacted]")
        return text[:300]

    # -- transport -----------------------------------------------------------------------------

    def request_json(
        self,
        method: str,
        path: str,
        params: dict,
        payload: dict | None,
        check: Callable[[object], str | None] | None = None,
        read: Callable[[Any], Any] | None = None,
        api: str = GRAPH_API,
    ):
        """The transport's one entry point: the answer to one request, retried until it can be read.

        Parameters
        ----------
        method, path, params, payload : the request; ``path`` is under ``api`` (the Graph API's
            ``/graph/v1``, or another S2 API such as ``/recommendations/v1``) and every segment of it
            that comes from data must be escaped (:func:`path_segment`).
        check : names what is wrong with the parsed JSON (None: it is fine); the JSON is returned.
        read : turns the parsed JSON into what is returned, raising ``schema.WrongShape`` when it
            cannot (see :mod:`citegraph.s2.schema`). Either is retried as an unexpected answer.

        Raises
        ------
        S2Unavailable : no readable answer within ``max_wait`` (or S2 stopped answering at all);
        S2Unreachable : never any connection; S2AuthError, S2NotFound : refusals.
        """
        if self._down:
            raise self.unavailable(self._down)
        retrying = Retrying(
            retry=retry_if_exception_type(_Transient),
            wait=self._backoff,
            stop=self._should_stop,
            before_sleep=self._announce,
            reraise=True,
        )
        started = time.monotonic()
        telling = None  # the last failure that says something about the server
        try:
            for attempt in retrying:
                with attempt:
                    first = attempt.retry_state.attempt_number == 1
                    try:
                        return self._send(method, api + path, params, payload, check, read, started, first)
                    except _Transient as exc:
                        if not exc.cut_short or telling is None:
                            telling = exc
                        raise
        except _Transient:
            exc = telling
            if exc.connection and not self._connected:
                raise self.unreachable(
                    f"cannot reach {self.service} at {self.config.shown_url} ({exc.reason})"
                ) from None
            if exc.silent and self._silent_for() + self._pacer.interval >= self.config.outage_window:
                self._down = f"nothing answered for {self._silent_for():.0f} s; the last try: {exc.reason}"
                raise self.unavailable(self._down) from None
            waited = time.monotonic() - started
            raise self.unavailable(f"{exc.reason}; gave up after {waited:.0f}s of retries") from None

    def _remaining(self, started: float) -> float:
        return self.config.max_wait - (time.monotonic() - started)

    def _silent_for(self) -> float:
        return 0.0 if self._silent_since is None else time.monotonic() - self._silent_since

    def _backoff(self, state: RetryCallState) -> float:
        exc = state.outcome.exception()
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            wait = exc.retry_after
        else:
            # Full jitter, starting at one request interval: a crowd of clients does not retry in step.
            wait = wait_random_exponential(multiplier=self._pacer.interval, max=60)(state)
        remaining = self.config.max_wait - state.seconds_since_start
        if isinstance(exc, _Transient) and exc.silent:
            remaining = min(remaining, self.config.outage_window - self._silent_for())
        return max(0.0, min(wait, remaining))

    def _should_stop(self, state: RetryCallState) -> bool:
        # The next attempt is paced at least one interval later: one that could not start in time is not made.
        if state.seconds_since_start + self._pacer.interval > self.config.max_wait:
            return True
        exc = state.outcome.exception()
        if (
            isinstance(exc, _Transient)
            and exc.silent
            and self._silent_for() + self._pacer.interval >= self.config.outage_window
        ):
            return True
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

            # Only encodings decoded here in bounded steps are asked for (see _read_body).
            headers = {**self._headers(), "accept-encoding": "gzip, deflate"}
            self._http = httpx.Client(
                timeout=self.config.timeout, headers=headers, transport=deadline_transport(self._deadline)
            )
        return self._http

    def _headers(self) -> dict[str, str]:
        """The headers every request carries (S2: the API key)."""
        return {"x-api-key": self.config.api_key} if self.config.api_key else {}

    def _observe(self, response: httpx.Response) -> None:
        """Called with every answer's headers (Crossref announces its rate limit in them)."""

    def _send(
        self, method: str, path: str, params: dict, payload: dict | None, check, read, started: float, first: bool
    ):
        """One attempt, ended by its deadline: within ``timeout``, and within ``max_wait`` of ``started``
        (a first attempt gets at least ``MIN_ATTEMPT``: a tiny ``max_wait`` still lets an answer in)."""
        import httpx

        http = self._client()  # made before pacing: its setup must not eat into the slot
        self._pacer.wait()
        self.requests += 1
        budget = min(self.config.timeout, max(self._remaining(started), MIN_ATTEMPT if first else 0.1))
        if self._silent_since is not None:  # nothing answers: no attempt outlasts the outage window
            budget = max(0.1, min(budget, self.config.outage_window - self._silent_for()))
        attempt_started = time.monotonic()
        self._deadline.at = attempt_started + budget
        try:
            with http.stream(method, self.config.root_url + path, params=params, json=payload) as response:
                status = response.status_code
                raw, whole = read_body(response, MAX_ANSWER_BYTES if status == 200 else MAX_ERROR_BYTES)
        except httpx.TimeoutException:
            reason = f"no answer within {budget:.3g}s"
            if self._silent_since is None and budget < min(self.config.timeout, MIN_ATTEMPT):
                raise _Transient(reason, cut_short=True) from None  # by --max-wait: no sign that nothing answers
            raise self._silence(reason, attempt_started) from None
        except httpx.TransportError as exc:
            connect_failed = isinstance(exc, (httpx.ConnectError, httpx.UnsupportedProtocol))
            raise self._silence(f"connection failed: {self.redact(exc)}", attempt_started, connect_failed) from None
        finally:
            self._deadline.at = math.inf
        self._connected = True
        self._silent_since = None
        self._observe(response)
        if status == 200 and not whole:  # asking again would bring the same bytes: not retried
            raise self.unavailable(
                f"{self.service}'s answer to {self.redact(path)} is larger than "
                f"{MAX_ANSWER_BYTES >> 20} MB or in an encoding not asked for; citegraph does not "
                "read it"
            )
        if status == 200:
            return self._answer(response, raw, check, read)
        body = json_or_none(raw)
        message = self._error_text(response, raw, body)
        if status == 429:
            self.rate_limited += 1
            self._pacer.slow_down()
            raise _Transient("rate limited (HTTP 429)", retry_after=retry_after(response), status=429)
        if status in RETRIED_STATUSES:
            raise _Transient(
                f"server error (HTTP {status}: {message})", retry_after=retry_after(response), status=status
            )
        raise self._refusal(status, message, response, body)

    def _answer(self, response: httpx.Response, raw: bytes, check, read):
        """A whole 200 answer read (and checked) as the caller asked; retried when it cannot be."""
        try:
            body = schema.read_json(raw)
            if check is not None:
                problem = check(body)
                if problem:
                    raise schema.WrongShape(problem)
            answer = read(body) if read is not None else body
        except schema.WrongShape as exc:
            raise _Transient(f"unexpected answer from {self.service} ({self._summary(response, raw, exc)})") from None
        self._pacer.recover()
        return answer

    def _silence(self, reason: str, attempt_started: float, connect_failed: bool = False) -> _Transient:
        """No answer at all: the first such since the last answer is said at once, with when the build
        stops (the outage window counts from the start of the attempt that got no answer)."""
        if self._silent_since is None:
            self._silent_since = attempt_started
            if self._connected:
                until = time.time() + self.config.outage_window - self._silent_for()
                self.notice(
                    Alert(
                        f"{self.service} is not answering ({reason}); retrying until "
                        f"{_clock(until)}; Ctrl-C stops, a later build resumes"
                    )
                )
        return _Transient(reason, connection=connect_failed, silent=True)

    def _summary(self, response: httpx.Response, raw: bytes, problem: Exception) -> str:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        if kind == "application/json" or raw[:1] in (b"{", b"["):
            return self.redact(problem)
        title = html_title(raw)
        return f"not JSON but {self.redact(kind)}" + (f": {self.redact(title)!r}" if title else "")

    def _refusal(self, status: int, message: str, response: httpx.Response, body) -> S2Error:
        """The error for an answer that retrying cannot change."""
        if status == 401:
            return S2AuthError("Semantic Scholar asks for an API key (HTTP 401); set S2_API_KEY to a valid key")
        if status == 403 and message == "Missing Authentication Token":
            return self._wrong_endpoint(403, response)  # what S2's gateway answers for a path it does not serve
        if status == 403:
            if self.config.api_key:
                return S2AuthError(
                    "Semantic Scholar refused the API key (HTTP 403 Forbidden); check S2_API_KEY "
                    "(keys unused for about 60 days are withdrawn), or unset it to use the public pool"
                )
            return S2AuthError(
                f"Semantic Scholar refused the request (HTTP 403: {message}); is S2_API_URL "
                f"({self.config.shown_url}) the API's base URL?"
            )
        if status == 404:
            if isinstance(body, dict) and "error" in body:  # S2's backend: the paper (or title) does not exist
                return S2NotFound(message)
            return self._wrong_endpoint(404, response)
        if status == 400:
            return S2Unavailable(f"Semantic Scholar rejected the request (HTTP 400: {message})")
        return S2Unavailable(f"Semantic Scholar answered HTTP {status} ({message}); not retried")

    def _wrong_endpoint(self, status: int, response: httpx.Response) -> S2Unreachable:
        return S2Unreachable(
            f"Semantic Scholar has no such endpoint (HTTP {status} for {response.request.url.path}); "
            f"S2_API_URL ({self.config.shown_url}) should be the API's base URL, like {DEFAULT_API_URL}"
        )

    def _error_text(self, response: httpx.Response, raw: bytes, body) -> str:
        """An error answer (``raw``: its first bytes, ``body``: their JSON, None if none) as one line:
        S2's ``error``/``message``, an HTML page's title, or the reason phrase."""
        if body is None:
            return self.redact(html_title(raw) or raw[:300].decode("utf-8", "replace") or response.reason_phrase)
        if isinstance(body, dict):
            return self.redact(body.get("error") or body.get("message") or body)
        return self.redact(body)


def _clock(epoch: float) -> str:
    return time.strftime("%H:%M", time.localtime(epoch))
