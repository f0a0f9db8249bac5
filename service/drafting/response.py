"""A model's text, checked, becomes the response every caller gets: body and heading split for the channel,
checks, injection report, usage and the warnings a reader needs before publishing."""

from __future__ import annotations

import uuid

from service.drafting.plan import DraftPlan
from service.facts import Channel
from service.llm.gateway import Completion
from service.rubric import RubricResult
from service.rubric.heading import split_heading
from service.rubric.message import not_a_message
from service.schemas import DraftResponse, InjectionReport, PromptRef, Usage


def build_response(
    plan: DraftPlan,
    completion: Completion,
    checks: RubricResult | None,
    latency_ms: float,
    injection: InjectionReport | None = None,
    extra_warnings: list[str] | None = None,
) -> DraftResponse:
    split = split_heading(completion.text, plan.channel)
    heading_field = "subject" if plan.channel is Channel.email else "headline"
    warnings = [*completion.warnings, *(extra_warnings or [])]
    copied = not_a_message(completion.text)
    if copied:
        warnings.append(f"the draft {copied}: it cannot pass; do not publish it")
    if checks is not None and checks.unsupported:
        warnings.append(f"{len(checks.unsupported)} claim(s) in the draft are not supported by the facts")
    if injection is not None:
        warnings.append(
            "the facts carry instruction-like text and the draft appears to follow it; do not publish as is"
            if injection.followed
            else "the facts carry instruction-like text; the draft does not appear to follow it"
        )
    return DraftResponse(
        id=f"drf_{uuid.uuid4().hex}",
        strategy=plan.strategy,
        channel=plan.channel,
        text=split.body,
        **{heading_field: split.heading},
        prompt=PromptRef(id=plan.prompt.id, version=plan.prompt.version, sha256=plan.prompt.sha256),
        model=completion.model,
        usage=Usage.of(completion.prompt_tokens, completion.completion_tokens),
        latency_ms=round(latency_ms, 2),
        checks=checks,
        injection=injection,
        redaction=plan.redaction,
        warnings=warnings,
    )
