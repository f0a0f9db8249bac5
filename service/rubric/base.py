"""What every grader receives (one parsed draft, the analysed facts, strategy, channel) and how it answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar, cast

from service.facts import Channel, Strategy
from service.rubric.commitments import Commitment
from service.rubric.facts_view import FactsView
from service.rubric.text import Draft, Sentence
from service.rubric.types import Criterion, CriterionResult

T = TypeVar("T")


class Score:
    """The score levels a verdict uses, highest first, so every grader puts the same failure at the same
    height (docs/rubric.md: each criterion scores 0..1; the overall score is their mean)."""

    FULL = 1.0  # passes outright
    GOOD = 0.85  # passes by a weaker route (a way to reach us instead of the next update)
    QUALIFIED = 0.8  # passes with a reservation (no first person; a vendor named beside real ownership)
    ACCEPTABLE = 0.7  # passes because there is nothing to get wrong (the facts give no reason to explain)
    BARE_PASS = 0.6  # the least a pass scores, before credit for how much of the facts it carries
    HALF = 0.5  # half there (the steps without the timing the facts give)
    SHORT = 0.45  # a required part missing (the fix without prevention; updates with no when)
    GENERIC = 0.4  # in general terms only (an apology that names nothing)
    LACKING = 0.35  # the key element absent (the spokesperson neither signs nor speaks)
    FLAWED = 0.3  # there, but undermined (hedged, boilerplate, buried, anonymous, an excuse)
    DEFLECTED = 0.25  # pointed elsewhere (blame shifted; a vague plan in place of a step)
    WRONG = 0.2  # says something it must not (an invented cause or remedy, harm made hypothetical)
    EVASIVE = 0.15  # dodges (a non-apology; a wrong in the passive with no one owning it)
    BARELY = 0.1  # next to nothing (a stranger speaking; the plan missing)
    NONE = 0.0  # absent


def between(low: float, high: float, share: float) -> float:
    """A score from `low` to `high` in proportion to `share` (0..1) of what the facts ask for."""
    return low + (high - low) * share


# A greeting or a memo's header line says nothing yet: "Dear customer,", "Hi all", "To: all staff".
GREETING = re.compile(r"^(?:dear|hi|hello|hey)\b[^.!?\n]{0,60}[,:!]?$|^(?:to|from|cc|date|sent)\s*:")


@dataclass
class Context:
    """What every grader reads: the parsed draft, the analysed facts, the strategy and channel, and for a
    follow-up the commitments its earlier messages made (None when it is not a follow-up)."""

    draft: Draft
    facts: FactsView
    strategy: Strategy
    channel: Channel
    earlier: tuple[Commitment, ...] | None = None

    @cached_property
    def wrong_involved(self) -> bool:
        """A wrong to own and apologise for: always when reactive, when the facts show one when preemptive."""
        if self.strategy is Strategy.reactive:
            return True
        return self.strategy is Strategy.preemptive and self.facts.wrong_involved_preemptive

    @property
    def incident(self) -> bool:
        return self.strategy in (Strategy.reactive, Strategy.preemptive)

    def once(self, compute: Callable[[Context], T]) -> T:
        """`compute(self)`, worked out the first time any grader asks (the ledger, the remedies found)."""
        found: dict[Callable[[Context], object], object] = self.__dict__.setdefault("_once", {})
        if compute not in found:
            found[compute] = compute(self)
        return cast(T, found[compute])

    def hedged_phrase(self, sentence: Sentence) -> str | None:
        """A hedge ("some", "a number of", "may have been") the facts do not use about the same thing; found
        once per sentence (acknowledgment and impact_empathy ask of the same sentences)."""
        found: dict[int, str | None] = self.__dict__.setdefault("_hedged", {})
        if sentence.index not in found:
            found[sentence.index] = next((h for h in sentence.hedges if not _echoes_facts(h, sentence, self)), None)
        return found[sentence.index]


def hedged_phrase(sentence: Sentence, ctx: Context) -> str | None:
    return ctx.hedged_phrase(sentence)


def _echoes_facts(word: str, sentence: Sentence, ctx: Context) -> bool:
    """The facts hedge the same way about the same thing ("some could not reach emergency services")."""
    for clause, stems in ctx.facts.clauses:
        if re.search(rf"\b{re.escape(word)}\b", clause):
            shared = sentence.stems & stems - ctx.facts.people_stems
            if len(shared) >= 1:
                return True
    return False


def verdict(
    criterion: Criterion, passed: bool, score: float, evidence: list[str], reason: str
) -> CriterionResult:
    return CriterionResult(
        criterion=criterion,
        applicable=True,
        passed=passed,
        score=round(min(1.0, max(0.0, score)), 3),
        evidence=evidence[:4],
        reason=reason,
    )


def not_applicable(criterion: Criterion, reason: str) -> CriterionResult:
    return CriterionResult(
        criterion=criterion, applicable=False, passed=True, score=Score.FULL, evidence=[], reason=reason
    )
