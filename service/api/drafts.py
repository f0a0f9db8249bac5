"""POST /v1/drafts: validate, draft, return. Errors are domain exceptions rendered by problems.py."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import DrafterDep
from service.api.problems import problem_responses
from service.schemas import DraftRequest, DraftResponse

router = APIRouter(prefix="/v1/drafts", tags=["drafts"])


@router.post(
    "",
    response_model=DraftResponse,
    response_model_exclude_none=True,
    summary="Draft a message from incident facts",
    responses=problem_responses(400, 401, 413, 422, 429, 502, 503, 504),
)
async def create_draft(request: DraftRequest, drafter: DrafterDep) -> DraftResponse:
    return await drafter.draft(request)
