"""Server-sent events for a streamed draft.

Events, in order: `meta` (prompt and model, before any text), `delta` (text pieces), then exactly one
of `done` (the whole DraftResponse, checks included) or `error` (a problem+json body). A client that
did not see `done` holds an incomplete draft, whatever text it received.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from service import errors
from service.drafting import Drafter, DraftPlan
from service.llm.gateway import Completion


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def stream_draft(
    drafter: Drafter, plan: DraftPlan, *, checks: bool, request_id: str | None, deadline: float
) -> AsyncIterator[bytes]:
    """Yield SSE frames for one draft; errors after the first byte become an `error` event, and a stream
    still running at the deadline ends with an `upstream-timeout` error event."""
    started = time.perf_counter()
    yield sse(
        "meta",
        {
            "prompt": {"id": plan.prompt.id, "version": plan.prompt.version, "sha256": plan.prompt.sha256},
            "model": plan.model,
        },
    )
    pieces: list[str] = []
    try:
        stream = drafter.gateway.stream(plan.messages, model=plan.model, sampling=plan.sampling)
        async for piece in _until(deadline, stream):
            pieces.append(piece)
            yield sse("delta", {"text": piece})
        text = "".join(pieces).strip()
        if not text:
            raise errors.UpstreamBadOutput(
                f"{plan.model}: the model streamed an empty draft", model=plan.model
            )
        completion = Completion(text, plan.model, 0, 0, (time.perf_counter() - started) * 1000, "stop", 1)
        response = drafter.finish(plan, completion, checks, started)
        yield sse("done", response.model_dump(mode="json", exclude_none=True))
    except errors.TrustdraftError as exc:
        yield sse("error", _problem(exc, request_id, received=len("".join(pieces))))


async def _until(deadline: float, pieces: AsyncIterator[str]) -> AsyncIterator[str]:
    """The pieces as they come, until the deadline; then an UpstreamTimeout."""
    iterator = aiter(pieces)
    while True:
        try:
            piece = await asyncio.wait_for(anext(iterator), timeout=max(0.0, deadline - time.monotonic()))
        except StopAsyncIteration:
            return
        except TimeoutError as exc:
            raise errors.UpstreamTimeout("the stream did not finish before the request deadline") from exc
        yield piece


def _problem(exc: errors.TrustdraftError, request_id: str | None, received: int) -> dict[str, Any]:
    return {
        "type": exc.type_uri(),
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "request_id": request_id,
        "complete": False,
        "received_chars": received,
    }
