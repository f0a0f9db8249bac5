"""Acknowledgment: names what actually happened, plainly and early, without shrinking or hedging it."""

from __future__ import annotations

import re

from service.rubric import lexicon
from service.rubric.base import Context, Score, hedged_phrase, not_applicable, verdict
from service.rubric.quantities import QuantityKind
from service.rubric.text import Sentence, best_sentence, overlap, quote
from service.rubric.types import Criterion, CriterionResult

NAMED_SHARE = 0.3
NAMED_TERMS = 3
EVENT_FREE_SHARE = 0.5
_LARGE = re.compile(
    r"\b(?:all|every|everyone|nationwide|countrywide|thousands|millions?|hundreds|years|weeks|"
    r"whole|entire|across the country)\b",
    re.I,
)


def check(ctx: Context) -> CriterionResult:
    """Passes when the opening names what happened (the summary's opening sentence), including what went wrong
    or changed, unhedged."""
    if not ctx.incident:
        return not_applicable(Criterion.acknowledgment, "proactive messages have no incident to acknowledge")
    # What happened is the summary's opening sentence; facts written from coverage go on to background ("the line
    # opened in 1998") that an opening can repeat without naming the event.
    terms = ctx.facts.key_terms(ctx.facts.what_happened)
    opening = _opening(ctx)
    found = terms & frozenset().union(*(s.stems for s in opening))
    share = overlap(terms, found)
    events = ctx.facts.event_terms
    # What went wrong (or what changes) must be among what is named, unless the opening names most of it.
    names_event = not events or bool(found & events) or share >= EVENT_FREE_SHARE
    named = (share >= NAMED_SHARE or len(found) >= NAMED_TERMS) and names_event
    best, _ = best_sentence(opening, terms)
    shrink = _minimising(ctx) or next((s for s in opening if s.stems & terms and _hedged(s, ctx)), None)
    if shrink is not None:
        return verdict(
            Criterion.acknowledgment,
            False,
            Score.FLAWED,
            [quote(shrink)],
            "downplays or hedges what happened (minimising language)",
        )
    if not named:
        vague = next((s for s in opening if lexicon.VAGUE_EVENT.search(s.lower)), None)
        evidence = [quote(vague)] if vague else [f"missing: {ctx.facts.facts.summary}"]
        return verdict(
            Criterion.acknowledgment,
            False,
            min(Score.HALF, share),
            evidence,
            "the opening does not say plainly what happened",
        )
    return verdict(
        Criterion.acknowledgment,
        True,
        min(Score.FULL, Score.BARE_PASS + share),
        [quote(best)] if best else [],
        "names what happened early in the message",
    )


def _hedged(sentence: Sentence, ctx: Context) -> bool:
    """Hedges the event itself ("some account information may have been visible"), giving no figure."""
    phrase = hedged_phrase(sentence, ctx)
    if phrase is None or phrase.startswith(("if you", "those", "many")):
        return False
    return not any(
        q.kind in (QuantityKind.number, QuantityKind.money, QuantityKind.percent, QuantityKind.date) for q in ctx.draft.quantities_in(sentence)
    )


def _opening(ctx: Context) -> list[Sentence]:
    body = ctx.draft.opening(share=0.4, minimum=3)
    heading = [s for s in ctx.draft.sentences if s.start < ctx.draft.body_offset]
    return heading + body


def _minimising(ctx: Context) -> Sentence | None:
    """A sentence that shrinks the incident when the facts describe something large or long."""
    if not _facts_are_large(ctx):
        return None
    for sentence in ctx.draft.matching(lexicon.MINIMISING):
        match = lexicon.MINIMISING.search(sentence.lower)
        if match is None or match.group(0) in ctx.facts.lower:
            continue
        # "Some customers couldn't call emergency services" restates the facts' own "some could not reach...".
        if lexicon.HEDGE.search(match.group(0)) and hedged_phrase(sentence, ctx) is None:
            continue
        return sentence
    return None


def _facts_are_large(ctx: Context) -> bool:
    facts = ctx.facts.facts
    situation = " ".join(v for v in (facts.summary, facts.affected or "") if v)
    numbers = [q for q in ctx.facts.quantities if q.kind in (QuantityKind.number, QuantityKind.money) and float(q.value[0]) >= 50]
    long = [q for q in ctx.facts.quantities if q.kind == QuantityKind.duration and float(q.value[0]) >= 1]
    return bool(numbers or long or _LARGE.search(situation))
