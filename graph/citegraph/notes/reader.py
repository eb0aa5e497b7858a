"""Reading notes: markdown, text, org-mode, BibTeX, RIS, CSL-JSON files and a Zotero library ->
deduplicated paper entries (each read or queued) and skipped links.

This module ties the readers together: it finds the files, picks each one's reader by its suffix
(``markdown`` for markdown and text, ``org``, ``reference_files`` for BibTeX, RIS and CSL-JSON) and
``zotero`` for a Zotero library, and merges what they found into one entry per paper. Every reader
is linear in the size of its input.
"""

from __future__ import annotations

import os
from pathlib import Path

from citegraph.datafiles import read_regular
from citegraph.errors import NoPapersFound, NotesError
from citegraph.notes.entries import NoteEntry, Notes, Skipped
from citegraph.notes.markdown import read_markdown
from citegraph.notes.org import read_org
from citegraph.notes.reference_files import read_bibtex, read_csl_json, read_ris
from citegraph.notes.zotero import ZoteroSource, read_zotero
from citegraph.text import title_key

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
    return {".bib": read_bibtex, ".ris": read_ris, ".json": read_csl_json, ".org": read_org}.get(
        path.suffix.lower(), read_markdown
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
