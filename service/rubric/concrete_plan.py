"""Concrete plan: the fix already made and the steps against a repeat, with the when and who the facts give."""

from __future__ import annotations

from service.rubric import lexicon
from service.rubric.base import Context, Score, between, not_applicable, verdict
from service.rubric.quantities import WHEN_KINDS
from service.rubric.text import Sentence, best_sentence, quote
from service.rubric.types import Criterion, CriterionResult

ITEM_SHARE = 0.4
ITEM_TERMS = 3


def check(ctx: Context) -> CriterionResult:
    """Passes when the draft reports the facts' fix and, where the facts give them, the prevention steps and timing."""
    if not ctx.incident:
        return not_applicable(Criterion.concrete_plan, "proactive messages report no fix")
    facts = ctx.facts
    if not facts.has_plan:
        return not_applicable(
            Criterion.concrete_plan, "the facts give no actions or prevention steps to report"
        )
    done = facts.key_terms(*facts.actions)
    actions = [m for m in (_match(item, ctx) for item in facts.actions) if m is not None]
    prevention = [m for m in (_match(item - done, ctx) for item in facts.prevention) if m is not None]
    matches = actions + prevention
    vague = next(iter(ctx.draft.matching(lexicon.VAGUE_PLAN)), None)
    if not matches:
        evidence = (
            [quote(vague)] if vague else [f"missing: {facts.facts.actions_taken or facts.facts.prevention}"]
        )
        return verdict(
            Criterion.concrete_plan,
            False,
            Score.DEFLECTED if vague else Score.BARELY,
            evidence,
            "no specific action or prevention step from the facts",
        )
    if facts.prevention and not prevention:
        return verdict(
            Criterion.concrete_plan,
            False,
            Score.SHORT,
            [f"missing: {facts.facts.prevention[0]}"],
            "says what was fixed but not what will stop it happening again",
        )
    if facts.plan_has_timing and not any(_has_when(s, ctx) for s in matches):
        return verdict(
            Criterion.concrete_plan,
            False,
            Score.HALF,
            [quote(matches[0])],
            "names the steps but not when they happen, though the facts say",
        )
    share = len(matches) / (len(facts.actions) + len(facts.prevention))
    return verdict(
        Criterion.concrete_plan,
        True,
        between(Score.BARE_PASS, Score.FULL, share),
        [quote(s) for s in matches[:2]],
        "reports specific actions from the facts, with their timing",
    )


def _match(item: frozenset[str], ctx: Context) -> Sentence | None:
    """The sentence reporting this action, judged on the item's own words (not the incident's)."""
    distinctive = item - ctx.facts.summary
    terms = distinctive if len(distinctive) >= 2 else item
    sentence, share = best_sentence(ctx.draft.sentences, terms)
    if sentence is None:
        return None
    if share >= ITEM_SHARE or len(sentence.stems & terms) >= ITEM_TERMS:
        return sentence
    return None


def _has_when(sentence: Sentence, ctx: Context) -> bool:
    timed = any(q.kind in WHEN_KINDS for q in ctx.draft.quantities_in(sentence))
    return timed or ctx.draft.matches(lexicon.FUTURE_ACTION, sentence)
