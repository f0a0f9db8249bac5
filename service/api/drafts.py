"""POST /v1/drafts: validate, draft within the deadline, return (or stream). Errors are domain exceptions
rendered by problems.py; once a stream has started they arrive as an `error` event instead."""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import Any, TypeVar

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from service import errors
from service.api.deps import Authorized, DeadlineDep, DrafterDep, DraftSlot
from service.api.problems import problem_responses
from service.api.sse import EVENT_STREAM, frames
from service.drafting import draft_pack
from service.schemas import DraftRequest, DraftResponse, PackRequest, PackResponse

T = TypeVar("T")

router = APIRouter(prefix="/v1/drafts", tags=["drafts"], dependencies=[Authorized])

_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The draft; or, with `stream: true` or `Accept: text/event-stream`, server-sent events "
        "`meta`, `delta`..., then `done` (the whole draft with its checks) or `error` (a problem).",
        "content": {EVENT_STREAM: {}},  # events are described above; each data line is JSON
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
async def create_pack(body: PackRequest, drafter: DrafterDep, deadline: DeadlineDep) -> PackResponse:
    return await _within(deadline, draft_pack(drafter, body, deadline=deadline))


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
    body: DraftRequest, request: Request, drafter: DrafterDep, deadline: DeadlineDep
) -> DraftResponse | StreamingResponse:
    if wants_stream(body, request):
        events = drafter.stream(body, deadline=deadline)  # a bad prompt or model: a plain problem, no stream
        body_frames = frames(events, getattr(request.state, "request_id", None))
        return StreamingResponse(body_frames, media_type=EVENT_STREAM, headers={"Cache-Control": "no-store"})
    return await _within(deadline, drafter.draft(body, deadline=deadline))


async def _within(deadline: float, work: Awaitable[T]) -> T:
    """The gateway keeps within the deadline; this bound also covers work it cannot interrupt (a local model)."""
    try:
        with anyio.fail_after(max(0.0, deadline - time.monotonic())):
            return await work
    except TimeoutError as exc:
        raise errors.UpstreamTimeout("no draft before the request deadline") from exc
