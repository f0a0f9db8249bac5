"""Skip regex scans that cannot match: most drafts contain none of most patterns' key words.

Python's `re` tries a pattern that opens with `\\b` or an optional group at every position of the text, so a
scan of a 300-word draft costs as much as a small grader. But every match of a pattern contains the literal
text of the parts every match goes through: "steps? \\d ... and \\d only" needs "step", " and " and " only". A
few set tests for those (read from the pattern's own parse tree; see `_Text`) are a safe, much cheaper test than
the scan: when they fail the pattern certainly does not match. When nothing is certain the pattern always runs.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

sre_parser: Any  # the parser behind `re`; private, so any failure just disables gating (and starts.py's plans)
try:
    sre_parser = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    sre_parser = None


@dataclass(frozen=True)
class Gate:
    """What every match contains: `literal`, or all of `every`, or one of `one_of`."""

    literal: str = ""
    every: tuple[Gate, ...] = ()
    one_of: tuple[Gate, ...] = ()

    def passes(self, text: str) -> bool:
        return _test(self)(_pieces(text))


class _Text:
    """A text and its three-character pieces, built once per text: a literal of three or more characters is in
    the text only if all of its pieces are, a set test each, where `literal in text` searches the whole text for
    each of a gate's dozens of literals."""

    __slots__ = ("text", "trigrams")

    def __init__(self, text: str) -> None:
        self.text = text
        self.trigrams = frozenset(map("".join, zip(text, text[1:], text[2:], strict=False)))


@lru_cache(maxsize=8)
def _pieces(text: str) -> _Text:
    return _Text(text)


Test = Callable[[_Text], bool]


def _test(gate: Gate) -> Test:
    """The gate as one flat function (it runs before every scan): literals tested through `map`, with no Python
    frame per literal, and sub-gates only when the literals allow."""
    if gate.literal:
        return _any_of([gate.literal])
    parts = gate.every or gate.one_of
    literals = [g.literal for g in parts if g.literal]
    tests = [_test(g) for g in parts if not g.literal]
    if gate.every:
        tests = [_any_of([literal]) for literal in literals] + tests
        return lambda text: all(test(text) for test in tests)
    if literals:
        tests.insert(0, _any_of(literals))
    return lambda text: any(test(text) for test in tests)


def _any_of(literals: list[str]) -> Test:
    short = tuple(literal for literal in literals if len(literal) < 3)
    long = tuple(frozenset(s[i : i + 3] for i in range(len(s) - 2)) for s in literals if len(s) >= 3)
    return lambda text: any(map(text.text.__contains__, short)) or any(map(text.trigrams.issuperset, long))


@cache
def gate_of(pattern: re.Pattern[str]) -> tuple[Gate, bool] | None:
    """The gate every match of `pattern` passes, and whether it is case-folded (the pattern ignores case);
    None when there is none."""
    if sre_parser is None:
        return None
    folded = bool(pattern.flags & re.IGNORECASE)
    try:
        gate = _sequence(list(sre_parser.parse(pattern.pattern, pattern.flags)), folded)
    except Exception:
        return None
    return (gate, folded) if gate is not None else None


def could_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when the pattern certainly does not match `text`."""
    found = _tester(pattern)
    if found is None:
        return True
    test, folded, lower_case = found
    if folded and not text.isascii():
        # Ignoring case, re also matches a few non-ASCII letters to ASCII ones ("ſ" to "s"): only plain ASCII
        # text can be tested by lower-casing it.
        return True
    # Literals that lower-casing leaves alone are still in the lower-cased text: every gate of a draft, whether
    # it is scanned as written or lower-cased, then reads the one set of pieces.
    return test(_lowered_pieces(text) if folded or lower_case else _pieces(text))


@lru_cache(maxsize=8)
def _lowered_pieces(text: str) -> _Text:
    return _pieces(text.lower())


@cache
def _tester(pattern: re.Pattern[str]) -> tuple[Test, bool, bool] | None:
    """The gate's test, whether it ignores case, and whether its literals are all lower-case."""
    found = gate_of(pattern)
    if found is None:
        return None
    gate, folded = found
    return _test(gate), folded, all(literal == literal.lower() for literal in _literals_of(gate))


def _literals_of(gate: Gate) -> list[str]:
    return [gate.literal] if gate.literal else [s for g in (*gate.every, *gate.one_of) for s in _literals_of(g)]


def _sequence(items: list[Any], folded: bool) -> Gate | None:
    """Each part of a sequence must match, so the sequence needs everything its parts need."""
    parts: list[Gate] = []
    index = 0
    while index < len(items):
        spellings, index = _literal_run(items, index, folded)
        if spellings:
            parts.append(Gate(literal=spellings[0]) if len(spellings) == 1 else Gate(one_of=_literals(spellings)))
            continue
        part = _item(items[index], folded)
        if part is not None:
            parts.append(part)
        index += 1
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Gate(every=tuple(parts))


def _item(item: tuple[Any, Any], folded: bool) -> Gate | None:
    op, arg = item
    name = str(op)
    if name == "SUBPATTERN":
        _group, add_flags, del_flags, body = arg
        if add_flags or del_flags:  # "(?i:...)": its literals may match in other cases
            return None
        return _sequence(list(body), folded)
    if name == "BRANCH":
        branches = [_sequence(list(branch), folded) for branch in arg[1]]
        if any(branch is None for branch in branches):
            return None
        return Gate(one_of=tuple(b for b in branches if b is not None))
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        low, _high, body = arg
        return _sequence(list(body), folded) if low > 0 else None
    return None  # character classes, anchors, lookarounds: nothing certain


_MAX_SPELLINGS = 16


def _literal_run(items: list[Any], index: int, folded: bool) -> tuple[list[str], int]:
    """The spellings of a run of literals and small sets of them ("don['’]t": "don't", "don’t"), from `index`."""
    spellings = [""]
    while index < len(items):
        chars = literal_chars(items[index], folded)
        if chars is None or len(spellings) * len(chars) > _MAX_SPELLINGS:
            break
        spellings = [s + c for s in spellings for c in chars]
        index += 1
    return ([] if spellings == [""] else spellings), index


def literal_chars(item: tuple[Any, Any], folded: bool) -> list[str] | None:
    """The characters a literal or a set of literals matches; None when it is anything else."""
    op, arg = item
    if str(op) == "LITERAL":
        codes = [arg]
    elif str(op) == "IN" and all(str(o) == "LITERAL" for o, _ in arg):
        codes = [a for _, a in arg]
    else:
        return None
    chars = [chr(c) for c in codes]
    if not folded:
        return chars
    # Ignoring case, a few non-ASCII letters match ASCII ones ("K" Kelvin and "k"): only caseless characters
    # and ASCII (compared lower-cased) are certain.
    if any(not c.isascii() and (c.lower() != c or c.upper() != c) for c in chars):
        return None
    return [c.lower() for c in chars]


def _literals(spellings: list[str]) -> tuple[Gate, ...]:
    return tuple(Gate(literal=s) for s in dict.fromkeys(spellings))
