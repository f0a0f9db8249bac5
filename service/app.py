"""The application factory: web wiring only. The lifespan builds the drafting pipeline once; routers,
middleware and problem handlers come from service/api/."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from service.api import drafts, health, problems, prompts
from service.api.deps import AppState
from service.api.guards import build_guards
from service.api.metrics import Metrics
from service.api.middleware import BodyLimitMiddleware, ObservabilityMiddleware, RequestIdMiddleware
from service.api.openapi import refine_openapi
from service.drafting import DrafterEvents, build_drafter
from service.llm.runtime import litellm
from service.settings import Settings

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
    return AppState(settings, drafter, metrics, build_guards(settings))


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
        yield {"app": state}

    app = FastAPI(
        title="trustdraft",
        version="0.1.0",
        summary="Drafts messages that rebuild trust, from incident facts, with versioned prompts.",
        lifespan=lifespan,
    )
    problems.install(app)
    app.openapi = refine_openapi(app.openapi, settings)  # type: ignore[method-assign]
    app.include_router(drafts.router)
    app.include_router(prompts.router)
    app.include_router(health.router)
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
