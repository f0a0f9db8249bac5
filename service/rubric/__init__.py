"""The rubric of docs/rubric.md as pure, deterministic graders: one module per criterion.

Entry point: `grade(text, facts, strategy, channel) -> RubricResult`. The overall score is the mean of
the applicable criteria; a draft passes when faithfulness passes, the score meets the threshold, and it is a
message at all (not the prompt's facts block or instructions copied back: `message.not_a_message`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from service.facts import Channel, Facts, Strategy, facts_from
from service.rubric import (
    accountable_voice,
    acknowledgment,
    amends,
    channel_fit,
    commitments_kept,
    concrete_plan,
    explanation,
    faithfulness,
    impact_empathy,
    message,
    ongoing_communication,
    ownership,
    sincerity,
    strategy_fit,
)
from service.rubric.base import Context
from service.rubric.commitments import Commitment, commitments_in
from service.rubric.facts_view import view_of
from service.rubric.text import parse
from service.rubric.types import Criterion, CriterionResult, RubricResult, UnsupportedClaim
from service.settings import DEFAULT_PASS_THRESHOLD

GRADERS: dict[Criterion, Callable[[Context], CriterionResult]] = {
    Criterion.acknowledgment: acknowledgment.check,
    Criterion.ownership: ownership.check,
    Criterion.sincerity: sincerity.check,
    Criterion.accountable_voice: accountable_voice.check,
    Criterion.impact_empathy: impact_empathy.check,
    Criterion.explanation: explanation.check,
    Criterion.concrete_plan: concrete_plan.check,
    Criterion.amends: amends.check,
    Criterion.ongoing_communication: ongoing_communication.check,
    Criterion.faithfulness: faithfulness.check,
    Criterion.channel_fit: channel_fit.check,
    Criterion.strategy_fit: strategy_fit.check,
}

# Graded only for follow-ups: when the earlier messages' commitments are on the context.
FOLLOW_UP_GRADERS: dict[Criterion, Callable[[Context], CriterionResult]] = {
    Criterion.commitments_kept: commitments_kept.check,
}

__all__ = [
    "FOLLOW_UP_GRADERS",
    "GRADERS",
    "Commitment",
    "Criterion",
    "CriterionResult",
    "RubricResult",
    "UnsupportedClaim",
    "commitments_in",
    "context_for",
    "grade",
]


def context_for(
    text: str,
    facts: Facts | Mapping[str, Any],
    strategy: Strategy | str,
    channel: Channel | str,
    earlier: list[Commitment] | None = None,
) -> Context:
    """Parse the draft and analyse the facts once, for every grader to share."""
    channel = Channel(channel)
    return Context(
        parse(text, channel),
        view_of(facts_from(dict(facts) if isinstance(facts, Mapping) else facts)),
        Strategy(strategy),
        channel,
        tuple(earlier) if earlier is not None else None,
    )


def grade(
    text: str,
    facts: Facts | Mapping[str, Any],
    strategy: Strategy | str,
    channel: Channel | str,
    *,
    threshold: float = DEFAULT_PASS_THRESHOLD,
    earlier: list[Commitment] | None = None,
) -> RubricResult:
    """Grade one draft against every criterion of the rubric; a follow-up (earlier commitments given)
    is also graded on keeping them."""
    ctx = context_for(text, facts, strategy, channel, earlier)
    graders = [*GRADERS.values(), *(FOLLOW_UP_GRADERS.values() if ctx.earlier is not None else ())]
    criteria = [grader(ctx) for grader in graders]
    applicable = [c.score for c in criteria if c.applicable]
    score = round(sum(applicable) / len(applicable), 4) if applicable else 0.0
    faithful = next(c for c in criteria if c.criterion is Criterion.faithfulness).passed
    blocked = message.not_a_message(text)
    return RubricResult(
        score=score,
        passed=faithful and score >= threshold and blocked is None,
        threshold=threshold,
        criteria=criteria,
        unsupported=faithfulness.ledger(ctx),
        blocked=blocked,
    )
