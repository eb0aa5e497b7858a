"""Reference-manager files: BibTeX (bibtexparser), RIS (rispy) and CSL-JSON -> paper entries.

Each reader returns ``(entries, skipped, warnings)``; every entry's source is ``file:line`` of the
record's first line. A keyword or tag naming a reading status (``to-read``, ``unread``, …) sets the
entry's status instead of becoming a topic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from citegraph.notes.entries import NoteEntry, Skipped, split_status_tags
from citegraph.notes.ids import classify_url, find_text_ids, normalise_arxiv, normalise_doi
from citegraph.text import one_line

_RIS_RECORD_START = re.compile(r"^TY  - ", re.MULTILINE)

Result = tuple[list[NoteEntry], list[Skipped], list[str]]


def _text_arxiv_id(values: Iterable[str | None]) -> str | None:
    """An arXiv id written in a free-text field: ``arXiv preprint arXiv:1706.03762`` (Google Scholar)."""
    for value in values:
        for found in find_text_ids(value or ""):
            if found.paper_id.startswith("ARXIV:"):
                return found.paper_id
    return None


def record_entry(
    where: str,
    title: str | None,
    doi: str | None,
    urls: list[str],
    skipped: list[Skipped],
    *,
    text_fields: Iterable[str | None] = (),
    keywords: Iterable[str] = (),
    note: str | None = None,
    label: str | None = None,
    arxiv_id: str | None = None,
) -> NoteEntry | None:
    """One record -> an entry: DOI first, then an arXiv id (given, or in the text fields), then the URLs,
    then the title alone. A record with none of them is added to ``skipped`` under its URL, else its
    ``label`` (``where`` by default)."""
    paper_id = (normalise_doi(doi) if doi and doi.strip() else None) or arxiv_id or _text_arxiv_id(text_fields)
    url = urls[0] if urls else None
    for candidate in urls:
        if paper_id:
            break
        paper_id = classify_url(candidate).paper_id
    if not paper_id and not title:
        verdict = classify_url(url) if url else None
        reason = verdict.skip_reason if verdict and verdict.skip_reason else "no identifier or title"
        skipped.append(Skipped(url or label or where, reason, where))
        return None
    topics, status = split_status_tags(keywords)
    return NoteEntry(paper_id, title, [where], topics, note or None, url, status)


# -- BibTeX -------------------------------------------------------------------------------------


def _bib_value(fields: dict, name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    return one_line(re.sub(r"[{}]", "", str(value.value))) or None


def read_bibtex(text: str, source: str) -> Result:
    """BibTeX: ``doi``, ``eprint`` (an arXiv id even without ``archivePrefix``), arXiv ids in ``journal``,
    ``note``, ``howpublished`` (Google Scholar, arXiv exports), ``url``, ``title``, ``keywords``, ``annote``."""
    import bibtexparser

    library = bibtexparser.parse_string(text)
    entries, skipped = [], []
    for bib in library.entries:
        fields = {k.lower(): v for k, v in bib.fields_dict.items()}
        value = lambda name: _bib_value(fields, name)  # noqa: E731
        eprint, prefix = value("eprint"), (value("archiveprefix") or "").lower()
        eprint_id = normalise_arxiv(eprint) if eprint and prefix in ("arxiv", "") else None
        keywords = (value("keywords") or "").split(",")
        entry = record_entry(
            f"{source}:{bib.start_line + 1}",
            value("title"),
            value("doi"),
            [u for u in [value("url")] if u],
            skipped,
            text_fields=[value("journal"), value("howpublished"), value("note")],
            keywords=keywords,
            note=value("annote") or value("note"),
            label=f"@{bib.entry_type}{{{bib.key}}}",
            arxiv_id=eprint_id,
        )
        if entry:
            entries.append(entry)
    for block in library.failed_blocks:
        skipped.append(Skipped(f"{source}:{block.start_line + 1}", "unparseable BibTeX entry", source))
    return entries, skipped, []


# -- RIS ----------------------------------------------------------------------------------------


def read_ris(text: str, source: str) -> Result:
    """RIS (Zotero, Mendeley, EndNote, publishers): ``DO``, ``UR``/``L1``…, ``TI``/``T1``, ``KW`` as topics,
    ``N1`` as the note, arXiv ids in ``JO``/``T2``/``M3``/``N1``."""
    import rispy

    starts = _record_lines(text)
    if text.rfind("ER  -") < text.rfind("TY  - "):  # some exporters leave the last record unclosed
        text += "\nER  - \n"
    try:
        records = rispy.loads(text, skip_unknown_tags=True)
    except Exception as exc:  # rispy raises bare IOError/ValueError subclasses for malformed files
        return [], [], [f"{source}: not a readable RIS file ({exc}); skipped"]
    warnings = []
    if len(records) != len(starts):
        warnings.append(
            f"{source}: {len(starts)} RIS records start but {len(records)} were read; sources show the file"
        )
    entries, skipped = [], []
    for index, record in enumerate(records):
        where = f"{source}:{starts[index]}" if len(records) == len(starts) else source
        title = record.get("title") or record.get("primary_title") or record.get("short_title")
        urls = [u for key in ("urls", "file_attachments1") for u in _as_list(record.get(key))]
        notes = record.get("notes") or []
        entry = record_entry(
            where,
            title,
            record.get("doi"),
            urls,
            skipped,
            text_fields=[
                record.get("journal_name"),
                record.get("secondary_title"),
                record.get("type_of_work"),
                record.get("alternate_title3"),
                *notes,
            ],
            keywords=record.get("keywords") or [],
            note="\n".join(notes),
            label=f"RIS record {index + 1}",
        )
        if entry:
            entries.append(entry)
    return entries, skipped, warnings


def _as_list(value) -> list[str]:
    """rispy gives a list for repeatable tags (UR, KW, N1) and a string for the others (L1)."""
    return [value] if isinstance(value, str) else list(value or [])


def _record_lines(text: str) -> list[int]:
    """The line number of every ``TY  -`` line, in one pass."""
    lines, line, position = [], 1, 0
    for match in _RIS_RECORD_START.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    return lines


# -- CSL-JSON -----------------------------------------------------------------------------------


def read_csl_json(text: str, source: str) -> Result:
    """CSL-JSON (Zotero, Better BibTeX, pandoc): a list of items with ``DOI``, ``URL``, ``title``, ``note``,
    ``keyword``; arXiv ids in ``number``/``container-title``/``archive_location``."""
    items, warning = _json_items(text, source)
    if warning:
        return [], [], [warning]
    entries, skipped, warnings = [], [], []
    for line, item in items:
        label = f"CSL item {_item_name(item, line)}"

        def text(key: str) -> str | None:
            """The item's ``key`` when it is text; a value of another type is skipped with a warning."""
            value = item.get(key)
            if value is None or isinstance(value, str):
                return value.strip() or None if value else None
            if isinstance(value, (int, float)) and key in _NUMBER_FIELDS and value == value:  # NaN != NaN
                return str(value)
            warnings.append(f"{source}:{line}: {label}: {key} is not text ({json.dumps(value)[:40]}); skipped")
            return None

        keywords = item.get("keyword")
        if isinstance(keywords, list):
            keywords = [k for k in keywords if isinstance(k, str)]
            if len(keywords) != len(item["keyword"]):
                warnings.append(f"{source}:{line}: {label}: a keyword is not text; skipped")
        else:
            keywords = re.split(r"[,;]", text("keyword") or "")
        url, note = text("URL"), text("note")
        entry = record_entry(
            f"{source}:{line}",
            text("title"),
            text("DOI"),
            [url] if url else [],
            skipped,
            text_fields=[*(text(k) for k in ("number", "container-title", "archive_location")), note],
            keywords=keywords,
            note=note,
            label=label,
        )
        if entry:
            entries.append(entry)
    return entries, skipped, warnings


# CSL fields a number may stand for ("number": 42); any other field must be text.
_NUMBER_FIELDS = frozenset({"number"})


def _item_name(item: dict, line: int) -> str:
    name = item.get("id")
    return name if isinstance(name, str) and name.isprintable() and len(name) <= 80 else str(line)


def _json_items(text: str, source: str) -> tuple[list[tuple[int, dict]], str | None]:
    """The items of a CSL-JSON array with the line each starts on; decoded one item at a time (linear)."""
    decoder = json.JSONDecoder()
    not_csl = f"{source}: not CSL-JSON (a list of items with a title, DOI or URL); skipped"
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        return [], not_csl
    items: list[tuple[int, dict]] = []
    line, counted = 1, 0
    position = _skip_space(text, position + 1)
    while position < len(text) and text[position] != "]":
        try:
            item, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            return [], f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}); skipped"
        except RecursionError:
            return [], f"{source}: nested too deeply to be CSL-JSON; skipped"
        if not isinstance(item, dict) or not {"title", "DOI", "URL", "type"} & item.keys():
            return [], not_csl
        line += text.count("\n", counted, position)
        counted = position
        items.append((line, item))
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
    return items, None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
