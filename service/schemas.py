"""Request and response models of the HTTP API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from service.facts import Channel, Facts, InputModel, Strategy, Text
from service.rubric.types import RubricResult


class DraftOptions(InputModel):
    temperature: float | None = Field(
        default=None, ge=0.0, le=2.0, allow_inf_nan=False, description="Defaults to the prompt's own."
    )
    max_words: int | None = Field(default=None, ge=10, le=3000)
    n: int = Field(default=1, ge=1, le=8, description="Candidates to sample; the best is returned.")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    checks: bool = Field(default=True, description="Grade the draft against the rubric (`checks`).")


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


class PromptRef(BaseModel):
    id: str
    version: str
    sha256: str


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


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
    warnings: list[str] = Field(default_factory=list)
