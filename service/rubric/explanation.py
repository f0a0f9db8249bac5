"""Explanation: the why. The cause (reactive), the reasoning behind a decision (preemptive), the inside
look (proactive), as the facts give it; no excuses, no invented causes."""

from __future__ import annotations

import re

from service.facts import Strategy
from service.rubric import faithfulness, lexicon
from service.rubric.base import Context, Score, verdict
from service.rubric.text import Sentence, best_sentence, quote
from service.rubric.types import ClaimKind, Criterion, CriterionResult

EXPLAINED_SHARE = 0.3
EXPLAINED_TERMS = 3
MIN_TERMS = 2


def check(ctx: Context) -> CriterionResult:
    """Passes when a sentence gives the facts' reason in substance, with no excuse or invented cause."""
    excuse = next((s for s in ctx.draft.matching(lexicon.EXCUSE) if _excuse(s, ctx)), None)
    if excuse is not None:
        return verdict(
            Criterion.explanation, False, Score.FLAWED, [quote(excuse)], "offers an excuse instead of a reason"
        )
    invented = [c for c in faithfulness.ledger(ctx) if c.kind is ClaimKind.cause]
    if invented:
        return verdict(
            Criterion.explanation, False, Score.WRONG, [invented[0].text], "gives a cause the facts do not"
        )
    target = _target(ctx)
    if not target:
        return verdict(
            Criterion.explanation, True, Score.ACCEPTABLE, [], "the facts give no reason to explain; none is invented"
        )
    best, share = best_sentence(ctx.draft.sentences, target)
    if best is not None and _explains(best, target, share):
        return verdict(
            Criterion.explanation, True, min(Score.FULL, Score.BARE_PASS + share), [quote(best)], "explains why, from the facts"
        )
    answered = next((s for s in ctx.draft.matching(_ASKED) if s.stems & target), None)
    if answered is not None:  # "You asked where our 9% fee goes": the facts' reason is that people asked
        return verdict(Criterion.explanation, True, Score.QUALIFIED, [quote(answered)], "gives the facts' reason: people asked")
    return verdict(
        Criterion.explanation,
        False,
        min(Score.SHORT, share),
        [f"missing: {_field(ctx)}"],
        "does not explain why it happened or why the decision was made",
    )


def _explains(sentence: Sentence, target: frozenset[str], share: float) -> bool:
    found = len(sentence.stems & target)
    return found >= MIN_TERMS and (share >= EXPLAINED_SHARE or found >= EXPLAINED_TERMS)


# People asked, and this answers them: a reason in itself when the facts say so.
_ASKED = re.compile(r"\b(?:you|many of you|\d[\d,]* of you|customers|readers|people|sellers|members) (?:have |keep |often )?ask(?:ed|ing)?\b")


def _target(ctx: Context) -> frozenset[str]:
    """The why, minus words that only restate what happened or what was done about it."""
    facts = ctx.facts
    restated: frozenset[str] = frozenset()
    if ctx.strategy is Strategy.proactive:
        why = facts.key_terms(facts.reasoning) or facts.key_terms(facts.summary, *facts.actions)
        restated = facts.key_terms(facts.summary)
    elif ctx.strategy is Strategy.preemptive and facts.reasoning:
        why = facts.key_terms(facts.reasoning)
        restated = facts.key_terms(facts.summary)
    else:
        why = facts.key_terms(facts.cause)
    distinctive = why - restated
    return distinctive if len(distinctive) >= MIN_TERMS else why


def _field(ctx: Context) -> str:
    f = ctx.facts.facts
    return (f.cause if ctx.strategy is Strategy.reactive else f.reasoning or f.cause) or f.summary


def _excuse(sentence: Sentence, ctx: Context) -> bool:
    """An excuse the draft makes (not one it refuses: "we won't hide behind a system error")."""
    match = lexicon.EXCUSE.search(sentence.lower)
    if not match or match.group(0) in ctx.facts.lower:
        return False
    before = sentence.lower[max(0, match.start() - 40) : match.start()]
    return not REFUSED.search(before)


REFUSED = re.compile(
    r"\b(?:not|never|no|won['’]t|refuse to|rather than)\b[^.]*\b(?:hide|blame|pretend|say|claim)\b|"
    r"\bnot (?:because of|due to)\b|\bwasn['’]t\b|\bisn['’]t\b"
)
