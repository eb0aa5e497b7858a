"""The declared shape of every Semantic Scholar answer, checked (with pydantic) before anything is stored.

S2 is trusted for nothing: an answer is parsed with bounded nesting (pydantic-core's JSON parser,
which stops at depth 200 without recursing in Python), then each paper and page item is validated
against a model of the fields citegraph asks for. What the models do:

- a field of the wrong type (``authors`` as a string, ``citationCount`` as ``"many"``) becomes null
  and is counted in a :class:`Tally` under its paper, never stored as it came; the paper keeps the
  names in ``droppedFields`` (so coverage can say, from the store, what was dropped where);
- where S2 itself varies it is coerced: a ``corpusId`` or ``year`` sent as a string of digits;
- every string loses lone surrogates and control characters other than tab and newline;
- unknown fields are dropped (a 200 MB ``junk`` field is not stored);
- an item whose ``paperId`` is not 40 hex digits is skipped and counted (it would go into a URL).

An answer that is not JSON or not of the answer's overall shape raises :class:`WrongShape` with a
short description; the transport retries it and then reports it as an unexpected answer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, WrapValidator
from pydantic_core import from_json

PAPER_ID = re.compile(r"[0-9a-f]{40}")
# Removed from every string: C0 controls but tab and newline, DEL, C1 controls, stray surrogates.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# In the JSON text: an escaped backslash (kept, so that alignment holds), a surrogate pair (kept),
# or a lone surrogate escape (removed: the parser rejects the whole answer for one).
_SURROGATE_ESCAPE = re.compile(
    r"\\(?:\\|u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r"|u[dD][89a-fA-F][0-9a-fA-F]{2})"
)


class WrongShape(ValueError):
    """The answer cannot be read as the answer asked for; the message says what is wrong."""


class NoList(Exception):
    """A well-formed page answer with ``data: null`` instead of a list: ``elided`` names the fields
    its citing paper's ``openAccessPdf.disclaimer`` says the publisher elided (empty when it says
    none). Not a WrongShape: asking again gets the same answer, so it is never retried."""

    def __init__(self, elided: frozenset[str]):
        super().__init__(", ".join(sorted(elided)) or "no publisher notice")
        self.elided = elided


# S2's notice: "...the following paper fields have been elided by the publisher: {'references'}. ..."
_ELIDED = re.compile(r"elided by the publisher:\s*\{([^{}]{0,200})\}", re.IGNORECASE)


@dataclass
class Tally:
    """What validation took out of the answers: ``dropped`` field names per paperId, and the count
    of ``skipped`` items whose paperId is not one."""

    dropped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    skipped: int = 0


def clean_text(text: str) -> str:
    """``text`` without control characters (tab and newline kept) and without lone surrogates.

    Example
    -------
    >>> clean_text("A\\x00 title\\ud800\\twith\\nlines")
    'A title\\twith\\nlines'
    """
    return _UNPRINTABLE.sub("", text)


def is_paper_id(value: object) -> bool:
    """Whether ``value`` looks like an S2 paperId (40 lower-case hex digits).

    Example
    -------
    >>> is_paper_id("649def34f8be52c8b66281af98ae884c09aef38b"), is_paper_id("../../admin")
    (True, False)
    """
    return isinstance(value, str) and PAPER_ID.fullmatch(value) is not None


def _null_when_wrong(value: Any, handler, info: ValidationInfo) -> Any:
    try:
        return handler(value)
    except ValidationError:
        if info.context is not None:
            info.context.append(info.field_name)
        return None


Text = Annotated[str, AfterValidator(clean_text)]


def _web_link(value: str) -> str:
    """Only http(s) links reach a page, a BibTeX entry or a terminal (never ``javascript:`` or ``file:``)."""
    if not value.lower().startswith(("https://", "http://")):
        raise ValueError("not an http(s) link")
    return value


WebLink = Annotated[str, AfterValidator(clean_text), AfterValidator(_web_link)]
Year = Annotated[int, Field(ge=0, le=9999)]
Count = Annotated[int, Field(ge=0)]


def _lenient(kind):
    return Annotated[kind | None, WrapValidator(_null_when_wrong)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Author(_Model):
    authorId: Text | None = None
    name: Text | None = None


class OpenAccessPdf(_Model):
    url: Text | None = None
    status: Text | None = None
    license: Text | None = None


class Journal(_Model):
    name: Text | None = None
    volume: Text | None = None
    pages: Text | None = None


class CitationStyles(_Model):
    bibtex: Text | None = None


class LinkedPaper(_Model):
    """A paper as a page item or a nested reference holds it (``paperId`` null when S2 has none)."""

    paperId: str | None = None
    corpusId: _lenient(Count) = None
    title: _lenient(Text) = None
    year: _lenient(Year) = None
    authors: _lenient(list[Author]) = None
    venue: _lenient(Text) = None
    externalIds: _lenient(dict[Text, Text | int]) = None
    citationCount: _lenient(Count) = None
    influentialCitationCount: _lenient(Count) = None
    referenceCount: _lenient(Count) = None
    url: _lenient(WebLink) = None
    publicationDate: _lenient(Text) = None


class Paper(LinkedPaper):
    """A paper from the batch or title-match endpoints."""

    fieldsOfStudy: _lenient(list[Text]) = None
    openAccessPdf: _lenient(OpenAccessPdf) = None
    citationStyles: _lenient(CitationStyles) = None
    publicationTypes: _lenient(list[Text]) = None
    journal: _lenient(Journal) = None
    matchScore: _lenient(float) = None


class LinkFlags(_Model):
    """A /references or /citations item's own fields (the linked paper is validated apart)."""

    isInfluential: _lenient(bool) = None
    intents: _lenient(list[Text]) = None
    contexts: _lenient(list[Text]) = None


def read_json(raw: bytes) -> Any:
    """The JSON value of an answer's body, nesting bounded; lone surrogate escapes are dropped.

    Raises
    ------
    WrongShape
        Not JSON (an HTML page, a truncated body), nested too deep, or NaN/Infinity.
    """
    text = raw.decode("utf-8", "replace")
    if "\\" in text:
        text = _SURROGATE_ESCAPE.sub(lambda m: m[0] if len(m[0]) in (2, 12) else "", text)
    try:
        return from_json(text, allow_inf_nan=False)
    except ValueError as exc:
        raise WrongShape(f"not JSON: {str(exc)[:80]}") from None


DROPPED = "droppedFields"


def _validated(model: type[_Model], item: dict, tally: Tally, paper_id: str | None) -> dict:
    dropped: list[str] = []
    checked = model.model_validate(item, context=dropped).model_dump(exclude_unset=True)
    if dropped:
        tally.dropped[paper_id or ""].extend(dropped)
        if issubclass(model, LinkedPaper):
            checked[DROPPED] = dropped
    return checked


def _paper(item: Any, model: type[LinkedPaper], tally: Tally, resolved_only: bool) -> dict | None:
    """The checked paper, or None (counted as skipped) when its paperId cannot be an S2 paperId."""
    if not isinstance(item, dict):
        tally.skipped += 1
        return None
    paper_id = item.get("paperId")
    if paper_id is None and not resolved_only:
        return _validated(model, item, tally, None)
    if not is_paper_id(paper_id):
        tally.skipped += 1
        return None
    return _validated(model, item, tally, paper_id)


def batch_papers(body: Any, count: int, tally: Tally, nested: bool = False) -> list[dict | None]:
    """A batch answer: one checked paper (or None) per asked id, in order.

    With ``nested``, each paper's ``references`` (items without a paperId kept, bad ones skipped).
    """
    if not isinstance(body, list):
        raise WrongShape(f"a batch answer is a list, got {type(body).__name__}")
    if len(body) != count:
        raise WrongShape(f"a batch answer has one item per id: {count} asked, {len(body)} answered")
    papers = []
    for item in body:
        paper = None if item is None else _paper(item, Paper, tally, resolved_only=True)
        if paper is not None and nested:
            references = item.get("references")
            if not isinstance(references, list):
                references = []
                tally.dropped[paper["paperId"]].append("references")
            paper["references"] = [
                ref for ref in (_paper(r, LinkedPaper, tally, False) for r in references) if ref is not None
            ]
        papers.append(paper)
    return papers


def links_page(body: Any, other: str, tally: Tally) -> tuple[list[tuple[dict, dict]], int | None]:
    """A /references or /citations page: ``([(linked paper, link flags)], next)``.

    Raises WrongShape when the page is not an object with a data list or its ``next`` is no integer,
    NoList when ``data`` is null (S2's answer for a list the publisher withholds, or a broken one).
    """
    if isinstance(body, dict) and "data" in body and body["data"] is None:
        raise NoList(elided_fields(body.get("citingPaperInfo") or body.get("citedPaperInfo")))
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise WrongShape("a page is an object with a data list")
    following = body.get("next")
    if following is not None and (not isinstance(following, int) or isinstance(following, bool)):
        raise WrongShape("a page's next is an offset")
    rows = []
    for row in body["data"]:
        if not isinstance(row, dict) or not isinstance(row.get(other) or {}, dict):
            tally.skipped += 1
            continue
        linked = _paper(row.get(other) or {}, LinkedPaper, tally, resolved_only=False)
        if linked is not None:
            flags = _validated(LinkFlags, row, tally, linked.get("paperId"))
            dropped = tally.dropped.get(linked.get("paperId") or "", [])
            if dropped and linked.get("paperId"):
                linked[DROPPED] = list(dict.fromkeys(dropped))
            rows.append((linked, flags))
    return rows, following


def elided_fields(paper: Any) -> frozenset[str]:
    """The fields a paper's ``openAccessPdf.disclaimer`` says its publisher elided (S2 leaves them null).

    Example
    -------
    >>> sorted(elided_fields({"openAccessPdf": {"url": "", "status": "CLOSED", "disclaimer":
    ...     "Notice: The following paper fields have been elided by the publisher: {'references'}. Paper ..."}}))
    ['references']
    >>> elided_fields({"openAccessPdf": None})
    frozenset()
    """
    pdf = paper.get("openAccessPdf") if isinstance(paper, dict) else None
    notice = pdf.get("disclaimer") if isinstance(pdf, dict) else None
    found = _ELIDED.search(notice) if isinstance(notice, str) else None
    if not found:
        return frozenset()
    return frozenset(filter(None, (name.strip().strip("'\"") for name in found.group(1).split(","))))


def title_match(body: Any, tally: Tally) -> dict | None:
    """A title match answer: the checked paper (with ``matchScore``), or None when S2 matched none."""
    if isinstance(body, dict) and "data" not in body and body.get("total") == 0:
        return None  # the search endpoints' "no hits" shape
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise WrongShape("a title match is an object with a data list")
    if not body["data"]:
        return None
    paper = _paper(body["data"][0], Paper, tally, resolved_only=True)
    if paper is None or not paper.get("title"):
        raise WrongShape("a title match is a paper with a title")
    return paper


def checked_record(record: dict, model: type[_Model] | None = None) -> dict:
    """A paper record from elsewhere than a Graph API answer (a release row, a stored recommendation)
    checked with the same declared schema: wrong-typed fields become None.

    Example
    -------
    >>> checked_record({"paperId": "649def34f8be52c8b66281af98ae884c09aef38b", "title": 123, "year": 1e308,
    ...                 "url": "javascript:alert(1)"})["year"] is None
    True
    """
    return _validated(model or Paper, record, Tally(), record.get("paperId"))


def usable_papers(items: Any) -> list[dict]:
    """Recommended papers as records: each checked, those without a usable paperId left out, each paper once.

    Example
    -------
    >>> [p["paperId"][:4] for p in usable_papers([{"paperId": "../../etc/passwd"}, {"title": "no id"},
    ...     {"paperId": "649def34f8be52c8b66281af98ae884c09aef38b"},
    ...     {"paperId": "649def34f8be52c8b66281af98ae884c09aef38b"}])]
    ['649d']
    """
    papers: dict[str, dict] = {}
    for item in items if isinstance(items, list) else []:
        paper = _paper(item, Paper, Tally(), resolved_only=True)
        if paper is not None:
            papers.setdefault(paper["paperId"], paper)
    return list(papers.values())
