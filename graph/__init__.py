"""citegraph: reading notes -> Semantic Scholar -> a citation graph you can question and explore.

The data flow, one module per stage::

    notes -> ids -> s2 -> store -> fetch -> coverage -> assemble -> analysis -> render / export
                                                   pipeline chains them; cli prints them

The names below are what a script needs; each is imported on first use, so ``import citegraph``
(and ``citegraph --help``) stays instant.

Example
-------
>>> import citegraph
>>> {"build", "load", "unread", "shortest_paths"} <= set(citegraph.__all__)
True
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "build": "pipeline", "load": "pipeline", "BuildResult": "pipeline",
    "read_notes": "notes",
    "unread": "analysis", "shortest_paths": "analysis", "most_similar": "analysis", "top_citing": "analysis",
    "paper_card": "analysis", "graph_stats": "analysis", "resolve_paper": "naming", "find_paper": "naming",
    "clusters": "groups", "unread_in_cluster": "groups",
    "render_map": "render", "MapOptions": "render",
    "export": "export", "bibtex": "export",
    "CitegraphError": "errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'citegraph' has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
