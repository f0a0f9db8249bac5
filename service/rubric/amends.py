"""Amends: states every remedy the facts approve, and never invents one."""

from __future__ import annotations

from service.rubric import faithfulness, lexicon
from service.rubric.base import Context, Score, between, not_applicable, verdict
from service.rubric.quantities import QuantityKind, extract_cached
from service.rubric.text import Sentence, best_sentence, content_stems, quote, stem
from service.rubric.types import ClaimKind, Criterion, CriterionResult, UnsupportedClaim

REMEDY_SHARE = 0.5
_FIGURES = (ClaimKind.amount, ClaimKind.figure, ClaimKind.percentage)
REMEDY_TERMS = 2
# Words every remedy line shares; matching on them alone says nothing about which remedy is meant.
_COMMON = content_stems(
    "every affected customer customers account accounts person people staff next bill request"
)


def check(ctx: Context) -> CriterionResult:
    """Passes when the facts' main remedy, and every remedy with a figure, is stated; never an invented one."""
    if not ctx.wrong_involved:
        return not_applicable(Criterion.amends, "no harm to make amends for in these facts")
    invented = _invented(ctx)
    if invented:
        return verdict(
            Criterion.amends, False, Score.WRONG, [invented[0].text], "offers a remedy the facts do not approve"
        )
    items = ctx.facts.facts.remedy
    if not items:
        return not_applicable(Criterion.amends, "the facts approve no remedy, and the draft offers none")
    stated = {text: _stated(text, ctx) for text in items}
    required = [items[0], *(t for t in items[1:] if _has_figure(t))]
    missing = [t for t in required if stated[t] is None]
    if missing:
        found = len(items) - sum(1 for t in items if stated[t] is None)
        reason = (
            "leaves out part of the approved remedy"
            if found
            else "does not state the remedy the facts approve"
        )
        return verdict(
            Criterion.amends,
            False,
            between(Score.BARELY, Score.BARE_PASS, found / len(items)),
            [f"missing: {m}" for m in missing],
            reason,
        )
    quoted = [quote(s) for s in stated.values() if s is not None]
    return verdict(
        Criterion.amends, True, between(Score.QUALIFIED, Score.FULL, len(quoted) / len(items)), quoted[:2], "states the approved remedy"
    )


def _stated(item: str, ctx: Context) -> Sentence | None:
    """The sentence stating this remedy: its figure, its remedy word, or most of its distinctive words."""
    remedy = content_stems(item) - ctx.facts.org_stems
    figures = extract_cached(item)
    for sentence in ctx.draft.sentences:
        quantities = ctx.draft.quantities_in(sentence)
        if any(
            q.kind == f.kind and q.value == f.value for q in quantities for f in figures if f.kind != QuantityKind.date
        ):
            return sentence
        if any(stem(m.group(0).split()[-1]) in remedy for m in lexicon.REMEDY_WORDS.finditer(sentence.lower)):
            return sentence
    distinctive = remedy - _COMMON - ctx.facts.summary
    terms = distinctive if len(distinctive) >= 2 else remedy
    best, share = best_sentence(ctx.draft.sentences, terms)
    if best is not None and (share >= REMEDY_SHARE or len(best.stems & terms) >= REMEDY_TERMS):
        return best
    return None


def _has_figure(item: str) -> bool:
    return any(q.kind in (QuantityKind.money, QuantityKind.duration, QuantityKind.percent) for q in extract_cached(item))


def _invented(ctx: Context) -> list[UnsupportedClaim]:
    """Unapproved remedies: promised compensation, or an unsupported figure inside a remedy sentence."""
    remedy_sentences = ctx.draft.matching(lexicon.REMEDY_WORDS)
    spans = [(s.start, s.start + len(s.text)) for s in remedy_sentences]
    return [
        claim
        for claim in faithfulness.ledger(ctx)
        if (claim.kind is ClaimKind.promise and lexicon.REMEDY_WORDS.search(claim.text.lower()))
        or (claim.kind in _FIGURES and any(a <= claim.start < b for a, b in spans))
    ]
