"""Everything decided before a model is called: the prompt version, the model, the rendered messages and
the sampling, and for a sectioned prompt its content plan and layout. Cheap to build and easy to inspect; a
bad prompt or model fails here, before any call."""

from __future__ import annotations

from dataclasses import dataclass

from service import errors
from service.drafting.history import history_block
from service.drafting.injection import scan_facts
from service.drafting.redact import redact_facts
from service.drafting.sections import SectionContext, SectionedPlan, plan_sections
from service.drafting.sections.content import section_names
from service.facts import Channel, Facts, Strategy
from service.facts_block import clean_value, render_facts_block
from service.llm.gateway import Gateway, Sampling
from service.prompts import PromptRegistry, PromptVersion
from service.rubric import Commitment, commitments_in
from service.schemas import DraftOptions, DraftRequest, Redaction, Suspicion
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
    prompt: PromptVersion
    messages: list[dict[str, str]]
    model: str
    sampling: Sampling
    strategy: Strategy
    channel: Channel
    facts: Facts
    variables: dict[str, object]  # what the prompt was rendered with; a revision prompt reuses them
    earlier: list[Commitment] | None = None  # a follow-up's earlier commitments, graded as kept or not
    sections: SectionedPlan | None = None  # a sectioned prompt's content plan; `messages` are its first requests
    redaction: Redaction | None = None  # what was masked in the facts before the model call
    suspicions: list[Suspicion] | None = None  # instruction-like text in the facts; None: not scanned yet


def make_plan(
    request: DraftRequest, registry: PromptRegistry, gateway: Gateway, settings: Settings
) -> DraftPlan:
    """Resolve the prompt version and model, and render the messages (from masked facts when redacting)."""
    redaction = None
    if settings.redact_facts:
        facts, redaction = redact_facts(request.facts)
        request = request.model_copy(update={"facts": facts})
    suspicions = scan_facts(request.facts)  # once per request: the plan, the grading and the output check read it
    prompt = registry.resolve(request.prompt, default_id=request.strategy.value)
    problem = misfit(prompt, request.strategy, follow_up=bool(request.earlier_messages))
    if problem:
        raise errors.PromptNotFound(problem)
    model = gateway.validate_model(request.model or settings.default_model)
    max_words = request.options.max_words or DEFAULT_MAX_WORDS[request.channel]
    variables = prompt_variables(request, max_words)
    sampling = sampling_for(prompt, request.options, max_words)
    sections = None
    if prompt.sectioned:
        sections = _sectioned(prompt, request, variables, (model, sampling), gateway, settings, suspicions)
        variables = sections.job.variables
    return DraftPlan(
        prompt,
        sections.messages if sections else prompt.render(variables),
        model,
        sections.job.sampling if sections else sampling,
        request.strategy,
        request.channel,
        request.facts,
        variables,
        earlier_commitments(request),
        sections,
        redaction,
        suspicions,
    )


def _sectioned(
    prompt: PromptVersion,
    request: DraftRequest,
    variables: dict[str, object],
    call: tuple[str, Sampling],
    gateway: Gateway,
    settings: Settings,
    suspicions: list[Suspicion],
) -> SectionedPlan:
    """The content plan of a sectioned prompt: the facts reach the model section by section, never whole."""
    model, sampling = call
    context = SectionContext(
        request.facts, request.strategy, request.channel, suspicions, settings.pass_threshold
    )
    shared = {k: v for k, v in variables.items() if k not in ("facts_block", "history_block")}
    rewrites = settings.section_rewrites + request.options.revise
    max_words = int(str(variables["max_words"]))
    calls = (model, sampling, rewrites, gateway.supports_json_schema(model))
    return plan_sections(prompt, context, shared, calls, max_words)


def misfit(prompt: PromptVersion, strategy: Strategy, *, follow_up: bool) -> str | None:
    """Why this prompt version cannot draft for this strategy (or a follow-up), or None when it can. A sectioned
    prompt takes follow-ups (its sections carry the facts that answer earlier commitments) and must instruct
    every section its strategy's content plan may hold."""
    if prompt.spec.strategy is None:
        return f"prompt {prompt.ref} is a helper prompt, not a drafting prompt"
    if prompt.spec.strategy is not strategy:
        return f"prompt {prompt.ref} is for strategy {prompt.spec.strategy}, not {strategy}"
    if prompt.spec.sections is not None:
        missing = sorted(section_names(strategy) - prompt.spec.sections.instructions.keys())
        return f"prompt {prompt.ref} has no instruction for the sections {', '.join(missing)}" if missing else None
    if follow_up and "history_block" not in prompt.spec.variables:
        return f"prompt {prompt.ref} does not take earlier messages; use a version that declares history_block"
    return None


def earlier_commitments(request: DraftRequest) -> list[Commitment] | None:
    """A follow-up's earlier commitments (graded as `commitments_kept`); None when it is not a follow-up."""
    return commitments_in(request.earlier_messages) if request.earlier_messages else None


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


def sampling_for(prompt: PromptVersion, options: DraftOptions, max_words: int) -> Sampling:
    # Room for the heading and some slack past the word limit, never above the prompt's own cap.
    budget = int(max_words * TOKENS_PER_WORD) + 60
    return Sampling(
        temperature=options.temperature
        if options.temperature is not None
        else prompt.spec.parameters.temperature,
        max_tokens=min(prompt.spec.parameters.max_tokens, budget),
        seed=options.seed,
    )
