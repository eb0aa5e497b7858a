"""Markdown and plain-text notes, line by line: headings and bold labels are topics, task boxes,
headings and frontmatter say a paper's reading status, links and ids on a line are its papers, the
lines under a paper its note. Every pattern here is linear in the size of its input.
"""

from __future__ import annotations

import re

from citegraph.notes.entries import NOT_RELEVANT, QUEUED, READ, NoteEntry, Skipped, status_word
from citegraph.notes.ids import SICI_PART, LinkVerdict, TextId, classify_url, find_text_ids, strip_trailing_punctuation
from citegraph.text import one_line

# Every pattern here is linear: no two unbounded quantifiers that could share characters sit next to
# each other or inside one another (a run of spaces after a heading would otherwise be tried in
# n**3 ways). What follows a heading or label is trimmed with string methods instead.
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s")
_BOLD_LABEL = re.compile(r"^\s*(?:[-*+]\s+)?\*\*([^*\n]+)\*\*")
_LIST_MARKER = r"(?:[-*+]|[0-9]+[.)])"
_TASK_BOX = re.compile(rf"^\s*{_LIST_MARKER}\s+\[([ xX-])\]\s")
_NOT_RELEVANT_TAG = re.compile(r"(?<![\w#])#(?:not-?relevant|irrelevant)\b", re.IGNORECASE)
# A URL goes on past an angle bracket only through a SICI DOI's <...> part (see ids.SICI_PART).
_URL_CHARS = rf"(?:[^\s<>\[\]()\"'`]|{SICI_PART})"
_MD_URL_CHARS = rf"(?:[^\s()<>]|{SICI_PART})"
_MD_LINK = re.compile(
    rf"\[(?P<title>[^\[\]\n]{{0,1000}})\]\(\s*<?(?P<url>(?:{_MD_URL_CHARS}|\({_MD_URL_CHARS}*\))+)>?\s*"
    r"(?:\"[^\"\n]*\"\s*)?\)"
)
BARE_URL = re.compile(rf"https?://{_URL_CHARS}+(?:\({_URL_CHARS}*\){_URL_CHARS}*)*", re.IGNORECASE)
_LINE_MARKERS = re.compile(r"^[\s>*+\-]*(?:[0-9]+[.)]\s+)?(?:\[[ xX-]\]\s+)?")
_QUOTE_MARKERS = re.compile(r"^[\s>]*")
_LIST_ITEM = re.compile(rf"^(\s*){_LIST_MARKER}\s")
_FRONTMATTER_STATUS = re.compile(r"(?i)^status:")
# A title found beside an id or link is at most this long: one line holding thousands of ids must not
# give each of them the rest of the line (quadratic memory).
MAX_TITLE = 500


_MARKUP_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
_TITLE_TRIM = " \t:;,.-–—|*_`"
_OPENERS, _CLOSERS = "([<{“‘", ")]>}”’"
# Words that tie an id into its sentence ("see also", "and"): never a title on their own.
_CONNECTIVES = frozenset({"also", "and", "cf", "compare", "e.g", "eg", "i.e", "ie", "in", "or", "see", "via"})


def _clean_title(text: str) -> str | None:
    text = _strip_unbalanced(one_line(_MARKUP_TAG.sub(" ", _LINE_MARKERS.sub("", text))).strip(_TITLE_TRIM))
    words = [word.strip(".,;:()[]").casefold() for word in text.split()]
    if not any(character.isalpha() for character in text) or all(word in _CONNECTIVES for word in words):
        return None
    return text


def _strip_unbalanced(text: str) -> str:
    """``text`` without the brackets and quotes at its ends that the id's own sentence left there
    (``) showed``, ``">Title``, ``Title (``): a pair the title holds (``BERT (NAACL 2019)``) stays."""
    while text:
        first, last = text[0], text[-1]
        if first in _CLOSERS or (first in "\"'" and text.count(first) % 2):
            text = text[1:].strip(_TITLE_TRIM)
        elif last in _OPENERS or (last in "\"'" and text.count(last) % 2):
            text = text[:-1].strip(_TITLE_TRIM)
        elif first in _OPENERS and last == _CLOSERS[_OPENERS.index(first)] and text.count(first) == 1:
            text = text[1:-1].strip(_TITLE_TRIM)  # a title written in brackets after its id: "(LoRA)"
        else:
            return text
    return text


def _title_beside(before: str, after: str) -> str | None:
    """The title written beside an id or link: the text after it, else the text before it. An id in
    brackets ("Title (doi:…) showed that…") is named by the text before its opening bracket."""
    if after.lstrip().startswith((")", "]")):
        opened = max(before.rfind("("), before.rfind("["))
        return _clean_title(before[:opened] if opened >= 0 else before) or _clean_title(after)
    return _clean_title(after) or _clean_title(before)


def heading_status(text: str) -> str | None:
    named = status_word(text)
    return named if named in (QUEUED, NOT_RELEVANT) else None


class MarkdownReader:
    """Markdown and plain text, line by line: headings and bold labels are topics, lines under a paper its note."""

    link_pattern = _MD_LINK

    def __init__(self, source: str, file_status: str | None):
        self.source = source
        self.file_status = file_status
        self.headings: dict[int, tuple[list[str], str | None]] = {}  # level -> (topics, status)
        self.label: str | None = None
        self.entries: list[NoteEntry] = []
        self.skipped: list[Skipped] = []
        # The papers collecting the lines under them as their note, by the indent of their list item (-1: a
        # line that is no list item), each with the lines collected so far.
        self.open_notes: list[tuple[int, list[NoteEntry], list[str]]] = []

    def topics(self, without: str | None = None) -> list[str]:
        """The topics of the headings and label above; ``without`` one of them (as written)."""
        topics = [topic for level in sorted(self.headings) for topic in self.headings[level][0] if topic != without]
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
        status = heading_status(text)
        # A queue heading ("To read") says what the papers are, not what they are about: not a topic.
        return len(match.group(1)), [] if status else [text], status, None

    def set_note_target(self, entries: list[NoteEntry], line: str = "") -> None:
        """The papers on ``line`` collect the lines under them as their note; the papers whose list items
        ``line`` closes (the same or a shallower list item, or any line that is no item) stop collecting."""
        indent = _item_indent(line)
        self.close_notes(indent)
        if entries:
            self.open_notes.append((indent, entries, []))

    def close_notes(self, indent: int) -> None:
        """Join the notes of the open papers whose list item is indented ``indent`` or deeper (-1: all)."""
        # A note is joined once, when its paper stops collecting lines: appending line by line is quadratic.
        while self.open_notes and self.open_notes[-1][0] >= indent:
            _, entries, lines = self.open_notes.pop()
            if lines:
                for entry in entries:
                    entry.note = "\n".join(lines)

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
            self.set_note_target(found, line)
            return
        indent = _item_indent(line)
        if indent >= 0:  # a list item: the note of the paper whose item holds it, not of its siblings'
            self.close_notes(indent)
        if self.open_notes:
            self.open_notes[-1][2].append(_QUOTE_MARKERS.sub("", line).strip())

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

        # The text between links, with the ids written in it, read once: a link's title is the text beside
        # it up to the nearest id, which names its own paper.
        ends = [0, *(end for _, end, _, _ in links)]
        gaps = [line[ends[i] : start] for i, (start, _, _, _) in enumerate(links)] + [line[ends[-1] :]]
        gap_ids = [find_text_ids(gap) for gap in gaps]
        found = []
        for index, (_, _, url, title) in enumerate(links):
            found += self.ids_in_text(gaps[index], gap_ids[index], where, status)
            if title is None:
                before, after = gaps[index], gaps[index + 1]
                before = before[gap_ids[index][-1].end :] if gap_ids[index] else before
                after = after[: gap_ids[index + 1][0].start] if gap_ids[index + 1] else after
                title = _title_beside(before[-MAX_TITLE:], after[:MAX_TITLE])
            if re.match(r"(?i)https?://", url):
                entry = self.entry_for(classify_url(url), url, title, where, status)
                if entry:
                    found.append(entry)
        found += self.ids_in_text(gaps[-1], gap_ids[-1], where, status)
        return found, bool(links)

    def ids_in_text(self, text: str, text_ids: list[TextId], where: str, status: str | None) -> list[NoteEntry]:
        found = []
        for index, text_id in enumerate(text_ids):
            # The title is the text up to the next id (or back to the one before), at most MAX_TITLE:
            # each piece of the line is looked at twice at most.
            after = text_ids[index + 1].start if index + 1 < len(text_ids) else len(text)
            before = text_ids[index - 1].end if index else 0
            title = _title_beside(
                text[max(before, text_id.start - MAX_TITLE) : text_id.start],
                text[text_id.end : min(after, text_id.end + MAX_TITLE)],
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


def _is_label_end(rest: str) -> bool:
    """Whether what follows ``**label**`` leaves it a label: nothing, a ``(remark)`` and/or a colon."""
    rest = rest.strip()
    if rest.startswith("("):
        close = rest.find(")")
        if close < 0 or "(" in rest[1:close]:
            return False
        rest = rest[close + 1 :].strip()
    return rest in ("", ":")


def _item_indent(line: str) -> int:
    """How deep the list item on ``line`` is (tabs as four spaces); -1 when the line is no list item."""
    item = _LIST_ITEM.match(line)
    return len(item.group(1).expandtabs(4)) if item else -1


def _bare_links(line: str, start: int, end: int) -> list[tuple[int, int, str, None]]:
    links = []
    for match in BARE_URL.finditer(line, start, end):
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


def read_lines(reader_class, text: str, source: str) -> tuple[list[NoteEntry], list[Skipped], list[str]]:
    lines = text.splitlines()
    reader = reader_class(source, _frontmatter_status(lines))
    for number, line in enumerate(lines, start=1):
        reader.line(number, line)
    reader.finish()
    return reader.entries, reader.skipped, []


def read_markdown(text: str, source: str) -> tuple[list[NoteEntry], list[Skipped], list[str]]:
    return read_lines(MarkdownReader, text, source)
