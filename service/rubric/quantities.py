"""Figures, amounts, percentages, durations, dates and times in text, normalised so that different
spellings of the same fact compare equal: "$5m" = "5 million dollars", "48 hours" = "two days",
"30 June" = "June 30", "half" = "50%", "1:05 pm" = "13:05".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from service.rubric.starts import could_start, finditer

MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "a dozen": 12,
    "dozen": 12,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "k": 1_000,
    "million": 1_000_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
}
_FRACTIONS = {
    "half": 50.0,
    "a third": 33.3,
    "one third": 33.3,
    "a quarter": 25.0,
    "one quarter": 25.0,
    "three quarters": 75.0,
    "two thirds": 66.7,
}
HOURS_PER = {
    "minute": 1 / 60,
    "min": 1 / 60,
    "hour": 1,
    "hr": 1,
    "h": 1,
    "day": 24,
    "week": 168,
    "fortnight": 336,
    "month": 730,
    "year": 8760,
}
_CURRENCY_WORDS = r"dollars?|usd|euros?|eur|pounds?|gbp|aud|cad|nzd|rupees?|yen"

_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_BIG = r"hundred|thousand|million|billion"
_SPELLED = rf"(?:(?:{_NUMBER_WORD})(?:[\s-]+(?:and[\s-]+)?(?:{_NUMBER_WORD}|{_BIG}))*|an?\s+(?:{_BIG}))"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_UNIT = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?|months?|years?)"
# Only an abbreviated month takes a dot ("Jan. 5"); "March. 25% of..." is two sentences.
_MONTH_ABBREVIATION = "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"

QUANTITY = re.compile(
    rf"(?P<cur>[$£€]|\b(?:usd|aud|cad|nzd|eur|gbp)\s?)?(?P<num>{_DIGITS}|\b{_SPELLED}\b)"
    rf"(?P<scale>\s*(?:hundred|thousand|million|billion)\b|(?:bn|mn|k|m|b)\b)?"  # "5m", not "200 m"
    rf"(?:\s*(?P<pct>%|per\s?cent\b|percent\b))?"
    rf"(?:\s*(?P<curword>{_CURRENCY_WORDS})\b)?"
    rf"(?:[\s-]*(?P<unit>{_UNIT})\b)?"
)
_SPELLED_START = re.compile(rf"\b(?:{_NUMBER_WORD}|an? (?:{_BIG}))")
_DIGIT = re.compile(r"\d")
_NOON_OR_MIDNIGHT = re.compile(r"\b(noon|midday|midnight)\b")
FRACTION = re.compile(
    r"\b(?P<frac>half|a third|one third|a quarter|one quarter|three quarters|two thirds)\b(?![- ]part)"
    r"(?! (?:time|day|year|week|month|round|attempt|consecutive|straight|(?:of )?an? (?:hour|day|minute|week|month|year)))"
)
# "one in four", "6 out of 10", "1 in every 12": a share, compared as a percentage.
RATIO = re.compile(
    rf"\b(?P<a>\d+(?:\.\d+)?|{_NUMBER_WORD}) (?:in|out of|of every|in every) (?P<b>\d{{1,3}}(?:,\d{{3}})*|{_NUMBER_WORD}|"
    rf"a hundred|one hundred|a thousand)\b(?! (?:{_UNIT}|%|per\s?cent))"
)
# "nine hours and twenty-five minutes", "9h25m", "9 hrs 25 mins": one duration, not two.
COMPOUND_DURATION = re.compile(
    rf"\b(?P<h>\d+|{_SPELLED}) ?(?:hours?|hrs?|h)(?![a-z]),? ?(?:and )?(?P<m>\d+|{_SPELLED}) ?(?:minutes?|mins?|m)\b"
)
# "half an hour", "an hour and a half", "a quarter of an hour", "a fortnight".
PART_DURATION = re.compile(
    r"\b(?:(?P<part>half|a quarter) (?:of )?an? (?P<unit>hour|day|minute|week|month|year)|"
    r"an? (?P<whole>hour|day|week|month|year) and a half|(?P<fortnight>a fortnight))\b"
)
# Pence in the pound, cents on the dollar: a share ("30p in every pound" is 30%, "half a penny" 0.5%).
PER_POUND = re.compile(
    r"\b(?P<num>\d+(?:\.\d+)?|half a) ?(?:p|pence|penny|cents?) (?:in|on|of|out of) (?:every|each|the|a) "
    r"(?:pound|£1|dollar|\$1|euro)\b"
)
# Minor currency units: "88p", "50 pence", "6 cents".
MINOR_MONEY = re.compile(r"\b(?P<num>\d+(?:\.\d+)?) ?(?:p|pence|cents?)\b")
# A date stays on one line, and "May 04:10" is a time on a date, not 4 May.
DATE_MONTH_FIRST = re.compile(
    rf"\b(?P<month>{_MONTH}|(?:{_MONTH_ABBREVIATION})\.)[ \t]+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?![:%]|\s*per)"
    rf"(?:,?[ \t]+(?P<year>(?:19|20)\d\d))?"
)
DATE_DAY_FIRST = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:[ \t]+of)?[ \t]+(?P<month>{_MONTH})\b\.?(?:,?[ \t]+(?P<year>(?:19|20)\d\d))?",
)
DAY_RANGE = re.compile(
    rf"\b(?P<first>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|to|and|through|until)\s*(?=\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"(?P<month>{_MONTH})\b)"
)
DATE_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
DATE_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<year>(?:19|20)?\d\d))?\b")
MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH})\b(?:\s+(?P<year>(?:19|20)\d\d))?")
YEAR = re.compile(r"\b(?P<year>(?:19|20)\d\d)\b")
WEEKDAY = re.compile(rf"\b(?P<weekday>{'|'.join(WEEKDAYS)})s?\b")
TIME = re.compile(
    r"\b(?P<h>[01]?\d|2[0-3])(?::(?P<m>[0-5]\d))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)(?![a-z])|\b(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)\b",
)
HARMLESS = re.compile(
    r"\b24/7\b|\b24x7\b|\b(?:no|any|every|some)\s?one\b|\bone\s+(?:of|another|by one|more|day at a time)\b|"
    r"\bone\b(?!\s*(?:-\s*)?(?:hundred|thousand|million|billion|%|per\s?cent|percent|minute|hour|day|week|month|year))",
)
# Digits that name something rather than count it: a phone number ("1-877-847-8408", "+44 20 7946 0958",
# "0800 123 4567"), a version ("version 1.0.21", "v2.4") and a heading's label ("Finding 1: "). Each pattern
# runs only on a text where its plain test finds a place (most drafts have none: 0.06 ms a 300-word draft).
NAMING_DIGITS = (
    (
        re.compile(r"\d{3}[ .-]\d{3}"),
        re.compile(
            r"(?<![\w.])(?:\+?1[ .-])?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w.-]\d)"
            r"|(?<![\w.])(?:\+\d{1,3} ?(?:\(0\) ?)?\d{1,4}|0\d{2,4})(?: \d{3,4}){2}(?![\w.-]\d)"
        ),
    ),
    (re.compile(r"v\d|version"), re.compile(r"\bv\d+(?:\.\d+)+\b|\bversions? v?\d+(?:\.\d+)*")),
    (
        re.compile(r"\d:\s"),
        re.compile(
            r"^[ \t]*(?!(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\b)"
            r"[a-z]+ \d{1,2}(?=:\s)",
            re.MULTILINE,
        ),
    ),
)


class QuantityKind(StrEnum):
    """What a figure found in text is; the one list of kinds every grader compares against."""

    money = "money"
    percent = "percent"
    duration = "duration"  # kept in hours
    number = "number"
    date = "date"  # (month, day, year or 0)
    numeric_date = "numeric_date"  # (a, b) as written in 3/4: day and month in either order
    month = "month"  # (month, year or 0)
    year = "year"
    weekday = "weekday"
    time = "time"  # minutes after midnight


# Kinds that say when something happens or for how long (a plan's timing, a promised update).
WHEN_KINDS = frozenset(
    {
        QuantityKind.date,
        QuantityKind.numeric_date,
        QuantityKind.month,
        QuantityKind.year,
        QuantityKind.weekday,
        QuantityKind.time,
        QuantityKind.duration,
    }
)
# Kinds that are amounts of something, comparable as numbers.
NUMERIC_KINDS = frozenset({QuantityKind.money, QuantityKind.percent, QuantityKind.duration, QuantityKind.number})
# Kinds that name a day, month or year.
CALENDAR_KINDS = frozenset({QuantityKind.date, QuantityKind.numeric_date, QuantityKind.month, QuantityKind.year})


Value = tuple[float | int | str, ...]
Adder = Callable[[QuantityKind, Value, int, int], None]


@dataclass(frozen=True)
class Quantity:
    """One figure found in text: what kind, its normalised value, and where it is."""

    kind: QuantityKind
    value: Value
    text: str
    start: int
    end: int


def words_to_number(text: str) -> float | None:
    """ "two hundred and forty" -> 240; "a dozen" -> 12; None when it is not a number."""
    total, current = 0.0, 0.0
    seen = False
    for token in re.split(r"[\s-]+", text.lower().strip()):
        if token in ("and", ""):
            continue
        if token in ("a", "an"):
            token = "one"
        if token in _UNITS:
            current += _UNITS[token]
        elif token in _TENS:
            current += _TENS[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        elif token in ("thousand", "million", "billion"):
            total += max(current, 1) * _SCALES[token]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _number(raw: str, scale: str | None) -> float | None:
    raw_clean = raw.replace(",", "")
    value = float(raw_clean) if re.fullmatch(r"\d+(?:\.\d+)?", raw_clean) else words_to_number(raw)
    if value is None:
        return None
    if scale:
        value *= _SCALES.get(scale.strip().lower(), 1)
    return value


def _unit_hours(unit: str) -> float:
    singular = unit.lower().rstrip("s") if unit.lower() not in ("hrs", "mins") else unit.lower()[:-1]
    return HOURS_PER.get(singular, HOURS_PER.get(singular[:3], 1.0))


@lru_cache(maxsize=2048)
def extract_cached(text: str) -> tuple[Quantity, ...]:
    """extract() for strings that recur (fact fields): computed once per distinct text."""
    return tuple(extract(text))


def extract(text: str, lowered: str | None = None) -> list[Quantity]:
    """Every figure, amount, percentage, duration, date, time, weekday and year in `text`.

    Patterns run case-sensitively on the lower-cased text (much faster); `lowered` must keep offsets.
    """
    low = lowered if lowered is not None else _lower(text)
    found: list[Quantity] = []
    taken = _Spans()

    def add(kind: QuantityKind, value: Value, start: int, end: int) -> None:
        if taken.overlaps(start, end):
            return
        taken.add(start, end)
        found.append(Quantity(kind, value, text[start:end], start, end))

    digits = bool(_DIGIT.search(low))
    _extract_compounds(low, add)
    for match in finditer(HARMLESS, low):
        if not taken.overlaps(*match.span()):
            taken.add(*match.span())
    if digits:
        _mark_naming_digits(low, taken)
    _extract_dates(low, text, add, digits)
    if digits or "noon" in low or "mid" in low:
        _extract_times(low, add)
    _extract_quantities(low, add, digits)
    for match in finditer(FRACTION, low):
        add(QuantityKind.percent, (_FRACTIONS[match.group("frac")],), *match.span())
    for match in finditer(WEEKDAY, low):
        add(QuantityKind.weekday, (match.group("weekday"),), *match.span())
    return sorted(found, key=lambda q: q.start)


def _mark_naming_digits(text: str, taken: _Spans) -> None:
    """Set aside phone numbers, versions and heading labels, so their digits are not read as figures."""
    for test, pattern in NAMING_DIGITS:
        if test.search(text) is None:
            continue
        for match in pattern.finditer(text):
            if not taken.overlaps(*match.span()):
                taken.add(*match.span())


def _extract_compounds(text: str, add: Adder) -> None:
    """Shares, durations in two units, fractions of a unit and minor currency, before their parts are read alone."""
    for match in finditer(RATIO, text):
        a, b = _number(match.group("a"), None), _number(match.group("b").replace("a ", "one "), None)
        if a is not None and b and a < b:
            add(QuantityKind.percent, (round(a / b * 100, 2),), *match.span())
    for match in finditer(COMPOUND_DURATION, text):
        hours, minutes = _number(match.group("h"), None), _number(match.group("m"), None)
        if hours is not None and minutes is not None and minutes < 60:
            add(QuantityKind.duration, (round(hours + minutes / 60, 3),), *match.span())
    for match in finditer(PART_DURATION, text):
        if match.group("fortnight"):
            hours = HOURS_PER["fortnight"]
        elif match.group("part"):
            hours = HOURS_PER[match.group("unit")] * (0.5 if match.group("part") == "half" else 0.25)
        else:
            hours = HOURS_PER[match.group("whole")] * 1.5
        add(QuantityKind.duration, (round(hours, 3),), *match.span())
    for match in finditer(PER_POUND, text):
        share = 0.5 if match.group("num") == "half a" else float(match.group("num"))
        add(QuantityKind.percent, (share,), *match.span())
    for match in finditer(MINOR_MONEY, text):
        add(QuantityKind.money, (round(float(match.group("num")) / 100, 4),), *match.span())


class _Spans:
    """Non-overlapping [start, end) spans, kept sorted, so an overlap test costs log n, not n."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self.starts, start)
        before = index > 0 and self.ends[index - 1] > start
        after = index < len(self.starts) and self.starts[index] < end
        return before or after

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_right(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)


def _extract_dates(text: str, original: str, add: Adder, digits: bool) -> None:
    months = could_start(MONTH_YEAR, text)  # each date pattern needs a month named as a whole word
    for match in finditer(DAY_RANGE, text) if months and digits else ():
        day = int(match.group("first"))
        if 1 <= day <= 31:  # "10 to 14 May": the first day takes the month of the second
            add(QuantityKind.date, (MONTHS[match.group("month")], day, 0), match.start("first"), match.end("first"))
    for pattern in (DATE_MONTH_FIRST, DATE_DAY_FIRST):
        if not (months and digits):
            break
        for match in finditer(pattern, text):
            month = MONTHS[match.group("month").rstrip(".")]
            day = int(match.group("day"))
            if 1 <= day <= 31 and not _is_may_verb(match, original):
                year = int(match.group("year")) if match.group("year") else 0
                add(QuantityKind.date, (month, day, year), *match.span())
    for match in finditer(DATE_ISO, text) if digits else ():
        add(
            QuantityKind.date,
            (int(match.group("month")), int(match.group("day")), int(match.group("year"))),
            *match.span(),
        )
    for match in finditer(DATE_NUMERIC, text) if digits and "/" in text else ():
        a, b = int(match.group("a")), int(match.group("b"))
        if 1 <= a <= 31 and 1 <= b <= 31 and (a <= 12 or b <= 12):
            add(QuantityKind.numeric_date, (a, b), *match.span())
    for match in finditer(MONTH_YEAR, text) if months else ():
        capitalised = original[match.start("month")].isupper()
        if not _is_may_verb(match, original) and (match.group("year") or capitalised):
            year = int(match.group("year")) if match.group("year") else 0
            add(QuantityKind.month, (MONTHS[match.group("month")], year), *match.span())
    for match in finditer(YEAR, text) if digits else ():
        add(QuantityKind.year, (int(match.group("year")),), *match.span())


def _is_may_verb(match: re.Match[str], original: str) -> bool:
    """ "may" is a month only when capitalised in the original text ("on May 3", not "you may")."""
    return match.group("month") == "may" and not original[match.start("month")].isupper()


def _lower(text: str) -> str:
    lowered = text.lower()
    return (
        lowered
        if len(lowered) == len(text)
        else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    )


def _extract_times(text: str, add: Adder) -> None:
    for match in finditer(TIME, text):
        if match.group("h24") is not None:
            minutes = int(match.group("h24")) * 60 + int(match.group("m24"))
        else:
            hour = int(match.group("h")) % 12 + (12 if match.group("ampm").startswith("p") else 0)
            minutes = hour * 60 + int(match.group("m") or 0)
        add(QuantityKind.time, (minutes,), *match.span())
    for match in finditer(_NOON_OR_MIDNIGHT, text):
        add(QuantityKind.time, (0 if match.group(1).lower() == "midnight" else 720,), *match.span())


def _extract_quantities(text: str, add: Adder, digits: bool) -> None:
    if not digits and not could_start(_SPELLED_START, text):
        return
    for match in finditer(QUANTITY, text):
        raw = match.group("num")
        if not raw or not raw.strip():
            continue
        value = _number(raw, match.group("scale"))
        if value is None:
            continue
        start, end = match.span()
        if match.group("cur") or match.group("curword"):
            add(QuantityKind.money, (round(value, 2),), start, end)
        elif match.group("pct"):
            add(QuantityKind.percent, (round(value, 2),), start, end)
        elif match.group("unit"):
            add(QuantityKind.duration, (round(value * _unit_hours(match.group("unit")), 3),), start, end)
        else:
            end = match.end("scale") if match.group("scale") else match.start("num") + len(raw)
            add(QuantityKind.number, (round(value, 3),), match.start("num"), end)
