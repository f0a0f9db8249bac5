"""The tables. Texts and facts are nullable: retention purges them and keeps the figures beside them.
Events are append-only: the migration adds triggers that refuse UPDATE and DELETE on them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON, datetime: DateTime(timezone=True)}


class DraftRow(Base):
    __tablename__ = "drafts"
    __table_args__ = (
        Index("ix_drafts_created", "created_at", "id"),
        Index("ix_drafts_prompt_model", "prompt_id", "prompt_version", "model"),
        Index("ix_drafts_state", "state", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)  # every change bumps it (optimistic lock)
    strategy: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    prompt_id: Mapped[str] = mapped_column(String(100))
    prompt_version: Mapped[str] = mapped_column(String(50))
    prompt_sha256: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(128))
    created_by: Mapped[str] = mapped_column(String(64))
    pack_id: Mapped[str | None] = mapped_column(String(40))
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    unsupported: Mapped[int] = mapped_column(Integer, default=0)
    injection_followed: Mapped[bool | None] = mapped_column(Boolean)
    current_revision: Mapped[int] = mapped_column(Integer, default=0)
    # What the reviewers made of it: accepted (as is), edited, rejected; aggregate figures outlive the texts.
    outcome: Mapped[str | None] = mapped_column(String(20))
    edit_distance: Mapped[float | None] = mapped_column(Float)
    decided_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]
    # Confidential: facts, the request's options and earlier messages, and the response as returned.
    facts: Mapped[dict[str, Any] | None]
    request: Mapped[dict[str, Any] | None]
    response: Mapped[dict[str, Any] | None]


class RevisionRow(Base):
    """Revision 0 is the model's draft; each edit is the next number, graded again."""

    __tablename__ = "revisions"

    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    edit_distance: Mapped[float] = mapped_column(Float, default=0.0)
    text: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    headline: Mapped[str | None] = mapped_column(Text)
    checks: Mapped[dict[str, Any] | None]
    diff: Mapped[list[Any] | None]


class ReviewRow(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    criteria: Mapped[dict[str, Any]]
    comment: Mapped[str | None] = mapped_column(Text)


class EventRow(Base):
    """The audit trail: append-only (no code path updates or deletes a row; triggers refuse it)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    detail: Mapped[dict[str, Any]]


class EvalRunRow(Base):
    """One `trustdraft eval run --record`: `running` until it finishes; a run that died stays unfinished."""

    __tablename__ = "eval_runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))  # running | finished
    label: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(200))
    git_commit: Mapped[str | None] = mapped_column(String(64))
    prompts: Mapped[list[Any]]
    config: Mapped[dict[str, Any]]
    summary: Mapped[dict[str, Any] | None]


class EvalRecordRow(Base):
    __tablename__ = "eval_records"

    run_id: Mapped[str] = mapped_column(ForeignKey("eval_runs.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    record: Mapped[dict[str, Any]]


class EvalBaselineRow(Base):
    __tablename__ = "eval_baselines"

    prompt_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("eval_runs.id"))
    pinned_at: Mapped[datetime]


class EvalRunPromptRow(Base):
    """The prompts a run concerns (asked for, versions drafted, their prompt ids): `eval history --prompt`."""

    __tablename__ = "eval_run_prompts"
    __table_args__ = (Index("ix_eval_run_prompts_prompt", "prompt", "run_id"),)

    run_id: Mapped[str] = mapped_column(ForeignKey("eval_runs.id"), primary_key=True)
    prompt: Mapped[str] = mapped_column(String(150), primary_key=True)
