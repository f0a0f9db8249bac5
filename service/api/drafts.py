"""POST /v1/drafts: validate, draft within the deadline, store, return (or stream). Errors are domain
exceptions rendered by problems.py; once a stream has started they arrive as an `error` event instead.

A draft is stored after the drafting door returns it and before it is answered: a 200 (or a stream's
`done`) means it is stored. When storing fails the answer is 503 storage-unavailable carrying the draft."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable
from typing import Any, TypeVar

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from service import errors
from service.api.deps import ActorDep, Authorized, DeadlineDep, DrafterDep, DraftSlot, StateDep
from service.api.problems import problem_responses
from service.api.reviews import DRAFT_LINKS
from service.api.sse import EVENT_STREAM, frames
from service.drafting import draft_pack, pack_requests, redact_facts
from service.facts import Facts
from service.review import Actor, ReviewDesk
from service.schemas import DraftRequest, DraftResponse, PackRequest, PackResponse

T = TypeVar("T")

router = APIRouter(prefix="/v1/drafts", tags=["drafts"], dependencies=[Authorized])

_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The draft; or, with `stream: true` or `Accept: text/event-stream`, server-sent events "
        "`meta`, `delta`..., then `done` (the whole draft with its checks) or `error` (a problem).",
        "content": {EVENT_STREAM: {}},  # events are described above; each data line is JSON
        "links": DRAFT_LINKS,
    }
}


@router.post(
    "/pack",
    response_model=PackResponse,
    response_model_exclude_none=True,
    summary="Draft one fact set for several channels, checked for consistency",
    responses=problem_responses(400, 401, 413, 422, 429, 502, 503, 504),
    dependencies=[DraftSlot],
)
async def create_pack(
    body: PackRequest, request: Request, drafter: DrafterDep, deadline: DeadlineDep, state: StateDep, actor: ActorDep
) -> PackResponse:
    pack = await _within(deadline, draft_pack(drafter, body, deadline=deadline))
    if state.desk is not None:
        asked = pack_requests(body)  # in the order of the drafts
        kept = [(r, d, _seen_facts(r.facts, d)) for r, d in zip(asked, pack.drafts, strict=True)]
        await _store(state.desk, kept, actor, request, pack_id=f"pck_{uuid.uuid4().hex}", answer=pack)
    return pack


def wants_stream(body: DraftRequest, request: Request) -> bool:
    """`stream: true` asks for a stream outright; `Accept: text/event-stream` prefers one, and gets the JSON
    draft when the options ask for more than one draft (best-of-n, revise), which cannot be streamed."""
    if body.stream:
        return True
    refined = body.options.n > 1 or body.options.revise > 0
    return EVENT_STREAM in request.headers.get("accept", "") and not refined


@router.post(
    "",
    response_model=DraftResponse,
    response_model_exclude_none=True,
    summary="Draft a message from incident facts",
    responses={**_STREAM_DOC, **problem_responses(400, 401, 413, 422, 429, 502, 503, 504)},
    dependencies=[DraftSlot],
)
async def create_draft(
    body: DraftRequest,
    request: Request,
    drafter: DrafterDep,
    deadline: DeadlineDep,
    state: StateDep,
    actor: ActorDep,
) -> DraftResponse | StreamingResponse:
    async def keep(response: DraftResponse) -> None:
        if state.desk is not None:
            kept = [(body, response, _seen_facts(body.facts, response))]
            await _store(state.desk, kept, actor, request, answer=response)

    if wants_stream(body, request):
        events = drafter.stream(body, deadline=deadline)  # a bad prompt or model: a plain problem, no stream
        body_frames = frames(events, getattr(request.state, "request_id", None), keep)
        return StreamingResponse(body_frames, media_type=EVENT_STREAM, headers={"Cache-Control": "no-store"})
    response = await _within(deadline, drafter.draft(body, deadline=deadline))
    await keep(response)
    return response


def _seen_facts(facts: Facts, response: DraftResponse) -> Facts:
    """The facts as the model saw them: masked when the response says personal data was redacted."""
    return redact_facts(facts)[0] if response.redaction is not None else facts


async def _store(
    desk: ReviewDesk,
    kept: list[tuple[DraftRequest, DraftResponse, Facts]],
    actor: Actor,
    request: Request,
    *,
    pack_id: str | None = None,
    answer: DraftResponse | PackResponse,
) -> None:
    """Store the drafts; when that fails the caller gets a 503 that carries what was drafted."""
    try:
        await desk.record(kept, actor, getattr(request.state, "request_id", None), pack_id)
    except errors.StorageUnavailable as exc:
        raise errors.StorageUnavailable(
            "the draft was written but could not be stored, so it cannot be reviewed or published; "
            "it is in `draft`. Retry to draft it again.",
            retry_after=1.0,
            draft=answer.model_dump(mode="json", exclude_none=True),
        ) from exc


async def _within(deadline: float, work: Awaitable[T]) -> T:
    """The gateway keeps within the deadline; this bound also covers work it cannot interrupt (a local model)."""
    try:
        with anyio.fail_after(max(0.0, deadline - time.monotonic())):
            return await work
    except TimeoutError as exc:
        raise errors.UpstreamTimeout("no draft before the request deadline") from exc
