"""The interactive map: one self-contained, offline HTML file made with pyvis.

The page answers the two questions itself: a ranked unread panel (the rows of
:func:`citegraph.questions.unread`, unchanged) and shortest paths computed in the browser over the
whole graph's compact adjacency (the answers of :func:`citegraph.paths.shortest_paths`).

Not a hairball: references cited by only one of your papers are folded into that paper (counted in
its tooltip and card) unless they are on a highlighted path or among the top unread. Positions
are computed here, deterministically (the same graph gives the same picture): your papers are
spread by what they share, their references placed around them, and no two boxes (a node with its
label) overlap.

The map is made in steps, one module each: :mod:`~citegraph.map.selection` (what is drawn, what is
folded, what is left out and why), :mod:`~citegraph.map.looks` (colours, kinds, vis-network's items),
:mod:`~citegraph.map.geometry` (positions and group regions), :mod:`~citegraph.map.pagedata`
(everything the page computes with); this module puts them together, and :func:`render_page` is the
only place that talks to pyvis. The page's script is ``templates/js/``, one file per feature.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
from pathlib import Path

import networkx as nx

from citegraph.errors import OutputError
from citegraph.map.geometry import Box, cached_layout, extent, label_box, layout  # noqa: F401  (the public names)
from citegraph.map.keptfiles import UNREADABLE, read_kept, write_kept
from citegraph.map.looks import (
    KINDS,
    OTHER_COLOR,
    PALETTE,
    SMALL_MAP,
    UNKNOWN_PER_PAPER,  # noqa: F401
    node_colors,
    node_size,
    vis_edges,
    vis_nodes,
    vis_options,
)
from citegraph.map.pagedata import changes_data, edge_marks, later_work_data, page_data, page_nodes
from citegraph.map.selection import (
    MapOptions,
    choose_papers,
    color_mode,  # noqa: F401
    paper_label,
)
from citegraph.questions import reading_status, unread_papers, your_papers

TEMPLATES = Path(__file__).parent / "templates"
# The page's script, one file per feature in templates/js/, inlined in this order (they share one closure:
# a file may use what an earlier one defined when it runs).
SCRIPTS = [
    "text.js",
    "papers.js",
    "lazy.js",
    "paths.js",
    "items.js",
    "view.js",
    "names.js",
    "labels.js",
    "network.js",
    "tooltip.js",
    "hash.js",
    "card.js",
    "search.js",
    "path_panel.js",
    "unread.js",
    "later.js",
    "changes.js",
    "legend.js",
    "keys.js",
    "edges.js",
    "focus.js",
    "groups.js",
    "years.js",
    "api.js",
]
LABELLED_UNREAD = 10  # the best unread papers carry a label too
ALL_LABELLED = 100  # with up to this many papers of yours, every one of them is labelled at once
TIMELINE_EDGE_BUDGET = 40  # influential citations drawn per band of the timeline (the rest: on demand, on hover)


def map_items(
    graph: nx.DiGraph,
    options: MapOptions,
    layout_cache: Path | None = None,
    later=None,
    changes=None,
    bibtex: bool = True,
) -> tuple[list[dict], list[dict], dict]:
    """The map's vis-network nodes and edges and the page's data, for ``options`` (positions kept in
    ``layout_cache``, see :func:`cached_layout`; ``later``, ``changes``: see `render_map`). The page makes its
    nodes from ``data["nodes"]`` and its edges from the adjacency; ``bibtex``: see `page_data`."""
    from citegraph.clustering import ensure_clusters

    # Your papers, the ranking and the groups are computed once here; every step below reads them.
    ranked = unread_papers(graph, top=None)
    scores = {row.paperId: float(row.score) for row in ranked}
    by_score = sorted(scores, key=scores.get, reverse=True)
    yours = set(your_papers(graph))
    names, cluster_of = ensure_clusters(graph)
    selection = choose_papers(graph, yours, scores, by_score, options)
    mode = color_mode(graph, options.color)
    colors, legend = node_colors(graph, selection.drawn, mode)
    top_unread = set(by_score[:LABELLED_UNREAD])
    small = len(selection.drawn) <= SMALL_MAP
    # Up to ALL_LABELLED papers of yours, the layout keeps room for every label Python gives (yours, the
    # top unread) and the page shows them all; on a bigger library's map labels come by level of detail.
    room = small or len(yours) <= ALL_LABELLED
    labels, boxes = _labels_and_boxes(graph, selection.drawn, yours, top_unread, options.path, room)
    number = {name: i for i, name in enumerate(names)}
    group_of = {n: number.get(cluster_of.get(n), -1) for n in selection.drawn}
    positions, regions = cached_layout(graph, selection.drawn, boxes, options.layout, group_of, layout_cache)
    nodes = vis_nodes(graph, selection, yours, colors, boxes, labels, positions)
    for item in nodes:
        item["cluster"] = group_of[item["id"]]
    edges = vis_edges(graph, selection.drawn, hide_ordinary=not small)
    data = page_data(graph, selection, legend, options, ranked, bibtex=bibtex)
    index = {n: i for i, n in enumerate(graph.nodes)}
    data["looks"] = sorted({item["group"] for item in nodes})
    data["nodes"] = page_nodes(nodes, index, data["looks"])
    data["edgeMarks"] = edge_marks(edges, index)
    data["hideOrdinary"] = not small
    data["labelRoom"] = room
    data["edgeBudget"] = TIMELINE_EDGE_BUDGET if options.layout == "timeline" else 0
    data["colorMode"] = mode
    data["layout"] = options.layout
    data["extent"] = extent(positions, boxes, regions.values())
    data["clusters"] = [
        {
            "id": n,
            "label": names[n] if n >= 0 else "other papers",
            "region": region,
            "color": PALETTE[n] if 0 <= n < len(PALETTE) else OTHER_COLOR,
        }
        for n, region in sorted(regions.items())
    ]
    data["labelFonts"] = {kind: look["font"] for kind, look in KINDS.items()}
    data["opacity"] = {kind: look["opacity"] for kind, look in KINDS.items()}
    data["labelPriority"] = [index[n] for n in _label_priority(graph, selection.drawn, top_unread, scores)]
    data["laterWork"] = later_work_data(graph, later)
    data["changes"] = changes_data(graph, changes)
    return nodes, edges, data


def _labels_and_boxes(graph, drawn, yours, top_unread, path, room: bool) -> tuple[dict, dict]:
    """Each drawn paper's label (yours, the top unread and a path's papers are labelled) and the box the
    layout keeps for it: the label's own room when ``room``, else the dot's."""
    labels, boxes = {}, {}
    for node in drawn:
        kind = reading_status(graph.nodes[node])
        labelled = kind != "unread" or node in top_unread or node in path
        label = paper_label(graph.nodes[node]) if labelled else ""
        labels[node] = label
        boxes[node] = Box(node_size(graph, node, yours), *label_box(label if room else "", KINDS[kind]["font"]))
    return labels, boxes


def _label_priority(graph, drawn, top_unread, scores) -> list[str]:
    """The order in which the page gives labels room: yours first, then the top unread, by score, then by citations."""
    return sorted(
        drawn,
        key=lambda n: (
            reading_status(graph.nodes[n]) == "unread",
            n not in top_unread,
            -(scores.get(n) or 0),
            -(graph.nodes[n].get("citationCount") or 0),
            n,
        ),
    )


@functools.cache
def compiled_templates():
    """The page's templates compiled once per process. Each page has an Environment of its own (its globals
    are that page's), and a new Environment compiles its templates again: the includes too, of which
    vis-network's 470 KB script is lexed character by character, about 50 ms a page."""
    import jinja2

    class CompiledTemplates(jinja2.BytecodeCache):
        def __init__(self):
            self.code: dict[str, bytes] = {}

        def load_bytecode(self, bucket) -> None:
            if bucket.key in self.code:  # Jinja compares the source's checksum, and compiles again if it changed
                bucket.bytecode_from_string(self.code[bucket.key])

        def dump_bytecode(self, bucket) -> None:
            self.code[bucket.key] = bucket.bytecode_to_string()

    return CompiledTemplates()


def render_page(nodes: list[dict], edges: list[dict], options: dict, data: dict) -> str:
    """The pyvis adapter: our items, vis options and page data in, the HTML page out.

    pyvis renders the page through its own template mechanism (``set_template_dir`` and
    ``generate_html``) with our Jinja2 template, ``templates/map.html.j2``. Its template search path
    also holds pyvis's own templates folder, so the template inlines pyvis's copy of vis-network
    exactly as pyvis's template does (``{% include 'lib/vis-9.1.2/...' %}``). Two documented
    departures from pyvis's usual use:

    * the node and edge lists are handed over whole (``net.nodes``, ``net.edges``): ``add_node`` and
      ``add_edge`` scan every existing item, which is quadratic for thousands of papers, and
      ``generate_html`` only reads these two lists;
    * the page data (``data``) reaches the template as the Jinja2 global ``page``, beside the
      variables pyvis passes (``nodes``, ``edges``, ``options``).
    """
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.set_template_dir([str(TEMPLATES), net.template_dir], "map.html.j2")
    net.templateEnv.bytecode_cache = compiled_templates()
    page = dict(data)
    # the packed block (base64: nothing in it is markup) goes after the script, read after the first frame
    net.templateEnv.globals["packed"] = page.pop("lazy")
    net.templateEnv.globals["page"] = page
    net.templateEnv.globals["scripts"] = SCRIPTS
    # the page makes its vis-network items from the compact page data (``data["nodes"]``, the adjacency)
    net.nodes, net.edges, net.options = [], [], options
    return net.generate_html(name="map.html")  # the name only passes pyvis's ".html" check; we write the file


def render_map(
    graph: nx.DiGraph,
    output: Path,
    options: MapOptions | None = None,
    later=None,
    changes=None,
    *,
    stamp: dict | None = None,
    first_view: bool = False,
) -> dict:
    """Write the interactive map of ``graph`` to ``output``.

    Parameters
    ----------
    graph : networkx.DiGraph
        The citation graph (citing -> cited), as :func:`citegraph.load` returns it.
    output : Path
        The HTML file to write (its folder is created).
    options : MapOptions, optional
        Colours, folding, ``max_nodes``, layout and a path to highlight (a list of paperIds).
    later : citegraph.suggestions.Suggestions, optional
        The last stored suggestions, for the "Later work & suggestions" panel (see `later_work_data`).
    changes : citegraph.history.Changes, optional
        What changed since the previous build: the "What changed" panel, the "new" badges and filter and
        the saturation figure (see `changes_data`).
    stamp : dict, optional
        What the graph was built from (`citegraph.graphfile.read_stamp`): a page drawn from the same
        stamp with the same options, suggestions and changes is kept as it is, nothing computed.
    first_view : bool
        A build's first view, drawn again moments later: its page carries no BibTeX entries.

    Returns
    -------
    dict
        ``drawn``, ``total``, ``folded``, ``unlinked``, ``overMaxNodes`` (they add up to ``total``)
        and ``summary``, the sentence saying so.

    Raises
    ------
    OutputError
        ``output`` could not be written (a full disk, a missing permission); the message names it.

    Example
    -------
    >>> import networkx as nx, tempfile, pathlib
    >>> g = nx.DiGraph()
    >>> g.add_node("a", title="LoRA: Low-Rank Adaptation", year=2021, read=True)
    >>> g.add_node("b", title="Attention Is All You Need", year=2017, read=False)
    >>> g.add_edge("a", "b", isInfluential=True)
    >>> meta = render_map(g, pathlib.Path(tempfile.mkdtemp()) / "map.html")
    >>> meta["summary"]
    '2 of 2 papers drawn'
    """
    options = options or MapOptions()
    output = Path(output)
    kept = output.with_name(f".{output.name}.page.json")
    key = page_key(stamp, options, later, first_view, changes) if stamp is not None else None
    meta = _kept_page(kept, key, output)
    if meta is not None:
        return meta
    # The layout is kept beside the page (a hidden file): an unchanged graph is not laid out again.
    nodes, edges, data = map_items(
        graph, options, output.with_name(f".{output.name}.layout.json"), later, changes, bibtex=not first_view
    )
    html = render_page(nodes, edges, vis_options(nodes), data)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or output}: {exc.strerror or exc}") from exc
    meta = {key: data[key] for key in ("drawn", "total", "folded", "unlinked", "overMaxNodes", "summary")}
    if key is not None:
        with contextlib.suppress(OSError):  # a note that cannot be written only costs the next build the drawing
            write_kept(kept, {"key": key, "size": output.stat().st_size, "meta": meta})
    return meta


def kept_page(
    output: Path, options: MapOptions | None, later=None, changes=None, *, stamp: dict, first_view: bool = False
) -> dict | None:
    """What `render_map` would return for a page already at ``output``, drawn under the same stamp,
    options, suggestions and changes (None: it must be drawn): asked before the graph is loaded."""
    output = Path(output)
    key = page_key(stamp, options or MapOptions(), later, first_view, changes)
    return _kept_page(output.with_name(f".{output.name}.page.json"), key, output)


def page_key(stamp: dict, options: MapOptions, later, first_view: bool, changes=None) -> str:
    """A digest of everything a built page depends on: the graph's stamp, the options, the stored
    suggestions, the changes since the previous build, the kind of page and the map's own code (a changed
    map never reuses an old page)."""
    code = hashlib.sha256()
    for source in sorted(Path(__file__).parent.rglob("*")):
        if source.suffix in (".py", ".js", ".j2"):
            code.update(source.read_bytes())
    suggestions = None if later is None else [later.asked_at, later.previous, len(later.papers)]
    # the changes' rows, not the builds' numbers and times: a rebuild that changed nothing keeps its page
    # (whose "What changed" note then still names the build that drew it)
    changed = [] if changes is None else changes.rows
    inputs = [stamp, dataclasses.asdict(options), suggestions, changed, first_view, code.hexdigest()]
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


def _kept_page(kept: Path, key: str | None, output: Path) -> dict | None:
    """The summary of the page at ``output`` if it was drawn under ``key`` and is still as written."""
    if key is None:
        return None
    try:
        note = read_kept(kept)  # a FIFO or a planted, oddly shaped JSON there is no note
        if note["key"] == key and output.stat().st_size == note["size"] and isinstance(note["meta"], dict):
            return note["meta"]
    except UNREADABLE:
        pass  # no note, or an unreadable one: draw the page
    return None
