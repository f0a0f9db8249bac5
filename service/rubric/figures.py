"""Figures, amounts, percentages, dates and times in a draft, checked against the facts and what follows from
them: the same value however written ("$6" = "6 dollars", "48 hours" = "two days", "1:05 pm" = "13:05"), a
hedged figure within a fifth of the known one ("about 1,300" for 1,340), a whole number of hours, days or
minutes rounded from a span the facts give, and the arithmetic service/rubric/derived.py works out.
"""

from __future__ import annotations

import re

from service.rubric.base import Context
from service.rubric.quantities import CALENDAR_KINDS, NUMERIC_KINDS, Quantity, QuantityKind
from service.rubric.starts import finditer
from service.rubric.text import Sentence, stem
from service.rubric.types import ClaimKind, UnsupportedClaim

# What an unsupported figure is called in the ledger.
_CLAIM_KIND = {
    QuantityKind.money: ClaimKind.amount,
    QuantityKind.percent: ClaimKind.percentage,
    QuantityKind.duration: ClaimKind.figure,
    QuantityKind.number: ClaimKind.figure,
    QuantityKind.date: ClaimKind.date,
    QuantityKind.numeric_date: ClaimKind.date,
    QuantityKind.month: ClaimKind.date,
    QuantityKind.year: ClaimKind.date,
    QuantityKind.weekday: ClaimKind.date,
    QuantityKind.time: ClaimKind.time,
}
_APPROX = re.compile(
    r"\b(?:about|around|approximately|roughly|some|almost|nearly|close to|up to|just over|"
    r"just under|more than|over|at least|fewer than|less than|under|upwards of|an estimated)\s*$",
    re.I,
)
# Hedges that bound a figure from one side: "over 96%" is not "about" 85%, it says more than the facts do.
_AT_LEAST = re.compile(r"\b(?:more than|over|at least|upwards of|just over)\s*$", re.I)
_AT_MOST = re.compile(r"\b(?:fewer than|less than|under|up to|just under)\s*$", re.I)
_RHETORICAL = re.compile(r"\bwhether\b[^.]*\bor\b")
# "1." or "2)" opening a line: a list's numbering.
_LIST_LABEL = re.compile(r"(?:(?<=\n)|(?<=\A))[ \t]*\d{1,2}[.)]\s")
_LABEL_NUMBER = re.compile(r"\b(?:step|phase|part|chapter|page|line|option|number|no\.|#)\s*$")


def unsupported_figures(ctx: Context) -> list[UnsupportedClaim]:
    """Every figure, date and time in the draft that the facts do not support, and every magnitude in words
    ("thousands of", "hundreds of") that no figure in the facts falls within."""
    text = ctx.draft.text
    known = [*ctx.facts.quantities, *ctx.facts.derived]
    figures = [
        UnsupportedClaim(
            kind=_CLAIM_KIND[q.kind],
            text=q.text,
            start=q.start,
            end=q.end,
            reason=f"{_CLAIM_KIND[q.kind]} not in the facts",
        )
        for q in ctx.draft.quantities
        if not (_incidental(q, ctx) or supported(q, ctx, text, known))
    ]
    return sorted([*figures, *_unsupported_magnitudes(ctx, known)], key=lambda c: c.start)


# "Dozens of", "hundreds of", "tens of thousands of": how many, in words, and the counts each can stand for
# (generously: "hundreds" up to 2,000, "thousands" up to a million; a magnitude is a manner of speaking).
_SIZES = ("dozens", "hundreds", "thousands", "millions", "billions")
_MAGNITUDE = re.compile(rf"\b(?:(?P<tens>tens|hundreds) of )?(?P<size>{'|'.join(_SIZES)}) of\b")
_SPAN = {
    "dozens": (12.0, 200.0),
    "hundreds": (100.0, 2e3),
    "thousands": (1e3, 1e6),
    "tens of thousands": (1e4, 2e5),
    "hundreds of thousands": (1e5, 2e6),
    "millions": (1e6, 1e9),
    "billions": (1e9, 1e12),
}


def _unsupported_magnitudes(ctx: Context, known: list[Quantity]) -> list[UnsupportedClaim]:
    lower = ctx.draft.lower
    if not any(f"{size} of" in lower for size in _SIZES):
        return []
    counts = [float(q.value[0]) for q in known if q.kind in (QuantityKind.number, QuantityKind.money)]
    found = []
    for match in finditer(_MAGNITUDE, lower):
        if ctx.facts.contains_figure(match.group(0)):
            continue
        tens, size = match.group("tens"), match.group("size")
        low, high = _SPAN.get(f"{tens} of {size}" if tens else size, _SPAN[size])
        if not any(low <= count < high for count in counts):
            start, end = match.span()
            reason = "a magnitude no figure in the facts falls within"
            found.append(UnsupportedClaim(kind=ClaimKind.figure, text=ctx.draft.text[start:end], start=start, end=end, reason=reason))
    return found


def supported(claim: Quantity, ctx: Context, text: str, known: list[Quantity]) -> bool:
    if _written_in_facts(" ".join(claim.text.lower().split()), ctx):
        return True
    before = text[max(0, claim.start - 24) : claim.start]
    hedge = _APPROX.search(before)
    side = 1 if _AT_LEAST.search(before) else -1 if _AT_MOST.search(before) else 0
    return any(same(claim, fact, hedged=bool(hedge), side=side) for fact in known) or _weekday_known(claim, ctx)


def _written_in_facts(written: str, ctx: Context) -> bool:
    """The facts contain this figure as written, as a whole figure ("$2" is not in "$24.00")."""
    return ctx.facts.contains_figure(written)


def _weekday_known(claim: Quantity, ctx: Context) -> bool:
    return claim.kind == QuantityKind.weekday and str(claim.value[0]) in ctx.facts.lower


def same(claim: Quantity, fact: Quantity, *, hedged: bool, side: int = 0) -> bool:
    """The claim restates the fact; `side` 1 when the claim is a lower bound ("more than"), -1 an upper one."""
    if claim.kind in NUMERIC_KINDS and fact.kind in NUMERIC_KINDS:
        return _numbers_match(claim, fact, hedged, side)
    if claim.kind in CALENDAR_KINDS:
        return _dates_match(claim, fact)
    return claim.kind == fact.kind and claim.value == fact.value


def _numbers_match(claim: Quantity, fact: Quantity, hedged: bool, side: int = 0) -> bool:
    # A bare number may restate a figure, amount or percentage (not a duration, which is kept in hours);
    # an amount, a percentage or a duration must match its own kind ("$2" is not supported by "two reporters").
    if claim.kind == QuantityKind.number:
        if fact.kind == QuantityKind.duration:
            return False
    elif fact.kind != claim.kind:
        return False
    a, b = float(claim.value[0]), float(fact.value[0])
    tolerance = 0.2 if hedged else 0.005
    if side and (b - a) * side < -0.005 * max(abs(a), abs(b), 1e-9):
        return False  # the known figure lies on the other side of the bound
    if abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-9):
        return True
    return claim.kind == QuantityKind.duration and _rounded(claim, a, b)


_DURATION_UNITS = (("minute", 1 / 60), ("min", 1 / 60), ("hour", 1.0), ("hr", 1.0), ("day", 24.0), ("week", 168.0))


def _rounded(claim: Quantity, stated: float, known: float) -> bool:
    """ "Nine hours" for a span of 9 h 25 min: a whole number of its unit, rounded from what the facts give."""
    unit = next((hours for word, hours in _DURATION_UNITS if word in claim.text.lower()), None)
    if unit is None or abs(stated / unit - round(stated / unit)) > 1e-6:
        return False
    return abs(stated - known) <= unit / 2 + 1e-9


def _dates_match(claim: Quantity, fact: Quantity) -> bool:
    month_day = _month_day(claim)
    fact_md = _month_day(fact)
    if claim.kind == QuantityKind.year:
        return fact.kind in (QuantityKind.year, QuantityKind.date, QuantityKind.month) and claim.value[-1] == fact.value[-1]
    if claim.kind == QuantityKind.month:
        return (
            fact.kind in (QuantityKind.date, QuantityKind.month) and claim.value[0] == fact.value[0] and _years_agree(claim, fact)
        )
    if not fact_md:
        return False
    return any(md in fact_md for md in month_day) and _years_agree(claim, fact)


def _month_day(q: Quantity) -> list[tuple[int, int]]:
    if q.kind == QuantityKind.date:
        return [(int(q.value[0]), int(q.value[1]))]
    if q.kind == QuantityKind.numeric_date:
        a, b = int(q.value[0]), int(q.value[1])
        return [(b, a), (a, b)]  # day/month first, as most of the world writes it, then month/day
    return []


def _years_agree(claim: Quantity, fact: Quantity) -> bool:
    claimed = (
        int(claim.value[2]) if claim.kind == QuantityKind.date else int(claim.value[1]) if claim.kind == QuantityKind.month else 0
    )
    known = int(fact.value[2]) if fact.kind == QuantityKind.date else int(fact.value[1]) if fact.kind == QuantityKind.month else 0
    return not claimed or not known or claimed == known


def _incidental(claim: Quantity, ctx: Context) -> bool:
    """Numbers that make no claim: "whether you are owed ten dollars or a thousand", "step 1", "three choices",
    a weekday naming a date the facts give ("Wednesday 12 March")."""
    lower = ctx.draft.lower
    sentence = ctx.draft.sentence_at(claim.start)
    if sentence is not None and ctx.draft.matches(_RHETORICAL, sentence):
        return True
    if _LABEL_NUMBER.search(lower[max(0, claim.start - 10) : claim.start]) or _LIST_LABEL.match(lower, claim.start):
        return True
    if claim.kind == QuantityKind.number and not claim.text[:1].isdigit() and float(claim.value[0]) <= 10:
        return not _counts_what_facts_count(claim, ctx)
    if claim.kind == QuantityKind.weekday:
        return any(q.kind == QuantityKind.date for q in ctx.draft.quantities_between(claim.end, claim.end + 4))
    return False


def _counts_what_facts_count(claim: Quantity, ctx: Context) -> bool:
    """A small number spelled out ("two changes", "three children") is a claim only where the facts count the
    same thing themselves ("3 children"), so it can contradict them; otherwise it is a manner of speaking."""
    following = re.findall(r"[a-z]+", ctx.draft.lower[claim.end : claim.end + 30])[:1]
    if not following:
        return False
    counted = stem(following[0])
    return any(
        q.kind == QuantityKind.number and counted in {stem(w) for w in re.findall(r"[a-z]+", after)[:2]}
        for q in ctx.facts.quantities
        for after in [ctx.facts.lower[q.end : q.end + 30]]
    )


def restates_remedy(sentence: Sentence, ctx: Context) -> bool:
    """An approved remedy in other words: its figure restated ("48 hours of service free" for "two days' credit"),
    with no figure in the sentence that the facts do not support."""
    remedy_text = " ".join(ctx.facts.facts.remedy)
    remedy_figures = [q for q in ctx.facts.quantities if q.text in remedy_text]
    known = [*ctx.facts.quantities, *ctx.facts.derived]
    figures = [
        q for q in ctx.draft.quantities_in(sentence) if q.kind in (QuantityKind.money, QuantityKind.duration, QuantityKind.percent, QuantityKind.number)
    ]
    if any(not supported(q, ctx, ctx.draft.text, known) for q in figures):
        return False
    return any(same(claim, fact, hedged=False) for claim in figures for fact in remedy_figures)
