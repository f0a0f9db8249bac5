"""Faithfulness, the hard gate: every figure, date, name, cause and commitment must trace to the facts.

The commitment ledger extracts each claim with its span and checks it against the facts, comparing
normalised values (so "$5m" matches "5 million dollars" and "two days" matches "48 hours").
"""

from __future__ import annotations

import re

from service.rubric import lexicon
from service.rubric.base import Context, Score, verdict
from service.rubric.people import known_to
from service.rubric.quantities import CALENDAR_KINDS, NUMERIC_KINDS, Quantity, QuantityKind
from service.rubric.text import Sentence, content_stems, scan, stem
from service.rubric.types import ClaimKind, Criterion, CriterionResult, UnsupportedClaim

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
_RHETORICAL = re.compile(r"\bwhether\b[^.]*\bor\b")
_LABEL_NUMBER = re.compile(r"\b(?:step|phase|part|chapter|page|line|option|number|no\.|#)\s*$")
_PROMISE_MIN_TERMS = 3
_PER_CLAIM = 0.25  # each unsupported claim takes this much off the score
_PROMISE_MIN_OVERLAP = 0.2


def ledger(ctx: Context) -> list[UnsupportedClaim]:
    """Every claim in the draft that the facts do not support, in order of appearance."""
    cached = ctx.__dict__.get("_ledger")
    if cached is None:
        claims = [*_figures(ctx), *_people(ctx), *_legal(ctx), *_promises(ctx), *_causes(ctx)]
        cached = sorted(_dedupe(claims), key=lambda c: c.start)
        ctx.__dict__["_ledger"] = cached
    return list(cached)


def check(ctx: Context) -> CriterionResult:
    """Passes when the ledger finds no unsupported claim."""
    claims = ledger(ctx)
    if not claims:
        return verdict(
            Criterion.faithfulness, True, Score.FULL, [], "every figure, name and commitment traces to the facts"
        )
    kinds = sorted({c.kind for c in claims})
    return verdict(
        Criterion.faithfulness,
        False,
        max(Score.NONE, Score.FULL - _PER_CLAIM * len(claims)),
        [c.text for c in claims],
        f"{len(claims)} claim(s) not supported by the facts ({', '.join(kinds)})",
    )


# --- figures, dates, times ---


def _figures(ctx: Context) -> list[UnsupportedClaim]:
    text = ctx.draft.text
    known = [*ctx.facts.quantities, *ctx.facts.derived]
    return [
        UnsupportedClaim(
            kind=_CLAIM_KIND[q.kind],
            text=q.text,
            start=q.start,
            end=q.end,
            reason=f"{_CLAIM_KIND[q.kind]} not in the facts",
        )
        for q in ctx.draft.quantities
        if not (_incidental(q, ctx) or _supported(q, ctx, text, known))
    ]


def _supported(claim: Quantity, ctx: Context, text: str, known: list[Quantity]) -> bool:
    if " ".join(claim.text.lower().split()) in ctx.facts.lower:
        return True
    hedge = _APPROX.search(text[max(0, claim.start - 24) : claim.start])
    return any(_same(claim, fact, hedged=bool(hedge)) for fact in known) or _weekday_known(claim, ctx)


def _weekday_known(claim: Quantity, ctx: Context) -> bool:
    return claim.kind == QuantityKind.weekday and str(claim.value[0]) in ctx.facts.lower


def _same(claim: Quantity, fact: Quantity, *, hedged: bool) -> bool:
    if claim.kind in NUMERIC_KINDS and fact.kind in NUMERIC_KINDS:
        return _numbers_match(claim, fact, hedged)
    if claim.kind in CALENDAR_KINDS:
        return _dates_match(claim, fact)
    return claim.kind == fact.kind and claim.value == fact.value


def _numbers_match(claim: Quantity, fact: Quantity, hedged: bool) -> bool:
    # A bare number may restate a figure, amount or percentage (not a duration, which is kept in hours);
    # money, percentages and durations must match their own kind.
    if claim.kind == QuantityKind.number and fact.kind == QuantityKind.duration:
        return False
    if claim.kind != QuantityKind.number and fact.kind not in (claim.kind, QuantityKind.number):
        return False
    a, b = float(claim.value[0]), float(fact.value[0])
    tolerance = 0.2 if hedged else 0.005
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-9)


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


# --- people, legal words ---


def _people(ctx: Context) -> list[UnsupportedClaim]:
    return [
        UnsupportedClaim(
            kind=ClaimKind.person, text=p.name, start=p.start, end=p.end, reason="person not named in the facts"
        )
        for p in ctx.draft.people
        if not known_to(p.name, ctx.facts.text)
    ]


def _legal(ctx: Context) -> list[UnsupportedClaim]:
    return [
        UnsupportedClaim(
            kind=ClaimKind.legal,
            text=m.group(0),
            start=m.start(),
            end=m.end(),
            reason="legal-exposure word the facts do not use",
        )
        for m in scan(lexicon.LEGAL_EXPOSURE, ctx.draft.lower)
        if stem(m.group(0)) not in ctx.facts.stems and not _negated_before(ctx.draft.text, m.start())
    ]


def _negated_before(text: str, start: int, window: int = 25) -> bool:
    """ "no unauthorised access", "cannot offer refunds": the draft denies it rather than claims it."""
    before = text[max(0, start - window) : start]
    return bool(NEGATED.search(before))


NEGATED = re.compile(
    r"\b(?:no|not|never|without|cannot|can['’]t|unable|don['’]t|do not|won['’]t|will not|isn['’]t|aren['’]t|"
    r"nor)\b[\w\s]{0,30}$",
    re.I,
)


# --- promises and causes ---


def _promises(ctx: Context) -> list[UnsupportedClaim]:
    claims = []
    promising = ctx.draft.matching(lexicon.PROMISE)
    for sentence in ctx.draft.matching(lexicon.REMEDY_WORDS):
        remedy = _invented_remedy(sentence, ctx)
        if remedy is not None:
            claims.append(remedy)
    remedied = {c.start for c in claims}
    for sentence in promising:
        if sentence.start not in remedied and _unsupported_commitment(sentence, ctx):
            claims.append(_sentence_claim(sentence, ClaimKind.promise, "commitment not found in the facts"))
    return claims


def _invented_remedy(sentence: Sentence, ctx: Context) -> UnsupportedClaim | None:
    """A refund, credit, discount or other compensation the facts do not approve."""
    if _restates_remedy(sentence, ctx):
        return None
    for match in lexicon.REMEDY_WORDS.finditer(sentence.lower):
        word = match.group(0)
        if stem(word.split()[-1]) in ctx.facts.stems or word.lower() in ctx.facts.lower:
            continue
        if _OFFER.search(sentence.text) and not _negated_before(sentence.text, match.start(), window=40):
            return UnsupportedClaim(
                kind=ClaimKind.promise,
                text=sentence.text,
                start=sentence.start,
                end=sentence.start + len(sentence.text),
                reason=f"remedy '{word}' is not approved in the facts",
            )
    return None


_OFFER = re.compile(
    r"\b(?:will|'ll|receive|get|gets|getting|offer\w*|giv\w+|provid\w+|pay(?:ing|s)?|see|add\w*|enjoy|"
    r"entitled|eligible|includ\w+|on us|is yours|are yours)\b",
    re.I,
)


def _unsupported_commitment(sentence: Sentence, ctx: Context) -> bool:
    """A specific promise ("we will hire an independent auditor") whose terms the facts never mention."""
    if lexicon.GENERIC_PROMISE.search(sentence.lower):
        return False
    promised = sentence.stems - ctx.facts.org_stems - _PROMISE_NOISE
    if len(promised) < _PROMISE_MIN_TERMS:
        return False
    known = len(promised & ctx.facts.stems) / len(promised)
    return known < _PROMISE_MIN_OVERLAP


_PROMISE_NOISE = content_stems(
    "will going promise commit guarantee ensure make sure continue customers customer everyone affected "
    "receive get see sure able happen again future going forward next steps step take first one more work working team"
)


def _causes(ctx: Context) -> list[UnsupportedClaim]:
    claims = []
    for sentence in ctx.draft.matching(lexicon.CAUSAL):
        for match in lexicon.CAUSE_NOUNS.finditer(sentence.lower):
            if not (
                content_stems(match.group(0)) & ctx.facts.stems or _qualifies_known(match, sentence, ctx)
            ):
                claims.append(
                    _sentence_claim(sentence, ClaimKind.cause, f"cause '{match.group(0)}' is not in the facts")
                )
                break
    return claims


def _sentence_claim(sentence: Sentence, kind: ClaimKind, reason: str) -> UnsupportedClaim:
    return UnsupportedClaim(
        kind=kind,
        text=sentence.text,
        start=sentence.start,
        end=sentence.start + len(sentence.text),
        reason=reason,
    )


def _dedupe(claims: list[UnsupportedClaim]) -> list[UnsupportedClaim]:
    """Drop exact repeats (the same span flagged twice, e.g. as a remedy and as a commitment)."""
    seen: set[tuple[int, int, ClaimKind]] = set()
    kept = []
    for claim in claims:
        key = (claim.start, claim.end, claim.kind)
        if key not in seen:
            seen.add(key)
            kept.append(claim)
    return kept


def _incidental(claim: Quantity, ctx: Context) -> bool:
    """Numbers that make no claim: "whether you are owed ten dollars or a thousand", "step 1", "three choices",
    a weekday naming a date the facts give ("Wednesday 12 March")."""
    lower = ctx.draft.lower
    sentence = ctx.draft.sentence_at(claim.start)
    if sentence is not None and sentence in ctx.draft.matching(_RHETORICAL):
        return True
    if _LABEL_NUMBER.search(lower[max(0, claim.start - 10) : claim.start]):
        return True
    if claim.kind == QuantityKind.number and not claim.text[:1].isdigit() and float(claim.value[0]) <= 10:
        following = re.findall(r"[a-z]+", lower[claim.end : claim.end + 30])[:1]
        return not following or stem(following[0]) not in ctx.facts.stems
    if claim.kind == QuantityKind.weekday:
        return any(q.kind == QuantityKind.date for q in ctx.draft.quantities_between(claim.end, claim.end + 4))
    return False


def _restates_remedy(sentence: Sentence, ctx: Context) -> bool:
    """An approved remedy in other words: its figure restated ("48 hours of service free" for "two days' credit"),
    with no figure in the sentence that the facts do not support."""
    remedy_text = " ".join(ctx.facts.facts.remedy)
    remedy_figures = [q for q in ctx.facts.quantities if q.text in remedy_text]
    known = [*ctx.facts.quantities, *ctx.facts.derived]
    figures = [
        q for q in ctx.draft.quantities_in(sentence) if q.kind in (QuantityKind.money, QuantityKind.duration, QuantityKind.percent, QuantityKind.number)
    ]
    if any(not _supported(q, ctx, ctx.draft.text, known) for q in figures):
        return False
    return any(_same(claim, fact, hedged=False) for claim in figures for fact in remedy_figures)


def _qualifies_known(match: re.Match[str], sentence: Sentence, ctx: Context) -> bool:
    """ "third-party payments processor": a qualifier on something the facts name, not a new cause."""
    if not match.group(0).startswith("third"):
        return False
    following = re.findall(r"[a-z]+", sentence.lower[match.end() :])[:2]
    return any(stem(word) in ctx.facts.stems for word in following)
