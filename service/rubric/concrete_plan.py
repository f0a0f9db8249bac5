"""Concrete plan: the fix already made and the steps against a repeat, with the when and who the facts give."""

from __future__ import annotations

from service.rubric import lexicon
from service.rubric.base import Context, not_applicable, verdict
from service.rubric.quantities import WHEN_KINDS
from service.rubric.text import Sentence, best_sentence, quote
from service.rubric.types import Criterion, CriterionResult

ITEM_SHARE = 0.4
ITEM_TERMS = 3


def check(ctx: Context) -> CriterionResult:
    """Passes when the draft reports the facts' actions or prevention steps, with their timing."""
    if not ctx.incident:
        return not_applicable(Criterion.concrete_plan, "proactive messages report no fix")
    items = [*ctx.facts.actions, *ctx.facts.prevention]
    if not items:
        return not_applicable(
            Criterion.concrete_plan, "the facts give no actions or prevention steps to report"
        )
    matches = [m for m in (_match(item, ctx) for item in items) if m is not None]
    vague = next(iter(ctx.draft.matching(lexicon.VAGUE_PLAN)), None)
    if not matches:
        evidence = (
            [quote(vague)]
            if vague
            else [f"missing: {ctx.facts.facts.actions_taken or ctx.facts.facts.prevention}"]
        )
        return verdict(
            Criterion.concrete_plan,
            False,
            0.25 if vague else 0.1,
            evidence,
            "no specific action or prevention step from the facts",
        )
    if ctx.facts.plan_has_timing and not any(_has_when(s, ctx) for s in matches):
        return verdict(
            Criterion.concrete_plan,
            False,
            0.5,
            [quote(matches[0])],
            "names the steps but not when they happen, though the facts say",
        )
    share = len(matches) / len(items)
    return verdict(
        Criterion.concrete_plan,
        True,
        min(1.0, 0.6 + 0.4 * share),
        [quote(s) for s in matches[:2]],
        "reports specific actions from the facts, with their timing",
    )


def _match(item: frozenset[str], ctx: Context) -> Sentence | None:
    sentence, share = best_sentence(ctx.draft.sentences, item)
    if sentence is None:
        return None
    if share >= ITEM_SHARE or len(sentence.stems & item) >= ITEM_TERMS:
        return sentence
    return None


def _has_when(sentence: Sentence, ctx: Context) -> bool:
    timed = any(q.kind in WHEN_KINDS for q in ctx.draft.quantities_in(sentence))
    return timed or sentence in ctx.draft.matching(lexicon.FUTURE_ACTION)
