"""The settings: every default and every allowed value the library and the command line share.

The CLI's options take their defaults and choices from here, and the library's option classes
(`MapOptions`, `FetchOptions`, `S2Config`) validate against them with `check_choice` and
`check_range`, so a value is written once. Kept in a module that imports nothing heavy, so
``citegraph --help`` lists them without loading networkx or pandas.
"""

from enum import StrEnum
from typing import NamedTuple


class ReadingStatus(StrEnum):
    """Where a paper stands in your reading (`citegraph.questions.reading_status`).

    The values are the words the CLI, the JSON outputs and ``export --papers`` use.
    """

    READ = "read"  # in your notes, read
    QUEUED = "queued"  # in your notes' reading queue
    NOT_RELEVANT = "not-relevant"  # in your notes, marked not relevant: a negative example for `suggest`
    UNREAD = "unread"  # the others


READING_STATUSES = tuple(status.value for status in ReadingStatus)

# The map (MapOptions; build's and path's map options)
MAP_COLORS = ("auto", "topic", "cluster", "community", "year")  # what node colours mean; auto: by topic when your notes have two or more, else by group
MAP_SHOWS = ("folded", "all")  # folded: references cited by one of your papers only are folded into it
MAP_LAYOUTS = ("auto", "timeline")  # timeline: x is the publication year
MAP_MAX_NODES, MAP_MIN_NODES = 2000, 10  # papers drawn at most (default), and the smallest such limit
MAP_TOP_UNREAD = 25  # unread papers listed in the map's side panel

# Fetching (FetchOptions, S2Config; build's options)
DEPTHS = (1, 2, 3)
MAX_CITATIONS = 1000  # citing papers fetched per paper of yours, at most (default)
RPS = 1.0  # requests per second to Semantic Scholar (about 1/s with a key)
MIN_RPS = 0.01
MAX_WAIT = 600.0  # seconds of retrying one request before it is given up
TIMEOUT = 30.0  # seconds to wait for one answer

MERGE_VERSIONS = True  # S2 records that are versions of one paper are one node (build --no-merge-versions: not)

# Output formats
PAPER_FORMATS = ("table", "csv", "json", "md", "bibtex")  # listings of papers: unread, similar, citing
REPORT_FORMATS = ("table", "json", "md")  # one answer: stats, path, show
EXPORT_FORMATS = ("graphml", "gexf", "json", "csv", "bibtex")
PAPER_SELECTIONS = ("all", *READING_STATUSES)
MAX_PATHS = 20  # shortest paths listed by `path --all`; the rest are counted


def check_choice(name: str, value, allowed) -> None:
    """Raise a ValueError naming ``name``, ``value`` and the allowed values unless ``value`` is one of them.

    Examples
    --------
    >>> check_choice("color", "comunity", MAP_COLORS)
    Traceback (most recent call last):
    ...
    ValueError: color='comunity' is not one of: auto, topic, cluster, community, year
    """
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of: {', '.join(map(str, allowed))}")


def check_range(name: str, value, minimum) -> None:
    """Raise a ValueError naming ``name`` unless ``value`` is a number of at least ``minimum``.

    Examples
    --------
    >>> check_range("max_nodes", 5, MAP_MIN_NODES)
    Traceback (most recent call last):
    ...
    ValueError: max_nodes=5 is less than 10
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name}={value!r} is not a number")
    if value < minimum:
        raise ValueError(f"{name}={value!r} is less than {minimum}")
COVERAGE_FILE = "coverage.json"  # in the data dir: the last build's coverage report


class InfluenceWords(NamedTuple):
    words: str  # in sentences: `path`'s hops, the map's hop details
    mark: str  # in lists: `show`'s references and citers ("" for the usual case)


# S2's isInfluential flag (True, False, or None: S2 did not say) in words: the one mapping.
INFLUENCE = {True: InfluenceWords("influential", "influential"), False: InfluenceWords("not influential", ""),
             None: InfluenceWords("influence unknown", "?")}

CITING_SORTS = ("cites", "year")  # `citing --sort`: most of your papers cited first, or newest first
