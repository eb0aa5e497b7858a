"""The settings: every default and every allowed value the library and the command line share.

The CLI's options take their defaults and choices from here, and the library's option classes
(`MapOptions`, `FetchOptions`, `S2Config`) validate against them with `check_choice` and
`check_range`, so a value is written once. Kept in a module that imports nothing heavy, so
``citegraph --help`` lists them without loading networkx or pandas.
"""

from enum import StrEnum
from pathlib import Path
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

# Where things are (every command's --data-dir, build's -o, mcp's --map, demo's options)
DATA_DIR = Path("data")  # the store, the saved graph and coverage.json (also CITEGRAPH_DATA_DIR)
MAP_FILE = Path("output/graph.html")  # the interactive map a build draws
DEMO_MAP_FILE, DEMO_DATA_DIR = Path("output/demo.html"), Path("data/demo")

# The questions (unread, similar, citing, clusters, suggest; the MCP tools of the same names)
TOP = 20  # papers listed by a question that ranks them
MAX_TOP = 10_000  # papers an MCP tool lists at most: an answer an assistant can still read
MIN_CITED_BY = 1  # unread: cited by at least this many of your papers
MIN_CITES = 2  # citing: cites at least this many of your papers
CITING_SORTS = ("cites", "year")  # `citing --sort`: most of your papers cited first, or newest first
CLUSTER_TOP_UNREAD = 3  # clusters: the best unread papers named per group
SUGGESTION_POOLS = ("recent", "all-cs")  # recent: papers of the last 60 days; all-cs: all computer-science papers
MAX_SUGGESTIONS = 500  # S2 recommends at most this many papers per request

# The map (MapOptions; build's and path's map options)
MAP_COLORS = (
    "auto",
    "topic",
    "cluster",
    "community",
    "year",
)  # what node colours mean; auto: by topic when your notes have two or more, else by group
MAP_SHOWS = ("folded", "all")  # folded: references cited by one of your papers only are folded into it
MAP_LAYOUTS = ("auto", "timeline")  # timeline: x is the publication year
MAP_MAX_NODES, MAP_MIN_NODES = 2000, 10  # papers drawn at most (default), and the smallest such limit
MAP_TOP_UNREAD = 25  # unread papers listed in the map's side panel

# Fetching (FetchOptions, S2Config; build's options)
DEPTHS = (1, 2, 3)
MAX_CITATIONS = 1000  # citing papers fetched per paper of yours, at most (default)
RPS = 1.0  # requests per second to Semantic Scholar (about 1/s with a key)
MIN_RPS = 0.01
# A build draws a first map (from the batch, influence unknown) only when S2's influence flags will take at
# least this many seconds more; sooner than that, the complete map is the first one worth drawing.
FIRST_VIEW_AFTER = 3.0
MAX_WAIT = 600.0  # seconds of retrying one request before it is given up
TIMEOUT = 30.0  # seconds to wait for one answer
S2_LINKED_CAP = 9_999  # S2 serves at most this many references or citations of one paper

# Reading a Semantic Scholar Datasets release (--engine, --spark-master; EngineOptions)
ENGINES = ("duckdb", "spark")  # DuckDB embedded, or Spark (pip install 'citegraph[spark]')
SPARK_MASTER = "local[*]"
LATEST_RELEASE = "latest"  # `datasets update --to-release`: the newest release S2 lists

# Crossref (CrossrefConfig; build's --no-crossref and --refresh-crossref): the references S2 withholds,
# and retraction notices. Environment: CROSSREF_API_URL, CROSSREF_MAILTO (sent in the User-Agent).
CROSSREF_API_URL = "https://api.crossref.org"
CROSSREF_RPS = 5.0  # Crossref's public pool allows about 5 requests per second (fewer if its headers say so)
CROSSREF_REFRESH_DAYS = 30  # a stored retraction status older than this is asked again
CROSSREF_DOIS_PER_REQUEST = 100  # works asked for in one /works?filter=doi:... request (status only)
CROSSREF_REFERENCED_PER_REQUEST = 20  # the same when their reference lists come too (larger answers)
UPDATE_KINDS = ("retraction", "withdrawal", "removal", "correction", "expression_of_concern")
RETRACTING_KINDS = ("retraction", "withdrawal", "removal")  # the paper is withdrawn from the record
# A notice's kind in words (the map's card, `show`, the `unread` and `suggest` column); others as Crossref names them.
UPDATE_WORDS = {
    "retraction": "retracted",
    "withdrawal": "withdrawn",
    "removal": "removed",
    "correction": "corrected",
    "expression_of_concern": "expression of concern",
}
REFERENCE_SOURCES = ("s2", "crossref")  # where a citation came from (the edges' ``source``)

MERGE_VERSIONS = True  # S2 records that are versions of one paper are one node (build --no-merge-versions: not)

# Output formats
ROW_FORMATS = ("table", "csv", "json", "md")  # listings of other rows: notes, clusters
PAPER_FORMATS = (*ROW_FORMATS, "bibtex")  # listings of papers: unread, similar, citing, suggest
REPORT_FORMATS = ("table", "json", "md")  # one answer: stats
PAPER_REPORT_FORMATS = (*REPORT_FORMATS, "bibtex")  # one answer naming papers: path, show
EXPORT_FORMATS = ("graphml", "gexf", "json", "csv", "bibtex")
PAPER_SELECTIONS = ("all", *READING_STATUSES)
MAX_PATHS = 20  # shortest paths listed by `path --all`; the rest are counted


class InfluenceWords(NamedTuple):
    words: str  # in sentences: `path`'s hops, the map's hop details
    mark: str  # in lists: `show`'s references and citers ("" for the usual case)


# S2's isInfluential flag (True, False, or None: S2 did not say) in words: the one mapping.
INFLUENCE = {
    True: InfluenceWords("influential", "influential"),
    False: InfluenceWords("not influential", ""),
    None: InfluenceWords("influence unknown", "?"),
}


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


# History of builds (`citegraph changes`, `log`, `saturation`; the map's "new" filter)
REFRESH_AFTER_DAYS = 7.0  # build: what can change (your papers' counts, their citers) is asked again once this old
SATURATION_TOP = 20  # saturation counts the papers new to this many of the top unread references
RANKING_KEPT = 100  # rows of the unread ranking each build's snapshot keeps
CLIMB_RANKS = 3  # an unread paper that stays in the top SATURATION_TOP "climbed" when it rose this many places
CHANGE_FORMATS = ("table", "csv", "json", "md")
LOG_FORMATS = ("md", "json", "csv")
