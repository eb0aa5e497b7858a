"""The declared shape of Crossref's answers, checked (with pydantic) before anything is stored.

As for S2 (:mod:`citegraph.s2.schema`), Crossref is trusted for nothing: the JSON is parsed with
bounded nesting, strings lose control characters, unknown fields are dropped, a field of the wrong
type becomes null, and an item that is not a work with a DOI is skipped. What is kept of a work is
what citegraph asks for (``select=DOI,reference,updated-by``): its DOI, each reference's DOI or
unstructured text, and each notice's type, DOI, source and date.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, WrapValidator

from citegraph.crossref.records import Reference, Update, Work
from citegraph.s2.schema import Text, WrongShape, _null_when_wrong, read_json

__all__ = ["read_json", "WrongShape", "work_list", "single_work", "normal_doi"]

MAX_DOI = 1000  # characters; Crossref's own DOIs stay far below


def normal_doi(value: object) -> str | None:
    """A DOI as Crossref's matching compares it: trimmed, without a resolver prefix, lower case
    (DOIs are case-insensitive); None when it is no DOI.

    Example
    -------
    >>> normal_doi(" https://doi.org/10.1016/S0140-6736(97)11096-0 ")
    '10.1016/s0140-6736(97)11096-0'
    >>> normal_doi("not a doi") is None
    True
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    if not text.startswith("10.") or "/" not in text or len(text) > MAX_DOI or any(c.isspace() for c in text):
        return None
    return text.lower()


def _lenient(kind):
    return Annotated[kind | None, WrapValidator(_null_when_wrong)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class DateParts(_Model):
    date_parts: _lenient(list[list[int | None]]) = Field(None, validation_alias=AliasChoices("date-parts"))


class UpdatedBy(_Model):
    type: _lenient(Text) = None
    DOI: _lenient(Text) = None
    source: _lenient(Text) = None
    updated: _lenient(DateParts) = None


class ReferenceItem(_Model):
    DOI: _lenient(Text) = None
    unstructured: _lenient(Text) = None
    article_title: _lenient(Text) = Field(None, validation_alias=AliasChoices("article-title"))


class WorkItem(_Model):
    DOI: _lenient(Text) = None
    reference: _lenient(list[Any]) = None
    updated_by: _lenient(list[Any]) = Field(None, validation_alias=AliasChoices("updated-by"))


def _date(parts: DateParts | None) -> str | None:
    first = (parts.date_parts or [[]])[0] if parts and parts.date_parts else []
    numbers = [n for n in first[:3] if isinstance(n, int)]
    if not numbers:
        return None
    return "-".join([f"{numbers[0]:04d}"] + [f"{n:02d}" for n in numbers[1:]])


def _item(model: type[_Model], raw: Any) -> _Model | None:
    if not isinstance(raw, dict):
        return None
    try:
        return model.model_validate(raw, context=[])
    except ValidationError:
        return None


def _work(raw: Any, with_references: bool) -> Work | None:
    item = _item(WorkItem, raw)
    doi = normal_doi(item.DOI) if item else None
    if doi is None:
        return None
    updates = []
    for notice in filter(None, (_item(UpdatedBy, u) for u in item.updated_by or [])):
        if notice.type:
            updates.append(
                Update(
                    notice.type.strip().lower().replace("-", "_"),
                    normal_doi(notice.DOI),
                    notice.source,
                    _date(notice.updated),
                )
            )
    references = None
    if with_references and item.reference is not None:
        references = [
            Reference(normal_doi(r.DOI), r.unstructured or r.article_title)
            for r in filter(None, (_item(ReferenceItem, r) for r in item.reference))
        ]
    return Work(doi, updates, references)


def _message(body: Any, kind: str) -> dict:
    if not isinstance(body, dict) or body.get("message-type") != kind or not isinstance(body.get("message"), dict):
        raise WrongShape(f"a Crossref answer of message-type {kind!r} with a message object")
    return body["message"]


def work_list(body: Any, with_references: bool) -> list[Work]:
    """A ``/works?filter=doi:…`` answer: its works (items that are none skipped)."""
    items = _message(body, "work-list").get("items")
    if not isinstance(items, list):
        raise WrongShape("a Crossref work list has an items list")
    return [work for work in (_work(item, with_references) for item in items) if work is not None]


def single_work(body: Any, with_references: bool) -> Work:
    """A ``/works/{doi}`` answer."""
    work = _work(_message(body, "work"), with_references)
    if work is None:
        raise WrongShape("a Crossref work has a DOI")
    return work
