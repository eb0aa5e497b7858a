"""citegraph: reading notes -> Semantic Scholar -> a citation graph you can question and explore.

The data flow, one module or folder per stage::

    notes/ -> s2/ (or bulk/) -> store -> fetch -> coverage -> assemble -> questions/, paths -> map/, export/
                                      (graphfile: the saved graph on disk)
                       pipeline chains them; cli/ prints them; mcp/ serves them to an assistant

The names below are what a script needs; each is imported on first use, so ``import citegraph``
(and ``citegraph --help``) stays instant.

Example
-------
>>> import citegraph
>>> {"build", "load", "unread", "shortest_paths"} <= set(citegraph.__all__)
True
"""

from importlib import import_module

from citegraph.errors import __all__ as _ERRORS

# Public name -> the module defining it. No public name is also a submodule's name (the function
# that writes files for other tools is `export_graph`, in `citegraph.export.formats`): importing a
# submodule sets it as an attribute of the package, and a name shared with one would be the
# function or the module depending on what was imported before.
_EXPORTS = {
    "build": "pipeline",
    "load": "datadir",
    "BuildResult": "pipeline",
    "FetchOptions": "fetch",
    "S2Config": "s2.config",
    "CrossrefConfig": "crossref.client",
    "read_notes": "notes.reader",
    "unread": "questions",
    "unread_papers": "questions",
    "shortest_paths": "paths",
    "most_similar": "questions",
    "similar_papers": "questions",
    "top_citing": "questions",
    "citing_papers": "questions",
    "paper_card": "questions",
    "graph_stats": "questions",
    "reading_status": "questions",
    "resolve_paper": "lookup",
    "find_paper": "lookup",
    "ReadingStatus": "constants",
    "clusters": "clustering",
    "unread_in_cluster": "clustering",
    "render_map": "map.render",
    "MapOptions": "map.render",
    "export_graph": "export.formats",
    "bibtex": "export.bibtex",
    "suggest": "suggestions",
    "Suggestions": "suggestions",
    "stored_changes": "history",
    "Changes": "history",
    **{name: "errors" for name in _ERRORS},
}
__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    if name == "__version__":  # from the installed metadata, so it is written once (pyproject.toml)
        from importlib.metadata import version

        value = version("citegraph")
    elif name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    else:
        raise AttributeError(f"module 'citegraph' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
