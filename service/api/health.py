"""Liveness and readiness."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse

from service.api.deps import StateDep
from service.api.metrics import CONTENT_TYPE
from service.errors import StorageUnavailable
from service.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format"}},
)
async def metrics(state: StateDep) -> PlainTextResponse:
    if state.desk is not None:
        # The request metrics still matter when the database does not answer.
        with contextlib.suppress(StorageUnavailable):
            state.metrics.acceptance((await state.desk.acceptance(None, None, None)).rows)
    return PlainTextResponse(state.metrics.render(), media_type=CONTENT_TYPE)


@router.get("/healthz", response_model=Health, summary="The process is up")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Prompts are loaded and the default model is ready",
    responses={503: {"model": Readiness, "description": "Not ready yet"}},
)
async def readyz(state: StateDep) -> Readiness | JSONResponse:
    settings = state.settings
    local = settings.default_model.startswith("local/")
    loaded = state.drafter.local_model is not None if local else None
    ready = bool(state.registry.ids()) and loaded is not False
    body = Readiness(
        status="ready" if ready else "not_ready",
        default_model=settings.default_model,
        model_loaded=loaded,
        prompts=len(state.registry.all_versions()),
    )
    if not ready:
        return JSONResponse(body.model_dump(), status_code=503)
    return body
