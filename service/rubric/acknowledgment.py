"""Acknowledgment: names what actually happened, plainly and early, without shrinking it."""

from __future__ import annotations

import re

from service.rubric import lexicon
from service.rubric.base import Context, not_applicable, verdict
from service.rubric.text import Sentence, best_sentence, overlap, quote
from service.rubric.types import Criterion, CriterionResult

NAMED_SHARE = 0.3
NAMED_TERMS = 3
_LARGE = re.compile(
    r"\b(?:all|every|everyone|nationwide|countrywide|thousands|millions?|hundreds|years|weeks|"
    r"whole|entire|across the country)\b",
    re.I,
)


def check(ctx: Context) -> CriterionResult:
    """Passes when the opening names the summary's key facts and nothing downplays their size."""
    if not ctx.incident:
        return not_applicable(Criterion.acknowledgment, "proactive messages have no incident to acknowledge")
    terms = ctx.facts.key_terms(ctx.facts.summary)
    opening = _opening(ctx)
    found = terms & frozenset().union(*(s.stems for s in opening))
    share = overlap(terms, found)
    named = share >= NAMED_SHARE or len(found) >= NAMED_TERMS
    best, _ = best_sentence(opening, terms)
    shrink = _minimising(ctx)
    if shrink is not None:
        return verdict(
            Criterion.acknowledgment,
            False,
            0.3,
            [quote(shrink)],
            "downplays the scale the facts give (minimising language)",
        )
    if not named:
        vague = next((s for s in opening if lexicon.VAGUE_EVENT.search(s.lower)), None)
        evidence = [quote(vague)] if vague else [f"missing: {ctx.facts.facts.summary}"]
        return verdict(
            Criterion.acknowledgment,
            False,
            min(0.5, share),
            evidence,
            "the opening does not say plainly what happened",
        )
    return verdict(
        Criterion.acknowledgment,
        True,
        min(1.0, 0.6 + share),
        [quote(best)] if best else [],
        "names what happened early in the message",
    )


def _opening(ctx: Context) -> list[Sentence]:
    body = ctx.draft.opening(share=0.4, minimum=3)
    heading = [s for s in ctx.draft.sentences if s.start < ctx.draft.body_offset]
    return heading + body


def _minimising(ctx: Context) -> Sentence | None:
    """A sentence that shrinks the incident when the facts describe something large or long."""
    if not _facts_are_large(ctx):
        return None
    for sentence in ctx.draft.sentences:
        match = lexicon.MINIMISING.search(sentence.lower)
        if match and not _echoes_facts(match.group(0), ctx):
            return sentence
    return None


def _facts_are_large(ctx: Context) -> bool:
    facts = ctx.facts.facts
    situation = " ".join(v for v in (facts.summary, facts.affected or "") if v)
    numbers = [q for q in ctx.facts.quantities if q.kind in ("number", "money") and float(q.value[0]) >= 50]
    long = [q for q in ctx.facts.quantities if q.kind == "duration" and float(q.value[0]) >= 1]
    return bool(numbers or long or _LARGE.search(situation))


def _echoes_facts(phrase: str, ctx: Context) -> bool:
    """The facts themselves use the word ("a temporary fix"), so it is not the draft shrinking them."""
    return phrase.lower() in ctx.facts.lower
