"""Reading notes -> paper entries with a reading status, and the links that are not papers.

One reader per format family: markdown, text and org (``reader``), BibTeX, RIS and CSL-JSON
(``reference_files``), a Zotero library (``zotero``); ``ids`` finds paper identifiers in text and
links; ``entries`` holds what every reader produces. Nothing here touches the network or the graph.
"""
