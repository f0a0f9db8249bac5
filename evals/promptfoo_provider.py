"""promptfoo Python provider: drafts a case with the service's own pipeline.

promptfoo's "prompt" is the prompt version or label to use (production, candidate, reactive@v2); the
case comes in the test's vars. Model outputs share the eval runner's content-addressed cache.
"""

from __future__ import annotations

import asyncio
import os
from functools import cache
from pathlib import Path
from typing import Any

from evals.cache import CompletionCache
from evals.cases import EvalCase
from evals.runner import RunConfig, WorkItem, key_for, request_for
from service.drafting import Drafter
from service.llm.gateway import Completion

CACHE_DIR = Path(os.environ.get("TRUSTDRAFT_EVAL_CACHE", ".cache/trustdraft-evals"))


@cache
def _drafter() -> Drafter:
    """Built once per promptfoo worker process: the embedded model loads once, not per test."""
    from service.app import build_state, load_local_model
    from service.settings import Settings

    settings = Settings()
    model = os.environ.get("TRUSTDRAFT_EVAL_MODEL")
    if model:
        settings = settings.model_copy(update={"default_model": model})
    return build_state(settings, asyncio.run(load_local_model(settings))).drafter


async def _complete(drafter: Drafter, case: EvalCase, requested: str) -> tuple[str, dict[str, Any]]:
    config = RunConfig(prompts=[requested], out=Path("."), model=os.environ.get("TRUSTDRAFT_EVAL_MODEL"))
    item = WorkItem(case, requested, 0)
    plan = drafter.plan(request_for(item, config))
    cache = CompletionCache(CACHE_DIR)
    key = key_for(plan, item.sample)
    stored = cache.get(key)
    if stored is None:
        completion = await drafter.gateway.complete(plan.messages, model=plan.model, sampling=plan.sampling)
        stored = {**completion.__dict__}
        cache.put(key, stored)
    done = Completion(**stored)
    usage = {
        "prompt": done.prompt_tokens,
        "completion": done.completion_tokens,
        "total": done.prompt_tokens + done.completion_tokens,
    }
    return done.text, {"tokenUsage": usage, "metadata": {"prompt": f"{plan.prompt.ref}", "model": plan.model}}


def call_api(prompt: str, options: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    case = EvalCase.model_validate(context["vars"]["case"])
    try:
        text, extra = asyncio.run(_complete(_drafter(), case, prompt.strip()))
    except Exception as exc:  # promptfoo shows provider errors per cell; the run goes on
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"output": text, **extra}
