"""The drafting pipeline: facts -> prompt -> model -> draft -> checks.

The API, the CLI and the eval runner all draft through `Drafter`, so what is evaluated is what ships.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from service import errors
from service.draft_format import split_heading
from service.facts import Channel, Facts, Strategy
from service.facts_block import clean_value, echoes_block, render_facts_block
from service.followup import Commitment, commitments_in, history_block
from service.injection import InjectionReport, check_output, scan_facts
from service.llm.gateway import Completion, LLMGateway, Sampling
from service.prompts import PromptRegistry, PromptVersion
from service.refine import Refiner, refine, with_refinement
from service.rubric import RubricResult, grade
from service.schemas import DraftOptions, DraftRequest, DraftResponse, PromptRef, Usage
from service.settings import Settings

log = logging.getLogger("trustdraft.drafting")

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
    variables: dict[str, object]  # what the prompt was rendered with; a revision prompt reuses them
    earlier: list[Commitment] | None = None  # a follow-up's earlier commitments, graded as kept or not


@dataclass
class DrafterEvents:
    """Hooks for metrics; each defaults to doing nothing."""

    on_grader_failure: Callable[[], None] = lambda: None
    on_injection: Callable[[bool], None] = lambda followed: None


class Drafter:
    def __init__(
        self,
        registry: PromptRegistry,
        gateway: LLMGateway,
        settings: Settings,
        events: DrafterEvents | None = None,
    ) -> None:
        self.registry = registry
        self.gateway = gateway
        self.settings = settings
        self.events = events or DrafterEvents()

    def plan(self, request: DraftRequest) -> DraftPlan:
        """Resolve the prompt version and model, and render the messages."""
        prompt = self.registry.resolve(request.prompt, default_id=request.strategy.value)
        if prompt.spec.strategy not in (None, request.strategy):
            raise errors.PromptNotFound(
                f"prompt {prompt.ref} is for strategy {prompt.spec.strategy}, not {request.strategy}"
            )
        if request.earlier_messages and "history_block" not in prompt.spec.variables:
            raise errors.PromptNotFound(
                f"prompt {prompt.ref} does not take earlier messages; use a version that declares history_block"
            )
        model = self.gateway.validate_model(request.model or self.settings.default_model)
        max_words = request.options.max_words or DEFAULT_MAX_WORDS[request.channel]
        variables = prompt_variables(request, max_words)
        messages = prompt.render(variables)
        sampling = _sampling(prompt, request.options, max_words)
        earlier = commitments_in(request.earlier_messages) if request.earlier_messages else None
        return DraftPlan(
            prompt, messages, model, sampling, request.strategy, request.channel, request.facts, variables, earlier
        )

    async def draft(self, request: DraftRequest, *, deadline: float | None = None) -> DraftResponse:
        started = time.perf_counter()
        plan = self.plan(request)
        options = request.options
        if options.n > 1 or options.revise:
            return await self._refined(plan, options, started, deadline)
        completion = await self.gateway.complete(
            plan.messages, model=plan.model, sampling=plan.sampling, deadline=deadline
        )
        return self.finish(plan, completion, options.checks, started)

    async def _refined(
        self, plan: DraftPlan, options: DraftOptions, started: float, deadline: float | None
    ) -> DraftResponse:
        """Best-of-n and critique-and-revise: every draft is graded, whatever `options.checks` says."""
        deadline = deadline or time.monotonic() + self.settings.request_deadline_s
        outcome = await refine(
            Refiner(self.gateway, plan.model, grade=lambda text: self.check(text, plan)),
            plan.messages,
            plan.sampling,
            n=options.n,
            revise=(self.registry.resolve(None, default_id="revise"), plan.variables, options.revise),
            deadline=deadline,
        )
        response = self.finish(plan, outcome.final.completion, True, started, graded=outcome.final.checks)
        return with_refinement(response, outcome, options.return_candidates)

    def finish(
        self,
        plan: DraftPlan,
        completion: Completion,
        checks_wanted: bool,
        started: float,
        graded: RubricResult | None = None,
    ) -> DraftResponse:
        """Grade the draft, check it against smuggled instructions, and build the response."""
        checks, warnings = graded, []
        if checks_wanted and checks is None:
            checks = self.check_safely(completion.text, plan)
            if checks is None:
                warnings.append("grading failed for this draft; it was returned without checks")
        injection = check_output(completion.text, scan_facts(plan.facts), checks)
        if injection is not None:
            self.events.on_injection(injection.followed)
        latency_ms = (time.perf_counter() - started) * 1000
        return build_response(plan, completion, checks, latency_ms, injection, warnings)

    def check(self, text: str, plan: DraftPlan) -> RubricResult:
        return grade(
            text,
            plan.facts,
            plan.strategy,
            plan.channel,
            threshold=self.settings.pass_threshold,
            earlier=plan.earlier,
        )

    def check_safely(self, text: str, plan: DraftPlan) -> RubricResult | None:
        """A grader bug must not cost the caller their draft: log it, count it, return the draft unchecked."""
        try:
            return self.check(text, plan)
        except Exception:
            log.exception("grading failed")
            self.events.on_grader_failure()
            return None


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
        "history_block": history_block(request.earlier_messages),
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
    if echoes_block(completion.text):
        warnings.append("the draft repeats the prompt's facts block instead of writing a message")
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
        warnings=warnings,
    )
