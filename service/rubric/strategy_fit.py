"""Strategy fit: proactive is not an apology; preemptive leads with the change and its reasons;
reactive answers what is already public, up front, and does not read like an announcement."""

from __future__ import annotations

import re

from service.facts import Strategy
from service.rubric import lexicon
from service.rubric.base import GREETING, Context, Score, verdict
from service.rubric.text import Sentence, overlap, quote, scan
from service.rubric.types import Criterion, CriterionResult

LEADS_SHARE = 0.3
LEADS_TERMS = 3
NAMES_MOST = 0.5  # a sentence naming half the summary names the change, whichever words it uses
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
    selling = _sales_talk(ctx)
    if len(selling) >= MAX_HYPE:
        return verdict(
            Criterion.strategy_fit,
            False,
            Score.FLAWED,
            selling[:4],
            "reads as marketing rather than a look behind the scenes",
        )
    return verdict(Criterion.strategy_fit, True, Score.FULL, [], "opens the book without crisis framing")


# An advert's tells: calls to buy or come, offers, slogans. Each counts once per occurrence, as do
# superlatives, hype words and exclamation marks after the first.
SALES = re.compile(
    r"\b(?:order (?:now|today|yours)|buy (?:now|today)|shop (?:now|today)|use (?:the )?code|\d+% off|"
    r"what are you waiting for|come (?:and|on) (?:in|down|see)|pull up a|grab (?:a|one|yours)|don['’]t miss|"
    r"treat (?:yourself|your \w+)|try (?:it|one|them) (?:now|today|for yourself)|see for yourself|"
    r"never been a better time|best (?:\w+ )?ever|glow-up|big news|limited time|while stocks last|"
    r"sign up (?:now|today)|bring your (?:mates|friends|family))\b"
)


def _sales_talk(ctx: Context) -> list[str]:
    lowered = ctx.draft.lower
    found = {m.span(): m.group(0) for pattern in (lexicon.SUPERLATIVE, lexicon.HYPE, SALES) for m in scan(pattern, lowered)}
    return list(found.values()) + ["!"] * max(0, lowered.count("!") - 1)


def _preemptive(ctx: Context) -> CriterionResult:
    spin = _spin_first(ctx)
    if spin is not None:
        return verdict(
            Criterion.strategy_fit, False, Score.WRONG, [quote(spin)], "leads with good news before the change"
        )
    first = _first_mention(ctx, lenient=True, needs_event=True)
    if first is None:
        return verdict(
            Criterion.strategy_fit,
            False,
            Score.BARELY,
            [f"missing: {ctx.facts.facts.summary}"],
            "never states the change plainly",
        )
    if not (_in_heading(first, ctx) or first in _first_paragraph(ctx)):
        return verdict(
            Criterion.strategy_fit, False, Score.FLAWED, [quote(first)], "the change is buried late in the message"
        )
    return verdict(
        Criterion.strategy_fit, True, Score.FULL, [quote(first)], "leads with the change, ahead of the reaction"
    )


def _reactive(ctx: Context) -> CriterionResult:
    spin = _spin_first(ctx) or next(iter(ctx.draft.matching(lexicon.CELEBRATORY)), None) or _cheer_first(ctx)
    if spin is not None:
        return verdict(
            Criterion.strategy_fit, False, Score.WRONG, [quote(spin)], "frames a public failure as good news"
        )
    praise = _praise_first(ctx)
    if praise is not None:
        return verdict(
            Criterion.strategy_fit,
            False,
            Score.FLAWED,
            [quote(praise)],
            "leads with praise of itself before it speaks of the incident",
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


def _first_mention(ctx: Context, *, lenient: bool = False, needs_event: bool = False) -> Sentence | None:
    """The first sentence that names the summary's key facts (with `needs_event`, what changes or went wrong
    among them, in words or by the summary's own figures), or, leniently, that speaks of the incident at all."""
    terms = ctx.facts.key_terms(ctx.facts.summary)
    events = (ctx.facts.wrong_terms or ctx.facts.event_terms) if needs_event else frozenset()
    for sentence in ctx.draft.sentences:
        found = sentence.stems & terms
        share = overlap(terms, found)
        named = share >= LEADS_SHARE or len(found) >= LEADS_TERMS
        if named and (not events or found & events or share >= NAMES_MOST or _summary_figures(sentence, ctx) >= 2):
            return sentence
        if lenient and (found & (events or ctx.facts.event_terms) or INCIDENT_TALK.search(sentence.lower)):
            return sentence
    return None


def _summary_figures(sentence: Sentence, ctx: Context) -> int:
    """How many of the summary's own figures the sentence gives ("$12.99 instead of $9.99" states the rise)."""
    summary = {q.value for q in ctx.facts.summary_quantities}
    return len({q.value for q in ctx.draft.quantities_in(sentence)} & summary)


UP_FRONT = 3  # sentences of the body, after any greeting


def _first_paragraph(ctx: Context) -> list[Sentence]:
    """The body's first sentences, after any greeting: where "up front" is."""
    body = [s for s in ctx.draft.sentences if s.start >= ctx.draft.body_offset]
    said = [s for s in body if not GREETING.match(s.lower.strip())]
    return said[:UP_FRONT]


def _in_heading(sentence: Sentence, ctx: Context) -> bool:
    return sentence.start < ctx.draft.body_offset


def _cheer_first(ctx: Context) -> Sentence | None:
    """A reactive message that opens by cheering ("X is here and so were you!") before the incident."""
    first = ctx.draft.sentences[0] if ctx.draft.sentences else None
    if first is None or not first.text.rstrip().endswith("!"):
        return None
    about_it = first.stems & ctx.facts.event_terms or INCIDENT_TALK.search(first.lower)
    return None if about_it or lexicon.APOLOGY.search(first.lower) else first


# Self-praise: what a reactive message must not lead with ("our most successful launch ever", "the platform of
# choice for millions", "record demand").
PRAISE = re.compile(
    r"\b(?:most successful|successful launch|a (?:huge |great )?success|record (?:demand|numbers|sales|year|levels?)|"
    r"platform of choice|(?:most|more) popular|best[- ]selling|the best\b|proud of|heroic|a hero)\b"
)


def _praise_first(ctx: Context) -> Sentence | None:
    """A reactive message whose first paragraph praises the organisation before it speaks of the incident."""
    for sentence in _first_paragraph(ctx):
        lowered = sentence.lower
        if INCIDENT_TALK.search(lowered) or lexicon.APOLOGY.search(lowered) or sentence.stems & ctx.facts.event_terms:
            return None
        if lexicon.SUPERLATIVE.search(lowered) or PRAISE.search(lowered):
            return sentence
    return None


def _spin_first(ctx: Context) -> Sentence | None:
    """The opening sells something ("Good news:", "thrilled to announce") before saying what changed."""
    opening = ctx.draft.opening(share=0.2, minimum=2)
    return next((s for s in opening if ctx.draft.matches(lexicon.CELEBRATORY, s)), None)
