"""Choices shared by the library and the command line.

Kept in a module that imports nothing heavy, so ``citegraph --help`` lists them without loading
networkx or pandas.
"""

from enum import StrEnum
from typing import NamedTuple


class ReadingStatus(StrEnum):
    """Where a paper stands in your reading (`citegraph.analysis.reading_status`).

    The values are the words the CLI, the JSON outputs and ``export --papers`` use. Issue 20 adds
    "not relevant" here.
    """

    READ = "read"  # in your notes, read
    QUEUED = "queued"  # in your notes' reading queue
    UNREAD = "unread"  # the others


READING_STATUSES = tuple(status.value for status in ReadingStatus)
EXPORT_FORMATS = ("graphml", "gexf", "json", "csv", "bibtex")
PAPER_SELECTIONS = ("all", *READING_STATUSES)
MAX_PATHS = 20  # shortest paths listed by `path --all`; the rest are counted
COVERAGE_FILE = "coverage.json"  # in the data dir: the last build's coverage report


class InfluenceWords(NamedTuple):
    words: str  # in sentences: `path`'s hops, the map's hop details
    mark: str  # in lists: `show`'s references and citers ("" for the usual case)


# S2's isInfluential flag (True, False, or None: S2 did not say) in words: the one mapping.
INFLUENCE = {True: InfluenceWords("influential", "influential"), False: InfluenceWords("not influential", ""),
             None: InfluenceWords("influence unknown", "?")}
