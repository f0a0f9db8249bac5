"""promptfoo Python provider: drafts a case through the service's one drafting door.

promptfoo's "prompt" is the prompt version or label to use (production, candidate, reactive@v2); the
case comes in the test's vars. Model outputs share the eval runner's content-addressed cache. The output
is the model's text as the pipeline graded it (heading line included); the metadata carries the whole
response (checks, injection report, warnings) for promptfoo's viewer.
"""

from __future__ import annotations

import asyncio
import os
from functools import cache
from pathlib import Path
from typing import Any

from evals.cases import EvalCase
from evals.runner import RunConfig, WorkItem, request_for
from service.drafting import Drafter

CACHE_DIR = Path(os.environ.get("TRUSTDRAFT_EVAL_CACHE", ".cache/trustdraft-evals"))


@cache
def _drafter() -> Drafter:
    """Built once per promptfoo worker process: the embedded model loads once, not per test."""
    from evals.runner import eval_drafter
    from service.settings import Settings

    return asyncio.run(eval_drafter(Settings().with_model(os.environ.get("TRUSTDRAFT_EVAL_MODEL")), CACHE_DIR))


async def _draft(drafter: Drafter, case: EvalCase, requested: str) -> dict[str, Any]:
    config = RunConfig(prompts=[requested], out=Path("."), model=os.environ.get("TRUSTDRAFT_EVAL_MODEL"))
    drafted = await drafter.compose(request_for(WorkItem(case, requested, 0), config))
    response = drafted.response
    usage = response.usage
    return {
        "output": drafted.text,
        "tokenUsage": {"prompt": usage.prompt_tokens, "completion": usage.completion_tokens, "total": usage.total_tokens},
        "metadata": {
            "prompt": f"{response.prompt.id}@{response.prompt.version}",
            "model": response.model,
            "response": response.model_dump(mode="json", exclude_none=True),
        },
    }


def call_api(prompt: str, options: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    case = EvalCase.model_validate(context["vars"]["case"])
    try:
        return asyncio.run(_draft(_drafter(), case, prompt.strip()))
    except Exception as exc:  # promptfoo shows provider errors per cell; the run goes on
        return {"error": f"{type(exc).__name__}: {exc}"}
