"""Explanation: the why. The cause (reactive), the reasoning behind a decision (preemptive), the inside
look (proactive), as the facts give it; no excuses, no invented causes."""

from __future__ import annotations

from service.facts import Strategy
from service.rubric import faithfulness, lexicon
from service.rubric.base import Context, verdict
from service.rubric.text import Sentence, best_sentence, quote
from service.rubric.types import Criterion, CriterionResult

EXPLAINED_SHARE = 0.34
EXPLAINED_TERMS = 3


def check(ctx: Context) -> CriterionResult:
    """Passes when a sentence gives the facts' reason, with a causal link, and no excuse or invention."""
    invented = [c for c in faithfulness.ledger(ctx) if c.kind == "cause"]
    if invented:
        return verdict(
            Criterion.explanation, False, 0.2, [invented[0].text], "gives a cause the facts do not"
        )
    excuse = next((s for s in ctx.draft.matching(lexicon.EXCUSE) if _excuse(s, ctx)), None)
    if excuse is not None:
        return verdict(
            Criterion.explanation, False, 0.3, [quote(excuse)], "offers an excuse instead of a reason"
        )
    target = _target(ctx)
    if not target:
        return verdict(
            Criterion.explanation, True, 0.7, [], "the facts give no reason to explain; none is invented"
        )
    best, share = best_sentence(ctx.draft.sentences, target)
    linked = best is not None and _causal_near(best, ctx)
    if (
        best is not None
        and (share >= EXPLAINED_SHARE or len(best.stems & target) >= EXPLAINED_TERMS)
        and linked
    ):
        return verdict(
            Criterion.explanation, True, min(1.0, 0.6 + share), [quote(best)], "explains why, from the facts"
        )
    missing = _field(ctx)
    return verdict(
        Criterion.explanation,
        False,
        min(0.45, share),
        [f"missing: {missing}"],
        "does not explain why it happened or why the decision was made",
    )


def _target(ctx: Context) -> frozenset[str]:
    facts = ctx.facts
    if ctx.strategy is Strategy.reactive:
        return facts.key_terms(facts.cause)
    if ctx.strategy is Strategy.preemptive:
        return facts.key_terms(facts.reasoning) or facts.key_terms(facts.cause)
    return facts.key_terms(facts.reasoning) or facts.key_terms(facts.summary, *facts.actions)


def _field(ctx: Context) -> str:
    f = ctx.facts.facts
    return (f.cause if ctx.strategy is Strategy.reactive else f.reasoning or f.cause) or f.summary


def _causal_near(sentence: Sentence, ctx: Context) -> bool:
    window = [s for s in ctx.draft.sentences if abs(s.index - sentence.index) <= 1]
    causal = ctx.draft.matching(lexicon.CAUSAL)
    return any(s in causal for s in window) or ctx.strategy is Strategy.proactive


def _excuse(sentence: Sentence, ctx: Context) -> bool:
    match = lexicon.EXCUSE.search(sentence.lower)
    return bool(match) and match.group(0).lower() not in ctx.facts.lower
