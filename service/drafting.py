"""The drafting pipeline: facts -> prompt -> model -> draft -> checks.

The API, the CLI and the eval runner all draft through `Drafter`, so what is evaluated is what ships.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from service import errors
from service.draft_format import split_heading
from service.facts import Channel, Facts, Strategy
from service.facts_block import clean_value, render_facts_block
from service.llm.gateway import Completion, LLMGateway, Sampling
from service.prompts import PromptRegistry, PromptVersion
from service.rubric import RubricResult, grade
from service.schemas import DraftOptions, DraftRequest, DraftResponse, PromptRef, Usage
from service.settings import Settings

# Words a draft should stay under when the caller does not say; the prompt states the limit.
DEFAULT_MAX_WORDS: dict[Channel, int] = {
    Channel.social_post: 40,
    Channel.status_page: 120,
    Channel.email: 250,
    Channel.press_statement: 300,
    Channel.internal_memo: 250,
    Channel.blog_post: 450,
}
DEFAULT_AUDIENCE: dict[Channel, str] = {Channel.internal_memo: "our staff"}
TOKENS_PER_WORD = 1.6


@dataclass(frozen=True)
class DraftPlan:
    """Everything decided before the model is called; cheap to build and easy to inspect."""

    prompt: PromptVersion
    messages: list[dict[str, str]]
    model: str
    sampling: Sampling
    strategy: Strategy
    channel: Channel
    facts: Facts


class Drafter:
    def __init__(self, registry: PromptRegistry, gateway: LLMGateway, settings: Settings) -> None:
        self.registry = registry
        self.gateway = gateway
        self.settings = settings

    def plan(self, request: DraftRequest) -> DraftPlan:
        """Resolve the prompt version and model, and render the messages."""
        prompt = self.registry.resolve(request.prompt, default_id=request.strategy.value)
        if prompt.spec.strategy not in (None, request.strategy):
            raise errors.PromptNotFound(
                f"prompt {prompt.ref} is for strategy {prompt.spec.strategy}, not {request.strategy}"
            )
        model = self.gateway.validate_model(request.model or self.settings.default_model)
        max_words = request.options.max_words or DEFAULT_MAX_WORDS[request.channel]
        messages = prompt.render(prompt_variables(request, max_words))
        sampling = _sampling(prompt, request.options, max_words)
        return DraftPlan(prompt, messages, model, sampling, request.strategy, request.channel, request.facts)

    async def draft(self, request: DraftRequest, *, deadline: float | None = None) -> DraftResponse:
        started = time.perf_counter()
        plan = self.plan(request)
        completion = await self.gateway.complete(
            plan.messages, model=plan.model, sampling=plan.sampling, deadline=deadline
        )
        checks = self.check(completion.text, plan) if request.options.checks else None
        return build_response(plan, completion, checks, (time.perf_counter() - started) * 1000)

    def check(self, text: str, plan: DraftPlan) -> RubricResult:
        return grade(text, plan.facts, plan.strategy, plan.channel, threshold=self.settings.pass_threshold)


def prompt_variables(request: DraftRequest, max_words: int) -> dict[str, object]:
    """The variables every drafting prompt declares; facts only ever enter through facts_block."""
    facts = request.facts
    spokesperson = facts.spokesperson
    return {
        "facts_block": render_facts_block(facts),
        "organization": clean_value(facts.organization),
        "strategy": request.strategy.value,
        "channel": request.channel.value,
        "audience": clean_value(request.audience or DEFAULT_AUDIENCE.get(request.channel, "our customers")),
        "max_words": max_words,
        "spokesperson": clean_value(
            ", ".join(p for p in (spokesperson.name, spokesperson.title) if p) if spokesperson else ""
        ),
    }


def _sampling(prompt: PromptVersion, options: DraftOptions, max_words: int) -> Sampling:
    # Room for the heading and some slack past the word limit, never above the prompt's own cap.
    budget = int(max_words * TOKENS_PER_WORD) + 60
    return Sampling(
        temperature=options.temperature
        if options.temperature is not None
        else prompt.spec.parameters.temperature,
        max_tokens=min(prompt.spec.parameters.max_tokens, budget),
        seed=options.seed,
    )


def build_response(
    plan: DraftPlan, completion: Completion, checks: RubricResult | None, latency_ms: float
) -> DraftResponse:
    split = split_heading(completion.text, plan.channel)
    heading_field = "subject" if plan.channel is Channel.email else "headline"
    warnings = list(completion.warnings)
    if checks is not None and checks.unsupported:
        warnings.append(f"{len(checks.unsupported)} claim(s) in the draft are not supported by the facts")
    return DraftResponse(
        id=f"drf_{uuid.uuid4().hex}",
        strategy=plan.strategy,
        channel=plan.channel,
        text=split.body,
        **{heading_field: split.heading},
        prompt=PromptRef(id=plan.prompt.id, version=plan.prompt.version, sha256=plan.prompt.sha256),
        model=completion.model,
        usage=Usage(
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            total_tokens=completion.prompt_tokens + completion.completion_tokens,
        ),
        latency_ms=round(latency_ms, 2),
        checks=checks,
        warnings=warnings,
    )
