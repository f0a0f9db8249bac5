"""Strategy fit: proactive is not an apology; preemptive leads with the change and its reasons;
reactive answers what is already public, up front, and does not read like an announcement."""

from __future__ import annotations

from service.facts import Strategy
from service.rubric import lexicon
from service.rubric.base import Context, verdict
from service.rubric.text import Sentence, overlap, quote
from service.rubric.types import Criterion, CriterionResult

LEADS_SHARE = 0.3
LEADS_TERMS = 3


def check(ctx: Context) -> CriterionResult:
    """Passes when the message has the shape its strategy needs."""
    return {Strategy.proactive: _proactive, Strategy.preemptive: _preemptive, Strategy.reactive: _reactive}[
        ctx.strategy
    ](ctx)


def _proactive(ctx: Context) -> CriterionResult:
    apologies = [*ctx.draft.matching(lexicon.APOLOGY), *ctx.draft.matching(lexicon.CONTRITION)]
    apology = min(apologies, key=lambda s: s.index) if apologies else None
    if apology is not None:
        return verdict(
            Criterion.strategy_fit,
            False,
            0.2,
            [quote(apology)],
            "a proactive message that apologises reads as damage control",
        )
    return verdict(Criterion.strategy_fit, True, 1.0, [], "opens the book without crisis framing")


def _preemptive(ctx: Context) -> CriterionResult:
    first = _first_mention(ctx)
    opening = ctx.draft.opening(share=0.4, minimum=3)
    if first is None:
        return verdict(
            Criterion.strategy_fit,
            False,
            0.1,
            [f"missing: {ctx.facts.facts.summary}"],
            "never states the change plainly",
        )
    if first not in opening and not _in_heading(first, ctx):
        return verdict(
            Criterion.strategy_fit, False, 0.3, [quote(first)], "the change is buried late in the message"
        )
    return verdict(
        Criterion.strategy_fit, True, 1.0, [quote(first)], "leads with the change, ahead of the reaction"
    )


def _reactive(ctx: Context) -> CriterionResult:
    celebration = next(iter(ctx.draft.matching(lexicon.CELEBRATORY)), None)
    if celebration is not None:
        return verdict(
            Criterion.strategy_fit, False, 0.2, [quote(celebration)], "frames a public failure as good news"
        )
    first = _first_mention(ctx)
    if first is None or (
        first not in ctx.draft.opening(share=0.4, minimum=3) and not _in_heading(first, ctx)
    ):
        return verdict(
            Criterion.strategy_fit,
            False,
            0.3,
            [quote(first)] if first else ["missing: the incident"],
            "does not answer the public incident up front",
        )
    return verdict(
        Criterion.strategy_fit, True, 1.0, [quote(first)], "answers what is already public, up front"
    )


def _first_mention(ctx: Context) -> Sentence | None:
    """The first sentence that names the summary's key facts."""
    terms = ctx.facts.key_terms(ctx.facts.summary)
    for sentence in ctx.draft.sentences:
        found = sentence.stems & terms
        if overlap(terms, found) >= LEADS_SHARE or len(found) >= LEADS_TERMS:
            return sentence
    return None


def _in_heading(sentence: Sentence, ctx: Context) -> bool:
    return sentence.start < ctx.draft.body_offset
