"""The exceptions citegraph raises for conditions a user can act on.

Each message is meant to be shown as-is, on one line: what failed, where, and what to do. The CLI
prints it and exits with the exception's ``exit_code``; a script catches ``CitegraphError``.

The tree::

    CitegraphError
    ├── NotesError          the notes could not be read at all                  (exit 2)
    │   └── NoPapersFound   the notes were read but name no paper                 (exit 1)
    ├── StoreError          the SQLite store is missing, damaged, foreign or locked
    ├── S2Error             Semantic Scholar gave no usable answer
    │   ├── S2Unreachable   no connection at all, or S2_API_URL is not the API (no network, a wrong URL)
    │   ├── S2AuthError     the key was refused (HTTP 401/403)
    │   ├── S2NotFound      404 for a paper's references or citations
    │   └── S2Unavailable   one request got no usable answer (retries exhausted; 400, 501)
    │       ├── S2NoList    a references/citations page answered data null with no publisher notice
    │       └── UnusableAnswer  an answer asking again would not change (a release id that would be a path)
    ├── CrossrefError       Crossref gave no usable answer (never fatal to a build: its S2 graph is drawn)
    │   ├── CrossrefNotFound     Crossref holds no such work (404)
    │   └── CrossrefUnreachable  no connection at all, or CROSSREF_API_URL is not the API
    ├── ConflictingOptions  two options that exclude each other were given together (exit 2; a ValueError)
    ├── GraphMissing        no stored graph yet, or it is damaged
    ├── CoverageDamaged     coverage.json cannot be read
    ├── CitationsMissing    `citing` asked of a graph built without --citations
    ├── OutputError         an output file cannot be written (names the file)
    ├── PaperNotFound       a paper named on the command line is not in the graph (exit 2)
    ├── AmbiguousPaper      a title fragment names several papers                 (exit 2)
    ├── NoPath              two papers are not connected
    ├── UnknownCluster      a group named on the command line is not one of the graph's (exit 2)
    ├── ReleaseMissing      a folder holds no imported S2 dataset release
    ├── ShardDamaged        a downloaded dataset shard is truncated or not gzip
    ├── DownloadFailed      a dataset shard could not be downloaded complete
    ├── ToolProblem         an MCP tool call that cannot be answered as asked
    └── NoHistory           no build kept yet (changes, log, saturation), or not the build asked for
"""

__all__ = [
    "CitegraphError",
    "NotesError",
    "NoPapersFound",
    "StoreError",
    "S2Error",
    "S2Unreachable",
    "S2AuthError",
    "S2NotFound",
    "S2Unavailable",
    "UnusableAnswer",
    "ConflictingOptions",
    "S2NoList",
    "CrossrefError",
    "CrossrefNotFound",
    "CrossrefUnreachable",
    "GraphMissing",
    "CoverageDamaged",
    "CitationsMissing",
    "OutputError",
    "PaperNotFound",
    "AmbiguousPaper",
    "NoPath",
    "UnknownCluster",
    "ReleaseMissing",
    "ShardDamaged",
    "DownloadFailed",
    "ToolProblem",
    "NoHistory",
]


class CitegraphError(Exception):
    """Base class: anything citegraph reports to the user instead of a traceback."""

    exit_code = 1


class NotesError(CitegraphError):
    """The notes could not be read at all."""

    exit_code = 2


class NoPapersFound(NotesError):
    """The notes were read but name no paper."""

    exit_code = 1


class StoreError(CitegraphError):
    """The SQLite store is missing, corrupt, foreign or locked."""


class S2Error(CitegraphError):
    """Semantic Scholar could not give an answer."""


class S2Unreachable(S2Error):
    """No connection to the API at all (wrong S2_API_URL, no network)."""


class S2AuthError(S2Error):
    """The API refused the key (HTTP 403)."""


class S2NotFound(S2Error):
    """S2 answered 404 for a paper's references or citations."""


class S2Unavailable(S2Error):
    """One request got no usable answer: retries exhausted (429, 5xx, timeouts, wrong shapes) or a refusal
    that retrying cannot change (400, 501); the item is marked failed and the build goes on."""


class UnusableAnswer(S2Unavailable):
    """An answer that asking again would not change and that citegraph will not use: a release id that
    would become a path, a listing larger than any real one, a link that names no file."""


class ConflictingOptions(CitegraphError, ValueError):
    """Two options that exclude each other were given together (a usage error, also a ValueError)."""

    exit_code = 2


class CrossrefError(CitegraphError):
    """Crossref gave no usable answer (retries exhausted, a refusal); a build goes on without it."""


class CrossrefNotFound(CrossrefError):
    """Crossref holds no such work (404 ``Resource not found.``)."""


class CrossrefUnreachable(CrossrefError):
    """No connection to Crossref at all (wrong CROSSREF_API_URL, no network)."""


class S2NoList(S2Unavailable):
    """S2 answered a page of one paper's references or citations with no list (``data: null``) and no
    publisher notice explaining it: asking again gets the same, so it is not retried within the
    build; that paper is marked failed (asked again by the next build) and the build goes on."""


class PaperNotFound(CitegraphError):
    """A paper named on the command line is not in the stored graph; ``suggestions``: the titles it
    may have meant (a typo's closest titles, possibly none)."""

    exit_code = 2

    def __init__(self, message: str, suggestions: list[str] | None = None):
        self.suggestions = suggestions or []
        super().__init__(message)


class AmbiguousPaper(CitegraphError):
    """A title fragment on the command line matches several papers."""

    exit_code = 2

    def __init__(self, query: str, candidates: list[tuple[str, str]]):
        self.query = query
        self.candidates = candidates
        super().__init__(f"{query!r} matches {len(candidates)} papers; give more of the title or an id")


class NoPath(CitegraphError):
    """Two papers are not connected in the stored graph."""


class GraphMissing(CitegraphError):
    """No stored graph yet."""


class CoverageDamaged(CitegraphError):
    """coverage.json exists but is not the report a build writes (truncated, edited)."""


class CitationsMissing(CitegraphError):
    """A question about citing papers, but no build fetched them (`build --citations`)."""


class OutputError(CitegraphError):
    """An output file cannot be written: the message names it and the reason."""


class UnknownCluster(CitegraphError):
    """A group named on the command line is not one of the graph's groups."""

    exit_code = 2


class ReleaseMissing(CitegraphError):
    """The folder holds no imported release of the S2 datasets."""


class ShardDamaged(CitegraphError):
    """A shard is truncated or not gzip: it must be downloaded again."""


class DownloadFailed(CitegraphError):
    """A shard could not be downloaded complete."""


class ToolProblem(CitegraphError):
    """An MCP tool call that cannot be answered as asked: its message is the tool error's one line."""


def describe_write_error(exc: OSError, folder) -> str:
    """What a failed write means for the user: "disk full (FOLDER has no space left)" for a full disk
    or quota, else the system's own words."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"disk full ({folder} has no space left)"
    return exc.strerror or str(exc)


class NoHistory(CitegraphError):
    """No build is kept in the store yet, or the build asked for is not one of those kept."""
