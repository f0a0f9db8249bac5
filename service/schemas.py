"""Request and response models of the HTTP API, all in one place: what callers send and what they get back
(drafts, packs, prompts, health, problems). The OpenAPI document is generated from these."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints, field_validator

from service.facts import Channel, EarlierMessage, Facts, InputModel, Strategy, Text
from service.rubric.types import RubricResult


def _whole_number(value: object) -> object:
    """JSON's idea of an integer: 2 and 2.0 are, "2" and true are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be an integer")
    return int(value) if isinstance(value, float) and value.is_integer() else value


# What the schema says is what is accepted: a JSON 0 is not `false`, and "2" is not 2.
JsonInt = Annotated[int, BeforeValidator(_whole_number)]
JsonBool = Annotated[bool, Field(strict=True)]


class DraftOptions(InputModel):
    temperature: float | None = Field(
        default=None,
        ge=0.0,
        le=2.0,
        allow_inf_nan=False,
        strict=True,
        description="Defaults to the prompt's own.",
    )
    max_words: Annotated[int, Field(ge=10, le=3000), BeforeValidator(_whole_number)] | None = None
    n: JsonInt = Field(default=1, ge=1, le=8, description="Candidates to sample; the best is returned.")
    seed: JsonInt = Field(default=0, ge=0, le=2**31 - 1)
    checks: JsonBool = Field(default=True, description="Grade the draft against the rubric (`checks`).")
    revise: JsonInt = Field(
        default=0,
        ge=0,
        le=3,
        description="Critique-and-revise rounds for a draft that fails criteria. With a sectioned prompt: extra "
        "rewrites for a section that fails its checks (beyond TRUSTDRAFT_SECTION_REWRITES) before it falls back.",
    )
    return_candidates: JsonBool = Field(
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
    stream: JsonBool = Field(
        default=False,
        description="Stream the text as server-sent events (also: Accept: text/event-stream).",
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


class Suspicion(BaseModel):
    field: str
    text: str = Field(description="The instruction-like text, as found in the facts.")
    reason: str


class InjectionReport(BaseModel):
    """Attached to a draft whose facts look like they carry instructions."""

    suspected: list[Suspicion]
    followed: bool = Field(
        description="The draft repeats the injected payload or makes unsupported commitments."
    )
    evidence: list[str] = Field(default_factory=list)


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


class Section(BaseModel):
    """One section of a sectioned draft (a prompt with `sections`): its text and the facts it was written from."""

    name: str = Field(description="The section of the content plan: what_happened, apology, cause, remedy, ...")
    text: str
    sources: list[str] = Field(description="Paths of the facts it was written from: summary, actions_taken[0], ...")
    rewritten: bool = Field(default=False, description="The model's first text failed the section's checks.")
    fallback: bool = Field(
        default=False,
        description="The model's text failed the section's checks after a rewrite: this is a plain rendering of "
        "the section's facts instead.",
    )
class Redaction(BaseModel):
    """Personal data masked in the facts before the model call (TRUSTDRAFT_REDACT_FACTS)."""

    masked: dict[str, int] = Field(description="How many of each kind were masked: email, phone, card.")
    fields: list[str] = Field(description="The facts fields that held them, e.g. contact or timeline[2].what.")


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
    sections: list[Section] | None = Field(
        default=None, description="A sectioned prompt's sections, in the order the channel shows them."
    )
    redaction: Redaction | None = Field(
        default=None, description="Present when personal data in the facts was masked before the model call."
    )
    warnings: list[str] = Field(default_factory=list)


class ConsistencyIssue(BaseModel):
    kind: str = Field(description="not_a_message, unsupported_claim, remedy, next update or plan")
    detail: str
    channels: list[Channel]


class PackConsistency(BaseModel):
    consistent: bool
    issues: list[ConsistencyIssue] = Field(default_factory=list)


class PackResponse(BaseModel):
    drafts: list[DraftResponse]
    consistency: PackConsistency


class PromptVersionInfo(BaseModel):
    version: str
    sha256: str
    description: str
    changelog: str
    strategy: str | None
    labels: list[str]


class PromptInfo(BaseModel):
    id: str
    labels: dict[str, str]
    versions: list[PromptVersionInfo]


class PromptList(BaseModel):
    prompts: list[PromptInfo]


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    default_model: str
    model_loaded: bool | None = None
    prompts: int


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. facts.summary.")
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None
    retry_after: float | None = None
    complete: bool | None = Field(
        default=None, description="In a stream's error event: false, the draft did not finish."
    )
    received_chars: int | None = Field(default=None, description="In a stream's error event: text sent before it.")
    draft: dict[str, Any] | None = Field(
        default=None, description="storage-unavailable: the draft that was written but could not be stored."
    )
