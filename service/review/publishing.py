"""Publishing: an approved draft is POSTed to its channel's webhook, signed with HMAC-SHA256, retried with
backoff; every attempt, the success and the final failure go into the audit trail.

Signature: `X-Trustdraft-Signature: sha256=<hex>` is HMAC-SHA256 of `<X-Trustdraft-Timestamp>.<body>`
with the webhook's secret; `X-Trustdraft-Delivery` is the draft id (a receiver deduplicates on it).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
import yaml
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from service.facts import Channel
from service.settings import Settings, Webhook
from service.store import Store
from service.store import drafts as repo
from service.store.models import utcnow

log = logging.getLogger("trustdraft.publishing")
SIGNATURE_HEADER = "X-Trustdraft-Signature"
RESUMED_BY = "system:resume"  # the actor of attempts made when the service resumes publishing


class DeliveryFailed(Exception):
    """An attempt that may succeed if tried again (connection error, timeout, 429, 5xx)."""


class DeliveryRefused(Exception):
    """The receiver refused the draft (another 4xx): trying again will not help."""


def load_webhooks(settings: Settings) -> dict[str, Webhook]:
    """Webhooks from TRUSTDRAFT_WEBHOOKS and TRUSTDRAFT_WEBHOOKS_FILE (the settings win); each must have a
    secret, its own or TRUSTDRAFT_WEBHOOK_SECRET. Raises ValueError at start-up when something is wrong."""
    found: dict[str, Webhook] = {}
    if settings.webhooks_file is not None:
        raw = yaml.safe_load(Path(settings.webhooks_file).read_text(encoding="utf-8")) or {}
        found.update({channel: Webhook.model_validate(spec) for channel, spec in raw.items()})
    found.update(settings.webhooks)
    unknown = sorted(set(found) - {c.value for c in Channel})
    if unknown:
        raise ValueError(f"webhooks for unknown channels: {', '.join(unknown)}")
    for channel, hook in found.items():
        if hook.secret is None and settings.webhook_secret is None:
            raise ValueError(f"the {channel} webhook has no secret (set it, or TRUSTDRAFT_WEBHOOK_SECRET)")
    return found


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class Publisher:
    def __init__(self, store: Store, settings: Settings, webhooks: dict[str, Webhook]) -> None:
        self.store = store
        self.settings = settings
        self.webhooks = webhooks
        self._tasks: set[asyncio.Task[bool]] = set()
        self._client = httpx.AsyncClient(timeout=settings.webhook_timeout_s)

    def has(self, channel: str) -> bool:
        return channel in self.webhooks

    def schedule(self, draft_id: str, channel: str, actor: str) -> None:
        """Publish in the background, so the approval answers at once."""
        if not self.has(channel):
            return
        self._start(draft_id, actor)

    def _start(self, draft_id: str, actor: str) -> None:
        task = asyncio.create_task(self.publish(draft_id, actor))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def resume(self) -> list[str]:
        """At start-up, publish again what a stopped service left in flight. A receiver may see a draft
        twice (once before the stop, once now): it deduplicates on X-Trustdraft-Delivery."""

        def pending() -> list[str]:
            with self.store.reading() as conn:
                return repo.awaiting_publication(conn, list(self.webhooks))

        found = await anyio.to_thread.run_sync(pending)
        for draft_id in found:
            self._start(draft_id, RESUMED_BY)
        if found:
            log.info("publishing resumed", extra={"drafts": len(found)})
        return found

    async def publish(self, draft_id: str, actor: str) -> bool:
        payload, channel = await anyio.to_thread.run_sync(self._payload, draft_id)
        hook = self.webhooks[channel]
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        attempt = 0
        try:
            async for attempt_state in self._retrying():
                with attempt_state:
                    attempt = attempt_state.retry_state.attempt_number
                    await self._deliver(draft_id, hook, body, attempt, actor)
        except (DeliveryFailed, DeliveryRefused) as exc:
            await self._event(draft_id, "publish_failed", actor, {"attempts": attempt, "error": str(exc)})
            log.warning("publishing failed", extra={"draft_id": draft_id, "attempts": attempt})
            return False
        await anyio.to_thread.run_sync(self._mark_published, draft_id, actor, attempt)
        return True

    def _retrying(self) -> AsyncRetrying:
        return AsyncRetrying(
            stop=stop_after_attempt(self.settings.webhook_attempts),
            wait=wait_exponential_jitter(
                initial=self.settings.webhook_initial_wait_s, max=self.settings.webhook_max_wait_s
            ),
            retry=retry_if_exception_type(DeliveryFailed),
            reraise=True,
        )

    async def _deliver(self, draft_id: str, hook: Webhook, body: bytes, attempt: int, actor: str) -> None:
        secret = (hook.secret or self.settings.webhook_secret).get_secret_value()  # type: ignore[union-attr]
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Trustdraft-Event": "draft.approved",
            "X-Trustdraft-Delivery": draft_id,
            "X-Trustdraft-Timestamp": timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        }
        detail: dict[str, Any] = {"attempt": attempt, "url": hook.url}
        try:
            response = await self._client.post(hook.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            await self._event(draft_id, "publish_attempt", actor, {**detail, "error": type(exc).__name__})
            raise DeliveryFailed(f"{type(exc).__name__} from {hook.url}") from exc
        await self._event(draft_id, "publish_attempt", actor, {**detail, "status": response.status_code})
        if response.status_code == 429 or response.status_code >= 500:
            raise DeliveryFailed(f"{hook.url} answered {response.status_code}")
        if response.status_code >= 300:
            raise DeliveryRefused(f"{hook.url} refused the draft with {response.status_code}")

    def _payload(self, draft_id: str) -> tuple[dict[str, Any], str]:
        with self.store.reading() as conn:
            row = repo.get_draft(conn, draft_id)
            assert row is not None
            approved = repo.revision(conn, draft_id, row.current_revision)
            assert approved is not None
            approval = [e for e in repo.events_of(conn, draft_id) if e.kind == "approved"][-1:]
        return {
            "id": row.id,
            "channel": row.channel,
            "strategy": row.strategy,
            "subject": approved.subject,
            "headline": approved.headline,
            "text": approved.text,
            "revision": approved.number,
            "prompt": {"id": row.prompt_id, "version": row.prompt_version, "sha256": row.prompt_sha256},
            "model": row.model,
            "approved_by": approval[0].actor if approval else None,
            "approved_at": repo.as_utc(approval[0].at).isoformat() if approval else None,
        }, row.channel

    def _mark_published(self, draft_id: str, actor: str, attempts: int) -> None:
        with self.store.writing() as conn:
            row = repo.get_draft(conn, draft_id)
            if row is not None and row.state == "approved":
                repo.compare_and_set(conn, draft_id, row.lock_version, state="published", published_at=utcnow())
            repo.append_event(conn, draft_id, "published", actor, {"attempts": attempts})

    async def _event(self, draft_id: str, kind: str, actor: str, detail: dict[str, Any]) -> None:
        def append() -> None:
            with self.store.writing() as conn:
                repo.append_event(conn, draft_id, kind, actor, detail)

        await anyio.to_thread.run_sync(append)

    async def drain(self, timeout_s: float = 5.0) -> None:
        """Give publishes in flight a moment to finish at shutdown, then cancel them (the draft stays
        approved and can be published again with POST /v1/drafts/{id}/publish)."""
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=timeout_s)
            for task in pending:
                task.cancel()
        await self._client.aclose()
