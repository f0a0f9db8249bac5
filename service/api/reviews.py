"""Stored drafts and their review: GET one or a page, POST a review or a revision, publish again, the audit
trail. Every decision and edit goes through the review desk (service/review/)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BeforeValidator
from starlette.convertors import StringConvertor, register_url_convertor

from service import errors
from service.api.deps import ActorDep, Authorized, DeskDep
from service.api.problems import problem_responses
from service.facts import Strategy
from service.review import State
from service.review.schemas import DraftPage, EventList, ReviewRequest, RevisionRequest, StoredDraft
from service.store.drafts import DraftFilter

DRAFT_ID = r"drf_[0-9a-f]{32}"


class DraftIdConvertor(StringConvertor):
    """Only a draft id matches `{draft_id:draft_id}`: /v1/drafts/pack stays POST-only (a GET is a 405, not a
    draft lookup), and a malformed id is a 404 like any other path that does not exist."""

    regex = DRAFT_ID


register_url_convertor("draft_id", DraftIdConvertor())
router = APIRouter(prefix="/v1/drafts", tags=["reviews"], dependencies=[Authorized])

DraftId = Annotated[str, Path(pattern=f"^{DRAFT_ID}$", description="A draft id, as POST /v1/drafts returned it.")]
PromptFilter = Annotated[
    str | None,
    Query(pattern=r"^[A-Za-z0-9_.-]{1,100}(@[A-Za-z0-9_.-]{1,50})?$", description="`reactive` or `reactive@v3`."),
]
ModelFilter = Annotated[str | None, Query(min_length=1, max_length=200)]
def _iso_only(value: object) -> object:
    """A date-time as the schema says (RFC 3339), not a number pydantic would read as a Unix time."""
    if isinstance(value, str) and not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", value):
        raise ValueError("must be an ISO 8601 date-time with a time zone, e.g. 2025-03-12T10:00:00Z")
    return value


Since = Annotated[
    datetime | None,
    BeforeValidator(_iso_only),
    Query(description="At or after this time (ISO 8601 with a time zone)."),
]
READ = problem_responses(401, 404, 422, 429, 503)
WRITE = problem_responses(400, 401, 403, 404, 409, 413, 422, 429, 503)


@router.get("", response_model=DraftPage, summary="Stored drafts, newest first, a page at a time", responses=READ)
async def list_drafts(
    desk: DeskDep,
    state: Annotated[list[State] | None, Query(description="One or more states.")] = None,
    strategy: Strategy | None = None,
    prompt: PromptFilter = None,
    model: ModelFilter = None,
    since: Since = None,
    cursor: Annotated[
        str | None, Query(pattern=r"^[0-9]{1,16}\.drf_[0-9a-f]{32}$", description="`next_cursor` of the page before.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DraftPage:
    prompt_id, _, version = (prompt or "").partition("@")
    where = DraftFilter(
        states=tuple(s.value for s in state or ()),
        strategy=strategy.value if strategy else None,
        prompt_id=prompt_id or None,
        prompt_version=version or None,
        model=model,
        since=aware(since),
    )
    return await desk.page(where, limit, cursor)


@router.get("/{draft_id:draft_id}", operation_id="getDraft", response_model=StoredDraft, summary="One stored draft: state, revisions, reviews", responses=READ)
async def get_draft(draft_id: DraftId, desk: DeskDep) -> StoredDraft:
    return await desk.get(draft_id)


@router.post(
    "/{draft_id:draft_id}/reviews",
    operation_id="reviewDraft",
    response_model=StoredDraft,
    summary="Approve, reject or request changes, optionally with an edited text and per-criterion verdicts",
    responses=WRITE,
)
async def review_draft(draft_id: DraftId, body: ReviewRequest, desk: DeskDep, actor: ActorDep) -> StoredDraft:
    return await desk.review(draft_id, body, actor)


@router.post(
    "/{draft_id:draft_id}/revisions",
    operation_id="reviseDraft",
    response_model=StoredDraft,
    summary="Edit the draft without deciding: a new revision, graded again, back in review",
    responses=WRITE,
)
async def revise_draft(draft_id: DraftId, body: RevisionRequest, desk: DeskDep, actor: ActorDep) -> StoredDraft:
    return await desk.revise(draft_id, body, actor)


@router.post(
    "/{draft_id:draft_id}/publish",
    operation_id="publishDraft",
    response_model=StoredDraft,
    summary="Publish an approved draft to its channel's webhook again (after a failed publish)",
    responses=problem_responses(401, 403, 404, 409, 422, 429, 503),
)
async def publish_draft(draft_id: DraftId, desk: DeskDep, actor: ActorDep) -> StoredDraft:
    return await desk.publish(draft_id, actor)


@router.get(
    "/{draft_id:draft_id}/events",
    operation_id="draftEvents",
    response_model=EventList,
    summary="The draft's audit trail, oldest first (append-only)",
    responses=READ,
)
async def draft_events(draft_id: DraftId, desk: DeskDep) -> EventList:
    return await desk.events(draft_id)


# OpenAPI links from a new draft to what can be done with it (clients and stateful testers follow them).
DRAFT_LINKS = {
    name: {"operationId": operation, "parameters": {"draft_id": "$response.body#/id"}}
    for name, operation in (
        ("GetDraft", "getDraft"),
        ("ReviewDraft", "reviewDraft"),
        ("ReviseDraft", "reviseDraft"),
        ("PublishDraft", "publishDraft"),
        ("DraftEvents", "draftEvents"),
    )
}


def aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise errors.InvalidRequest("`since` needs a time zone, e.g. 2025-03-12T10:00:00Z")
    return moment
