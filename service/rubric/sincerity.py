"""Sincerity: a direct, specific apology in a human voice, not a non-apology or PR boilerplate."""

from __future__ import annotations

from service.rubric import lexicon
from service.rubric.base import Context, Score, not_applicable, verdict
from service.rubric.text import Sentence, quote, scan
from service.rubric.types import Criterion, CriterionResult

MAX_SUPERLATIVES = 2
_GENERIC_OBJECTS = ("inconvenience", "confusion", "any trouble", "the trouble", "disruption caused")


def check(ctx: Context) -> CriterionResult:
    """Passes when an apology names what it is for and no non-apology or boilerplate waters it down."""
    if not ctx.wrong_involved:
        return not_applicable(Criterion.sincerity, "no wrong to apologise for in these facts")
    draft = ctx.draft
    said_sorry = {s for s in draft.matching(lexicon.APOLOGY) if not lexicon.COURTESY_SORRY.search(s.lower)}
    apologies = sorted(said_sorry | set(draft.matching(lexicon.CONTRITION)), key=lambda s: s.index)
    non_apologies = draft.matching(lexicon.NON_APOLOGY)
    genuine = [s for s in apologies if s not in non_apologies and _specific(s, ctx)]
    padding = _padding(ctx)
    if non_apologies and not genuine:
        return verdict(
            Criterion.sincerity,
            False,
            Score.EVASIVE,
            [quote(non_apologies[0])],
            "a non-apology: regret for 'any inconvenience' or for how people feel",
        )
    if padding:
        return verdict(
            Criterion.sincerity,
            False,
            Score.FLAWED,
            padding,
            "reads as PR boilerplate (stock phrases or stacked superlatives)",
        )
    if not apologies:
        return verdict(Criterion.sincerity, False, Score.NONE, ["missing: an apology"], "does not apologise")
    if not genuine:
        return verdict(
            Criterion.sincerity,
            False,
            Score.GENERIC,
            [quote(apologies[0])],
            "apologises only in general terms, not for what happened",
        )
    return verdict(
        Criterion.sincerity, True, Score.FULL, [quote(genuine[0])], "apologises directly for what happened"
    )


def _specific(sentence: Sentence, ctx: Context) -> bool:
    """The apology, or a sentence near it, names the wrong rather than 'any inconvenience'."""
    lowered = sentence.lower
    if any(generic in lowered for generic in _GENERIC_OBJECTS) and not lexicon.CONTRITION.search(lowered):
        return False
    wrong_terms = ctx.facts.key_terms(ctx.facts.summary, ctx.facts.cause, ctx.facts.affected)
    reach = 1 if len(sentence.text.split()) > 4 else 2  # a bare "I'm sorry." refers back further
    window = [s for s in ctx.draft.sentences if abs(s.index - sentence.index) <= reach]
    return any(
        s.stems & wrong_terms or lexicon.CRISIS.search(s.lower) or lexicon.CONTRITION.search(s.lower)
        for s in window
    )


def _padding(ctx: Context) -> list[str]:
    """Quoted boilerplate: any stock PR line, or too many soft stock phrases and superlatives together."""
    boiler = [m.group(0) for m in scan(lexicon.BOILERPLATE, ctx.draft.lower)]
    soft = [m.group(0) for m in scan(lexicon.STOCK, ctx.draft.lower)]
    soft += [m.group(0) for m in scan(lexicon.SUPERLATIVE, ctx.draft.lower)]
    legalese = [m.group(0) for m in scan(lexicon.LEGALESE, ctx.draft.lower)]
    if boiler or legalese or len(soft) > MAX_SUPERLATIVES:
        return (boiler + legalese + soft)[:4]
    return []
