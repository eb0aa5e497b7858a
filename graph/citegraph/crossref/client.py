"""Crossref's REST API calls citegraph makes: many works per request, the fields it needs only.

Every request goes through citegraph's own transport (:class:`citegraph.s2.transport.Transport`):
paced (and slowed to what Crossref's ``X-Rate-Limit-Limit``/``-Interval`` headers announce), retried
on 429/5xx/timeouts with backoff, each attempt under a deadline, answers size-capped and read
through a declared schema (:mod:`citegraph.crossref.schema`), an outage said at once.

Why not ``habanero``, Crossref's recommended Python client: it makes its requests with its own
``requests`` session, which cannot be handed our transport, so it would lose the deadlines, size caps,
shared rate budget and redaction; and its ``works(ids=...)`` asks one request per DOI where the
``filter=doi:A,doi:B`` form used here asks one per hundred. The two calls we need are small enough
to make directly.

What is sent: the DOIs of your notes' papers, of the papers the unread ranking and the suggestions
list, and of those whose references S2 withholds (with ``--no-crossref``, nothing).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from citegraph.constants import CROSSREF_API_URL, CROSSREF_DOIS_PER_REQUEST, CROSSREF_RPS
from citegraph.crossref import schema
from citegraph.crossref.records import Work
from citegraph.errors import CrossrefError, CrossrefNotFound, CrossrefUnreachable
from citegraph.s2.config import ServiceConfig, path_segment
from citegraph.s2.pacing import PACE_MARGIN
from citegraph.s2.transport import Transport

if TYPE_CHECKING:
    import httpx

WORK_FIELDS = ["DOI", "updated-by"]
REFERENCE_FIELDS = WORK_FIELDS + ["reference"]
NOT_FOUND = "Resource not found."  # Crossref's 404 body (text/plain) for a DOI it does not hold


@dataclass(frozen=True)
class CrossrefConfig(ServiceConfig):
    """How to reach Crossref: see :class:`citegraph.s2.config.ServiceConfig`, and

    Parameters
    ----------
    api_url : the API's base URL (``CROSSREF_API_URL``).
    mailto : an address sent in the User-Agent (``CROSSREF_MAILTO``): Crossref's "polite pool".
    """

    api_url: str = CROSSREF_API_URL
    rps: float = CROSSREF_RPS
    mailto: str | None = None
    api_key: ClassVar[None] = None  # Crossref's public API takes no key: nothing to send or redact

    url_variable: ClassVar[str] = "CROSSREF_API_URL"
    unusable_url: ClassVar[type[Exception]] = CrossrefUnreachable

    @classmethod
    def environment(cls) -> dict:
        return {"mailto": os.environ.get("CROSSREF_MAILTO") or None}


class CrossrefClient(Transport):
    """The Crossref calls, each one request, each raising a :class:`CrossrefError` on failure."""

    service = "Crossref"
    unavailable = CrossrefError
    unreachable = CrossrefUnreachable

    def __init__(self, config: CrossrefConfig, notice=None):
        super().__init__(config, notice)

    def works(self, dois: list[str], with_references: bool = False) -> dict[str, Work | None]:
        """``{doi: its work, or None when Crossref holds none}`` for these DOIs (lower case), in one
        request (a DOI with a comma, which the filter cannot carry, in one request of its own)."""
        dois = list(dict.fromkeys(d.lower() for d in dois))
        if not 0 < len(dois) <= CROSSREF_DOIS_PER_REQUEST:
            raise ValueError(f"one request asks for 1 to {CROSSREF_DOIS_PER_REQUEST} DOIs, not {len(dois)}")
        found: dict[str, Work | None] = dict.fromkeys(dois)
        filterable = [d for d in dois if "," not in d]
        fields = ",".join(REFERENCE_FIELDS if with_references else WORK_FIELDS)
        if filterable:
            params = {"filter": ",".join(f"doi:{d}" for d in filterable), "rows": len(filterable), "select": fields}
            for work in self.request_json(
                "GET", "/works", params, None, api="", read=lambda body: schema.work_list(body, with_references)
            ):
                if work.doi in found:
                    found[work.doi] = work
        for doi in dois:
            if "," in doi:
                found[doi] = self.work(doi, with_references)
        return found

    def work(self, doi: str, with_references: bool = True) -> Work | None:
        """One work by its DOI (escaped as one path segment), None when Crossref holds none."""
        try:
            return self.request_json(
                "GET",
                f"/works/{path_segment(doi)}",
                {},
                None,
                api="",
                read=lambda body: schema.single_work(body, with_references),
            )
        except CrossrefNotFound:
            return None

    # -- what differs from S2 --------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        from importlib.metadata import PackageNotFoundError, version

        try:
            ours = version("citegraph")
        except PackageNotFoundError:
            ours = "dev"
        contact = f" (mailto:{self.config.mailto})" if self.config.mailto else ""
        return {"user-agent": f"citegraph/{ours}{contact}"}

    def _observe(self, response: httpx.Response) -> None:
        """Crossref says its rate in headers (``50`` per ``1s``): never ask faster than that."""
        limit, interval = response.headers.get("x-rate-limit-limit"), response.headers.get("x-rate-limit-interval")
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*s?\s*", interval or "")
        try:
            allowed = float(limit) / float(match.group(1)) if limit and match and float(match.group(1)) > 0 else None
        except ValueError:
            allowed = None
        if allowed and allowed > 0:
            slowest = PACE_MARGIN / allowed
            if slowest > self._pacer.base:
                self._pacer.base = self._pacer.interval = slowest

    def _refusal(self, status: int, message: str, response, body) -> CrossrefError:
        if status == 404 and response.request.url.path.rstrip("/") != "/works":
            if message.strip() == NOT_FOUND or (isinstance(body, dict) and body.get("status") == "error"):
                return CrossrefNotFound(message)
            return CrossrefUnreachable(
                f"Crossref has no such endpoint (HTTP 404 for {response.request.url.path}); "
                f"CROSSREF_API_URL ({self.config.shown_url}) should be the API's base URL, "
                f"like {CROSSREF_API_URL}"
            )
        if status == 400:
            return CrossrefError(f"Crossref rejected the request (HTTP 400: {message})")
        return CrossrefError(f"Crossref answered HTTP {status} ({message}); not retried")
