"""The application factory: web wiring only. The lifespan builds the drafting pipeline once; routers,
middleware and problem handlers come from service/api/."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from service.api import drafts, health, problems, prompts, reviews, stats
from service.api.deps import AppState
from service.api.guards import build_guards
from service.api.metrics import Metrics
from service.api.middleware import BodyLimitMiddleware, ObservabilityMiddleware, RequestIdMiddleware
from service.api.openapi import refine_openapi
from service.drafting import DrafterEvents, build_drafter, injection
from service.llm.runtime import litellm
from service.review import Publisher, ReviewDesk, load_webhooks
from service.settings import Settings
from service.store import open_store
from service.web import console

log = logging.getLogger("trustdraft")


async def build_state(settings: Settings, metrics: Metrics) -> AppState:
    """Everything requests share: the drafting pipeline (reporting to the metrics) and the guards."""
    drafter = await build_drafter(
        settings,
        gateway_events=metrics.gateway_events(),
        events=DrafterEvents(
            on_grader_failure=metrics.grader_failures.inc,
            on_injection=lambda followed: metrics.injection_flags.labels(str(followed).lower()).inc(),
        ),
    )
    return AppState(settings, drafter, metrics, build_guards(settings), await build_desk(settings))


async def build_desk(settings: Settings) -> ReviewDesk | None:
    """The review store, its schema migrated first, and the publisher; None when drafts are not stored."""
    if not settings.store_drafts:
        return None
    webhooks = load_webhooks(settings)  # a bad webhook setting fails at start-up
    store = await anyio.to_thread.run_sync(open_store, settings.sqlalchemy_url)
    publisher = Publisher(store, settings, webhooks) if webhooks else None
    return ReviewDesk(store, settings, publisher, grader=injection.graded)


async def purge_daily(desk: ReviewDesk, days: int) -> None:
    """Retention: erase texts and facts older than `days`, now and then once a day."""
    while True:
        try:
            purged = await desk.purge(days)
            log.info("retention purge", extra={"purged": purged, "older_than_days": days})
        except Exception:
            log.exception("retention purge failed")
        await anyio.sleep(24 * 3600)


async def close_desk(desk: ReviewDesk | None) -> None:
    if desk is None:
        return
    if desk.publisher is not None:
        await desk.publisher.drain()
    await anyio.to_thread.run_sync(desk.store.close)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        # Import litellm (~2.5 s) before the first request, not inside its deadline.
        await anyio.to_thread.run_sync(litellm)
        state = await build_state(settings, metrics)
        log.info(
            "trustdraft ready", extra={"model": settings.default_model, "prompts": len(state.registry.ids())}
        )
        if state.desk is not None and state.desk.publisher is not None:
            await state.desk.publisher.resume()
        retention = None
        if state.desk is not None and settings.retention_days:
            retention = asyncio.create_task(purge_daily(state.desk, settings.retention_days))
        try:
            yield {"app": state}
        finally:
            if retention is not None:
                retention.cancel()
            await close_desk(state.desk)

    app = FastAPI(
        title="trustdraft",
        version="0.1.0",
        summary="Drafts messages that rebuild trust, from incident facts, with versioned prompts.",
        lifespan=lifespan,
    )
    problems.install(app)
    app.openapi = refine_openapi(app.openapi, settings)  # type: ignore[method-assign]
    app.include_router(drafts.router)
    app.include_router(reviews.router)
    app.include_router(stats.router)
    app.include_router(prompts.router)
    app.include_router(health.router)
    console.install(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:  # no CORS unless configured: browsers cannot call the API from other origins
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-Request-ID", "X-Request-Timeout"],
        )
    app.add_middleware(ObservabilityMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)  # outermost: every response, even a 413, carries the id
    return app
