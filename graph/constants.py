"""Choices shared by the library and the command line.

Kept in a module that imports nothing, so ``citegraph --help`` lists them without loading networkx
or pandas.
"""

EXPORT_FORMATS = ("graphml", "gexf", "json", "csv", "bibtex")
PAPER_SELECTIONS = ("all", "read", "unread")
MAX_PATHS = 20  # shortest paths listed by `path --all`; the rest are counted
