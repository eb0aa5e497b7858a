"""The `semanticscholar` client's API over citegraph's own transport.

citegraph asks the Graph API's paged and batch calls itself (:mod:`citegraph.s2.client`: offsets, nulls kept
in place); for the calls the `semanticscholar` package covers well — recommendations, the Datasets
API, author lookups — it uses the package's API and models (``Paper``, ``Release``, ``Dataset``,
``DatasetDiff``). The package's own requester (its httpx calls, its retries, its logging of
headers) is replaced: every request goes through :meth:`citegraph.s2.client.S2Client.request_json`, so it
shares the pacing and the rate budget file with every build using the same data dir, is retried
on 429/5xx/timeouts, has its answer's shape checked before the package reads it, never shows the
API key, and fails with one citegraph error line (:class:`citegraph.errors.S2Error`).

Requests are made one at a time, also from :class:`AsyncS2ApiClient` (the rate budget, not the
event loop, decides the pace).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, quote

from semanticscholar import AsyncSemanticScholar, SemanticScholar
from semanticscholar.ApiRequester import ApiRequester

from citegraph.errors import UnusableAnswer
from citegraph.s2.client import S2Client
from citegraph.s2.config import S2Config
from citegraph.s2.records import Notice

__all__ = ["S2ApiClient", "AsyncS2ApiClient", "TransportRequester", "client", "async_client"]

Check = Callable[[object], "str | None"]


def _papers_problem(body) -> str | None:
    papers = body.get("recommendedPapers") if isinstance(body, dict) else None
    if not isinstance(papers, list):
        return "recommendations are an object with a recommendedPapers list"
    return None  # each recommended paper is checked where it is stored (citegraph.suggestions)


# The Datasets API's answers are checked strictly: what they name becomes folders and files, and an
# answer of the wrong shape is not a glitch that asking again would cure (UnusableAnswer is not retried).
def _unusable(problem: str) -> UnusableAnswer:
    return UnusableAnswer(
        f"Semantic Scholar's Datasets API gave an answer citegraph cannot use ({problem}); nothing was written"
    )


def _releases_problem(body) -> str | None:
    if not (isinstance(body, list) and all(isinstance(r, str) for r in body)):
        raise _unusable("releases are a list of release ids")
    return None


def _release_problem(body) -> str | None:
    if not (
        isinstance(body, dict)
        and isinstance(body.get("release_id"), str)
        and isinstance(body.get("datasets"), list)
        and all(isinstance(d, dict) and isinstance(d.get("name"), str) for d in body["datasets"])
    ):
        raise _unusable("a release is an object with a release_id and a datasets list")
    return None


def _dataset_problem(body) -> str | None:
    if not (
        isinstance(body, dict)
        and isinstance(body.get("name"), str)
        and isinstance(body.get("files"), list)
        and all(isinstance(f, str) for f in body["files"])
    ):
        raise _unusable("a dataset is an object with a name and a files list of links")
    return None


def _links(value) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(link, str) for link in value))


def _diffs_problem(body) -> str | None:
    if not (
        isinstance(body, dict)
        and isinstance(body.get("diffs"), list)
        and all(
            isinstance(d, dict)
            and isinstance(d.get("from_release"), str)
            and isinstance(d.get("to_release"), str)
            and _links(d.get("update_files"))
            and _links(d.get("delete_files"))
            for d in body["diffs"]
        )
    ):
        raise _unusable(
            "dataset diffs are an object with a diffs list, each with from_release, to_release and lists of links"
        )
    return None


def _graph_problem(body) -> str | None:
    return None if isinstance(body, dict | list) else "an answer is a JSON object or list"


# (API, pattern of the path under it, check of the answer's shape); the first match decides.
ROUTES: list[tuple[str, str, Check]] = [
    ("/recommendations/v1", r"/papers/forpaper/.+", _papers_problem),
    ("/recommendations/v1", r"/papers/?", _papers_problem),
    ("/datasets/v1", r"/release/?", _releases_problem),
    ("/datasets/v1", r"/release/[^/]+", _release_problem),
    ("/datasets/v1", r"/release/[^/]+/dataset/[^/]+", _dataset_problem),
    ("/datasets/v1", r"/diffs/[^/]+/to/[^/]+/[^/]+", _diffs_problem),
    ("/graph/v1", r"/.+", _graph_problem),
]


class TransportRequester(ApiRequester):
    """The `semanticscholar` package's requester interface, answered by a :class:`citegraph.s2.client.S2Client`.

    The package builds absolute URLs from its ``api_url`` (set to the transport's root) and passes
    the query as a string; both are taken apart here and sent through ``request_json`` with the
    shape check of the endpoint. Headers the package adds are ignored: the transport sends the key.
    """

    def __init__(self, transport: S2Client):
        super().__init__(transport.config.timeout, retry=False)
        self.transport = transport

    async def get_data_async(self, url: str, parameters: str, headers: dict, payload: dict | None = None):
        api, path, check = self._route(url)
        params = dict(parse_qsl(parameters.lstrip("&"), keep_blank_values=True))
        method = "POST" if payload else "GET"
        return self.transport.request_json(method, path, params, payload, check, api=api)

    def _route(self, url: str) -> tuple[str, str, Check]:
        root = self.transport.config.root_url
        if not url.startswith(root + "/"):
            raise ValueError(f"not a Semantic Scholar API URL under {root}: {url}")
        rest = url[len(root) :]
        for api, pattern, check in ROUTES:
            if rest.startswith(api + "/") and re.fullmatch(pattern, rest[len(api) :]):
                path = rest[len(api) :]
                if ".." in path.split("/"):
                    raise ValueError(f"a path segment '..' would leave the API: {path}")
                # An id such as DOI:10.1145/x keeps its slashes (S2 reads them); '?', '#' and spaces are escaped.
                return api, quote(path, safe="/:@,"), check
        raise ValueError(f"citegraph does not route {rest} to Semantic Scholar")


def _install(async_client: AsyncSemanticScholar, transport: S2Client) -> None:
    if not isinstance(getattr(async_client, "_requester", None), ApiRequester):
        raise RuntimeError("this semanticscholar version keeps no _requester; citegraph needs semanticscholar 0.12")
    async_client._requester = TransportRequester(transport)


def _transport(source: S2Config | S2Client, notice: Notice | None) -> S2Client:
    return source if isinstance(source, S2Client) else S2Client(source, notice)


class S2ApiClient(SemanticScholar):
    """``semanticscholar.SemanticScholar`` whose every request goes through citegraph's transport.

    Parameters
    ----------
    transport : the :class:`citegraph.s2.client.S2Client` to send through (its pacing, rate budget, retries).

    Close it (or use ``with``) to close the transport's connection.
    """

    def __init__(self, transport: S2Client):
        # No key for the package: the transport sends it, so the package can never log or show it.
        super().__init__(timeout=transport.config.timeout, api_url=transport.config.root_url, retry=False)
        self.transport = transport
        _install(self._AsyncSemanticScholar, transport)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> S2ApiClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class AsyncS2ApiClient(AsyncSemanticScholar):
    """``semanticscholar.AsyncSemanticScholar`` over citegraph's transport (see :class:`S2ApiClient`)."""

    def __init__(self, transport: S2Client):
        super().__init__(timeout=transport.config.timeout, api_url=transport.config.root_url, retry=False)
        self.transport = transport
        _install(self, transport)

    def close(self) -> None:
        self.transport.close()


def client(source: S2Config | S2Client, notice: Notice | None = None) -> S2ApiClient:
    """A `semanticscholar` client whose requests go through citegraph's transport.

    Parameters
    ----------
    source : an :class:`~citegraph.s2.client.S2Client` to share (one pacing for all calls of a command), or an
        :class:`~citegraph.s2.config.S2Config` to make one from (give it ``rate_file`` to share a data dir's budget).
    notice : called with one line while waiting to retry (only when ``source`` is a config).

    Returns
    -------
    S2ApiClient
        a ``semanticscholar.SemanticScholar``: ``get_recommended_papers``, ``get_recommended_papers_from_lists``,
        ``get_available_releases``, ``get_release``, ``get_dataset_download_links``, ``get_dataset_diffs``,
        ``get_author``… return the package's models; failures raise :class:`citegraph.errors.S2Error`.

    Example
    -------
    >>> from citegraph.s2.config import S2Config
    >>> with client(S2Config(api_url="http://127.0.0.1:9")) as s2:
    ...     type(s2).__mro__[1].__name__
    'SemanticScholar'
    """
    return S2ApiClient(_transport(source, notice))


def async_client(source: S2Config | S2Client, notice: Notice | None = None) -> AsyncS2ApiClient:
    """Like :func:`client`, the package's ``AsyncSemanticScholar`` (same transport, one request at a time).

    Parameters
    ----------
    source, notice : as for :func:`client`.

    Returns
    -------
    AsyncS2ApiClient

    Example
    -------
    >>> from citegraph.s2.config import S2Config
    >>> async_client(S2Config(api_url="http://127.0.0.1:9")).transport.config.root_url
    'http://127.0.0.1:9'
    """
    return AsyncS2ApiClient(_transport(source, notice))
