"""Skip regex scans that cannot match: most drafts contain none of most patterns' opening words.

For a pattern whose every match must begin with one of a set of literal strings (after any `\\b`),
a substring check for those strings is a safe, much cheaper test than scanning the text. The prefix
set is read from the pattern's own parse tree; when that is not possible the pattern always runs.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

try:  # the parser behind `re`; private, so any failure just disables gating
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    _sre_parse = None


@cache
def literal_prefixes(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings every match of `pattern` starts with, or None when there is no such guarantee."""
    if _sre_parse is None:
        return None
    try:
        items = list(_sre_parse.parse(pattern.pattern, pattern.flags))
        heads = _heads(items, 0)
    except Exception:
        return None
    return frozenset(heads) if heads and all(heads) else None


def could_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when the pattern certainly does not match `text`."""
    heads = literal_prefixes(pattern)
    return heads is None or any(head in text for head in heads)


def _heads(items: list[Any], index: int) -> set[str] | None:
    while index < len(items):
        op, arg = items[index]
        name = str(op)
        if name == "AT":  # \b, ^, $ consume nothing
            index += 1
            continue
        if name == "LITERAL":
            return {_literal_run(items, index)}
        if name == "SUBPATTERN":
            return _heads(list(arg[-1]), 0)
        if name == "BRANCH":
            return _union(_heads(list(branch), 0) for branch in arg[1])
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _high, body = arg
            inner = _heads(list(body), 0)
            return inner if low > 0 else _union([inner, _heads(items, index + 1)])
        return None
    return None  # the pattern can match an empty string here: no guarantee


def _literal_run(items: list[Any], index: int) -> str:
    run = ""
    while index < len(items) and str(items[index][0]) == "LITERAL":
        run += chr(items[index][1])
        index += 1
    return run


def _union(parts: Any) -> set[str] | None:
    merged: set[str] = set()
    for part in parts:
        if part is None:
            return None
        merged |= part
    return merged
