"""Text shared by every layer: title keys for matching, one-line and terminal-safe strings, spreadsheet cells."""

from __future__ import annotations

import re
import unicodedata

_TITLE_WORD = re.compile(r"[a-z0-9]+")
# Control characters, and the bidirectional embeddings, overrides and isolates that reorder what a
# terminal shows (a title could otherwise display as something it is not).
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}]")


def title_key(title: str) -> str:
    """A title reduced to lower-case words, for matching titles to each other.

    Case, punctuation, spacing and accents do not count: accented letters fold to their base letter.

    Example
    -------
    >>> title_key("Schrödinger  Bridges: a Survey")
    'schrodinger bridges a survey'
    """
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(_TITLE_WORD.findall(folded))


def short_title_key(title: str) -> str:
    """The ``title_key`` of a title's short name, the text before its colon; "" for a title without one.

    Example
    -------
    >>> short_title_key("LoRA: Low-Rank Adaptation of Large Language Models")
    'lora'
    """
    return title_key(title.split(":", 1)[0]) if ":" in title else ""


def one_line(text: str) -> str:
    """``text`` with every run of whitespace, line breaks included, as one space, and none at either end."""
    return " ".join(text.split())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TERMINAL_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")


def spreadsheet_cell(text: str, terminal: bool = False) -> str:
    """``text`` as a CSV cell no spreadsheet runs as a formula: prefixed with ``'`` when it starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, as OWASP advises; with ``terminal``,
    control characters (terminal escapes) are removed too.

    Example
    -------
    >>> spreadsheet_cell("=HYPERLINK(1)"), spreadsheet_cell("Plain"), spreadsheet_cell("\x1b[2Jx", terminal=True)
    ("'=HYPERLINK(1)", 'Plain', '[2Jx')
    """
    if terminal:
        text = _TERMINAL_CONTROL.sub("", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def terminal_text(value) -> str:
    """``value`` as one line of text without control characters (terminal escapes, newlines, tabs)."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", text.replace("\n", " ").replace("\t", " ").replace("\r", " "))


def cut(text: str, width: int) -> str:
    """``text`` at most ``width`` characters, ending in "…" when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|!#])")


def markdown_text(value) -> str:
    r"""``value`` as `terminal_text`, with markdown's special characters escaped: a title shown in a
    markdown answer never becomes a link, raw HTML, emphasis or a table column.

    Example
    -------
    >>> print(markdown_text("<img src=x> [click](javascript:alert(1)) | *x*"))
    \<img src=x\> \[click\](javascript:alert(1)) \| \*x\*
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", terminal_text(value))


def withheld_words(reference_count: int | None) -> str:
    """How a paper whose references the publisher withholds is described, wherever it is.

    Example
    -------
    >>> withheld_words(39), withheld_words(None)
    ('references withheld by the publisher (S2 counts 39)', 'references withheld by the publisher')
    """
    counted = f" (S2 counts {reference_count:,})" if reference_count else ""
    return f"references withheld by the publisher{counted}"


def shown_title(title: str | None, paper_id: str) -> str:
    """A paper's title where a row must name it; its S2 paperId when S2 gives it no title (never a
    placeholder word, which would label it and name groups).

    Example
    -------
    >>> shown_title("LoRA", "x" * 40), shown_title("", "649def34f8be52c8b66281af98ae884c09aef38b")
    ('LoRA', '649def34f8be52c8b66281af98ae884c09aef38b')
    """
    return title if title and title.strip() else paper_id
