"""The drafting pipeline, the one door every caller drafts through: facts -> prompt -> model -> draft -> checks.

The web app, the CLI, the eval runner, the promptfoo provider and the judge all build it with
`build_drafter`, and `Drafter.draft()` and `Drafter.stream()` end in the same response (checks, injection
report, warnings, usage), so what is evaluated is what ships.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from service import errors
from service.drafting.injection import check_output, graded, scan_facts
from service.drafting.plan import DraftPlan, earlier_commitments, make_plan
from service.drafting.refine import (
    Attempt,
    Refinement,
    Refiner,
    best,
    refine,
    sampling_for_candidates,
    with_refinement,
)
from service.drafting.response import build_response
from service.drafting.sections import SectionedDraft, draft_sections
from service.llm.gateway import Completion, Gateway, GatewayEvents, LLMGateway, Sampling
from service.llm.local_model import LocalModel, load_local_model
from service.prompts import PromptRegistry
from service.rubric import RubricResult
from service.schemas import DraftOptions, DraftRequest, DraftResponse, PromptRef, Section, Suspicion
from service.settings import Settings

log = logging.getLogger("trustdraft.drafting")


@dataclass
class DrafterEvents:
    """Hooks for metrics; each defaults to doing nothing."""

    on_grader_failure: Callable[[], None] = lambda: None
    on_injection: Callable[[bool], None] = lambda followed: None


@dataclass(frozen=True)
class Drafted:
    """A finished draft: the response callers get, the model's text as it was graded (heading line
    included), and every model call made for it (one, or more for best-of-n and revise)."""

    response: DraftResponse
    text: str
    completions: list[Completion] = field(default_factory=list)


# What a stream yields, in order: Started, Delta..., then exactly one of Finished or Failed.
@dataclass(frozen=True)
class Started:
    prompt: PromptRef
    model: str


@dataclass(frozen=True)
class Delta:
    text: str


@dataclass(frozen=True)
class Finished:
    response: DraftResponse


@dataclass(frozen=True)
class Failed:
    error: errors.TrustdraftError
    received_chars: int


StreamEvent = Started | Delta | Finished | Failed


class Drafter:
    def __init__(
        self,
        registry: PromptRegistry,
        gateway: Gateway,
        settings: Settings,
        events: DrafterEvents | None = None,
        local_model: LocalModel | None = None,
    ) -> None:
        self.registry = registry
        self.gateway = gateway
        self.settings = settings
        self.events = events or DrafterEvents()
        self.local_model = local_model

    def plan(self, request: DraftRequest) -> DraftPlan:
        return make_plan(request, self.registry, self.gateway, self.settings)

    async def draft(self, request: DraftRequest, *, deadline: float | None = None) -> DraftResponse:
        return (await self.compose(request, deadline=deadline)).response

    async def compose(self, request: DraftRequest, *, deadline: float | None = None) -> Drafted:
        """Draft, with everything the response leaves out (the graded text, the model calls)."""
        started = time.perf_counter()
        plan = self.plan(request)
        options = request.options
        if plan.sections is not None:
            return await self._sectioned(plan, options, started, deadline)
        if options.n > 1 or options.revise:
            return await self._refined(plan, options, started, deadline)
        completion = await self.gateway.complete(
            plan.messages, model=plan.model, sampling=plan.sampling, deadline=deadline
        )
        return Drafted(self.finish(plan, completion, options.checks, started), completion.text, [completion])

    def stream(self, request: DraftRequest, *, deadline: float) -> AsyncIterator[StreamEvent]:
        """The draft as it is written. Planning happens now, so a bad prompt or model is refused before
        the first event; after that, errors arrive as a Failed event."""
        if request.options.n > 1 or request.options.revise:
            raise errors.InvalidRequest("streaming returns one draft as it is written; drop options.n and revise")
        return self._stream(self.plan(request), request.options.checks, deadline)

    async def _stream(self, plan: DraftPlan, checks: bool, deadline: float) -> AsyncIterator[StreamEvent]:
        started = time.perf_counter()
        yield Started(PromptRef(id=plan.prompt.id, version=plan.prompt.version, sha256=plan.prompt.sha256), plan.model)
        received = 0
        try:
            async for piece in _until(deadline, self._pieces(plan, deadline)):
                if isinstance(piece, SectionedDraft):
                    completion = piece.completion(plan.model)
                    yield Finished(self.finish(plan, completion, checks, started, sections=piece.sections))
                    return
                if isinstance(piece, Completion):
                    yield Finished(self.finish(plan, piece, checks, started))
                    return
                received += len(piece)
                yield Delta(piece)
        except errors.TrustdraftError as exc:
            yield Failed(exc, received)

    def _pieces(self, plan: DraftPlan, deadline: float) -> AsyncIterator[str | Completion | SectionedDraft]:
        """The text as it is written: the model's deltas, or a sectioned draft's parts as they become final."""
        if plan.sections is not None:
            return draft_sections(self.gateway, plan.sections, deadline)
        return self.gateway.stream(plan.messages, model=plan.model, sampling=plan.sampling)

    async def _sectioned(
        self, plan: DraftPlan, options: DraftOptions, started: float, deadline: float | None
    ) -> Drafted:
        """A sectioned draft; with `n` > 1, the best of n (the first at the plan's sampling, the rest warm)."""
        assert plan.sections is not None
        samplings = sampling_for_candidates(plan.sections.job.sampling, options.n)
        drafts = [await self._write_sections(plan, sampling, deadline) for sampling in samplings]
        if options.n == 1:
            draft = drafts[0]
            response = self.finish(plan, draft.completion(plan.model), options.checks, started, sections=draft.sections)
            return Drafted(response, draft.text, draft.completions)
        attempts = [
            Attempt(d.text, self.check(d.text, plan), d.completion(plan.model), s.seed)
            for d, s in zip(drafts, samplings, strict=True)
        ]
        final = best(attempts)
        chosen = drafts[attempts.index(final)]
        response = self.finish(plan, final.completion, True, started, graded=final.checks, sections=chosen.sections)
        outcome = Refinement(attempts, [], final)
        return Drafted(with_refinement(response, outcome, options.return_candidates), final.text, outcome.completions)

    async def _write_sections(self, plan: DraftPlan, sampling: Sampling, deadline: float | None) -> SectionedDraft:
        assert plan.sections is not None
        sections = replace(plan.sections, job=replace(plan.sections.job, sampling=sampling))
        async for piece in draft_sections(self.gateway, sections, deadline):
            if isinstance(piece, SectionedDraft):
                return piece
        raise AssertionError("draft_sections always ends with the draft")

    async def _refined(
        self, plan: DraftPlan, options: DraftOptions, started: float, deadline: float | None
    ) -> Drafted:
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
        final = outcome.final
        response = self.finish(plan, final.completion, True, started, graded=final.checks)
        return Drafted(with_refinement(response, outcome, options.return_candidates), final.text, outcome.completions)

    def finish(
        self,
        plan: DraftPlan,
        completion: Completion,
        checks_wanted: bool,
        started: float,
        graded: RubricResult | None = None,
        sections: list[Section] | None = None,
    ) -> DraftResponse:
        """Grade the draft, check it against smuggled instructions, and build the response."""
        checks, warnings = graded, []
        if checks_wanted and checks is None:
            checks = self.check_safely(completion.text, plan)
            if checks is None:
                warnings.append("grading failed for this draft; it was returned without checks")
        injection = check_output(completion.text, _suspicions(plan), checks)
        if injection is not None:
            self.events.on_injection(injection.followed)
        latency_ms = (time.perf_counter() - started) * 1000
        response = build_response(plan, completion, checks, latency_ms, injection, warnings)
        return response.model_copy(update={"sections": sections}) if sections is not None else response

    def check(self, text: str, plan: DraftPlan) -> RubricResult:
        return graded(
            text,
            plan.facts,
            plan.strategy,
            plan.channel,
            threshold=self.settings.pass_threshold,
            earlier=plan.earlier,
            suspicions=_suspicions(plan),
        )

    def check_safely(self, text: str, plan: DraftPlan) -> RubricResult | None:
        """A grader bug must not cost the caller their draft: log it, count it, return the draft unchecked."""
        try:
            return self.check(text, plan)
        except Exception:
            log.exception("grading failed")
            self.events.on_grader_failure()
            return None


def _suspicions(plan: DraftPlan) -> list[Suspicion]:
    return scan_facts(plan.facts) if plan.suspicions is None else plan.suspicions


def grade_request(request: DraftRequest, text: str, settings: Settings) -> RubricResult:
    """Grade a text written for this request exactly as the pipeline grades its own drafts (the same
    threshold, the same earlier commitments, the same gate on injected text): for graders outside it, such as
    promptfoo's assertions."""
    return graded(
        text,
        request.facts,
        request.strategy,
        request.channel,
        threshold=settings.pass_threshold,
        earlier=earlier_commitments(request),
    )


async def build_drafter(
    settings: Settings,
    *,
    gateway: Gateway | None = None,
    gateway_events: GatewayEvents | None = None,
    events: DrafterEvents | None = None,
) -> Drafter:
    """The one way to build the pipeline: the prompt registry, the model gateway (LLMGateway unless a
    wrapper such as the eval cache is given) and the embedded model, loaded when the settings use it."""
    registry = PromptRegistry.load(settings.prompts_dir)
    local_model = await load_local_model(settings)
    return Drafter(registry, gateway or LLMGateway(settings, gateway_events), settings, events, local_model)


Piece = TypeVar("Piece")


async def _until(deadline: float, pieces: AsyncIterator[Piece]) -> AsyncIterator[Piece]:
    """The pieces as they come, until the deadline; then an UpstreamTimeout."""
    iterator = aiter(pieces)
    while True:
        try:
            piece = await asyncio.wait_for(anext(iterator), timeout=max(0.0, deadline - time.monotonic()))
        except StopAsyncIteration:
            return
        except TimeoutError as exc:
            raise errors.UpstreamTimeout("the stream did not finish before the request deadline") from exc
        yield piece
