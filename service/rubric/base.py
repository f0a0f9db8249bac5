"""What every grader receives (one parsed draft, the analysed facts, strategy, channel) and how it answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from service.facts import Channel, Strategy
from service.rubric import lexicon
from service.rubric.facts_view import FactsView
from service.rubric.text import Draft, Sentence, content_stems
from service.rubric.types import Criterion, CriterionResult


@dataclass
class Context:
    draft: Draft
    facts: FactsView
    strategy: Strategy
    channel: Channel

    @cached_property
    def wrong_involved(self) -> bool:
        """A wrong to own and apologise for: always when reactive, when the facts show one when preemptive."""
        if self.strategy is Strategy.reactive:
            return True
        return self.strategy is Strategy.preemptive and self.facts.wrong_involved_preemptive

    @property
    def incident(self) -> bool:
        return self.strategy in (Strategy.reactive, Strategy.preemptive)


def hedged_phrase(sentence: Sentence, ctx: Context) -> str | None:
    """A hedge ("some", "a number of", "may have been") the facts do not use about the same thing."""
    for match in lexicon.HEDGE.finditer(sentence.lower):
        if not _echoes_facts(match.group(0), sentence, ctx):
            return match.group(0)
    return None


def _echoes_facts(word: str, sentence: Sentence, ctx: Context) -> bool:
    """The facts hedge the same way about the same thing ("some could not reach emergency services")."""
    for clause in re.split(r"[;.\n]", ctx.facts.lower):
        if re.search(rf"\b{re.escape(word)}\b", clause):
            shared = sentence.stems & content_stems(clause) - ctx.facts.people_stems
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
        criterion=criterion, applicable=False, passed=True, score=1.0, evidence=[], reason=reason
    )
