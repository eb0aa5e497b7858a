"""Find the regular-expression shapes that backtrack super-linearly: two unbounded repeats that can
take the same character one after the other (``\\s+(.*?)\\s*``), or one inside another (``(a+)+``).

The pattern is read with Python's own parser. Each unbounded repeat is followed through what can
come next (optional items are looked through; a repeated group's body comes round again); when a
following repeat can start with a character the first one takes, the input could be split between
them in many ways, and a failing match tries them all.
"""

from __future__ import annotations

import re

try:
    from re import _compiler as compiler
    from re import _constants as constants
    from re import _parser as parser
except ImportError:  # Python < 3.11
    import sre_compile as compiler
    import sre_constants as constants
    import sre_parse as parser

REPEATS = {constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None)} - {None}
SINGLE_CHARACTER = {constants.LITERAL, constants.NOT_LITERAL, constants.ANY, constants.IN}
PROBE = [chr(code) for code in range(256)] + ["\u00e9", "\u2003", "\u3000", "\uff11", "\u4e00"]


def ambiguous_repeats(pattern: re.Pattern) -> list[str]:
    """A description of each pair of repeats in ``pattern`` that can share characters; [] when none."""
    parsed = parser.parse(pattern.pattern, pattern.flags)
    found: list[str] = []
    _check(list(parsed), [], parsed.state, pattern.flags, found)
    return found


def _check(items: list, following: list, state, flags: int, found: list[str]) -> None:
    for index, (op, av) in enumerate(items):
        rest = items[index + 1 :] + following
        if op in REPEATS:
            low, high, body = av
            body = list(body)
            if high == constants.MAXREPEAT:
                taken = _first_characters(body, state, flags)
                for later in rest:
                    for leading in _leading_repeats(later, state, flags):
                        if taken & leading:
                            found.append(f"{_show(op, av)} then a repeat of {sorted(taken & leading)[:5]}")
                    if not _nullable(later):
                        break
                _check(body, body + rest, state, flags, found)
            else:
                _check(body, rest, state, flags, found)
        elif op == constants.SUBPATTERN:
            _check(list(av[-1]), rest, state, flags, found)
        elif op == constants.BRANCH:
            for alternative in av[1]:
                _check(list(alternative), rest, state, flags, found)


def _leading_repeats(item, state, flags) -> list[set[str]]:
    """The character sets of the unbounded repeats ``item`` can begin with."""
    op, av = item
    if op in REPEATS:
        low, high, body = av
        body = list(body)
        if high == constants.MAXREPEAT:
            return [_first_characters(body, state, flags)]
        return _sequence_leading(body, state, flags)
    if op == constants.SUBPATTERN:
        return _sequence_leading(list(av[-1]), state, flags)
    if op == constants.BRANCH:
        return [chars for alternative in av[1] for chars in _sequence_leading(list(alternative), state, flags)]
    return []


def _sequence_leading(items, state, flags) -> list[set[str]]:
    leading = []
    for item in items:
        leading += _leading_repeats(item, state, flags)
        if not _nullable(item):
            break
    return leading


def _first_characters(items, state, flags) -> set[str]:
    """The characters a match of ``items`` can begin with."""
    first: set[str] = set()
    for op, av in items:
        if op in SINGLE_CHARACTER:
            matcher = compiler.compile(parser.SubPattern(state, [(op, av)]), flags)
            first |= {char for char in PROBE if matcher.fullmatch(char)}
        elif op in REPEATS:
            first |= _first_characters(list(av[2]), state, flags)
        elif op == constants.SUBPATTERN:
            first |= _first_characters(list(av[-1]), state, flags)
        elif op == constants.BRANCH:
            for alternative in av[1]:
                first |= _first_characters(list(alternative), state, flags)
        if not _nullable((op, av)):
            break
    return first


def _nullable(item) -> bool:
    op, av = item
    if op in REPEATS:
        return av[0] == 0 or all(_nullable(inner) for inner in av[2])
    if op == constants.SUBPATTERN:
        return all(_nullable(inner) for inner in av[-1])
    if op == constants.BRANCH:
        return any(all(_nullable(inner) for inner in alternative) for alternative in av[1])
    return op in (constants.AT, constants.ASSERT, constants.ASSERT_NOT)


def _show(op, av) -> str:
    return f"{op} {av[0]}..{'inf' if av[1] == constants.MAXREPEAT else av[1]}"
