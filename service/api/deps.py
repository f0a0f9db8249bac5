"""Typed access to the objects the lifespan owns, as FastAPI dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from service.drafting import Drafter
from service.llm.local_model import LocalModel
from service.prompts import PromptRegistry
from service.settings import Settings


@dataclass
class AppState:
    """What the lifespan builds once and every request shares."""

    settings: Settings
    registry: PromptRegistry
    drafter: Drafter
    local_model: LocalModel | None


def get_state(request: Request) -> AppState:
    state: AppState = request.state.app
    return state


def get_drafter(state: Annotated[AppState, Depends(get_state)]) -> Drafter:
    return state.drafter


def get_registry(state: Annotated[AppState, Depends(get_state)]) -> PromptRegistry:
    return state.registry


StateDep = Annotated[AppState, Depends(get_state)]
DrafterDep = Annotated[Drafter, Depends(get_drafter)]
RegistryDep = Annotated[PromptRegistry, Depends(get_registry)]
