"""Pure ASGI middleware: request ids in and out, access logs, metrics and the service's own time per request
(x-trustdraft-overhead-ms: wall time minus model time), a hard limit on body size."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.metrics import Metrics
from service.api.problems import PROBLEM_JSON, problem_body
from service.errors import BodyTooLarge, MalformedBody
from service.logging import request_id_var
from service.timing import OVERHEAD_HEADER, close_ledger, model_seconds, open_ledger

access = logging.getLogger("trustdraft.access")

REQUEST_ID_HEADER = "x-request-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestIdMiddleware:
    """Take the caller's X-Request-ID when it is safe to echo, else mint one; put it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, REQUEST_ID_HEADER.encode())
        request_id = given if given and _SAFE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((REQUEST_ID_HEADER.encode(), request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


class ObservabilityMiddleware:
    """One access log line and the request metrics per request; never the body (facts stay out of logs)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        ledger = open_ledger()

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                total_s, model_s = time.perf_counter() - started, model_seconds()
                timing = f"app;dur={total_s * 1000:.1f}, model;dur={model_s * 1000:.1f}"
                message.setdefault("headers", []).extend(
                    [
                        (OVERHEAD_HEADER.encode(), f"{(total_s - model_s) * 1000:.2f}".encode()),
                        (b"server-timing", timing.encode()),  # the standard header browsers and proxies read
                    ]
                )
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            close_ledger(ledger)
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe_request(route, scope["method"], status, seconds)
            access.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )


class BodyLimitMiddleware:
    """Read the body up to `max_bytes`; past it answer 413 before the app parses anything."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._reject(scope, send, declared)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(scope, send, None)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, send: Send, declared: str | None) -> None:
        bad_length = declared is not None and not declared.isdigit()
        kind = MalformedBody if bad_length else BodyTooLarge
        detail = (
            "the Content-Length header is not a number"
            if bad_length
            else f"the request body is larger than the limit of {self.max_bytes} bytes"
        )
        problem = problem_body(
            kind, detail, instance=scope.get("path"), request_id=scope.get("state", {}).get("request_id")
        )
        payload = json.dumps(problem).encode()
        headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": kind.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
