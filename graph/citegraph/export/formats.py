"""Graph exports: GraphML and GEXF for Gephi and Cytoscape, node-link JSON, nodes.csv + edges.csv,
and BibTeX (written by :mod:`citegraph.export.bibtex`), of the whole graph or of some of its papers.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import networkx as nx
import pandas as pd

from citegraph.constants import EXPORT_FORMATS, PAPER_SELECTIONS
from citegraph.errors import OutputError
from citegraph.export.bibtex import bibtex
from citegraph.questions import papers_by_status
from citegraph.text import spreadsheet_cell

__all__ = ["EXPORT_FORMATS", "PAPER_SELECTIONS", "export_graph", "flat_graph"]

# Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF): GraphML and GEXF
# holding one are not well-formed, and NetworkX cannot read them back.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The file name that means standard output.
STDOUT = "-"


def _flat(value):
    """GraphML/GEXF take only scalars: lists become '; '-joined text, dicts JSON, None an empty string."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def flat_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy of ``graph`` whose attributes are all scalars, as GraphML, GEXF and CSV need.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph (citing -> cited).

    Returns
    -------
    networkx.DiGraph
        Same nodes and edges; lists joined with ``"; "``, dicts as JSON text, ``None`` as ``""``,
        ``isInfluential`` as ``"true"``, ``"false"`` or ``"unknown"``; S2's BibTeX left out. Every
        citation has a ``source`` (``s2``, or ``crossref`` where S2 withholds the references), every
        paper ``retracted`` (Crossref records a retraction) and ``notice`` (see `citegraph.questions.notice_line`).

    Examples
    --------
    >>> flat = flat_graph(example_graph())
    >>> flat.nodes["A"]["authors"], flat.edges["A", "X"]["isInfluential"], flat.edges["A", "X"]["source"]
    ('Ada Lovelace; Alan Turing', 'true', 's2')
    """
    from citegraph.questions import notice_line

    flat = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        attrs = {k: _flat(v) for k, v in data.items() if k not in ("bibtex", "updates")}
        attrs.update(retracted=bool(data.get("retracted")), notice=notice_line(data))
        flat.add_node(node, **attrs)
    for a, b, data in graph.edges(data=True):
        attrs = {k: _flat(v) for k, v in data.items() if k != "isInfluential"}
        attrs["isInfluential"] = {True: "true", False: "false"}.get(data.get("isInfluential"), "unknown")
        attrs["source"] = data.get("source") or "s2"
        flat.add_edge(a, b, **attrs)
    return flat


def xml_safe_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """``graph`` (flat, as `flat_graph` makes it) with the characters XML forbids removed from its text.

    Example
    -------
    >>> graph = nx.DiGraph()
    >>> graph.add_node("A", title="Bell\\x07 curve")
    >>> xml_safe_graph(graph).nodes["A"]["title"]
    'Bell curve'
    """

    def clean(value):
        return _NOT_XML.sub("", value) if isinstance(value, str) else value

    safe = nx.DiGraph()
    safe.add_nodes_from(
        (clean(node), {clean(k): clean(v) for k, v in data.items()}) for node, data in graph.nodes(data=True)
    )
    safe.add_edges_from(
        (clean(a), clean(b), {clean(k): clean(v) for k, v in data.items()}) for a, b, data in graph.edges(data=True)
    )
    return safe


def csv_safe(frame: pd.DataFrame, terminal: bool = False) -> pd.DataFrame:
    """``frame`` with every text cell a spreadsheet would run as a formula (starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return) prefixed with ``'``, as OWASP advises; with ``terminal``,
    control characters (terminal escapes) are removed too.

    Example
    -------
    >>> csv_safe(pd.DataFrame({"title": ["=HYPERLINK(1)", "Plain"], "year": [-1, 2]})).values.tolist()
    [["'=HYPERLINK(1)", -1], ['Plain', 2]]
    """
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):  # text columns (object or string dtype)
            safe[column] = safe[column].map(
                lambda value: spreadsheet_cell(value, terminal) if isinstance(value, str) else value
            )
    return safe


def select_papers(graph: nx.DiGraph, papers: str = "all") -> list[str]:
    """The paperIds of ``papers``: ``"all"``, or one reading status (`citegraph.questions.reading_status`):
    ``"read"`` (in your notes), ``"queued"`` (in your notes' reading queue) or ``"unread"`` (the others)."""
    if papers not in PAPER_SELECTIONS:
        raise ValueError(f"unknown paper selection {papers!r}; use one of {', '.join(PAPER_SELECTIONS)}")
    return list(graph) if papers == "all" else papers_by_status(graph, papers)


def csv_paths(path: Path) -> tuple[Path, Path]:
    """The two files ``export --format csv -o PATH`` writes: PATH.nodes.csv, PATH.edges.csv (a .csv suffix dropped)."""
    path = Path(path)
    base = path.with_suffix("") if path.suffix.lower() == ".csv" else path
    return Path(f"{base}.nodes.csv"), Path(f"{base}.edges.csv")


def export_graph(graph: nx.DiGraph, fmt: str, path: Path, *, papers: str = "all") -> list[Path]:
    """Write the graph (or its read, queued or unread papers) to a file for other tools.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph (citing -> cited).
    fmt : {"graphml", "gexf", "json", "csv", "bibtex"}
        GraphML and GEXF open in Gephi and Cytoscape (scalar attributes only, see `flat_graph`);
        ``json`` is NetworkX node-link JSON with lists kept; ``csv`` writes two tables,
        ``PATH.nodes.csv`` (one row per paper, a ``paperId`` column) and ``PATH.edges.csv``
        (``citing, cited, isInfluential, source, intents, contexts, origin``), a ``.csv`` suffix of PATH
        dropped; ``bibtex`` writes one entry per paper (see `bibtex`).
    path : path-like
        The file to write (its folder is created); ``"-"`` writes to standard output. For ``csv``,
        the prefix of the two files, so it must be neither ``-`` nor a device such as ``/dev/stdout``;
        a cell starting with ``= + - @`` is prefixed with ``'`` (see `csv_safe`).
    papers : {"all", "read", "queued", "unread"}
        Which papers to write (see `select_papers`); the graph formats keep the citations among them.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    OutputError
        A file could not be written (the message names it), or ``csv`` was asked of ``-`` or a device.
    ValueError
        An unknown ``fmt`` or ``papers``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in export_graph(example_graph(), "csv", folder / "lab.csv")]
    ['lab.nodes.csv', 'lab.edges.csv']
    >>> export_graph(example_graph(), "bibtex", folder / "unread.bib", papers="unread")[0].read_text().count("@")
    3
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    to_stdout = str(path) == STDOUT
    path = Path(path)
    nodes = select_papers(graph, papers)
    chosen = graph if papers == "all" else graph.subgraph(nodes)
    targets = csv_paths(path) if fmt == "csv" else (path,)
    # /dev/stdout is a regular file when stdout is redirected to one: the /dev test catches it too.
    if fmt == "csv" and (
        to_stdout or path.exists() and not path.is_file() or path.absolute().parts[:2] == ("/", "dev")
    ):
        raise OutputError(
            f"cannot write {path}: csv writes two files, PREFIX.nodes.csv and PREFIX.edges.csv; "
            f"give a file name prefix, not a device, folder or -"
        )
    try:
        if fmt == "csv":
            _write_csv(chosen, *targets)
            return list(targets)
        content = _single_file(graph, chosen, nodes, fmt)
        if to_stdout:
            stdout = getattr(sys.stdout, "buffer", None)  # a notebook's stdout takes text only
            if stdout is None:
                sys.stdout.write(content.decode("utf-8"))
            else:
                stdout.write(content)
                stdout.flush()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    except BrokenPipeError:
        raise
    except OSError as exc:
        where = exc.filename or next((t for t in targets if not t.exists()), targets[-1])
        raise OutputError(f"cannot write {where}: {exc.strerror or exc}") from exc
    return list(targets)


def _write_csv(graph: nx.DiGraph, nodes_file: Path, edges_file: Path) -> None:
    """The two tables of a csv export: one row per paper, one per citation."""
    nodes_file.parent.mkdir(parents=True, exist_ok=True)
    flat = flat_graph(graph)
    csv_safe(pd.DataFrame([{"paperId": n, **d} for n, d in flat.nodes(data=True)])).to_csv(nodes_file, index=False)
    csv_safe(
        pd.DataFrame(
            [{"citing": a, "cited": b, **d} for a, b, d in flat.edges(data=True)],
            columns=["citing", "cited", "isInfluential", "source", "intents", "contexts", "origin"],
        )
    ).to_csv(edges_file, index=False)


def _node_link(graph: nx.DiGraph) -> dict:
    """Node-link JSON of ``graph``, each link with its ``citation_source`` (``s2`` or ``crossref``)."""
    data = nx.node_link_data(graph, edges="links")
    for link, (_, _, edge) in zip(data["links"], graph.edges(data=True)):
        link["citation_source"] = edge.get("source") or "s2"
    return data


def _single_file(graph: nx.DiGraph, chosen: nx.DiGraph, nodes: list[str], fmt: str) -> bytes:
    """The bytes of a one-file export: GraphML, GEXF, node-link JSON or BibTeX."""
    if fmt in ("graphml", "gexf"):
        buffer = io.BytesIO()
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(xml_safe_graph(flat_graph(chosen)), buffer)
        return buffer.getvalue()
    if fmt == "json":
        # node-link JSON names a link's ends "source" and "target": where a citation came from is "citation_source".
        data = _node_link(chosen)
        data["graph"] = {k: v for k, v in data["graph"].items() if k != "unresolved_references"}
        return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8", errors="backslashreplace")
    return bibtex(graph, nodes).encode("utf-8", errors="backslashreplace")
