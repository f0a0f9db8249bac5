"""A real OpenAI-compatible chat completions server on 127.0.0.1 with injectable faults.

It speaks just enough HTTP/1.1 (keep-alive, Content-Length, SSE streaming) to be called by litellm's
real `openai/...` path, and can misbehave on purpose: delays, error statuses with Retry-After,
connection resets, hangs, truncated or malformed bodies, empty choices, content-filter or length stops.
A request for structured output (`response_format` with a JSON schema) is answered by `json_reply`, when set,
as a JSON object.

Use it in-process (`with FakeUpstream() as up:`) or as its own process:
`python -m tests.fake_upstream --port 8787 --delay-ms 300` (prints `listening on PORT`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_REPLY = (
    "Subject: We are sorry: our outage on 12 March\n\n"
    "On 12 March our network failed and you could not call, text or use data for about nine hours. "
    "That was our fault: a configuration change we made broke our core network, and we apologise. "
    "We rolled it back at 13:05 and every change now goes through a staged rollout. "
    "We will publish a full report by 26 March.\n\nDaniel Reyes, Chief Executive Officer"
)


@dataclass
class Fault:
    """What to do with one request. kind: ok, status, reset, hang, truncated, malformed, empty,
    content_filter, length, cut (a stream that stops half-way)."""

    kind: str = "ok"
    status: int = 200
    delay_s: float = 0.0
    retry_after: str | None = None
    body: dict[str, Any] | None = None


# The mix a soak run draws from: every kind of failure, none that hangs past a sane timeout.
SOAK_FAULTS = [
    Fault("status", 429, retry_after="1"),
    Fault("status", 500),
    Fault("status", 503),
    Fault("reset"),
    Fault("truncated"),
    Fault("malformed"),
    Fault("empty"),
    Fault("content_filter"),
    Fault(delay_s=3.0),
]


@dataclass
class Recorded:
    path: str
    body: dict[str, Any]
    at: float


@dataclass
class FakeUpstream:
    delay_s: float = 0.0
    reply: Callable[[dict[str, Any]], str] = lambda request: DEFAULT_REPLY
    json_reply: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # answers requests with a JSON schema
    stream_usage: bool = True  # send a usage chunk when a stream asks for one (stream_options.include_usage)
    fault_rate: float = 0.0  # chance of a random fault from `random_faults` on an unscripted request
    random_faults: list[Fault] = field(default_factory=list)
    seed: int = 0
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[Recorded] = field(default_factory=list)
    _script: deque[Fault] = field(default_factory=deque)
    _loop: asyncio.AbstractEventLoop | None = None
    _server: asyncio.AbstractServer | None = None
    _thread: threading.Thread | None = None

    # --- control ---

    def script(self, *faults: Fault) -> None:
        """Queue behaviours for the next requests, in order; afterwards requests succeed."""
        self._script.extend(faults)

    def reset(self) -> None:
        self._script.clear()
        self.requests.clear()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def calls(self) -> int:
        return sum(1 for r in self.requests if r.path.endswith("/chat/completions"))

    # --- lifecycle ---

    def __enter__(self) -> FakeUpstream:
        ready = threading.Event()
        self._rng = random.Random(self.seed)
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True, name="fake-upstream")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake upstream did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop and self._server:
            server = self._server

            async def shutdown() -> None:  # close connections still open (hangs included), quietly
                server.close()
                pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)

            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(5)

    def _run(self, ready: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, self.host, self.port))
        self.port = self._server.sockets[0].getsockname()[1]
        ready.set()
        self._loop.run_forever()

    # --- HTTP ---

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                path, body = request
                self.requests.append(Recorded(path, body, time.monotonic()))
                keep_open = await self._respond(path, body, writer)
                if not keep_open:
                    break
        with contextlib.suppress(Exception):
            writer.close()

    def _next_fault(self) -> Fault:
        if self._script:
            return self._script.popleft()
        if self.fault_rate and self.random_faults and self._rng.random() < self.fault_rate:
            return self._rng.choice(self.random_faults)
        return Fault(delay_s=self.delay_s)

    async def _respond(self, path: str, body: dict[str, Any], writer: asyncio.StreamWriter) -> bool:
        if not path.endswith("/chat/completions"):
            await _send(writer, 404, {"error": {"message": f"no route {path}", "type": "not_found"}})
            return True
        fault = self._next_fault()
        if fault.delay_s:
            await asyncio.sleep(fault.delay_s)
        if fault.kind == "hang":
            await asyncio.sleep(3600)
        if fault.kind == "reset":
            writer.transport.abort()
            return False
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            error = fault.body or {"error": {"message": f"injected {fault.status}", "type": "injected"}}
            await _send(writer, fault.status, error, headers)
            return True
        if fault.kind == "truncated":
            payload = json.dumps(self._completion(body, "stop")).encode()
            head = _head(200, {"Content-Type": "application/json", "Content-Length": str(len(payload))})
            writer.write(head + payload[: len(payload) // 2])
            await writer.drain()
            writer.transport.abort()
            return False
        if fault.kind == "malformed":
            await _send_raw(writer, 200, b'{"id": "x", "choices": [{"message": ', "application/json")
            return True
        if body.get("stream"):
            await self._stream(writer, body, fault)
            return True
        finish = {"content_filter": "content_filter", "length": "length"}.get(fault.kind, "stop")
        completion = self._completion(body, finish)
        if fault.kind == "empty":
            completion["choices"] = []
        await _send(writer, 200, completion)
        return True

    def _completion(self, request: dict[str, Any], finish: str) -> dict[str, Any]:
        text = "" if finish == "content_filter" else self._text(request)
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in request.get("messages", []))
        completion_tokens = len(text.split())
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "fake"),
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def _text(self, request: dict[str, Any]) -> str:
        if self.json_reply is not None and json_schema_of(request) is not None:
            return json.dumps(self.json_reply(request))
        return self.reply(request)

    async def _stream(self, writer: asyncio.StreamWriter, request: dict[str, Any], fault: Fault) -> None:
        writer.write(_head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"}))
        words = self._text(request).split(" ")
        for index, word in enumerate(words):
            delta = {"content": word if index == 0 else " " + word}
            chunk = {
                "id": "chatcmpl-s",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": request.get("model", "fake"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
            await _chunk(writer, f"data: {json.dumps(chunk)}\n\n".encode())
            if fault.kind == "cut" and index == len(words) // 2:
                writer.transport.abort()
                return
        end = {
            "id": "chatcmpl-s",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": request.get("model", "fake"),
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        await _chunk(writer, f"data: {json.dumps(end)}\n\n".encode())
        if self.stream_usage and (request.get("stream_options") or {}).get("include_usage"):
            usage = self._completion(request, "stop")["usage"]  # as OpenAI sends it: a last chunk, no choices
            last = {**end, "choices": [], "usage": usage}
            await _chunk(writer, f"data: {json.dumps(last)}\n\n".encode())
        await _chunk(writer, b"data: [DONE]\n\n")
        await _chunk(writer, b"")


def json_schema_of(request: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a request asks its answer to follow (OpenAI's response_format), or None."""
    response_format = request.get("response_format") or {}
    if response_format.get("type") != "json_schema":
        return None
    schema: dict[str, Any] = (response_format.get("json_schema") or {}).get("schema") or {}
    return schema


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, Any]] | None:
    line = await reader.readline()
    if not line:
        return None
    parts = line.decode("latin-1").split()
    path = parts[1] if len(parts) > 1 else "/"
    length = 0
    while True:
        header = await reader.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    raw = await reader.readexactly(length) if length else b""
    try:
        body = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        body = {}
    return path, body


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _send(
    writer: asyncio.StreamWriter, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    await _send_raw(writer, status, json.dumps(body).encode(), "application/json", headers)


async def _send_raw(
    writer: asyncio.StreamWriter,
    status: int,
    payload: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    all_headers = {"Content-Type": content_type, "Content-Length": str(len(payload)), **(headers or {})}
    writer.write(_head(status, all_headers) + payload)
    await writer.drain()


async def _chunk(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    await writer.drain()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests given a random fault")
    args = parser.parse_args()
    upstream = FakeUpstream(delay_s=args.delay_ms / 1000, port=args.port, fault_rate=args.fault_rate,
                            random_faults=SOAK_FAULTS)
    with upstream:
        print(f"listening on {upstream.port}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
