"""How an MCP tool answers: the structured result (what the CLI command of the same question prints with
``--format json``) and a short text for clients that show text, one line per paper."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass


@dataclass(frozen=True)
class Answer:
    """A tool's answer: the short text for clients that show text, and the structured result."""

    text: str
    data: dict


def json_data(result) -> dict | list:
    """What a CLI command prints with ``--format json`` for a library result (a dataclass with
    ``to_dict``, records, or a table's rows with missing values null), as JSON values."""
    if isinstance(result, list):
        data = [asdict(row) for row in result]
    elif is_dataclass(result):
        data = result.to_dict()
    else:
        data = result.astype(object).where(result.notna(), None).to_dict("records")
    return json.loads(json.dumps(data, default=str))


def label(paper: dict) -> str:
    """A paper (a row of an answer, or a node's attributes with its paperId) as the text summaries name
    it: title (year) [paperId]."""
    return f"{paper.get('title')} ({paper.get('year') or 'n.d.'}) [{paper.get('paperId')}]"


def rows_text(heading: str, rows: list[dict], details: Callable[[dict], str]) -> str:
    """A numbered list of papers under ``heading``, each with what ``details`` says of it."""
    lines = [heading] + [f"{i}. {label(row)}: {details(row)}" for i, row in enumerate(rows, start=1)]
    return "\n".join(lines) if rows else f"{heading} none"
