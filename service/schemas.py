"""Request and response models of the HTTP API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from service.facts import Channel, Facts, InputModel, Strategy, Text
from service.followup import EarlierMessage
from service.injection import InjectionReport
from service.rubric.types import RubricResult


class DraftOptions(InputModel):
    temperature: float | None = Field(
        default=None, ge=0.0, le=2.0, allow_inf_nan=False, description="Defaults to the prompt's own."
    )
    max_words: int | None = Field(default=None, ge=10, le=3000)
    n: int = Field(default=1, ge=1, le=8, description="Candidates to sample; the best is returned.")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    checks: bool = Field(default=True, description="Grade the draft against the rubric (`checks`).")
    revise: int = Field(
        default=0, ge=0, le=3, description="Critique-and-revise rounds for a draft that fails criteria."
    )
    return_candidates: bool = Field(
        default=False, description="Include every sampled candidate (with its checks) in the response."
    )


class DraftRequest(InputModel):
    strategy: Strategy
    channel: Channel
    facts: Facts
    audience: Text | None = None
    prompt: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        default=None, description="A version like `reactive@v2` or a label like `candidate`."
    )
    model: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    options: DraftOptions = Field(default_factory=DraftOptions)
    earlier_messages: list[EarlierMessage] = Field(
        default_factory=list,
        max_length=20,
        description="Messages already sent about this incident, oldest first: the draft is a follow-up that "
        "reports on each of their commitments (graded as `commitments_kept`).",
    )
    stream: bool = Field(
        default=False, description="Stream the text as server-sent events (also: Accept: text/event-stream)."
    )


class PackRequest(InputModel):
    """One fact set, several channels: POST /v1/drafts/pack."""

    strategy: Strategy
    channels: list[Channel] = Field(
        min_length=1, max_length=len(Channel), description="Distinct channels.", json_schema_extra={"uniqueItems": True}
    )
    facts: Facts
    audience: Text | None = None
    prompt: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    model: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    options: DraftOptions = Field(default_factory=DraftOptions)
    earlier_messages: list[EarlierMessage] = Field(default_factory=list, max_length=20)

    @field_validator("channels")
    @classmethod
    def _distinct(cls, channels: list[Channel]) -> list[Channel]:
        if len(set(channels)) != len(channels):
            raise ValueError("each channel may appear once")
        return channels


class PromptRef(BaseModel):
    id: str
    version: str
    sha256: str


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    @classmethod
    def of(cls, prompt_tokens: int, completion_tokens: int) -> Usage:
        return cls(
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            total_tokens=prompt_tokens + completion_tokens,
        )


class Candidate(BaseModel):
    """One sampled draft of a best-of-n request."""

    text: str
    seed: int
    checks: RubricResult


class RevisionRound(BaseModel):
    """One critique-and-revise round: the feedback sent, the revision, and whether it was kept."""

    round: int
    feedback: str
    text: str
    accepted: bool
    checks: RubricResult


class DraftResponse(BaseModel):
    id: str
    strategy: Strategy
    channel: Channel
    text: str = Field(description="The draft body, without the subject or headline line.")
    subject: str | None = Field(default=None, description="Email subject, when the channel has one.")
    headline: str | None = Field(default=None, description="Press statement or blog headline.")
    prompt: PromptRef
    model: str
    usage: Usage
    latency_ms: float
    checks: RubricResult | None = None
    injection: InjectionReport | None = Field(
        default=None, description="Present when the facts carried instruction-like text: was it followed?"
    )
    candidates: list[Candidate] | None = Field(
        default=None, description="Every sampled candidate, best first (options.return_candidates)."
    )
    rounds: list[RevisionRound] | None = Field(default=None, description="Revision rounds (options.revise).")
    warnings: list[str] = Field(default_factory=list)
