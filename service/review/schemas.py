"""What the review routes accept and return (the OpenAPI document is generated from these)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from service.facts import Channel, InputModel, RequiredText, Strategy, Text
from service.review.rules import Decision, State
from service.rubric.types import Criterion, RubricResult
from service.schemas import JsonBool, PromptRef

Verdict = Literal["agree", "disagree"]


class ReviewRequest(InputModel):
    decision: Decision
    text: RequiredText | None = Field(
        default=None, description="The edited body; stored as a new revision, graded again."
    )
    subject: Text | None = Field(default=None, description="The edited email subject.")
    headline: Text | None = Field(default=None, description="The edited headline (press statement, blog post).")
    criteria: dict[Criterion, Verdict] = Field(
        default_factory=dict, description="Do you agree with the rubric's verdict on each criterion?"
    )
    comment: Text | None = None
    override: JsonBool = Field(
        default=False,
        description="Approve although the text has unsupported claims or followed injected instructions.",
    )


class RevisionRequest(InputModel):
    """An edit without a decision (e.g. after changes were requested): the draft goes back to review."""

    text: RequiredText
    subject: Text | None = None
    headline: Text | None = None
    comment: Text | None = None


class DiffOp(BaseModel):
    op: Literal["equal", "insert", "delete", "replace"]
    before: str
    after: str


class RevisionOut(BaseModel):
    number: int = Field(description="0 is the model's draft.")
    created_at: datetime
    author: str
    text: str | None = Field(description="Null once retention has purged it.")
    subject: str | None = None
    headline: str | None = None
    checks: RubricResult | None = None
    diff: list[DiffOp] | None = Field(default=None, description="Word-level diff against the model's text.")
    edit_distance: float = Field(description="Share of words changed against the model's text (0..1).")


class ReviewOut(BaseModel):
    revision: int
    decision: Decision
    author: str
    created_at: datetime
    override: bool
    criteria: dict[str, Verdict]
    comment: str | None = None


class DraftSummary(BaseModel):
    id: str
    state: State
    created_at: datetime
    strategy: Strategy
    channel: Channel
    prompt: PromptRef
    model: str
    score: float | None = None
    passed: bool | None = None
    unsupported: int
    injection_followed: bool | None = None
    current_revision: int
    created_by: str = Field(description="The API key id that asked for the draft (or anonymous).")


class StoredDraft(DraftSummary):
    """A draft with everything stored about it."""

    updated_at: datetime
    request_id: str | None = None
    pack_id: str | None = None
    outcome: str | None = Field(default=None, description="accepted (as is), edited or rejected, once decided.")
    edit_distance: float | None = None
    facts: dict[str, Any] | None = Field(description="Null once retention has purged it.")
    request: dict[str, Any] | None = Field(description="audience, options, earlier_messages as sent.")
    draft: dict[str, Any] | None = Field(description="The response as returned when drafted (null once purged).")
    revisions: list[RevisionOut]
    reviews: list[ReviewOut]
    purged_at: datetime | None = None


class DraftPage(BaseModel):
    drafts: list[DraftSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class EventOut(BaseModel):
    id: int
    kind: str = Field(
        description="created, graded, revised, reviewed, changes_requested, rejected, approved, "
        "publish_attempt, published, publish_failed"
    )
    actor: str
    at: datetime
    detail: dict[str, Any]


class EventList(BaseModel):
    draft_id: str
    events: list[EventOut]


class EditDistanceBucket(BaseModel):
    le: float = Field(description="Upper bound of the share of words changed.")
    count: int


class AcceptanceOut(BaseModel):
    prompt_id: str
    prompt_version: str
    model: str
    decided: int
    accepted_as_is: int
    edited: int
    rejected: int
    accepted_as_is_rate: float
    edited_rate: float
    rejected_rate: float
    edit_distance: list[EditDistanceBucket]
    median_edit_distance: float | None = None


class AcceptanceStats(BaseModel):
    rows: list[AcceptanceOut]
