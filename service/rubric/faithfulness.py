"""Faithfulness, the hard gate: every figure, date, name, cause, commitment and legal statement in a draft must
trace to the facts (docs/rubric.md).

The ledger lists every claim the facts do not support, each with its span and kind: figures, amounts,
percentages, dates and times (service/rubric/figures.py), people, legal admissions and legal terms, and the
specific causes, commitments, actions, remedies, assurances, comparisons and endorsements of
service/rubric/claims.py. A general sentence that promises nothing specific is not a claim.
"""

from __future__ import annotations

import re

from service.rubric import lexicon
from service.rubric.base import Context, Score, verdict
from service.rubric.claims import claims, negated_before
from service.rubric.figures import unsupported_figures
from service.rubric.people import known_to
from service.rubric.text import scan, stem
from service.rubric.types import ClaimKind, Criterion, CriterionResult, UnsupportedClaim

_PER_CLAIM = 0.25  # each unsupported claim takes this much off the score
# Admitting legal fault in so many words: a claim unless the facts say it.
_ADMISSION = re.compile(
    r"\b(?:we|the company|[a-z]+ (?:ltd|inc|plc|llc)) (?:accept|admit|acknowledge)s? (?:full |our |its |all )?"
    r"(?:legal )?(?:liability|responsibility in law|fault in law|legal responsibility)\b|"
    r"\b(?:in breach of|breached) (?:our|its|the|their) (?:duty|obligations?|contract|terms|licen[cs]e|regulations?)\b|"
    r"\b(?:we|it) (?:broke|violated|failed to comply with) (?:the law|regulations?|[a-z]+ law)\b"
)


def ledger(ctx: Context) -> list[UnsupportedClaim]:
    """Every claim in the draft that the facts do not support, in order of appearance."""
    return list(ctx.once(_find))  # explanation and amends read it too


def _find(ctx: Context) -> list[UnsupportedClaim]:
    found = [*unsupported_figures(ctx), *_people(ctx), *_legal(ctx), *claims(ctx)]
    return sorted(_dedupe(found), key=lambda c: c.start)


def check(ctx: Context) -> CriterionResult:
    """Passes when the ledger finds no unsupported claim."""
    found = ledger(ctx)
    if not found:
        return verdict(
            Criterion.faithfulness, True, Score.FULL, [], "every figure, name and commitment traces to the facts"
        )
    kinds = sorted({c.kind for c in found})
    return verdict(
        Criterion.faithfulness,
        False,
        max(Score.NONE, Score.FULL - _PER_CLAIM * len(found)),
        [c.text for c in found],
        f"{len(found)} claim(s) not supported by the facts ({', '.join(kinds)})",
    )


def _people(ctx: Context) -> list[UnsupportedClaim]:
    return [
        UnsupportedClaim(
            kind=ClaimKind.person, text=p.name, start=p.start, end=p.end, reason="person not named in the facts"
        )
        for p in ctx.draft.people
        if not known_to(p.name, ctx.facts.text)
    ]


def _legal(ctx: Context) -> list[UnsupportedClaim]:
    """Legal terms ("breach", "negligence", "unlawful") and admissions ("we accept full liability") the facts
    do not use; a term the draft denies ("no unauthorised access") is not a claim."""
    words = [
        (m, "legal-exposure word the facts do not use")
        for m in scan(lexicon.LEGAL_EXPOSURE, ctx.draft.lower)
        if stem(m.group(0)) not in ctx.facts.stems and not negated_before(ctx.draft.lower, m.start())
    ]
    admissions = [
        (m, "a legal admission the facts do not make")
        for m in _ADMISSION.finditer(ctx.draft.lower)
        if not negated_before(ctx.draft.lower, m.start())
        and not {stem(w) for w in re.findall(r"[a-z]+", m.group(0))} <= ctx.facts.stems
    ]
    return [
        UnsupportedClaim(
            kind=ClaimKind.legal, text=ctx.draft.text[m.start() : m.end()], start=m.start(), end=m.end(), reason=reason
        )
        for m, reason in [*admissions, *words]
    ]


# Phrase-level claims that already say all a figure inside them would ("ISO 27001", "the lowest of any").
_WHOLE = (ClaimKind.endorsement, ClaimKind.comparison, ClaimKind.assurance, ClaimKind.legal)


def _dedupe(found: list[UnsupportedClaim]) -> list[UnsupportedClaim]:
    """Drop repeats: a claim inside a longer one of the same kind, or inside a phrase-level claim."""
    kept: list[UnsupportedClaim] = []
    # Taken in order of start (longest first), every kept claim starts at or before this one, so it lies
    # inside one exactly when that one ends at or after it: the furthest end per kind answers in O(1).
    furthest: dict[object, int] = {}
    whole = -1
    for claim in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        if furthest.get(claim.kind, -1) >= claim.end or whole >= claim.end:
            continue
        kept.append(claim)
        furthest[claim.kind] = max(furthest.get(claim.kind, -1), claim.end)
        if claim.kind in _WHOLE:
            whole = max(whole, claim.end)
    return kept
