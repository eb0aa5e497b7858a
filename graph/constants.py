"""Choices shared by the library and the command line.

Kept in a module that imports nothing, so ``citegraph --help`` lists them without loading networkx
or pandas.
"""

READING_STATUSES = ("read", "queued", "unread")  # see citegraph.analysis.reading_status
EXPORT_FORMATS = ("graphml", "gexf", "json", "csv", "bibtex")
PAPER_SELECTIONS = ("all", *READING_STATUSES)
MAX_PATHS = 20  # shortest paths listed by `path --all`; the rest are counted
