"""Run a pattern only where a match can start: at the words it opens with, not at every character.

A scan (`finditer`) enters the regex engine at every position of the text. A pattern that opens with `\\b`
gets none of `re`'s own skipping (its first-character and literal-prefix tests stop at an anchor), so each of
the ~60 scans of a 300-word draft costs 30-300 microseconds, most of it positions where nothing can start.
But every match of `\\b(?:a third|half)...` starts at a word that is "a" or begins with "half". Read from the
pattern's parse tree (the same tree `gating` reads), those words, digits, characters or line starts are looked
up in an index of the text built once; the pattern is tried there alone (`pattern.match(text, position)`,
which sees the whole text, so `\\b` and look-behinds read the characters before the position as a scan does).
The matches are the scan's own: the leftmost match at or after where the last one ended, in order. When the
parse tree leaves any doubt (a class it cannot spell, a pattern that can match nothing), the scan runs as is,
behind `gating`'s test; a planned pattern asks that test only when it has many places to try.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain
from typing import Any

from service.rubric.gating import could_match, literal_chars, sre_parser

_TOKEN = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_MAX_SPELLINGS = 16
_GATE_ABOVE = 32  # places to try before the gate is worth asking first
_MAX_FIRST = 64  # a first character may be one of a larger set ("[A-Z]"): each is one word prefix


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what `\w` matches in a str pattern


_NOT_WORD_ASCII = {code: " " for code in range(128) if not _is_word(chr(code))}


@dataclass(frozen=True)
class _Word:
    """A match starts where a word starts, and that word is `text` (exact) or begins with it."""

    text: str
    exact: bool


@dataclass(frozen=True)
class _Char:
    """A match starts at this (non-letter) character, wherever it is."""

    char: str


_STOP = ("STOP", None)  # what follows a repeated part is not known: spellings end here
_DIGIT_START = "digit"  # a match starts at a digit
_LINE_START = "line"  # at the start of a line (multi-line "^")
_TEXT_START = "text"  # at the start of the text ("^", "\A")


@dataclass(frozen=True)
class _Plan:
    exact: frozenset[str]
    prefixes: tuple[str, ...]
    chars: frozenset[str]
    marks: frozenset[str]
    folded: bool


def finditer(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """pattern.finditer(text): the same matches, found where they can start (or skipped when none can)."""
    candidates = _places_to_try(pattern, text)
    if candidates is None:
        return pattern.finditer(text) if could_match(pattern, text) else iter(())
    # Finding no place to start rules out as much as the gate, for less; with many places (every line of a
    # text of blank lines), the gate still saves trying each.
    if len(candidates) > _GATE_ABOVE and not could_match(pattern, text):
        return iter(())
    return _matches(pattern, text, candidates)


def could_start(pattern: re.Pattern[str], text: str) -> bool:
    """False only when no match of `pattern` can start anywhere in `text` (cheaper than a scan)."""
    candidates = _places_to_try(pattern, text)
    return could_match(pattern, text) if candidates is None else bool(candidates)


def _places_to_try(pattern: re.Pattern[str], text: str) -> list[int] | None:
    """Where a match of `pattern` can start in `text`, in order; None when the pattern has no plan (or ignores
    case and the text is not plain ASCII, where lower-casing would not show every place)."""
    plan = _plan(pattern)
    if plan is None or (plan.folded and not text.isascii()):
        return None
    return _candidates(plan, _index(text.lower() if plan.folded else text))


def search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """pattern.search(text), found the same way."""
    return next(finditer(pattern, text), None)


def _matches(pattern: re.Pattern[str], text: str, candidates: list[int]) -> Iterator[re.Match[str]]:
    resume = 0
    for position in candidates:
        if position < resume:
            continue
        match = pattern.match(text, position)
        if match is not None:
            yield match
            resume = match.end()  # never empty: a planned pattern consumes at least one character


class _Index:
    """A text's words (asked where they stand only when a pattern needs them), digits and line starts."""

    __slots__ = ("_digits", "_places", "_spaced", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        # The words `\w+` finds; for plain ASCII, splitting is several times faster than the regex, and the
        # text with every other character a space finds a whole word as " word ".
        self._spaced = f" {text.translate(_NOT_WORD_ASCII)} " if text.isascii() else None
        self.words = frozenset(self._spaced.split() if self._spaced is not None else _TOKEN.findall(text))
        self._places: dict[str, list[int]] = {}
        self._digits: list[int] | None = None

    def places(self, word: str) -> list[int]:
        """Where `word` stands as a whole word."""
        found = self._places.get(word)
        if found is None:
            found = self._places[word] = list(self._find(word))
        return found

    def _find(self, word: str) -> Iterator[int]:
        if self._spaced is not None:  # " word " in the spaced text stands one before the word in the text
            padded = f" {word} "
            position = self._spaced.find(padded)
            while position >= 0:
                yield position
                position = self._spaced.find(padded, position + len(word) + 1)
            return
        text, size = self.text, len(word)
        position = text.find(word)
        while position >= 0:
            end = position + size
            if (position == 0 or not _is_word(text[position - 1])) and (end == len(text) or not _is_word(text[end])):
                yield position
            position = text.find(word, position + 1)

    def digits(self) -> list[int]:
        if self._digits is None:
            self._digits = [m.start() for m in _DIGIT.finditer(self.text)]
        return self._digits

    def char(self, char: str) -> Iterator[int]:
        position = self.text.find(char)
        while position >= 0:
            yield position
            position = self.text.find(char, position + 1)

    def line_starts(self) -> Iterator[int]:
        yield 0
        yield from (position + 1 for position in self.char("\n"))


@lru_cache(maxsize=8)
def _index(text: str) -> _Index:
    return _Index(text)


def _candidates(plan: _Plan, index: _Index) -> list[int]:
    found: list[Any] = [index.places(w) for w in plan.exact & index.words]
    if plan.prefixes:
        found += [index.places(w) for w in index.words if w.startswith(plan.prefixes)]
    found += [index.char(c) for c in plan.chars]
    if _DIGIT_START in plan.marks:
        found.append(index.digits())
    if _LINE_START in plan.marks:
        found.append(index.line_starts())
    if _TEXT_START in plan.marks:
        found.append([0])
    if len(found) == 1 and isinstance(found[0], list):
        return found[0]  # one word's places, or the digits: already in order
    return sorted(set(chain.from_iterable(found)))


@cache
def _plan(pattern: re.Pattern[str]) -> _Plan | None:
    """Where matches of `pattern` can start, or None when the parse tree does not say for certain."""
    if sre_parser is None or pattern.flags & re.ASCII:  # ASCII-only \b and \w would not find the index's words
        return None
    folded = bool(pattern.flags & re.IGNORECASE)
    try:
        starts = _starts(list(sre_parser.parse(pattern.pattern, pattern.flags)), _Path(folded, pattern.flags))
    except Exception:
        return None
    if starts is None:
        return None
    words = [s for s in starts if isinstance(s, _Word)]
    prefixes = _shortest({w.text for w in words if not w.exact})
    return _Plan(
        exact=frozenset(w.text for w in words if w.exact and not w.text.startswith(prefixes)),
        prefixes=prefixes,
        chars=frozenset(s.char for s in starts if isinstance(s, _Char)),
        marks=frozenset(s for s in starts if isinstance(s, str)),
        folded=folded,
    )


def _shortest(prefixes: set[str]) -> tuple[str, ...]:
    """The prefixes no shorter one of them already covers ("dozen" covers "dozenh" and "dozenhours")."""
    kept: list[str] = []
    for prefix in sorted(prefixes):  # a prefix sorts right before the words it covers
        if not kept or not prefix.startswith(kept[-1]):
            kept.append(prefix)
    return tuple(kept)


@dataclass(frozen=True)
class _Path:
    """What is known on the way to a match's first characters: a `\\b` before them, the spellings so far."""

    folded: bool
    flags: int
    boundary: bool = False
    spellings: tuple[str, ...] = ("",)


Start = _Word | _Char | str


def _starts(items: list[Any], path: _Path) -> set[Start] | None:
    """Where a match of `items` (then nothing) can start; None when unknown or when it can match nothing."""
    for index, (op, arg) in enumerate(items):
        rest = items[index + 1 :]
        name = str(op)
        if name == "AT":
            if path.spellings != ("",):
                return _spelled(path, next_is_boundary=str(arg) == "AT_BOUNDARY")
            if str(arg) == "AT_BOUNDARY":
                path = _Path(path.folded, path.flags, True)
            elif str(arg) == "AT_BEGINNING":
                return {_LINE_START if path.flags & re.MULTILINE else _TEXT_START}
            elif str(arg) == "AT_BEGINNING_STRING":
                return {_TEXT_START}
            continue  # other anchors take no characters; the next item decides
        if name in ("ASSERT", "ASSERT_NOT") and path.spellings == ("",):
            continue  # look-arounds take no characters either
        chars = literal_chars((op, arg), path.folded) or _class_chars((op, arg), path.folded)
        if chars is not None:
            spellings = tuple(s + c for s in path.spellings for c in chars)
            if len(spellings) > (_MAX_FIRST if path.spellings == ("",) else _MAX_SPELLINGS):
                return _spelled(path, next_is_boundary=False) if path.spellings != ("",) else None
            path = _Path(path.folded, path.flags, path.boundary, spellings)
            continue
        if path.spellings != ("",):
            if name in ("SUBPATTERN", "BRANCH", "MAX_REPEAT", "MIN_REPEAT"):
                return _alternatives((op, arg), rest, path)
            return _spelled(path, next_is_boundary=_no_word_chars((op, arg)))
        if name == "IN" and arg == [(sre_parser.CATEGORY, sre_parser.CATEGORY_DIGIT)]:
            return {_DIGIT_START}
        if name in ("SUBPATTERN", "BRANCH", "MAX_REPEAT", "MIN_REPEAT"):
            return _alternatives((op, arg), rest, path)
        return None
    return _spelled(path, next_is_boundary=False) if path.spellings != ("",) else None


def _alternatives(item: tuple[Any, Any], rest: list[Any], path: _Path) -> set[Start] | None:
    """A group, a choice or a repeat: each way through it, followed by the rest."""
    op, arg = item
    name = str(op)
    if name == "SUBPATTERN":
        _group, add_flags, del_flags, body = arg
        return None if add_flags or del_flags else _starts(list(body) + rest, path)
    if name == "BRANCH":
        ways = [list(branch) + rest for branch in arg[1]]
    else:
        low, high, body = arg
        # Once, then the rest; or, when it can repeat, once and nothing certain after it.
        ways = [list(body) + (rest if high == 1 else [_STOP])] + ([rest] if low == 0 else [])
    found: set[Start] = set()
    for way in ways:
        starts = _starts(way, path)
        if starts is None:
            return None
        found |= starts
    return found


def _spelled(path: _Path, *, next_is_boundary: bool) -> set[Start] | None:
    """The starts of matches that open with one of `path.spellings`."""
    found: set[Start] = set()
    for spelling in path.spellings:
        run = _word_run(spelling)
        if path.boundary and run:
            found.add(_Word(run, exact=len(run) < len(spelling) or next_is_boundary))
        elif not _is_word(spelling[0]):
            found.add(_Char(spelling[0]))
        else:
            return None  # a letter anywhere, even inside words: too many places to be worth it
    return found


def _class_chars(item: tuple[Any, Any], folded: bool) -> list[str] | None:
    """The characters a set of characters and ranges ("[A-Z]", "[0-9a-f]") matches, if there are few."""
    op, arg = item
    if str(op) != "IN" or not all(str(kind) in ("LITERAL", "RANGE") for kind, _ in arg):
        return None
    codes: list[int] = []
    for kind, value in arg:
        codes += [value] if str(kind) == "LITERAL" else list(range(value[0], value[1] + 1))
        if len(codes) > _MAX_FIRST:
            return None
    chars = [chr(code) for code in codes]
    if folded and not all(c.isascii() for c in chars):
        return None  # ignoring case, only plain ASCII is certain (as in gating)
    return list(dict.fromkeys(c.lower() if folded else c for c in chars))


def _no_word_chars(item: tuple[Any, Any]) -> bool:
    """Whether the item only matches characters that end a word (white space, punctuation)."""
    op, arg = item
    if str(op) != "IN":
        return False
    for kind, value in arg:
        if str(kind) == "CATEGORY" and str(value) == "CATEGORY_SPACE":
            continue
        if str(kind) == "LITERAL" and not _is_word(chr(value)):
            continue
        return False
    return True


def _word_run(spelling: str) -> str:
    end = 0
    while end < len(spelling) and _is_word(spelling[end]):
        end += 1
    return spelling[:end]
