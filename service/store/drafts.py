"""Drafts, revisions, reviews and events: the statements the review workflow runs, each on a connection
inside the caller's transaction (so a draft and its first events commit together or not at all)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, and_, insert, or_, select, update
from sqlalchemy.orm import Session

from service.store.direct import FixedInsert
from service.store.models import DraftRow, EventRow, ReviewRow, RevisionRow, utcnow

# Statements built once: parameters travel separately, so the compiled form is reused (no per-row cache keys
# over large JSON values). The three a new draft writes skip SQLAlchemy's execution context on SQLite
# (service/store/direct.py says why); each row passes exactly these columns.
INSERT_DRAFT = FixedInsert(DraftRow.__table__, (  # type: ignore[arg-type]
    "id", "created_at", "updated_at", "state", "lock_version", "strategy", "channel", "prompt_id", "prompt_version",
    "prompt_sha256", "model", "request_id", "created_by", "pack_id", "score", "passed", "unsupported",
    "injection_followed", "current_revision", "facts", "request", "response",
))
INSERT_REVISION = FixedInsert(RevisionRow.__table__, (  # type: ignore[arg-type]
    "draft_id", "number", "created_at", "author", "score", "passed", "edit_distance", "text", "subject", "headline",
    "checks", "diff",
))
INSERT_EVENT = FixedInsert(EventRow.__table__, ("draft_id", "kind", "actor", "at", "detail"))  # type: ignore[arg-type]
INSERT_REVIEW = insert(ReviewRow.__table__)  # type: ignore[arg-type]


@dataclass
class NewDraft:
    """A draft as the service returned it, with its provenance."""

    id: str
    state: str
    strategy: str
    channel: str
    prompt_id: str
    prompt_version: str
    prompt_sha256: str
    model: str
    created_by: str
    facts: dict[str, Any]
    request: dict[str, Any]
    response: dict[str, Any]
    text: str
    subject: str | None = None
    headline: str | None = None
    checks: dict[str, Any] | None = None
    score: float | None = None
    passed: bool | None = None
    unsupported: int = 0
    injection_followed: bool | None = None
    request_id: str | None = None
    pack_id: str | None = None
    created_at: datetime = field(default_factory=utcnow)


def insert_draft(conn: Connection, draft: NewDraft) -> None:
    """The draft, its revision 0 (the model's text) and its `created` (and `graded`) events."""
    INSERT_DRAFT(conn, [_draft_values(draft)])
    INSERT_REVISION(conn, [_revision_values(
        draft.id, 0, author=draft.created_by, text=draft.text, subject=draft.subject, headline=draft.headline,
        checks=draft.checks, diff=None, edit_distance=0.0, at=draft.created_at,
    )])
    detail = {"prompt": f"{draft.prompt_id}@{draft.prompt_version}", "model": draft.model, "request_id": draft.request_id}
    events = [_event(draft.id, "created", draft.created_by, detail, draft.created_at)]
    if draft.checks is not None:
        events.append(_event(draft.id, "graded", draft.created_by, _grade_detail(0, draft.checks), draft.created_at))
    INSERT_EVENT(conn, events)


def _draft_values(draft: NewDraft) -> dict[str, Any]:
    return dict(
        id=draft.id,
        created_at=draft.created_at,
        updated_at=draft.created_at,
        state=draft.state,
        lock_version=1,
        strategy=draft.strategy,
        channel=draft.channel,
        prompt_id=draft.prompt_id,
        prompt_version=draft.prompt_version,
        prompt_sha256=draft.prompt_sha256,
        model=draft.model,
        request_id=draft.request_id,
        created_by=draft.created_by,
        pack_id=draft.pack_id,
        score=draft.score,
        passed=draft.passed,
        unsupported=draft.unsupported,
        injection_followed=draft.injection_followed,
        current_revision=0,
        facts=draft.facts,
        request=draft.request,
        response=draft.response,
    )


def _grade_detail(revision: int, checks: dict[str, Any]) -> dict[str, Any]:
    return {
        "revision": revision,
        "score": checks.get("score"),
        "passed": checks.get("passed"),
        "unsupported": len(checks.get("unsupported") or []),
    }


def add_revision(
    conn: Connection,
    draft_id: str,
    number: int,
    *,
    author: str,
    text: str,
    subject: str | None,
    headline: str | None,
    checks: dict[str, Any] | None,
    diff: list[Any] | None = None,
    edit_distance: float = 0.0,
    at: datetime | None = None,
) -> None:
    """A reviewer's revision (number > 0) and its `revised` (and `graded`) events."""
    INSERT_REVISION(conn, [_revision_values(
        draft_id, number, author=author, text=text, subject=subject, headline=headline, checks=checks, diff=diff,
        edit_distance=edit_distance, at=at or utcnow(),
    )])
    if number > 0:
        append_event(conn, draft_id, "revised", author, {"revision": number, "edit_distance": edit_distance})
        if checks is not None:
            append_event(conn, draft_id, "graded", author, _grade_detail(number, checks))


def _revision_values(
    draft_id: str,
    number: int,
    *,
    author: str,
    text: str,
    subject: str | None,
    headline: str | None,
    checks: dict[str, Any] | None,
    diff: list[Any] | None,
    edit_distance: float,
    at: datetime,
) -> dict[str, Any]:
    return dict(
        draft_id=draft_id,
        number=number,
        created_at=at,
        author=author,
        score=checks.get("score") if checks else None,
        passed=checks.get("passed") if checks else None,
        edit_distance=edit_distance,
        text=text,
        subject=subject,
        headline=headline,
        checks=checks,
        diff=diff,
    )


def append_event(
    conn: Connection, draft_id: str, kind: str, actor: str, detail: dict[str, Any], at: datetime | None = None
) -> None:
    INSERT_EVENT(conn, [_event(draft_id, kind, actor, detail, at or utcnow())])


def _event(draft_id: str, kind: str, actor: str, detail: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {"draft_id": draft_id, "kind": kind, "actor": actor, "at": at, "detail": detail}


def add_review(
    conn: Connection,
    draft_id: str,
    *,
    revision: int,
    decision: str,
    author: str,
    criteria: Mapping[str, str],
    comment: str | None,
    override: bool,
) -> None:
    conn.execute(
        INSERT_REVIEW,
        dict(
            draft_id=draft_id,
            revision=revision,
            decision=decision,
            author=author,
            created_at=utcnow(),
            override=override,
            criteria=dict(criteria),
            comment=comment,
        ),
    )


def rows(conn: Connection, query: Select[Any]) -> Sequence[Any]:
    """ORM objects for `query`, read on this connection (inside the caller's transaction)."""
    return Session(bind=conn, expire_on_commit=False).scalars(query).all()


def get_draft(conn: Connection, draft_id: str) -> DraftRow | None:
    found = rows(conn, select(DraftRow).where(DraftRow.id == draft_id))
    return found[0] if found else None


def compare_and_set(conn: Connection, draft_id: str, lock_version: int, **values: Any) -> bool:
    """Change a draft only if nobody changed it since `lock_version` was read: the loser of a race gets
    False (PostgreSQL re-checks the WHERE after the winner commits; SQLite writes one at a time)."""
    result = conn.execute(
        update(DraftRow)
        .where(DraftRow.id == draft_id, DraftRow.lock_version == lock_version)
        .values(lock_version=lock_version + 1, updated_at=utcnow(), **values)
    )
    return result.rowcount == 1


def revisions_of(conn: Connection, draft_id: str) -> Sequence[RevisionRow]:
    return rows(conn, select(RevisionRow).where(RevisionRow.draft_id == draft_id).order_by(RevisionRow.number))


def revision(conn: Connection, draft_id: str, number: int) -> RevisionRow | None:
    found = rows(conn, select(RevisionRow).where(RevisionRow.draft_id == draft_id, RevisionRow.number == number))
    return found[0] if found else None


def reviews_of(conn: Connection, draft_id: str) -> Sequence[ReviewRow]:
    return rows(conn, select(ReviewRow).where(ReviewRow.draft_id == draft_id).order_by(ReviewRow.id))


def events_of(conn: Connection, draft_id: str) -> Sequence[EventRow]:
    return rows(conn, select(EventRow).where(EventRow.draft_id == draft_id).order_by(EventRow.id))


def awaiting_publication(conn: Connection, channels: Sequence[str]) -> list[str]:
    """Approved drafts on these channels whose publishing began and never ended: the last approval said it
    would publish, and no `published` or final `publish_failed` came after it (the service stopped while
    they were in flight). A draft approved while its channel had no webhook is not published later."""
    approved = select(DraftRow.id).where(DraftRow.state == "approved", DraftRow.channel.in_(channels))
    ends = select(EventRow).where(
        EventRow.draft_id.in_(approved), EventRow.kind.in_(("approved", "publish_failed", "published"))
    )
    last: dict[str, EventRow] = {}
    for event in rows(conn, ends.order_by(EventRow.id)):  # one query for all drafts, not one per draft
        last[event.draft_id] = event
    return [draft_id for draft_id, event in last.items() if event.kind == "approved" and event.detail.get("publish")]


@dataclass(frozen=True)
class DraftFilter:
    states: tuple[str, ...] = ()
    strategy: str | None = None
    prompt_id: str | None = None
    prompt_version: str | None = None
    model: str | None = None
    since: datetime | None = None


def list_drafts(
    conn: Connection, where: DraftFilter, *, limit: int, cursor: str | None = None
) -> tuple[Sequence[DraftRow], str | None]:
    """Newest first, `limit` at a time; the second value is the cursor of the next page (None: last page)."""
    query = select(DraftRow).where(*_conditions(where))
    if cursor is not None:
        at, draft_id = decode_cursor(cursor)
        query = query.where(
            or_(DraftRow.created_at < at, and_(DraftRow.created_at == at, DraftRow.id < draft_id))
        )
    found = rows(conn, query.order_by(DraftRow.created_at.desc(), DraftRow.id.desc()).limit(limit + 1))
    page = found[:limit]
    more = len(found) > limit
    return page, encode_cursor(page[-1].created_at, page[-1].id) if more and page else None


def _conditions(where: DraftFilter) -> list[Any]:
    found: list[Any] = []
    if where.states:
        found.append(DraftRow.state.in_(where.states))
    for column, value in (
        (DraftRow.strategy, where.strategy),
        (DraftRow.prompt_id, where.prompt_id),
        (DraftRow.prompt_version, where.prompt_version),
        (DraftRow.model, where.model),
    ):
        if value is not None:
            found.append(column == value)
    if where.since is not None:
        found.append(DraftRow.created_at >= where.since)
    return found


def as_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; every time stored here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(at: datetime, draft_id: str) -> str:
    """A position in the list: the row's creation time in microseconds and its id (every such string is
    a valid position, so the schema can say exactly what a cursor is)."""
    micros = (as_utc(at) - EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{draft_id}"


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """Raises ValueError for something that is not a position."""
    micros, _, draft_id = cursor.partition(".")
    if not micros.isdigit() or not draft_id:
        raise ValueError("not a cursor from this list")
    return EPOCH + timedelta(microseconds=int(micros)), draft_id
