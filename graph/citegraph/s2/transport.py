"""The paced, bounded, retrying HTTP transport every Semantic Scholar call goes through, and every
Crossref call (:mod:`citegraph.crossref.client` names its service, errors, headers and refusals).

Pacing keeps request starts ``1 / rps`` apart (with a small margin, shared through a file by every
build using the same data dir), slows down by 10% on each 429 and recovers slowly, as S2 advises.
429, 500, 502, 503, 504, timeouts, dropped connections and answers of the wrong shape are retried
with exponential backoff and full jitter, bounded by ``max_wait`` per request; anything else is not
retried. The API key (and any password in ``S2_API_URL``) never appears in a message.

No server can hold a build: every attempt has a total deadline (status, headers and body
together, enforced on each socket read), a body is read as a stream and given up past
``MAX_ANSWER_BYTES`` once decoded (a gzip bomb is decompressed in bounded steps), error bodies are
summarised from their first ``MAX_ERROR_BYTES`` in linear time, and when nothing answers at all
the transport says so at once (an :class:`~citegraph.s2.records.Alert`) and gives up
``OUTAGE_WINDOW`` seconds after the last answer.
"""

from __future__ import annotations

import math
import os
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_random_exponential

from citegraph.constants import MAX_WAIT, MIN_RPS, RPS, TIMEOUT, check_range
from citegraph.datafiles import NotRegularFile, open_regular
from citegraph.errors import S2AuthError, S2Error, S2NotFound, S2Unavailable, S2Unreachable
from citegraph.s2 import schema
from citegraph.s2.records import Alert, Notice
from citegraph.text import one_line

if TYPE_CHECKING:
    import httpx

# httpx is imported when a client is made: a build with nothing to fetch never pays for it.


DEFAULT_API_URL = "https://api.semanticscholar.org"
GRAPH_API = "/graph/v1"

UNREACHABLE_ATTEMPTS = 3
RETRIED_STATUSES = {429, 500, 502, 503, 504}
# S2 advises a 10% margin: the pace starts a little under the asked rate and slows by 10% per 429.
PACE_MARGIN = 1.04
SLOW_DOWN = 1.1
RECOVER = 1.01
MAX_SLOW_DOWN = 8.0  # a 429 storm (S2 is overloaded, not us) slows the pace at most eightfold
MAX_INTERVAL = 60.0
# S2 caps its answers at 10 MB; a bigger one is not S2's and is not read past this (decoded) size.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
MAX_ERROR_BYTES = 64 * 1024  # an error answer is summarised from its beginning only
MIN_ATTEMPT = 5.0  # seconds one attempt may take however small max_wait is (a real answer takes that)
OUTAGE_WINDOW = 120.0  # seconds of nothing answering at all before the build stops
_READ_CHUNK = 64 * 1024
_INFLATE_STEP = 1024 * 1024  # bytes inflated at a time: a bomb never holds more than this beyond the body


@dataclass(frozen=True)
class S2Config:
    """How to reach Semantic Scholar.

    Parameters
    ----------
    api_url : the API's base URL (``S2_API_URL``); a trailing ``/graph/v1`` is accepted and dropped.
    api_key : sent as ``x-api-key`` (``S2_API_KEY``); redacted from every message.
    rps : requests per second, at most (S2 allows about 1 with a key).
    max_wait : seconds of retrying one request before it is given up, slow answers included (an
        attempt may still take ``MIN_ATTEMPT`` seconds when ``max_wait`` is smaller).
    timeout : seconds one attempt may take, status, headers and body together.
    rate_file : a file through which every client using it shares one rate budget (a data dir's).
    outage_window : seconds of nothing answering at all (refused, reset, timed out) after which
        requests are given up, whatever ``max_wait`` says.
    """

    api_url: str = DEFAULT_API_URL
    api_key: str | None = None
    rps: float = RPS
    max_wait: float = MAX_WAIT
    timeout: float = TIMEOUT
    rate_file: Path | None = None
    outage_window: float = OUTAGE_WINDOW

    def __post_init__(self):
        check_range("rps", self.rps, MIN_RPS)
        check_range("max_wait", self.max_wait, 0)
        check_range("timeout", self.timeout, 0)
        problem = _url_problem(self.api_url)
        if problem:
            raise S2Unreachable(
                f"S2_API_URL ({redact_url(self.api_url)!r}) is not a usable URL ({problem}); "
                f"set it to the API's base URL, like {DEFAULT_API_URL}, or unset it"
            )

    @property
    def shown_url(self) -> str:
        """``api_url`` with any user name and password in it redacted, for messages."""
        return redact_url(self.api_url)

    @classmethod
    def from_env(cls, **overrides) -> S2Config:
        values = {
            "api_url": os.environ.get("S2_API_URL") or DEFAULT_API_URL,
            "api_key": os.environ.get("S2_API_KEY") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def root_url(self) -> str:
        """The API host's root, under which ``/graph/v1``, ``/recommendations/v1`` and ``/datasets/v1`` live."""
        return re.sub(r"(/graph/v1)?/*$", "", self.api_url)


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


class _Deadline:
    """The end (monotonic seconds) of the attempt under way, checked by every socket read and write."""

    def __init__(self):
        self.at = math.inf

    def left(self, timeout: float | None) -> float:
        import httpcore

        left = self.at - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the answer did not complete in time")
        return left if timeout is None else min(timeout, left)


def _deadline_transport(deadline: _Deadline) -> httpx.HTTPTransport:
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

    transport = httpx.HTTPTransport()
    # httpx builds its pool without a way to pass a network backend; this is the same pool with ours.
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=Backend())
    return transport


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

    def __init__(self, config: S2Config, notice: Notice | None = None):
        self.config = config
        self.notice = notice or (lambda line: None)
        self.requests = 0
        self.rate_limited = 0
        self._connected = False
        self._pacer = RateBudget(config.rps, config.rate_file)
        self._http: httpx.Client | None = None
        self._deadline = _Deadline()
        self._silent_since: float | None = None  # monotonic time of the first failure since the last answer
        self._down: str | None = None  # set once nothing answered for OUTAGE_WINDOW: later requests are not made
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
                timeout=self.config.timeout, headers=headers, transport=_deadline_transport(self._deadline)
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
                raw, whole = _read_body(response, MAX_ANSWER_BYTES if status == 200 else MAX_ERROR_BYTES)
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
            try:
                body = schema.read_json(raw)
                if check is not None:
                    problem = check(body)
                    if problem:
                        raise schema.WrongShape(problem)
                answer = read(body) if read is not None else body
            except schema.WrongShape as exc:
                raise _Transient(
                    f"unexpected answer from {self.service} ({self._summary(response, raw, exc)})"
                ) from None
            self._pacer.recover()
            return answer
        body = _json_or_none(raw)
        message = self._error_text(response, raw, body)
        if status == 429:
            self.rate_limited += 1
            self._pacer.slow_down()
            raise _Transient("rate limited (HTTP 429)", retry_after=_retry_after(response), status=429)
        if status in RETRIED_STATUSES:
            raise _Transient(
                f"server error (HTTP {status}: {message})", retry_after=_retry_after(response), status=status
            )
        raise self._refusal(status, message, response, body)

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
        title = _html_title(raw)
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
            return self.redact(_html_title(raw) or raw[:300].decode("utf-8", "replace") or response.reason_phrase)
        if isinstance(body, dict):
            return self.redact(body.get("error") or body.get("message") or body)
        return self.redact(body)

    # -- the calls -----------------------------------------------------------------------------


def path_segment(value: str) -> str:
    """``value`` escaped as one URL path segment: nothing in it can leave the API's path.

    Example
    -------
    >>> path_segment("../../admin?evil=1#")
    '..%2F..%2Fadmin%3Fevil%3D1%23'
    """
    return quote(value, safe="")


def redact_url(url: str) -> str:
    """``url`` with its user name and password, if any, replaced by ``[redacted]``.

    Example
    -------
    >>> redact_url("http://user:pw@s2.example.org/graph/v1")
    'http://[redacted]@s2.example.org/graph/v1'
    """
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", r"\1[redacted]@", url)


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https"):
        return "it must start with http:// or https://"
    if not parts.hostname:
        return "it names no host"


def _clock(epoch: float) -> str:
    return time.strftime("%H:%M", time.localtime(epoch))


def _read_body(response: httpx.Response, limit: int) -> tuple[bytearray, bool]:
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


def _json_or_none(raw: bytes):
    """An error answer's JSON, None when it is not JSON."""
    try:
        return schema.read_json(raw)
    except schema.WrongShape:
        return None


def _html_title(raw: bytes) -> str | None:
    """The ``<title>`` of an HTML page, looked for in linear time in its first ``MAX_ERROR_BYTES``."""
    head = raw[:MAX_ERROR_BYTES].decode("utf-8", "replace")
    lowered = head.lower()
    start = lowered.find("<title")
    opened = lowered.find(">", start) if start >= 0 else -1
    end = lowered.find("</title", opened) if opened >= 0 else -1
    return one_line(head[opened + 1 : end])[:200] if end >= 0 else None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
