"""Ownership: the organisation takes responsibility in the active voice; no deflection, no passive."""

from __future__ import annotations

import re

from service.rubric import lexicon
from service.rubric.base import Context, Score, not_applicable, verdict
from service.rubric.text import Sentence, quote, stem
from service.rubric.types import Criterion, CriterionResult


def check(ctx: Context) -> CriterionResult:
    """Passes when "we" own the wrong (or its action) and nothing shifts the blame or hides the actor."""
    if not ctx.wrong_involved:
        return not_applicable(Criterion.ownership, "no wrong to own in these facts")
    draft = ctx.draft
    owning = _owning(ctx)
    deflecting = [s for s in draft.matching(lexicon.DEFLECTION) if s not in owning]
    conditional = draft.matching(lexicon.CONDITIONAL_HARM)
    passive = [s for s in draft.matching(lexicon.PASSIVE_AGENTLESS) if s not in owning]
    if conditional:
        return verdict(
            Criterion.ownership,
            False,
            Score.WRONG,
            [quote(conditional[0])],
            "treats the harm as hypothetical ('if anyone was affected')",
        )
    if deflecting and not _strong_ownership(owning):
        return verdict(
            Criterion.ownership,
            False,
            Score.DEFLECTED,
            [quote(deflecting[0])],
            "shifts the cause to someone or something else instead of owning it",
        )
    if not owning:
        evidence = [quote(passive[0])] if passive else ["missing: a sentence where we take responsibility"]
        reason = (
            "describes the wrong in the passive voice, with no one owning it"
            if passive
            else "never says that we did this or that it is our responsibility"
        )
        return verdict(Criterion.ownership, False, Score.EVASIVE if passive else Score.BARELY, evidence, reason)
    return verdict(
        Criterion.ownership,
        True,
        Score.FULL if not deflecting else Score.QUALIFIED,
        [quote(owning[0])],
        "takes responsibility in the active voice",
    )


def _owning(ctx: Context) -> list[Sentence]:
    """Sentences where we own the wrong: explicit responsibility, or we as the actor of the facts' wrong."""
    draft = ctx.draft
    explicit = {s for s in draft.matching(lexicon.RESPONSIBILITY) if not _only_a_duty(s)} | set(draft.matching(lexicon.CONTRITION))
    # "we pushed a faulty change", "we underpaid", "we cancelled 1,340 flights": we as the actor of the wrong.
    active = {s for s in draft.matching(lexicon.WE_DID) if _we_did_the_wrong(s, ctx)}
    return sorted(explicit | active, key=lambda s: s.index)


# A duty from here on is not owning what happened: "it is our responsibility to keep you informed", "I am
# responsible for ensuring every customer feels proud".
_DUTY = re.compile(
    r"\b(?:our|my) responsibility (?:is )?to\b|\b(?:responsible|accountable) for (?:ensuring|making sure|keeping|"
    r"protecting|providing|delivering)\b"
)


def _only_a_duty(sentence: Sentence) -> bool:
    duties = [m.span() for m in _DUTY.finditer(sentence.lower)]
    return bool(duties) and all(
        any(start <= m.end() and m.start() <= end for start, end in duties) for m in lexicon.RESPONSIBILITY.finditer(sentence.lower)
    )


def _about_the_wrong(sentence: Sentence, ctx: Context) -> bool:
    """The sentence, or the one before it, is about the wrong ("That's a basic step and we missed it")."""
    wrong_terms = ctx.facts.key_terms(ctx.facts.summary, ctx.facts.cause, ctx.facts.affected)
    window = [s for s in ctx.draft.sentences if 0 <= sentence.index - s.index <= 1]
    return any(s.stems & wrong_terms or lexicon.CRISIS.search(s.lower) for s in window)


_DENIAL = re.compile(
    r"\bwe (?:did not|didn['’]t|never|were not|weren['’]t|are not|aren['’]t) (?:cause|do|make|know|intend|"
    r"responsible|to blame|at fault)|\bnot (?:our|my) fault\b",
    re.IGNORECASE,
)


def _negated_ownership(text: str) -> bool:
    """ "we did not cause this", "not our fault": a denial, not ownership."""
    return bool(_DENIAL.search(text))


def _strong_ownership(owning: list[Sentence]) -> bool:
    """Naming a vendor is fine when we still say plainly that it is ours to answer for."""
    return any(lexicon.RESPONSIBILITY.search(s.lower) or lexicon.CONTRITION.search(s.lower) for s in owning)


def _we_did_the_wrong(sentence: Sentence, ctx: Context) -> bool:
    if _negated_ownership(sentence.text) or not _about_the_wrong(sentence, ctx):
        return False
    wrong_terms = ctx.facts.key_terms(ctx.facts.summary, ctx.facts.cause) | ctx.facts.event_terms
    for match in lexicon.WE_DID.finditer(sentence.lower):
        verb = match.group("verb")
        if verb in lexicon.DOING_VERBS or (stem(verb) in wrong_terms and stem(verb) not in _SAYING):
            return True
    return False


# Saying or feeling something is never the wrong itself, though facts written from coverage use the same words
# ("the brand apologised", "the company said"): "we apologise for any offence" does not own anything.
_SAYING = frozenset(
    map(
        stem,
        (
            "apologize", "apologise", "apologized", "regret", "thank", "know", "believe", "understand", "recognize",
            "hope", "want", "share", "announce", "announced", "say", "said", "feel", "appreciate", "realize", "learn",
            "learned", "promise", "commit",
        ),
    )
)
