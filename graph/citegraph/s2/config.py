"""How to reach a web service citegraph asks (Semantic Scholar, Crossref): its URL, pace and
patience, checked when made, read from the environment, and the URL helpers every message and
request path goes through (a password in a URL is never shown, data never leaves a path segment).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, urlsplit

from citegraph.constants import MAX_WAIT, MIN_RPS, RPS, TIMEOUT, check_range
from citegraph.errors import S2Unreachable

DEFAULT_API_URL = "https://api.semanticscholar.org"
GRAPH_API = "/graph/v1"
OUTAGE_WINDOW = 120.0  # seconds of nothing answering at all before the build stops


@dataclass(frozen=True)
class ServiceConfig:
    """What every service's settings share; a service's subclass names its defaults, its
    environment variables and its error.

    Parameters
    ----------
    api_url : the API's base URL.
    rps : requests per second, at most.
    max_wait : seconds of retrying one request before it is given up, slow answers included (an
        attempt may still take a few seconds when ``max_wait`` is smaller).
    timeout : seconds one attempt may take, status, headers and body together.
    rate_file : a file through which every client using it shares one rate budget (a data dir's).
    outage_window : seconds of nothing answering at all (refused, reset, timed out) after which
        requests are given up, whatever ``max_wait`` says.
    """

    api_url: str = DEFAULT_API_URL
    rps: float = RPS
    max_wait: float = MAX_WAIT
    timeout: float = TIMEOUT
    rate_file: Path | None = None
    outage_window: float = OUTAGE_WINDOW

    url_variable: ClassVar[str] = ""  # the environment variable naming api_url
    unusable_url: ClassVar[type[Exception]] = S2Unreachable  # raised for an api_url that is no URL

    def __post_init__(self):
        check_range("rps", self.rps, MIN_RPS)
        check_range("max_wait", self.max_wait, 0)
        check_range("timeout", self.timeout, 0)
        problem = url_problem(self.api_url)
        if problem:
            raise self.unusable_url(
                f"{self.url_variable} ({redact_url(self.api_url)!r}) is not a usable URL ({problem}); "
                f"set it to the API's base URL, like {self.default_url()}, or unset it"
            )

    @classmethod
    def default_url(cls) -> str:
        return cls.__dataclass_fields__["api_url"].default

    @classmethod
    def environment(cls) -> dict:
        """The settings the environment gives besides the URL (an API key, a contact address)."""
        return {}

    @classmethod
    def from_env(cls, **overrides):
        """The settings from the environment, ``overrides`` (None: not given) taking precedence."""
        values = {"api_url": os.environ.get(cls.url_variable) or cls.default_url(), **cls.environment()}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def shown_url(self) -> str:
        """``api_url`` with any user name and password in it redacted, for messages."""
        return redact_url(self.api_url)

    @property
    def root_url(self) -> str:
        """The URL every request path is appended to."""
        return self.api_url.rstrip("/")


@dataclass(frozen=True)
class S2Config(ServiceConfig):
    """How to reach Semantic Scholar: see :class:`ServiceConfig`, and

    Parameters
    ----------
    api_url : the API's base URL (``S2_API_URL``); a trailing ``/graph/v1`` is accepted and dropped.
    api_key : sent as ``x-api-key`` (``S2_API_KEY``); redacted from every message.
    rps : requests per second, at most (S2 allows about 1 with a key).
    """

    api_key: str | None = None

    url_variable: ClassVar[str] = "S2_API_URL"

    @classmethod
    def environment(cls) -> dict:
        return {"api_key": os.environ.get("S2_API_KEY") or None}

    @property
    def root_url(self) -> str:
        """The API host's root, under which ``/graph/v1``, ``/recommendations/v1`` and ``/datasets/v1`` live."""
        return re.sub(r"(/graph/v1)?/*$", "", self.api_url)


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


def url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https"):
        return "it must start with http:// or https://"
    if not parts.hostname:
        return "it names no host"
