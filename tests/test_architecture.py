"""The package's architecture holds: no import cycle between citegraph's modules, each module imports
only its own layer or lower ones, and the boundaries the folders promise are kept (the notes
readers touch neither network nor graph, the store knows no HTTP client, the map never asks S2).

Every import counts, at module level or inside a function (an import deferred for speed is still
a dependency); the imports are read from the source with `ast`, nothing is imported."""

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "graph" / "citegraph"

# Lowest first. A module may import modules of its own layer or of a lower one. A name ending in
# ".*" is a folder: all its modules; "citegraph" is the package's __init__.
LAYERS = [
    ["constants", "errors", "text", "datafiles"],  # settings, the exception tree, plain helpers
    ["notes.*"],  # reading your notes: files and Zotero, no network, no graph
    ["s2.*"],  # Semantic Scholar: records, answer schema, transport, Graph API calls
    [
        "store.*",
        "graphfile",
        "graphload",
        "savedgraph",
        "datadir",
    ],  # what is kept on disk: the SQLite store, the saved graph, the data dir
    ["crossref.*"],  # Crossref: withheld references and retraction notices, kept in the store
    ["fetch", "coverage"],  # notes + S2 -> the store; what was found for each entry
    ["questions.*", "lookup", "paths", "versions"],  # questions asked of a graph; versions of one paper
    ["clustering", "assemble"],  # the store -> the graph, and its groups
    ["bulk.*"],  # Semantic Scholar Datasets releases -> the store
    ["export.*", "map.*"],  # the graph -> files for other tools, the interactive page
    ["suggestions"],  # S2's recommendations for your reading
    ["history", "buildlog"],  # each build's snapshot: what changed, the log, saturation
    ["phases.*", "pipeline"],  # the whole build, and its phases
    ["demo.*"],  # the demo: a generated world built as a release
    ["cli.*", "mcp.*", "__main__", "citegraph"],  # the entry points
]

# Boundaries the layers alone do not keep: the module (or folder) never imports these citegraph
# modules, nor these other packages.
NEVER = {
    "notes.*": ["s2.*", "store.*", "fetch", "assemble", "graphfile", "graphload", "savedgraph"],
    "store.*": ["s2.transport", "s2.answers", "s2.pacing", "s2.client", "s2.adapter"],
    "map.*": ["s2.*", "fetch"],
    "questions.*": ["cli.*", "mcp.*"],
    "lookup": ["cli.*", "mcp.*"],
    "paths": ["cli.*", "mcp.*"],
}
NEVER_PACKAGES = {
    "notes.*": ["networkx", "pandas", "httpx", "semanticscholar"],
    "store.*": ["httpx", "semanticscholar"],
    "map.*": ["httpx", "semanticscholar"],
    "citegraph.*": ["tests", "bench"],  # the package never depends on its tests or its benchmarks
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_names(name: str) -> set[str]:
    """Every module name ``name`` imports anywhere in its source, relative imports made absolute."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return found


def citegraph_module(imported: str) -> str | None:
    """The citegraph module an imported name belongs to (``from citegraph.s2 import schema`` names
    ``citegraph.s2.schema``); None for other packages and the bare package."""
    while imported and imported not in MODULES:
        imported = imported.rpartition(".")[0]
    return imported if imported and imported != "citegraph" else None


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name in MODULES:
        graph.add_node(name)
        for imported in imported_names(name):
            target = citegraph_module(imported)
            if target and target != name:
                graph.add_edge(name, target)
    return graph


def matches(name: str, pattern: str) -> bool:
    """Whether the citegraph module ``name`` is what ``pattern`` names: a module (relative to the
    package, or "citegraph" itself), or a folder's modules ("s2.*"; "citegraph.*": every module)."""
    if pattern == "citegraph.*":
        return True
    if pattern.endswith(".*"):  # the folder's __init__ and its modules
        folder = f"citegraph.{pattern[:-2]}"
        return name == folder or name.startswith(folder + ".")
    return name == (pattern if pattern == "citegraph" else f"citegraph.{pattern}")


def layer_of(name: str) -> int:
    found = [number for number, layer in enumerate(LAYERS) if any(matches(name, pattern) for pattern in layer)]
    assert len(found) == 1, f"{name} is in {len(found)} layers of LAYERS: put it in exactly one"
    return found[0]


def test_the_layers_name_every_module_once():
    for name in MODULES:
        layer_of(name)


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    cycles = [sorted(component) for component in nx.strongly_connected_components(graph) if len(component) > 1]
    described = [
        " -> ".join([a for a, _ in cycle] + [cycle[0][0]])
        for cycle in (nx.find_cycle(graph.subgraph(component)) for component in cycles)
    ]
    assert not cycles, "import cycles: " + "; ".join(described)


def test_a_module_imports_only_its_own_layer_or_lower_ones():
    crossings = [
        f"{a} (layer {layer_of(a)}) imports {b} (layer {layer_of(b)})"
        for a, b in import_graph().edges
        if layer_of(b) > layer_of(a)
    ]
    assert not crossings, "\n".join(crossings)


@pytest.mark.parametrize("owner", sorted(NEVER))
def test_a_boundary_between_citegraph_modules_is_kept(owner):
    graph = import_graph()
    crossings = [
        f"{name} imports {imported}"
        for name in MODULES
        if matches(name, owner)
        for imported in sorted(graph.succ[name])
        if any(matches(imported, never) for never in NEVER[owner])
    ]
    assert not crossings, "\n".join(crossings)


@pytest.mark.parametrize("owner", sorted(NEVER_PACKAGES))
def test_a_boundary_with_other_packages_is_kept(owner):
    crossings = [
        f"{name} imports {imported}"
        for name in MODULES
        if matches(name, owner)
        for imported in sorted(imported_names(name))
        if imported.split(".")[0] in NEVER_PACKAGES[owner]
    ]
    assert not crossings, "\n".join(crossings)


def test_the_import_reading_sees_deferred_imports_and_relative_ones():
    # suggestions defers the recommendation client's import to the call; s2.client imports its schema
    # as `from citegraph.s2 import schema`
    graph = import_graph()
    assert graph.has_edge("citegraph.suggestions", "citegraph.s2.adapter")
    assert graph.has_edge("citegraph.s2.client", "citegraph.s2.schema")
