"""BibTeX for papers of the graph: `citegraph export --format bibtex`, every listing's ``--format
bibtex`` and the map's "copy as BibTeX".

Every entry written here is valid: S2's own ``citationStyles.bibtex`` is used only when it parses as
one entry of a standard type (S2 also serves ``@None{…}`` and ``@['JournalArticle',
'Conference']{…}``); otherwise the entry is generated from the metadata. Keys are ours in both
cases: first author's surname + year + first title word, deduplicated with a, b, c….
"""

from __future__ import annotations

import re
import unicodedata

import networkx as nx

from citegraph.text import one_line

__all__ = ["bibtex", "bibtex_entries"]

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

# In S2's own entries braces, backslashes, $, ~ and ^ are BibTeX/LaTeX markup; only these are raw text.
_RAW_IN_MARKUP_RE = re.compile(r"(?<!\\)[&%#_]")


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
