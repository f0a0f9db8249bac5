"""Server-sent events for a streamed draft: the HTTP framing of `Drafter.stream()`.

Events, in order: `meta` (prompt and model, before any text), `delta` (text pieces), then exactly one
of `done` (the whole DraftResponse, checks included) or `error` (a problem+json body with
`"complete": false`). A client that did not see `done` holds an incomplete draft, whatever text it received.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from service import errors
from service.api.problems import problem_body
from service.drafting import Delta, Failed, Finished, Started, StreamEvent
from service.schemas import DraftResponse

EVENT_STREAM = "text/event-stream"


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def frames(
    events: AsyncIterator[StreamEvent],
    request_id: str | None,
    keep: Callable[[DraftResponse], Awaitable[None]] | None = None,
) -> AsyncIterator[bytes]:
    """The events as SSE frames; `keep` stores the finished draft before `done` is sent (when it cannot,
    the stream ends with a storage-unavailable `error` event that carries the draft)."""
    async for event in events:
        match event:
            case Started(prompt, model):
                yield sse("meta", {"prompt": prompt.model_dump(), "model": model})
            case Delta(text):
                yield sse("delta", {"text": text})
            case Finished(response):
                yield await _finish(response, request_id, keep)
            case Failed(error, received):
                body = problem_body(type(error), error.detail, request_id=request_id)
                yield sse("error", {**body, "complete": False, "received_chars": received})


async def _finish(
    response: DraftResponse, request_id: str | None, keep: Callable[[DraftResponse], Awaitable[None]] | None
) -> bytes:
    try:
        if keep is not None:
            await keep(response)
    except errors.TrustdraftError as exc:
        body = problem_body(type(exc), exc.detail, request_id=request_id, draft=exc.extra.get("draft"))
        return sse("error", {**body, "complete": True, "received_chars": len(response.text)})
    return sse("done", response.model_dump(mode="json", exclude_none=True))
