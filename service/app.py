"""The application factory. The lifespan owns the prompt registry, the LLM gateway and the local model."""

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
from service.api.middleware import BodyLimitMiddleware, ObservabilityMiddleware, RequestIdMiddleware
from service.drafting import Drafter, DrafterEvents
from service.llm.gateway import LLMGateway
from service.llm.local_model import LocalModel
from service.llm.runtime import litellm
from service.metrics import Metrics
from service.prompts import PromptRegistry
from service.settings import Settings

log = logging.getLogger("trustdraft")


async def load_local_model(settings: Settings) -> LocalModel | None:
    """Load the embedded model once, in a worker thread, and route `local/...` to it."""
    if not (settings.uses_local_model and settings.load_local_model):
        return None
    from service.llm.local_model import register

    model = await anyio.to_thread.run_sync(
        lambda: LocalModel(n_ctx=settings.local_model_context, n_threads=settings.local_model_threads)
    )
    register(model)
    return model


def build_state(
    settings: Settings, local_model: LocalModel | None, metrics: Metrics | None = None
) -> AppState:
    """Everything requests share: prompts, the gateway and drafter (reporting to the metrics), and the guards."""
    metrics = metrics or Metrics()
    registry = PromptRegistry.load(settings.prompts_dir)
    gateway = LLMGateway(settings, metrics.gateway_events())
    events = DrafterEvents(
        on_grader_failure=metrics.grader_failures.inc,
        on_injection=lambda followed: metrics.injection_flags.labels(str(followed).lower()).inc(),
    )
    drafter = Drafter(registry, gateway, settings, events)
    return AppState(settings, registry, drafter, local_model, metrics, build_guards(settings))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        # Import litellm (~2.5 s) before the first request, not inside its deadline.
        await anyio.to_thread.run_sync(litellm)
        state = build_state(settings, await load_local_model(settings), metrics)
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
