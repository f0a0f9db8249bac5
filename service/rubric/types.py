"""Result types every grader returns; named as in docs/rubric.md so they can go straight into API responses."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Criterion(StrEnum):
    acknowledgment = "acknowledgment"
    ownership = "ownership"
    sincerity = "sincerity"
    accountable_voice = "accountable_voice"
    impact_empathy = "impact_empathy"
    explanation = "explanation"
    concrete_plan = "concrete_plan"
    amends = "amends"
    ongoing_communication = "ongoing_communication"
    faithfulness = "faithfulness"
    channel_fit = "channel_fit"
    strategy_fit = "strategy_fit"
    commitments_kept = "commitments_kept"  # follow-ups only: graded when earlier messages are given


# The rubric every draft is graded on (docs/rubric.md); commitments_kept joins them for follow-up updates.
RUBRIC_CRITERIA: tuple[Criterion, ...] = tuple(c for c in Criterion if c is not Criterion.commitments_kept)


class CriterionResult(BaseModel):
    """One grader's verdict on one draft."""

    model_config = ConfigDict(frozen=True)

    criterion: Criterion
    applicable: bool
    passed: bool
    score: float = Field(ge=0.0, le=1.0)
    evidence: list[str] = Field(
        default_factory=list, description="Quoted spans of the draft, or the missing element."
    )
    reason: str


class ClaimKind(StrEnum):
    """What an unsupported claim is (the faithfulness ledger's kinds)."""

    figure = "figure"
    amount = "amount"
    percentage = "percentage"
    date = "date"
    time = "time"
    person = "person"
    cause = "cause"
    promise = "promise"  # a commitment or remedy the facts do not make
    action = "action"  # something we say we did that the facts do not report
    assurance = "assurance"  # a reassurance ("no data was taken") the facts do not give
    comparison = "comparison"  # "the lowest fees of any marketplace"
    endorsement = "endorsement"  # "recommended by vets", an award, a certification
    legal = "legal"


class UnsupportedClaim(BaseModel):
    """A claim in the draft that the facts do not support (the faithfulness ledger)."""

    model_config = ConfigDict(frozen=True)

    kind: ClaimKind
    text: str = Field(description="The claim as it appears in the draft.")
    start: int = Field(ge=0, description="Character offset of the claim in the graded text.")
    end: int = Field(ge=0)
    reason: str


# How `blocked` begins when the draft follows instruction-like text from the facts (drafting.injection sets
# it; the review rules read it, so an approval does not list the same reason twice).
FOLLOWS_INJECTION = "follows instruction-like text from the facts"


class RubricResult(BaseModel):
    """All criteria for one draft. Score is the mean of applicable criteria; faithfulness gates pass, and so
    does `blocked`: a text that is not a message (or, in the drafting pipeline, follows injected text)."""

    model_config = ConfigDict(frozen=True)

    score: float = Field(ge=0.0, le=1.0)
    passed: bool
    threshold: float
    criteria: list[CriterionResult]
    unsupported: list[UnsupportedClaim] = Field(default_factory=list)
    blocked: str | None = Field(
        default=None,
        description="Why the draft cannot pass whatever its score: it copies the facts block or the prompt's "
        "instructions, or follows instruction-like text smuggled into the facts.",
    )

    def criterion(self, name: Criterion | str) -> CriterionResult:
        return next(c for c in self.criteria if c.criterion == name)
