"""Read-only view of the prompt registry: versions, labels and hashes."""

from __future__ import annotations

from fastapi import APIRouter, Path

from service.api.deps import Authorized, RegistryDep
from service.api.problems import problem_responses
from service.errors import NotFound, PromptNotFound
from service.prompts import PromptRegistry
from service.schemas import PromptInfo, PromptList, PromptVersionInfo

router = APIRouter(prefix="/v1/prompts", tags=["prompts"], dependencies=[Authorized])


def prompt_info(registry: PromptRegistry, prompt_id: str) -> PromptInfo:
    labels = registry.labels(prompt_id)
    return PromptInfo(
        id=prompt_id,
        labels=labels,
        versions=[
            PromptVersionInfo(
                version=v.version,
                sha256=v.sha256,
                description=v.spec.description,
                changelog=v.spec.changelog,
                strategy=v.spec.strategy,
                labels=sorted(label for label, version in labels.items() if version == v.version),
            )
            for v in registry.versions(prompt_id)
        ],
    )


@router.get(
    "",
    response_model=PromptList,
    summary="All prompts with their versions and labels",
    responses=problem_responses(401, 429),
)
async def list_prompts(registry: RegistryDep) -> PromptList:
    return PromptList(prompts=[prompt_info(registry, pid) for pid in registry.ids()])


@router.get(
    "/{prompt_id}",
    response_model=PromptInfo,
    summary="One prompt's versions, labels and hashes",
    responses=problem_responses(401, 404, 422, 429),
)
async def get_prompt(
    registry: RegistryDep, prompt_id: str = Path(max_length=100, description="e.g. reactive")
) -> PromptInfo:
    try:
        return prompt_info(registry, prompt_id)
    except PromptNotFound as exc:
        raise NotFound(exc.detail) from exc
