"""Impact and empathy: says who was affected and how, with the specifics the facts give."""

from __future__ import annotations

import re

from service.facts import Strategy
from service.rubric import lexicon
from service.rubric.base import Context, Score, hedged_phrase, verdict
from service.rubric.quantities import QuantityKind
from service.rubric.text import Sentence, overlap, quote
from service.rubric.types import Criterion, CriterionResult

SPECIFIC_TERMS = 2
# A reader told what to do ("Please don't eat it", "Return it to the store") is being addressed directly.
_IMPERATIVE = r"(?:do not|don['’]t|return|take|call|check|stop|throw|bring|contact)\b"
ADDRESSED = re.compile(rf"^(?:please |if you \w+ \w+, )?{_IMPERATIVE}")
ADDRESSED_ANYWHERE = re.compile(rf"(?:^|[.;:] )(?:please )?{_IMPERATIVE}")


def check(ctx: Context) -> CriterionResult:
    """Passes when a sentence about the affected people gives the facts' specifics, without hedging them."""
    people = _people_sentences(ctx)
    if not people:
        return verdict(
            Criterion.impact_empathy,
            False,
            Score.NONE,
            ["missing: who is affected"],
            "never mentions the people affected",
        )
    specifics = _specifics(ctx)
    counts = _affected_counts(ctx)
    counted = [s for s in people if _counts_people(s, counts, ctx)]
    hedged = [s for s in people if hedged_phrase(s, ctx)]
    concrete = counted or ([] if hedged else [s for s in people if _concrete(s, specifics, ctx)])
    concrete = concrete or ([] if hedged else _instructed(ctx, specifics))
    if concrete:
        best = max(concrete, key=lambda s: len(s.stems & specifics))
        share = overlap(specifics, frozenset().union(*(s.stems for s in concrete)))
        return verdict(
            Criterion.impact_empathy,
            True,
            min(Score.FULL, Score.ACCEPTABLE + share),
            [quote(best)],
            "says who is affected and how, specifically",
        )
    evidence = [quote(hedged[0])] if hedged else [quote(people[0])]
    reason = (
        "hedges who was affected ('some', 'may have')"
        if hedged
        else "mentions people only in general terms, not who was affected or how"
    )
    return verdict(Criterion.impact_empathy, False, Score.LACKING, evidence, reason)


def _counts_people(sentence: Sentence, counts: set[object], ctx: Context) -> bool:
    """Gives the facts' number of affected people (or accounts, passengers...)."""
    return any(q.kind == QuantityKind.number and q.value in counts for q in ctx.draft.quantities_in(sentence))


def _concrete(sentence: Sentence, specifics: frozenset[str], ctx: Context) -> bool:
    """With the sentence beside it, names the affected people's situation in the facts' own terms."""
    window = [s for s in ctx.draft.sentences if abs(s.index - sentence.index) <= 1]
    return len(frozenset().union(*(s.stems for s in window)) & specifics) >= SPECIFIC_TERMS


def _instructed(ctx: Context, specifics: frozenset[str]) -> list[Sentence]:
    """A notice that tells the affected reader what to do ("do not eat it") about the specific thing."""
    told = [s for s in ctx.draft.sentences if ADDRESSED.search(s.lower)]
    named = specifics & ctx.draft.stems
    return told if told and len(named) >= SPECIFIC_TERMS + 1 else []


def _people_sentences(ctx: Context) -> list[Sentence]:
    named = set(ctx.draft.matching(lexicon.PEOPLE))
    groups = ctx.facts.people_stems
    others = {s for s in ctx.draft.sentences if s.stems & groups or ADDRESSED.search(s.lower)}
    if not (named or others) and ctx.draft.matching(ADDRESSED_ANYWHERE):
        others = set(ctx.draft.matching(ADDRESSED_ANYWHERE))
    return sorted(named | others, key=lambda s: s.index)


def _specifics(ctx: Context) -> frozenset[str]:
    """Who and how, per the facts: the affected field and the summary; for proactive also the reasoning."""
    facts = ctx.facts
    terms = facts.key_terms(facts.affected, facts.summary)
    if ctx.strategy is Strategy.proactive:
        terms |= facts.key_terms(facts.reasoning)
    return terms - _CALENDAR - (facts.cause - facts.affected)


_CALENDAR = frozenset(
    {
        "januari",
        "februari",
        "march",
        "april",
        "may",
        "june",
        "juli",
        "august",
        "septemb",
        "octob",
        "novemb",
        "decemb",
        "week",
        "day",
        "month",
        "year",
        "today",
        "yesterday",
    }
)


def _affected_counts(ctx: Context) -> set[object]:
    """How many people (or accounts, passengers...) the facts say were affected."""
    affected_text = ctx.facts.facts.affected or ctx.facts.facts.summary
    return {q.value for q in ctx.facts.quantities if q.kind == QuantityKind.number and q.text in affected_text}
