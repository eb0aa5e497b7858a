"""Reading notes: markdown, text and BibTeX files -> deduplicated paper entries and skipped links."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import NotesError
from .ids import LinkVerdict, classify_url, find_text_ids, normalise_arxiv, normalise_doi, strip_trailing_punctuation

NOTE_SUFFIXES = {".md", ".markdown", ".txt", ".bib"}

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_LABEL = re.compile(r"^\s*(?:[-*+]\s+)?\*\*([^*\n]+)\*\*\s*(?:\([^()\n]*\))?\s*:?\s*$")
_URL_CHARS = r"[^\s<>\[\]()\"'`]"
_MD_LINK = re.compile(
    r"\[([^\[\]\n]{0,1000})\]\(\s*<?(" + r"[^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*" + r")>?(?:\s+\"[^\"\n]*\")?\s*\)"
)
_BARE_URL = re.compile(rf"https?://{_URL_CHARS}+(?:\({_URL_CHARS}*\){_URL_CHARS}*)*", re.IGNORECASE)
_LINE_MARKERS = re.compile(r"^[\s>*+\-]*(?:\d+[.)]\s+)?")
_QUOTE_MARKERS = re.compile(r"^[\s>]*")
_TITLE_NOISE = re.compile(r"[^a-z0-9]+")


def title_key(title: str) -> str:
    """Case- and punctuation-insensitive form of a title, for matching titles to each other."""
    return _TITLE_NOISE.sub(" ", title.lower()).strip()


@dataclass
class NoteEntry:
    """One paper the reader has read, merged over every place the notes mention it."""

    id: str | None
    title: str | None
    sources: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    note: str | None = None
    url: str | None = None

    @property
    def key(self) -> str:
        """What the store files this entry under: its lower-cased id, or ``title:`` + its title key."""
        return self.id.lower() if self.id else "title:" + title_key(self.title or "")

    def merge(self, other: NoteEntry) -> None:
        self.title = self.title or other.title
        self.url = self.url or other.url
        self.sources += [s for s in other.sources if s not in self.sources]
        self.topics += [t for t in other.topics if t not in self.topics]
        if other.note and other.note != self.note:
            self.note = f"{self.note}\n{other.note}" if self.note else other.note


@dataclass
class Skipped:
    url: str
    reason: str
    source: str


@dataclass
class Notes:
    papers: list[NoteEntry]
    skipped: list[Skipped]
    warnings: list[str]

    def to_dict(self) -> dict:
        return {"papers": [asdict(p) for p in self.papers], "skipped": [asdict(s) for s in self.skipped]}

    def to_frame(self):
        import pandas as pd

        rows = [
            {"id": p.id, "title": p.title, "sources": ", ".join(p.sources), "topics": ", ".join(p.topics)}
            for p in self.papers
        ]
        return pd.DataFrame(rows, columns=["id", "title", "sources", "topics"])


def collect_files(paths: list[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise NotesError(f"notes path not found: {path}")
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in NOTE_SUFFIXES)
        else:
            files.append(path)
    return files


def read_notes(paths: list[str | Path]) -> Notes:
    """Read every notes file under ``paths`` (files or folders, recursively)."""
    entries: dict[str, NoteEntry] = {}
    skipped: dict[str, Skipped] = {}
    warnings: list[str] = []
    for path in collect_files(paths):
        text, warning = _read_text(path)
        if warning:
            warnings.append(warning)
        reader = _read_bibtex if path.suffix.lower() == ".bib" else _read_markdown
        found, skips = reader(text, str(path))
        for entry in found:
            if entry.key in entries:
                entries[entry.key].merge(entry)
            else:
                entries[entry.key] = entry
        for skip in skips:
            skipped.setdefault(skip.url, skip)
    return Notes(_fold_titles_into_ids(list(entries.values())), list(skipped.values()), warnings)


def _fold_titles_into_ids(entries: list[NoteEntry]) -> list[NoteEntry]:
    """A title-only entry naming a paper that also appears with an identifier is the same paper."""
    by_title = {title_key(e.title): e for e in entries if e.id and e.title}
    kept = []
    for entry in entries:
        twin = by_title.get(title_key(entry.title or "")) if entry.id is None else None
        if twin:
            twin.merge(entry)
        else:
            kept.append(entry)
    return kept


def _read_text(path: Path) -> tuple[str, str | None]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NotesError(f"cannot read notes file {path}: {exc.strerror}") from exc
    warning = None
    if b"\x00" in data:
        data = data.replace(b"\x00", b" ")
        warning = f"{path}: looks binary; reading the text it contains"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        warning = warning or f"{path}: not valid UTF-8; invalid bytes replaced"
    return text, warning


def _clean_title(text: str) -> str | None:
    text = _LINE_MARKERS.sub("", text).strip(" \t:;,.-–—|*_")
    text = re.sub(r"\s+", " ", text)
    return text or None


class _MarkdownReader:
    def __init__(self, source: str):
        self.source = source
        self.headings: dict[int, str] = {}
        self.label: str | None = None
        self.entries: list[NoteEntry] = []
        self.skipped: list[Skipped] = []
        self.note_target: list[NoteEntry] = []

    def topics(self) -> list[str]:
        topics = [self.headings[level] for level in sorted(self.headings)]
        return topics + [self.label] if self.label else topics

    def line(self, number: int, line: str) -> None:
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            self.headings = {k: v for k, v in self.headings.items() if k < level}
            self.headings[level] = heading.group(2)
            self.label, self.note_target = None, []
            return
        label = _BOLD_LABEL.match(line)
        if label:
            self.label, self.note_target = label.group(1).strip(), []
            return
        if not line.strip():
            self.note_target = []
            return
        found, has_links = self.papers_on_line(number, line)
        if found or has_links:
            self.entries += found
            self.note_target = found
        elif self.note_target:
            text = _QUOTE_MARKERS.sub("", line).strip()
            for entry in self.note_target:
                entry.note = f"{entry.note}\n{text}" if entry.note else text

    def papers_on_line(self, number: int, line: str) -> tuple[list[NoteEntry], bool]:
        """Papers on one line. Each piece of text is looked at a bounded number of times: linear."""
        where = f"{self.source}:{number}"
        links: list[tuple[int, int, str, str | None]] = []
        cursor = 0
        for match in _MD_LINK.finditer(line):
            links += _bare_links(line, cursor, match.start())
            links.append((match.start(), match.end(), match.group(2), match.group(1)))
            cursor = match.end()
        links += _bare_links(line, cursor, len(line))
        links.sort()

        found = []
        gap_start = 0
        for index, (start, end, url, title) in enumerate(links):
            gap_before = line[gap_start:start]
            found += self.ids_in_text(gap_before, where)
            if title is None:
                next_start = links[index + 1][0] if index + 1 < len(links) else len(line)
                title = _clean_title(line[end:next_start]) or _clean_title(gap_before)
            if re.match(r"(?i)https?://", url):
                entry = self.entry_for(classify_url(url), url, title, where)
                if entry:
                    found.append(entry)
            gap_start = end
        found += self.ids_in_text(line[gap_start:], where)
        return found, bool(links)

    def ids_in_text(self, text: str, where: str) -> list[NoteEntry]:
        found = []
        for text_id in find_text_ids(text):
            title = _clean_title(text[text_id.end:]) or _clean_title(text[: text_id.start])
            found.append(NoteEntry(text_id.paper_id, title, [where], self.topics()))
        return found

    def entry_for(self, verdict: LinkVerdict, url: str, title: str | None, where: str) -> NoteEntry | None:
        if verdict.skip_reason:
            self.skipped.append(Skipped(url, verdict.skip_reason, where))
            return None
        if verdict.title_only and not title:
            self.skipped.append(Skipped(url, "scholarly link with no identifier and no title", where))
            return None
        return NoteEntry(verdict.paper_id, title, [where], self.topics(), url=url)


def _bare_links(line: str, start: int, end: int) -> list[tuple[int, int, str, None]]:
    links = []
    for match in _BARE_URL.finditer(line, start, end):
        url = strip_trailing_punctuation(match.group(0))
        links.append((match.start(), match.start() + len(url), url, None))
    return links


def _read_markdown(text: str, source: str) -> tuple[list[NoteEntry], list[Skipped]]:
    reader = _MarkdownReader(source)
    for number, line in enumerate(text.splitlines(), start=1):
        reader.line(number, line)
    return reader.entries, reader.skipped


def _bib_value(fields: dict, name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    text = re.sub(r"[{}]", "", str(value.value)).strip()
    return re.sub(r"\s+", " ", text) or None


def _read_bibtex(text: str, source: str) -> tuple[list[NoteEntry], list[Skipped]]:
    import bibtexparser

    library = bibtexparser.parse_string(text)
    entries, skipped = [], []
    for bib in library.entries:
        fields = {k.lower(): v for k, v in bib.fields_dict.items()}
        where = f"{source}:{bib.start_line + 1}"
        title, url = _bib_value(fields, "title"), _bib_value(fields, "url")
        eprint, prefix = _bib_value(fields, "eprint"), (_bib_value(fields, "archiveprefix") or "").lower()
        paper_id = None
        if _bib_value(fields, "doi"):
            paper_id = normalise_doi(re.sub(r"(?i)^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", _bib_value(fields, "doi")))
        elif eprint and (prefix == "arxiv" or not prefix):
            paper_id = normalise_arxiv(eprint)
        if not paper_id and url:
            verdict = classify_url(url)
            if verdict.skip_reason and not title:
                skipped.append(Skipped(url, verdict.skip_reason, where))
                continue
            paper_id = verdict.paper_id
        if not paper_id and not title:
            skipped.append(Skipped(url or f"@{bib.entry_type}{{{bib.key}}}", "no identifier or title", where))
            continue
        keywords = [k.strip() for k in (_bib_value(fields, "keywords") or "").split(",") if k.strip()]
        note = _bib_value(fields, "annote") or _bib_value(fields, "note")
        entries.append(NoteEntry(paper_id, title, [where], keywords, note, url))
    for block in library.failed_blocks:
        skipped.append(Skipped(f"{source}:{block.start_line + 1}", "unparseable BibTeX entry", source))
    return entries, skipped
