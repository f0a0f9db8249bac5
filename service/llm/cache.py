"""A content-addressed cache of model outputs, as a gateway wrapper: a re-run of unchanged inputs makes no
model call, and cached and live drafts go through the same drafting pipeline (checks, injection report,
warnings).

The key covers everything that decides an output: the rendered messages (prompt, facts, channel, audience,
word limit), the model and the sampling parameters (temperature, token limit, seed). Grades are never
cached: they are recomputed, so a grader change needs no model calls. The eval suite uses it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import weakref
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from service.atomic import write_json_atomic
from service.llm.gateway import Completion, Gateway, JsonSchema, Sampling


def cache_key(**parts: Any) -> str:
    """SHA-256 of the parts, serialised canonically."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def completion_key(
    messages: list[dict[str, str]], model: str | None, sampling: Sampling, json_schema: JsonSchema | None = None
) -> str:
    """A schema and stop sequences are part of the key only when there are some, so plain completions keep the
    keys they had before either existed."""
    sampled = {k: v for k, v in asdict(sampling).items() if not (k == "stop" and not v)}
    shape = {"json_schema": json_schema} if json_schema is not None else {}
    return cache_key(messages=messages, model=model, sampling=sampled, **shape)


class CompletionCache:
    """One JSON file per completion under `root`, written atomically (a reader never sees half of one)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> Completion | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return Completion(**{**data, "cached": True})
        except (OSError, ValueError, TypeError):
            return None  # missing, or a corrupt or outdated entry: a miss, overwritten by the next put

    def put(self, key: str, completion: Completion) -> None:
        write_json_atomic(self._path(key), {**asdict(completion), "cached": False})


class CachingGateway:
    """Serves `complete` from the cache when it can, and fills it when it cannot; streams pass through."""

    def __init__(self, inner: Gateway, root: Path) -> None:
        self.inner = inner
        self.cache = CompletionCache(root)
        # One lock per key in flight: two drafts asking for the same output at once (two labels that resolve
        # to one prompt) make one model call, the second reading the cache the first filled.
        self._in_flight: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def validate_model(self, model: str) -> str:
        return self.inner.validate_model(model)

    def supports_json_schema(self, model: str) -> bool:
        return self.inner.supports_json_schema(model)

    async def complete(
        self,
        messages: list[dict[str, str]],
        *,
        model: str | None = None,
        sampling: Sampling = Sampling(),
        deadline: float | None = None,
        json_schema: JsonSchema | None = None,
    ) -> Completion:
        key = completion_key(messages, model, sampling, json_schema)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        lock = self._in_flight.setdefault(key, asyncio.Lock())
        async with lock:
            hit = self.cache.get(key)
            if hit is not None:
                return hit
            completion = await self.inner.complete(
                messages, model=model, sampling=sampling, deadline=deadline, json_schema=json_schema
            )
            self.cache.put(key, completion)
            return completion

    def stream(
        self, messages: list[dict[str, str]], *, model: str | None = None, sampling: Sampling = Sampling()
    ) -> AsyncIterator[str | Completion]:
        return self.inner.stream(messages, model=model, sampling=sampling)
