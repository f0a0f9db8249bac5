"""GET /v1/stats/acceptance: what reviewers made of the drafts, per prompt version and model."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import Authorized, DeskDep
from service.api.problems import problem_responses
from service.api.reviews import ModelFilter, PromptFilter, Since, aware
from service.review.schemas import AcceptanceStats

router = APIRouter(prefix="/v1/stats", tags=["stats"], dependencies=[Authorized])


@router.get(
    "/acceptance",
    response_model=AcceptanceStats,
    summary="Accepted as is, edited, rejected, and the edit-distance distribution, per prompt version and model",
    responses=problem_responses(401, 404, 422, 429, 503),
)
async def acceptance(
    desk: DeskDep, prompt: PromptFilter = None, model: ModelFilter = None, since: Since = None
) -> AcceptanceStats:
    return await desk.acceptance(prompt, model, aware(since))
