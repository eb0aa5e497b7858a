"""Reading notes: markdown, text, org-mode, BibTeX, RIS, CSL-JSON files and a Zotero library ->
deduplicated paper entries (each read or queued) and skipped links.

This module reads the line-oriented notes (markdown, text, org) and ties all readers together;
reference-manager files are read by ``reference_files``, Zotero's database by ``zotero``.
Every reader is linear in the size of its input.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from citegraph.datafiles import read_regular
from citegraph.errors import NoPapersFound, NotesError
from citegraph.notes.entries import (
    NOT_RELEVANT,
    QUEUED,
    READ,
    NoteEntry,
    Notes,
    Skipped,
    split_status_tags,
    status_word,
)
from citegraph.notes.ids import SICI_PART, LinkVerdict, classify_url, find_text_ids, strip_trailing_punctuation
from citegraph.notes.reference_files import read_bibtex, read_csl_json, read_ris
from citegraph.notes.zotero import ZoteroSource, read_zotero
from citegraph.text import one_line, title_key

__all__ = [
    "NoteEntry",
    "Notes",
    "Skipped",
    "ZoteroSource",
    "NOTE_SUFFIXES",
    "collect_files",
    "read_notes",
    "require_papers",
    "title_key",
]

# Every pattern here is linear: no two unbounded quantifiers that could share characters sit next to
# each other or inside one another (a run of spaces after a heading would otherwise be tried in
# n**3 ways). What follows a heading or label is trimmed with string methods instead.
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s")
_ORG_HEADING = re.compile(r"^(\*+)\s")
_ORG_KEYWORD_STATUS = {"TODO": QUEUED, "NEXT": QUEUED, "WAITING": QUEUED, "STARTED": QUEUED, "DONE": READ}
_ORG_KEYWORDS = frozenset({*_ORG_KEYWORD_STATUS, "CANCELED", "CANCELLED"})
_ORG_PRIORITY = re.compile(r"\[#[A-Z]\]")
_ORG_TAGS = re.compile(r":[\w@#%:]+:")
_ORG_PROPERTY = re.compile(r"^\s*:([A-Za-z_-]+):\s?")
_BOLD_LABEL = re.compile(r"^\s*(?:[-*+]\s+)?\*\*([^*\n]+)\*\*")
_TASK_BOX = re.compile(r"^\s*(?:[-*+]|[0-9]+[.)])\s+\[([ xX-])\]\s")
_NOT_RELEVANT_TAG = re.compile(r"(?<![\w#])#(?:not-?relevant|irrelevant)\b", re.IGNORECASE)
# A URL goes on past an angle bracket only through a SICI DOI's <...> part (see ids.SICI_PART).
_URL_CHARS = rf"(?:[^\s<>\[\]()\"'`]|{SICI_PART})"
_MD_URL_CHARS = rf"(?:[^\s()<>]|{SICI_PART})"
_MD_LINK = re.compile(
    rf"\[(?P<title>[^\[\]\n]{{0,1000}})\]\(\s*<?(?P<url>(?:{_MD_URL_CHARS}|\({_MD_URL_CHARS}*\))+)>?\s*"
    r"(?:\"[^\"\n]*\"\s*)?\)"
)
_ORG_LINK = re.compile(r"\[\[(?P<url>[^\[\]\n]{1,2000})\](?:\[(?P<title>[^\[\]\n]{0,1000})\])?\]")
_BARE_URL = re.compile(rf"https?://{_URL_CHARS}+(?:\({_URL_CHARS}*\){_URL_CHARS}*)*", re.IGNORECASE)
_LINE_MARKERS = re.compile(r"^[\s>*+\-]*(?:[0-9]+[.)]\s+)?(?:\[[ xX-]\]\s+)?")
_QUOTE_MARKERS = re.compile(r"^[\s>]*")
_FRONTMATTER_STATUS = re.compile(r"(?i)^status:")
# A title found beside an id or link is at most this long: one line holding thousands of ids must not
# give each of them the rest of the line (quadratic memory).
MAX_TITLE = 500


def read_notes(paths: list[str | Path], zotero: ZoteroSource | None = None) -> Notes:
    """The papers in notes files, folders and a Zotero library, one entry per paper.

    Parameters
    ----------
    paths : list of str or Path
        Files or folders (read recursively: ``NOTE_SUFFIXES``). A file given by name is read whatever
        its suffix, as markdown unless its suffix names another format.
    zotero : ZoteroSource, optional
        A Zotero library to read too (``zotero.sqlite``, optionally one collection).

    Returns
    -------
    Notes
        ``papers`` (merged across files: one entry per identifier, title-only entries folded into the
        entry with the same title), ``skipped`` links with their reason, and ``warnings`` (unreadable
        files or folders, replaced bytes) to show the user.

    Raises
    ------
    NotesError
        A path does not exist, nothing at all could be read, or the Zotero library cannot be read.

    Example
    -------
    >>> from pathlib import Path
    >>> _ = Path("reading.md").write_text("## To read\\n- [LoRA](https://arxiv.org/abs/2106.09685v2)\\n")
    >>> [(p.id, p.status, p.sources) for p in read_notes(["reading.md"]).papers]
    [('ARXIV:2106.09685', <ReadingStatus.QUEUED: 'queued'>, ['reading.md:2'])]
    """
    mentions: dict[str, list[NoteEntry]] = {}
    skipped: dict[str, Skipped] = {}
    files, warnings = collect_files(paths)
    readable = 0
    for path in files:
        try:
            data = read_regular(path)
        except OSError as exc:
            warnings.append(f"{file_name(path)}: cannot read ({exc.strerror or exc}); skipped")
            continue
        readable += 1
        text, warning = _decode(path, data)
        if warning:
            warnings.append(warning)
        found, skips, file_warnings = _reader_for(path)(text, file_name(path))
        warnings += file_warnings
        _collect(found, skips, mentions, skipped)
    if zotero is not None:
        found, skips, zotero_warnings = read_zotero(zotero)
        warnings += zotero_warnings
        _collect(found, skips, mentions, skipped)
    elif files and not readable:
        raise NotesError(f"none of the {len(files)} notes files could be read ({warnings[0]}); check their permissions")
    return Notes(_combine(mentions), list(skipped.values()), warnings)


def require_papers(notes: Notes, paths: list[str | Path], zotero: ZoteroSource | None = None) -> Notes:
    """The notes ``read_notes(paths, zotero)`` returned, unless they name no paper.

    Parameters
    ----------
    notes : Notes
        What ``read_notes`` found.
    paths, zotero
        What it read, to name in the error.

    Returns
    -------
    Notes
        ``notes`` itself.

    Raises
    ------
    NoPapersFound
        No paper in ``notes``: "no papers found in PATH, ..." (exit code 1).

    Example
    -------
    >>> from pathlib import Path
    >>> _ = Path("empty.md").write_text("# nothing here\\n")
    >>> require_papers(read_notes(["empty.md"]), ["empty.md"])
    Traceback (most recent call last):
    citegraph.errors.NoPapersFound: no papers found in empty.md
    """
    if not notes.papers:
        where = [*map(str, paths), *(["the Zotero library"] if zotero else [])]
        raise NoPapersFound(f"no papers found in {', '.join(where)}")
    return notes


def _collect(
    found: list[NoteEntry], skips: list[Skipped], mentions: dict[str, list[NoteEntry]], skipped: dict[str, Skipped]
) -> None:
    for entry in found:
        mentions.setdefault(entry.key, []).append(entry)
    for skip in skips:
        skipped.setdefault(skip.url, skip)


def _combine(mentions: dict[str, list[NoteEntry]]) -> list[NoteEntry]:
    """Merge every paper's mentions once; a title-only paper also known by id joins that id's mentions."""
    by_title: dict[str, list[NoteEntry]] = {}
    for key, group in mentions.items():
        if not key.startswith("title:"):
            for entry in group:
                if entry.title:
                    by_title.setdefault(title_key(entry.title), group)
    kept = []
    for key, group in mentions.items():
        twin = by_title.get(key.removeprefix("title:")) if key.startswith("title:") else None
        if twin is not None:
            twin.extend(group)
        else:
            kept.append(group)
    return [NoteEntry.combine(group) for group in kept]


NOTE_SUFFIXES = {".md", ".markdown", ".txt", ".org", ".bib", ".ris", ".json"}


def collect_files(paths: list[str | Path]) -> tuple[list[Path], list[str]]:
    """Every notes file under ``paths``, and a warning for each folder that could not be listed.

    Raises
    ------
    NotesError
        A path does not exist.
    """
    files: list[Path] = []
    warnings: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise NotesError(f"notes path not found: {file_name(path)}")
        if path.is_file():
            files.append(path)
            continue
        if not path.is_dir():
            warnings.append(f"{file_name(path)}: not a readable file (a pipe or device); skipped")
            continue

        def unreadable(exc: OSError) -> None:
            warnings.append(f"{file_name(exc.filename)}: cannot read folder ({exc.strerror or exc}); skipped")

        found = []
        for folder, _, names in os.walk(path, onerror=unreadable):
            for name in names:
                file = Path(folder, name)
                if file.suffix.lower() not in NOTE_SUFFIXES:
                    continue
                if file.is_file():
                    found.append(file)
                else:  # a dangling link, or a pipe or device, whose reading would block forever
                    warnings.append(f"{file_name(file)}: not a readable file (a broken link, pipe or device); skipped")
        files += sorted(found)
    return files, warnings


def file_name(path: str | Path) -> str:
    """``path`` as text that is valid UTF-8 whatever its bytes: a byte that is not UTF-8 (a file name
    from another system's encoding) is written ``\\xe9``, so the name can be stored, saved and printed.

    Example
    -------
    >>> file_name(os.fsdecode(b"caf\\xe9.md"))
    'caf\\\\xe9.md'
    """
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _reader_for(path: Path):
    return {".bib": read_bibtex, ".ris": read_ris, ".json": read_csl_json, ".org": _read_org}.get(
        path.suffix.lower(), _read_markdown
    )


def _decode(path: Path, data: bytes) -> tuple[str, str | None]:
    warning = None
    if b"\x00" in data:
        data = data.replace(b"\x00", b" ")
        warning = f"{file_name(path)}: looks binary; reading the text it contains"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        warning = warning or f"{file_name(path)}: not valid UTF-8; invalid bytes replaced"
    return text, warning


def _clean_title(text: str) -> str | None:
    text = _LINE_MARKERS.sub("", text).strip(" \t:;,.-–—|*_")
    return one_line(text) or None


def _heading_status(text: str) -> str | None:
    named = status_word(text)
    return named if named in (QUEUED, NOT_RELEVANT) else None


class _MarkdownReader:
    """Markdown and plain text, line by line: headings and bold labels are topics, lines under a paper its note."""

    link_pattern = _MD_LINK

    def __init__(self, source: str, file_status: str | None):
        self.source = source
        self.file_status = file_status
        self.headings: dict[int, tuple[list[str], str | None]] = {}  # level -> (topics, status)
        self.label: str | None = None
        self.entries: list[NoteEntry] = []
        self.skipped: list[Skipped] = []
        self.note_target: list[NoteEntry] = []
        self.note_lines: list[str] = []

    def topics(self) -> list[str]:
        topics = [topic for level in sorted(self.headings) for topic in self.headings[level][0]]
        return topics + [self.label] if self.label else topics

    def status(self, line: str) -> str | None:
        """A task box on the line wins, then the closest heading that names a status, then the file's."""
        box = _TASK_BOX.match(line)
        if _NOT_RELEVANT_TAG.search(line) or (box and box.group(1) == "-"):
            return NOT_RELEVANT
        if box:
            return QUEUED if box.group(1) == " " else READ
        for level in sorted(self.headings, reverse=True):
            if self.headings[level][1]:
                return self.headings[level][1]
        return self.file_status

    def heading(self, line: str) -> tuple[int, list[str], str | None, str | None] | None:
        """(level, topics, status, text to look for papers in) when the line is a heading."""
        match = _HEADING.match(line)
        if not match:
            return None
        # The closing #s of "## Title ##" are not part of the title.
        text = line[match.end() :].strip().rstrip("#").rstrip()
        status = _heading_status(text)
        # A queue heading ("To read") says what the papers are, not what they are about: not a topic.
        return len(match.group(1)), [] if status else [text], status, None

    def set_note_target(self, entries: list[NoteEntry]) -> None:
        # A note is joined once, when its paper stops collecting lines: appending line by line is quadratic.
        if self.note_lines:
            note = "\n".join(self.note_lines)
            for entry in self.note_target:
                entry.note = note
        self.note_target, self.note_lines = entries, []

    def line(self, number: int, line: str) -> None:
        heading = self.heading(line)
        if heading:
            level, topics, status, paper_text = heading
            self.headings = {k: v for k, v in self.headings.items() if k < level}
            self.label = None
            found = []
            if paper_text:
                found = self.papers_on_line(number, paper_text, status or self.status(paper_text))[0]
            self.headings[level] = (topics, status)
            self.entries += found
            self.set_note_target(found)
            return
        label = _BOLD_LABEL.match(line)
        if label and _is_label_end(line[label.end() :]):
            self.label = label.group(1).strip()
            self.set_note_target([])
            return
        if not line.strip():
            self.set_note_target([])
            return
        found, has_links = self.papers_on_line(number, line, self.status(line))
        if found or has_links:
            self.entries += found
            self.set_note_target(found)
        elif self.note_target:
            self.note_lines.append(_QUOTE_MARKERS.sub("", line).strip())

    def finish(self) -> None:
        self.set_note_target([])

    def papers_on_line(self, number: int, line: str, status: str | None) -> tuple[list[NoteEntry], bool]:
        """Papers on one line. Each piece of text is looked at a bounded number of times: linear."""
        where = f"{self.source}:{number}"
        links: list[tuple[int, int, str, str | None]] = []
        cursor = 0
        for match in self.link_pattern.finditer(line):
            links += _bare_links(line, cursor, match.start())
            links.append((match.start(), match.end(), match.group("url").strip(), match.group("title")))
            cursor = match.end()
        links += _bare_links(line, cursor, len(line))
        links.sort()

        found = []
        gap_start = 0
        for index, (start, end, url, title) in enumerate(links):
            gap_before = line[gap_start:start]
            found += self.ids_in_text(gap_before, where, status)
            if title is None:
                next_start = links[index + 1][0] if index + 1 < len(links) else len(line)
                title = _clean_title(line[end : min(next_start, end + MAX_TITLE)]) or _clean_title(
                    gap_before[-MAX_TITLE:]
                )
            if re.match(r"(?i)https?://", url):
                entry = self.entry_for(classify_url(url), url, title, where, status)
                if entry:
                    found.append(entry)
            gap_start = end
        found += self.ids_in_text(line[gap_start:], where, status)
        return found, bool(links)

    def ids_in_text(self, text: str, where: str, status: str | None) -> list[NoteEntry]:
        found = []
        text_ids = find_text_ids(text)
        for index, text_id in enumerate(text_ids):
            # The title is the text up to the next id (or back to the one before), at most MAX_TITLE:
            # each piece of the line is looked at twice at most.
            after = text_ids[index + 1].start if index + 1 < len(text_ids) else len(text)
            before = text_ids[index - 1].end if index else 0
            title = _clean_title(text[text_id.end : min(after, text_id.end + MAX_TITLE)]) or _clean_title(
                text[max(before, text_id.start - MAX_TITLE) : text_id.start]
            )
            found.append(NoteEntry(text_id.paper_id, title, [where], self.topics(), status=status))
        return found

    def entry_for(
        self, verdict: LinkVerdict, url: str, title: str | None, where: str, status: str | None
    ) -> NoteEntry | None:
        if verdict.skip_reason:
            self.skipped.append(Skipped(url, verdict.skip_reason, where))
            return None
        if verdict.title_only and not title:
            self.skipped.append(Skipped(url, "scholarly link with no identifier and no title", where))
            return None
        return NoteEntry(verdict.paper_id, title, [where], self.topics(), url=url, status=status)


class _OrgReader(_MarkdownReader):
    """org-mode: ``*`` headings (TODO/DONE keywords are a status, ``:tags:`` topics), ``[[url][title]]`` links.

    A heading that holds a link is the paper itself (``** TODO [[https://arxiv.org/abs/…][Title]]``):
    the text under it is its note. Property drawers are read for links (``:URL: …``), with the heading
    as the title.
    """

    link_pattern = _ORG_LINK
    heading_title: str | None = None

    def heading(self, line: str) -> tuple[int, list[str], str | None, str | None] | None:
        match = _ORG_HEADING.match(line)
        if not match:
            return None
        keyword, text, tags = _org_heading_parts(line[match.end() :])
        tag_topics, tag_status = split_status_tags((tags or "").split(":"))
        queue_heading = _heading_status(text)
        status = _ORG_KEYWORD_STATUS.get(keyword or "") or tag_status or queue_heading
        if _ORG_LINK.search(text) or _BARE_URL.search(text):
            self.heading_title = None
            return len(match.group(1)), tag_topics, status, text
        self.heading_title = text
        return len(match.group(1)), ([] if queue_heading else [text]) + tag_topics, status, None

    def line(self, number: int, line: str) -> None:
        if line.lstrip().startswith("#+") or line.strip().upper() in (":PROPERTIES:", ":END:"):
            return
        prop = _ORG_PROPERTY.match(line)
        if prop:
            # A heading with a :URL: (or :DOI:) property is the paper itself, not a topic.
            found, _ = self.papers_on_line(number, line[prop.end() :], self.status(""))
            for entry in found:
                entry.title = entry.title or self.heading_title
                entry.topics = [t for t in entry.topics if t != self.heading_title]
            self.entries += found
            if found:
                self.set_note_target(found)
            return
        super().line(number, line)


def _is_label_end(rest: str) -> bool:
    """Whether what follows ``**label**`` leaves it a label: nothing, a ``(remark)`` and/or a colon."""
    rest = rest.strip()
    if rest.startswith("("):
        close = rest.find(")")
        if close < 0 or "(" in rest[1:close]:
            return False
        rest = rest[close + 1 :].strip()
    return rest in ("", ":")


def _org_heading_parts(rest: str) -> tuple[str | None, str, str | None]:
    """(TODO keyword, title, ``:tags:``) of an org heading after its stars: ``TODO [#A] Title :a:b:``."""
    rest = rest.strip()
    words = rest.split(None, 1)
    keyword = words[0] if words and words[0] in _ORG_KEYWORDS else None
    if keyword:
        rest = words[1] if len(words) > 1 else ""
    priority = _ORG_PRIORITY.match(rest)
    if priority:
        rest = rest[priority.end() :].lstrip()
    words = rest.rsplit(None, 1)
    if len(words) == 2 and _ORG_TAGS.fullmatch(words[1]):
        return keyword, words[0], words[1]
    return keyword, rest, None


def _bare_links(line: str, start: int, end: int) -> list[tuple[int, int, str, None]]:
    links = []
    for match in _BARE_URL.finditer(line, start, end):
        url = strip_trailing_punctuation(match.group(0))
        links.append((match.start(), match.start() + len(url), url, None))
    return links


def _frontmatter_status(lines: list[str]) -> str | None:
    """``status:`` in a ``---`` frontmatter block at the top of the file (Obsidian, Jekyll, Hugo)."""
    if not lines or lines[0].strip() != "---":
        return None
    for line in lines[1:200]:
        if line.strip() == "---":
            return None
        match = _FRONTMATTER_STATUS.match(line.strip())
        if match:
            value = line.strip()[match.end() :].lstrip().lstrip("\"'")
            return status_word(re.split(r"[\"'#]", value, maxsplit=1)[0].strip())
    return None


def _read_lines(reader_class, text: str, source: str) -> tuple[list[NoteEntry], list[Skipped], list[str]]:
    lines = text.splitlines()
    reader = reader_class(source, _frontmatter_status(lines))
    for number, line in enumerate(lines, start=1):
        reader.line(number, line)
    reader.finish()
    return reader.entries, reader.skipped, []


def _read_markdown(text: str, source: str) -> tuple[list[NoteEntry], list[Skipped], list[str]]:
    return _read_lines(_MarkdownReader, text, source)


def _read_org(text: str, source: str) -> tuple[list[NoteEntry], list[Skipped], list[str]]:
    return _read_lines(_OrgReader, text, source)
