"""Typed access to what the lifespan owns, and the per-request guards, as FastAPI dependencies."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Header, Request

from service import errors
from service.api.guards import Guards
from service.api.metrics import Metrics
from service.drafting import Drafter
from service.prompts import PromptRegistry
from service.review import Actor, ReviewDesk
from service.settings import Settings


@dataclass
class AppState:
    """What the lifespan builds once and every request shares."""

    settings: Settings
    drafter: Drafter
    metrics: Metrics
    guards: Guards
    desk: ReviewDesk | None = None  # None when drafts are not stored

    @property
    def registry(self) -> PromptRegistry:
        return self.drafter.registry


# Dependencies are `async def` so FastAPI runs them on the event loop, not one thread-pool hop each.
async def get_state(request: Request) -> AppState:
    state: AppState = request.state.app
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_drafter(state: StateDep) -> Drafter:
    return state.drafter


async def get_registry(state: StateDep) -> PromptRegistry:
    return state.registry


async def authorize(request: Request, state: StateDep) -> Actor:
    """Check the API key (when keys are configured) and spend one unit of the caller's rate limit."""
    caller = state.guards.keys.identify(request)
    if state.guards.rate.remote:  # a Redis round trip must not block the event loop
        await anyio.to_thread.run_sync(state.guards.rate.hit, caller.rate_key)
    else:
        state.guards.rate.hit(caller.rate_key)
    request.state.actor = caller.actor
    return caller.actor


async def get_desk(state: StateDep) -> ReviewDesk:
    if state.desk is None:
        raise errors.NotFound("draft storage is off (TRUSTDRAFT_STORE_DRAFTS=false)")
    return state.desk


async def draft_slot(state: StateDep) -> AsyncIterator[None]:
    """Hold one of the bounded draft slots for the length of the request."""
    with state.guards.drafts.slot():
        state.metrics.drafts_in_flight.inc()
        try:
            yield
        finally:
            state.metrics.drafts_in_flight.dec()


async def deadline(
    state: StateDep,
    # `float`, not `float | None`: a header cannot be null, and the schema should not say it can.
    request_timeout: Annotated[
        float,  # noqa: RUF013
        Header(
            alias="X-Request-Timeout",
            ge=1,  # below a second no model can answer; 504 would be certain
            le=3600,
            allow_inf_nan=False,
            description="Seconds this caller will wait; can only lower the configured deadline.",
        ),
    ] = None,  # type: ignore[assignment]
) -> float:
    """The monotonic time by which the response must be sent."""
    budget = state.settings.request_deadline_s
    if request_timeout is not None:
        budget = min(budget, request_timeout)
    return time.monotonic() + budget


DrafterDep = Annotated[Drafter, Depends(get_drafter)]
RegistryDep = Annotated[PromptRegistry, Depends(get_registry)]
DeadlineDep = Annotated[float, Depends(deadline)]
Authorized = Depends(authorize)
ActorDep = Annotated[Actor, Depends(authorize)]
DeskDep = Annotated[ReviewDesk, Depends(get_desk)]
DraftSlot = Depends(draft_slot)
