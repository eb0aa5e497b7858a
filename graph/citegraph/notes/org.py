"""org-mode notes: ``*`` headings (TODO/DONE keywords are a status, ``:tags:`` topics), ``[[url][title]]``
links, property drawers; read by the markdown reader with these differences."""

from __future__ import annotations

import re

from citegraph.notes.entries import QUEUED, READ, NoteEntry, Skipped, split_status_tags, unique_topics
from citegraph.notes.markdown import BARE_URL, MarkdownReader, heading_status, read_lines

_ORG_HEADING = re.compile(r"^(\*+)\s")
_ORG_KEYWORD_STATUS = {"TODO": QUEUED, "NEXT": QUEUED, "WAITING": QUEUED, "STARTED": QUEUED, "DONE": READ}
_ORG_KEYWORDS = frozenset({*_ORG_KEYWORD_STATUS, "CANCELED", "CANCELLED"})
_ORG_PRIORITY = re.compile(r"\[#[A-Z]\]")
_ORG_TAGS = re.compile(r":[\w@#%:]+:")
_ORG_PROPERTY = re.compile(r"^\s*:([A-Za-z_-]+):\s?")
_ORG_LINK = re.compile(r"\[\[(?P<url>[^\[\]\n]{1,2000})\](?:\[(?P<title>[^\[\]\n]{0,1000})\])?\]")


class OrgReader(MarkdownReader):
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
        queue_heading = heading_status(text)
        status = _ORG_KEYWORD_STATUS.get(keyword or "") or tag_status or queue_heading
        if _ORG_LINK.search(text) or BARE_URL.search(text):
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
                entry.topics = unique_topics(self.topics(without=self.heading_title))
            self.entries += found
            if found:
                self.set_note_target(found)
            return
        super().line(number, line)


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


def read_org(text: str, source: str) -> tuple[list[NoteEntry], list[Skipped], list[str]]:
    return read_lines(OrgReader, text, source)
