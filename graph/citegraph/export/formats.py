"""Exports: GraphML and GEXF for Gephi and Cytoscape, node-link JSON, nodes.csv + edges.csv, BibTeX.

Every BibTeX entry written here is valid: S2's own ``citationStyles.bibtex`` is used only when it
parses as one entry of a standard type (S2 also serves ``@None{…}`` and ``@['JournalArticle',
'Conference']{…}``); otherwise the entry is generated from the metadata. Keys are ours in both
cases: first author's surname + year + first title word, deduplicated with a, b, c….
"""

from __future__ import annotations

import io
import json
import re
import sys
import unicodedata
from pathlib import Path

import networkx as nx
import pandas as pd

from citegraph.constants import EXPORT_FORMATS, PAPER_SELECTIONS
from citegraph.errors import OutputError
from citegraph.questions import papers_by_status
from citegraph.text import one_line, spreadsheet_cell

__all__ = ["EXPORT_FORMATS", "PAPER_SELECTIONS", "export_graph", "bibtex", "bibtex_entries", "flat_graph"]

STANDARD_ENTRY_TYPES = frozenset(
    {
        "article",
        "book",
        "booklet",
        "conference",
        "inbook",
        "incollection",
        "inproceedings",
        "manual",
        "mastersthesis",
        "misc",
        "phdthesis",
        "proceedings",
        "techreport",
        "unpublished",
    }
)
# Fields holding identifiers or URLs: LaTeX reads them verbatim (url/doi packages), so LaTeX escapes
# would show; what could end the field or the entry (braces, a backslash, spaces, line breaks) is
# percent-encoded instead, as in a URL.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "archiveprefix"})
_VERBATIM_UNSAFE = re.compile(r"[{}\\\s\x00-\x1f\x7f]")
LATEX_SPECIALS = {
    # Braces as commands: an escaped \{ still counts for BibTeX's brace balance, \textbraceleft{} does not.
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIALS_RE = re.compile("|".join(re.escape(c) for c in LATEX_SPECIALS))
# The field an entry of these types must have: S2's own entries sometimes leave it out.
VENUE_FIELD = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}

# Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF): GraphML and GEXF
# holding one are not well-formed, and NetworkX cannot read them back.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV Injection").
STDOUT = "-"

# In S2's own entries braces, backslashes, $, ~ and ^ are BibTeX/LaTeX markup; only these are raw text.
_RAW_IN_MARKUP_RE = re.compile(r"(?<!\\)[&%#_]")


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
            path.parent.mkdir(parents=True, exist_ok=True)
            flat = flat_graph(chosen)
            csv_safe(pd.DataFrame([{"paperId": n, **d} for n, d in flat.nodes(data=True)])).to_csv(
                targets[0], index=False
            )
            csv_safe(
                pd.DataFrame(
                    [{"citing": a, "cited": b, **d} for a, b, d in flat.edges(data=True)],
                    columns=["citing", "cited", "isInfluential", "source", "intents", "contexts", "origin"],
                )
            ).to_csv(targets[1], index=False)
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


def latex_escape(text: str, markup: bool = False) -> str:
    r"""``text`` with LaTeX's special characters escaped, for a BibTeX field.

    With ``markup=True`` (a value from S2's own BibTeX) braces, backslashes, ``$``, ``~`` and
    ``^`` are taken as markup and kept; only unescaped ``& % # _`` are escaped.

    Examples
    --------
    >>> print(latex_escape("Q&A: 100% of $x_1$ ~ {y}"))
    Q\&A: 100\% of \$x\_1\$ \textasciitilde{} \textbraceleft{}y\textbraceright{}
    >>> print(latex_escape("{BERT} & $\\alpha$ \\& more", markup=True))
    {BERT} \& $\alpha$ \& more
    """
    if markup:
        return _RAW_IN_MARKUP_RE.sub(lambda m: "\\" + m.group(), text)
    return _SPECIALS_RE.sub(lambda m: LATEX_SPECIALS[m.group()], text)


def verbatim_value(value) -> str:
    """A url, doi or eprint value safe in a BibTeX field: braces, backslashes, spaces and control
    characters percent-encoded (they could close the field and start an entry of their own).

    Examples
    --------
    >>> print(verbatim_value("10.1000/x}\\n@misc{injected, title={a}}"))
    10.1000/x%7D%0A@misc%7Binjected,%20title=%7Ba%7D%7D
    """
    return _VERBATIM_UNSAFE.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode()), str(value).strip())


def _ascii_word(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode())


def bibtex_key(data: dict) -> str:
    """A paper's citation key before deduplication: first author's surname + year + first title word.

    Examples
    --------
    >>> bibtex_key({"authors": ["Jorge Pérez"], "year": 2021, "title": "Attention is Turing-Complete"})
    'Perez2021Attention'
    """
    authors = data.get("authors") or []
    surname = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else ""
    words = [_ascii_word(w) for w in re.findall(r"[^\W_]+", data.get("title") or "")]
    word = next(
        (w for w in words if len(w) > 3 and w.lower() not in {"with", "from", "that", "this"}),
        next((w for w in words if w), ""),
    )
    return f"{surname or 'Anon'}{data.get('year') or ''}{word.capitalize() if word.islower() else word}"


def _s2_entry(text: str | None):
    """S2's own entry when it parses as exactly one entry of a standard type, else None."""
    import bibtexparser

    if not text:
        return None
    library = bibtexparser.parse_string(text)
    if library.failed_blocks or len(library.entries) != 1 or len(library.blocks) != 1:
        return None
    entry = library.entries[0]
    return entry if entry.entry_type.lower() in STANDARD_ENTRY_TYPES else None


def _generated_fields(data: dict) -> tuple[str, dict]:
    """Entry type and fields from the metadata: conference, journal article, arXiv preprint or misc."""
    types = set(data.get("publicationTypes") or [])
    external = data.get("externalIds") or {}
    venue = data.get("venue") or ""
    journal = data.get("journal") or ""
    arxiv = external.get("ArXiv")
    fields = {"title": data.get("title"), "author": " and ".join(data.get("authors") or []), "year": data.get("year")}
    if "Conference" in types and venue:
        entry_type = "inproceedings"
        fields["booktitle"] = venue
    elif ("JournalArticle" in types or journal) and (journal or venue) and "arxiv" not in (journal or venue).lower():
        entry_type = "article"
        fields["journal"] = journal or venue
    else:
        entry_type = "misc"
        if arxiv:
            fields.update(eprint=arxiv, archivePrefix="arXiv")
        elif venue:
            fields["howpublished"] = venue
    if external.get("DOI"):
        fields["doi"] = external["DOI"]
    fields["url"] = data.get("url")
    return entry_type, fields


def _entry(key: str, data: dict):
    """One valid bibtexparser entry for a paper's metadata (and S2's own entry where it is valid)."""
    from bibtexparser.model import Entry, Field

    entry_type, generated = _generated_fields(data)
    fields = {
        name: latex_escape(one_line(str(value))) if name.lower() not in VERBATIM_FIELDS else verbatim_value(value)
        for name, value in generated.items()
        if value not in (None, "")
    }
    s2_entry = _s2_entry(data.get("bibtex"))
    if s2_entry is not None:
        s2_type = s2_entry.entry_type.lower()
        s2_fields = {
            f.key.lower(): verbatim_value(f.value)
            if f.key.lower() in VERBATIM_FIELDS
            else latex_escape(one_line(str(f.value)), markup=True)
            for f in s2_entry.fields
            if str(f.value).strip()
        }
        venue_field = VENUE_FIELD.get(s2_type)
        venue = data.get("journal") or data.get("venue")
        if venue_field and venue_field not in s2_fields and venue:
            s2_fields[venue_field] = latex_escape(one_line(str(venue)))
        # S2's entry decides the type and its fields win; the metadata fills what it leaves out. An
        # article or paper without any venue would not be valid BibTeX: the generated entry is used.
        if not venue_field or venue_field in s2_fields:
            entry_type = s2_type
            fields = {**{k: fields[k] for k in ("title", "author", "year", "doi", "url") if k in fields}, **s2_fields}
    return Entry(entry_type, key, [Field(name, value) for name, value in fields.items()])


def _unique_keys(graph: nx.DiGraph, paper_ids: list[str]) -> dict[str, str]:
    """Each paper's citation key, unique across ``paper_ids``: ``a``, ``b``, … appended on a clash."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    for paper_id in paper_ids:
        base = bibtex_key(graph.nodes[paper_id])
        key = base
        for suffix in (chr(c) for c in range(ord("a"), ord("z") + 1)):
            if key not in used:
                break
            key = f"{base}{suffix}"
        else:
            key = f"{base}{paper_id[:8]}"
        used.add(key)
        keys[paper_id] = key
    return keys


def bibtex_entries(graph: nx.DiGraph, paper_ids: list[str]) -> dict[str, str]:
    """Each paper's BibTeX entry on its own, with keys unique across the whole list (see `bibtex`).

    The map's "copy as BibTeX" joins any of these entries: computed together, no two share a key.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph.
    paper_ids : list of str
        The papers; a key clash is resolved in this order (the later paper gets ``a``, ``b``, …).

    Returns
    -------
    dict
        paperId -> that paper's entry (text ending with a newline), in the order of ``paper_ids``.

    Raises
    ------
    KeyError
        A paperId that is not in the graph.

    Examples
    --------
    >>> graph = example_graph()
    >>> graph.add_node("Z", **{**graph.nodes["Y"], "paperId": "Z"})
    >>> [entry.splitlines()[0] for entry in bibtex_entries(graph, ["Y", "Z"]).values()]
    ['@inproceedings{Zhang2019Root,', '@inproceedings{Zhang2019Roota,']
    """
    import bibtexparser
    from bibtexparser.middlewares import default_unparse_stack

    layout = bibtexparser.BibtexFormat()
    layout.indent = "  "
    entries = {}
    for paper_id, key in _unique_keys(graph, paper_ids).items():
        library = bibtexparser.Library()
        library.add(_entry(key, graph.nodes[paper_id]))
        # Each entry is built here and written once: writing it in place saves bibtexparser's deep copy,
        # most of the time a map with thousands of unread rows takes.
        entries[paper_id] = bibtexparser.write_string(
            library, unparse_stack=default_unparse_stack(allow_inplace_modification=True), bibtex_format=layout
        )
    return entries


def bibtex(graph: nx.DiGraph, paper_ids: list[str]) -> str:
    """BibTeX entries for papers of the graph, every one valid and with a unique key.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citegraph graph.
    paper_ids : list of str
        The papers, in the order their entries are written.

    Returns
    -------
    str
        One entry per paper. S2's ``citationStyles.bibtex`` is used when it parses as one entry
        of a standard BibTeX type (with title, author, year, doi and url from the metadata where
        it has none); otherwise the entry is generated from the metadata:
        ``@inproceedings`` + ``booktitle`` (conference paper), ``@article`` + ``journal``
        (journal article), ``@misc`` + ``eprint``/``archivePrefix`` (arXiv preprint) or ``@misc``.
        LaTeX special characters are escaped (except in url, doi, eprint); keys are first author
        + year + first title word, with ``a``, ``b``, … appended when two papers would share one.

    Raises
    ------
    KeyError
        A paperId that is not in the graph.

    Examples
    --------
    >>> print(bibtex(example_graph(), ["Y"]))
    @inproceedings{Zhang2019Root,
      title = {Root Mean Square Layer Normalization},
      author = {Biao Zhang and Rico Sennrich},
      year = {2019},
      booktitle = {Neural Information Processing Systems},
      url = {https://www.semanticscholar.org/paper/Y}
    }
    <BLANKLINE>
    """
    # bibtexparser writes a blank line between a library's entries; joined the same way here.
    return "\n\n".join(bibtex_entries(graph, paper_ids).values())
