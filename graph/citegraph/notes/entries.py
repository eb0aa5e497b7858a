"""What every notes reader produces: paper entries (with a reading status) and skipped links.

Kept apart from the readers so each reader module (markdown/org, reference-manager files, Zotero)
builds the same entries without importing the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from citegraph.constants import ReadingStatus
from citegraph.text import title_key

READ = ReadingStatus.READ
QUEUED = ReadingStatus.QUEUED
NOT_RELEVANT = ReadingStatus.NOT_RELEVANT  # a negative example for `suggest`: never suggested, never your reading

_WORD_NOISE = re.compile(r"[^a-z]+")

# Status words, compared by their letters only, without case ("To Read (2024)" = "to-read" = "_toread").
# Used for headings, frontmatter `status:`, tags and keywords (Zotero, RIS KW, BibTeX keywords, CSL-JSON
# keyword); a heading naming a queued word queues everything under it.
QUEUED_WORDS = {
    "toread",
    "unread",
    "reading",
    "queued",
    "queue",
    "todo",
    "readlater",
    "readinglist",
    "readingqueue",
    "backlog",
}
READ_WORDS = {"read", "done", "finished"}
NOT_RELEVANT_WORDS = {"notrelevant", "irrelevant"}


def status_word(word: str) -> str | None:
    """``"to-read"`` -> ``"queued"``, ``"done"`` -> ``"read"``, ``"not relevant"`` -> ``"not-relevant"``; None
    for any other word."""
    squeezed = _WORD_NOISE.sub("", word.lower())
    if squeezed in NOT_RELEVANT_WORDS:
        return NOT_RELEVANT
    if squeezed in QUEUED_WORDS:
        return QUEUED
    if squeezed in READ_WORDS:
        return READ
    return None


def strongest_status(said: Iterable[str | None]) -> str:
    """The status of a paper marked these ways (None: unmarked): not relevant wins (an explicit verdict),
    then read, then queued; unmarked alone means read."""
    said = set(said)
    if NOT_RELEVANT in said:
        return NOT_RELEVANT
    return READ if READ in said or QUEUED not in said else QUEUED


def split_status_tags(tags: Iterable[str]) -> tuple[list[str], str | None]:
    """Tags or keywords -> (the topics among them, the reading status they name, if any)."""
    topics, status = [], None
    for tag in tags:
        named = status_word(tag)
        if named:
            status = strongest_status([status, named])
        elif tag.strip():
            topics.append(tag.strip())
    return topics, status


def unique_topics(topics: Iterable[str]) -> list[str]:
    """Each topic once, whatever its case (an org heading ``Neuro`` tagged ``:neuro:``), spelt as first written.

    >>> unique_topics(["Neuro", "neuro", "Speech"])
    ['Neuro', 'Speech']
    """
    first: dict[str, str] = {}
    for topic in topics:
        first.setdefault(topic.casefold(), topic)
    return list(first.values())


@dataclass
class NoteEntry:
    """One paper the notes mention, merged over every place they mention it.

    ``status`` is ``"read"``, ``"queued"`` or ``"not-relevant"`` (see docs/notes.md, *Reading status*). A reader
    leaves it None where the notes say nothing about it; ``combine`` settles it.
    """

    id: str | None
    title: str | None
    sources: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    note: str | None = None
    url: str | None = None
    status: str | None = None

    def __post_init__(self) -> None:
        self.topics = unique_topics(self.topics)  # whichever reader made it: BibTeX keywords, Zotero tags, headings

    @property
    def key(self) -> str:
        """What the store files this entry under: its lower-cased id, or ``title:`` + its title key."""
        return self.id.lower() if self.id else "title:" + title_key(self.title or "")

    @classmethod
    def combine(cls, mentions: list[NoteEntry]) -> NoteEntry:
        """One entry from every mention of a paper, in one pass (a paper mentioned 100,000 times stays linear).

        The first title, id and URL win; sources, topics and notes are kept once each, in order. Status:
        see `strongest_status`.
        """
        first = mentions[0]
        status = strongest_status(m.status for m in mentions)
        if len(mentions) == 1:
            first.status = status
            return first
        notes = list(dict.fromkeys(m.note for m in mentions if m.note))
        return cls(
            id=first.id or next((m.id for m in mentions if m.id), None),
            title=next((m.title for m in mentions if m.title), None),
            sources=list(dict.fromkeys(s for m in mentions for s in m.sources)),
            topics=[t for m in mentions for t in m.topics],
            note="\n".join(notes) if notes else None,
            url=next((m.url for m in mentions if m.url), None),
            status=status,
        )


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
