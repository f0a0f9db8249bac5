"""Strategy fit: proactive is not an apology; preemptive leads with the change and its reasons;
reactive answers what is already public, up front, and does not read like an announcement."""

from __future__ import annotations

import re

from service.facts import Strategy
from service.rubric import lexicon
from service.rubric.base import Context, Score, verdict
from service.rubric.text import Sentence, overlap, quote, scan
from service.rubric.types import Criterion, CriterionResult

LEADS_SHARE = 0.3
LEADS_TERMS = 3
MAX_HYPE = 3
# Talk of an incident, however vague: enough to say the message answers it rather than ignores it.
INCIDENT_TALK = re.compile(
    r"\b(?:outage|incident|breach|mistake|error|failure|problem|issue|difficult\w*|disruption|interruption|"
    r"unavailable|affect\w*|went wrong|didn['’]t work|did not work|went down|delay\w*|cancel\w*|recall\w*)\b"
)


def check(ctx: Context) -> CriterionResult:
    """Passes when the message has the shape its strategy needs."""
    return {Strategy.proactive: _proactive, Strategy.preemptive: _preemptive, Strategy.reactive: _reactive}[
        ctx.strategy
    ](ctx)


def _proactive(ctx: Context) -> CriterionResult:
    apologies = [*ctx.draft.matching(lexicon.APOLOGY), *ctx.draft.matching(lexicon.CONTRITION)]
    if apologies:
        apology = min(apologies, key=lambda s: s.index)
        return verdict(
            Criterion.strategy_fit,
            False,
            Score.WRONG,
            [quote(apology)],
            "a proactive message that apologises reads as damage control",
        )
    hype = [m.group(0) for m in scan(lexicon.SUPERLATIVE, ctx.draft.lower)]
    if len(hype) >= MAX_HYPE:
        return verdict(
            Criterion.strategy_fit,
            False,
            Score.FLAWED,
            hype[:4],
            "reads as marketing rather than a look behind the scenes",
        )
    return verdict(Criterion.strategy_fit, True, Score.FULL, [], "opens the book without crisis framing")


def _preemptive(ctx: Context) -> CriterionResult:
    spin = _spin_first(ctx)
    if spin is not None:
        return verdict(
            Criterion.strategy_fit, False, Score.WRONG, [quote(spin)], "leads with good news before the change"
        )
    first = _first_mention(ctx, lenient=True)
    opening = ctx.draft.opening(share=0.4, minimum=3)
    if first is None:
        return verdict(
            Criterion.strategy_fit,
            False,
            Score.BARELY,
            [f"missing: {ctx.facts.facts.summary}"],
            "never states the change plainly",
        )
    if first not in opening and not _in_heading(first, ctx):
        return verdict(
            Criterion.strategy_fit, False, Score.FLAWED, [quote(first)], "the change is buried late in the message"
        )
    return verdict(
        Criterion.strategy_fit, True, Score.FULL, [quote(first)], "leads with the change, ahead of the reaction"
    )


def _reactive(ctx: Context) -> CriterionResult:
    spin = _spin_first(ctx) or next(iter(ctx.draft.matching(lexicon.CELEBRATORY)), None)
    if spin is not None:
        return verdict(
            Criterion.strategy_fit, False, Score.WRONG, [quote(spin)], "frames a public failure as good news"
        )
    first = _first_mention(ctx, lenient=True)
    if first is None or (
        first not in ctx.draft.opening(share=0.4, minimum=3) and not _in_heading(first, ctx)
    ):
        return verdict(
            Criterion.strategy_fit,
            False,
            Score.FLAWED,
            [quote(first)] if first else ["missing: the incident"],
            "does not answer the public incident up front",
        )
    return verdict(
        Criterion.strategy_fit, True, Score.FULL, [quote(first)], "answers what is already public, up front"
    )


def _first_mention(ctx: Context, *, lenient: bool = False) -> Sentence | None:
    """The first sentence that names the summary's key facts (or, leniently, that speaks of the incident at all)."""
    terms = ctx.facts.key_terms(ctx.facts.summary)
    for sentence in ctx.draft.sentences:
        found = sentence.stems & terms
        if overlap(terms, found) >= LEADS_SHARE or len(found) >= LEADS_TERMS:
            return sentence
        if lenient and (found & ctx.facts.event_terms or INCIDENT_TALK.search(sentence.lower)):
            return sentence
    return None


def _in_heading(sentence: Sentence, ctx: Context) -> bool:
    return sentence.start < ctx.draft.body_offset


def _spin_first(ctx: Context) -> Sentence | None:
    """The opening sells something ("Good news:", "thrilled to announce") before saying what changed."""
    opening = ctx.draft.opening(share=0.2, minimum=2)
    return next((s for s in opening if s in ctx.draft.matching(lexicon.CELEBRATORY)), None)
