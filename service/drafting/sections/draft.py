"""A sectioned draft from plan to text: the content plan and its layout are decided up front (`plan_sections`);
`draft_sections` writes the sections and yields the text as each part becomes final, then the whole draft
(its text, its sections with their sources, every model call made)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

from service.drafting.sections.assemble import Layout, Shape, fill, fit_social, layout
from service.drafting.sections.checks import SectionContext
from service.drafting.sections.content import SectionSpec, content_plan
from service.drafting.sections.prompting import section_messages, words_per_section
from service.drafting.sections.write import SectionJob, SectionWriter, Written
from service.facts import Channel
from service.llm.gateway import Completion, Gateway, Sampling
from service.prompts import PromptVersion
from service.schemas import Section

# A section cut at its token limit fails its checks (it drops figures) and is rewritten or rendered plainly,
# so the gateway's "the draft may be cut off" says nothing about the draft.
_CUT_OFF = "the model stopped at its token limit"


@dataclass(frozen=True)
class SectionedPlan:
    job: SectionJob
    layout: Layout
    shape: Shape

    @property
    def messages(self) -> list[dict[str, str]]:
        """Every section's first request, in order: what the plan will send (and what an eval cache keys on)."""
        job = self.job
        return [m for spec in job.specs for m in section_messages(job.prompt, spec, job.variables)]


@dataclass
class SectionedDraft:
    text: str
    sections: list[Section]
    completions: list[Completion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def completion(self, model: str) -> Completion:
        """The draft as one completion: the assembled text, usage and model time summed over every call."""
        calls = self.completions
        return Completion(
            text=self.text,
            model=calls[-1].model if calls else model,
            prompt_tokens=sum(c.prompt_tokens for c in calls),
            completion_tokens=sum(c.completion_tokens for c in calls),
            latency_ms=sum(c.latency_ms for c in calls),
            finish_reason="stop",
            attempts=sum(c.attempts for c in calls),
            warnings=self.warnings,
            cached=bool(calls) and all(c.cached for c in calls),
        )


def plan_sections(
    prompt: PromptVersion,
    context: SectionContext,
    variables: dict[str, Any],
    calls: tuple[str, Sampling, int, bool],
    max_words: int,
) -> SectionedPlan:
    """The content plan, each section's word budget, and the channel's layout. `calls`: the model, its
    sampling, the rewrites a failing section gets, and whether to ask for every section in one JSON call."""
    specs = content_plan(context.facts, context.strategy, context.channel, context.suspicions)
    words = words_per_section(max_words, len(specs))
    model, sampling, rewrites, together = calls
    job = SectionJob(
        prompt, specs, {**variables, "words": words}, replace(context, words=words), model, sampling, rewrites, together
    )
    summary = next((f.text for s in specs for f in s.facts if f.path == "summary"), context.facts.summary)
    shape = Shape(context.channel, context.facts, summary)
    return SectionedPlan(job, layout(specs, shape), shape)


async def draft_sections(
    gateway: Gateway, plan: SectionedPlan, deadline: float | None = None
) -> AsyncIterator[str | SectionedDraft]:
    """Text pieces as the sections they wait for become final (all at the end for a social post), then the draft."""
    writer = SectionWriter(gateway, plan.job, deadline)
    written: dict[str, Written] = {}
    position = 0
    async for section in writer.write():
        written[section.spec.name] = section
        if plan.shape.streamable:
            piece, position = _ready(plan.layout, written, position)
            if piece:
                yield piece
    ordered = [written[s.name] for s in plan.job.specs]
    if plan.shape.channel is Channel.social_post:
        ordered = fit_social(ordered)
        text = " ".join(w.text for w in ordered)
        yield text
    else:
        text = fill(plan.layout, written)
        piece, _ = _ready(plan.layout, written, position)
        if piece.strip():
            yield piece
    yield SectionedDraft(text, [_section(w) for w in ordered], writer.completions, _warnings(writer, ordered))


def _ready(items: Layout, written: dict[str, Written], start: int) -> tuple[str, int]:
    """The layout's text from `start` up to the first section not yet written, and where that stopped."""
    pieces = []
    index = start
    while index < len(items):
        item = items[index]
        if isinstance(item, SectionSpec) and item.name not in written:
            break
        pieces.append(item if isinstance(item, str) else written[item.name].text)
        index += 1
    return "".join(pieces), index


def _section(written: Written) -> Section:
    return Section(
        name=written.spec.name,
        text=written.text,
        sources=written.spec.sources,
        rewritten=written.rewritten,
        fallback=written.fallback,
    )


def _warnings(writer: SectionWriter, ordered: list[Written]) -> list[str]:
    warnings = [w for c in writer.completions for w in c.warnings if not w.startswith(_CUT_OFF)]
    warnings += writer.warnings
    plain = [w.spec.name for w in ordered if w.fallback]
    if plain:
        warnings.append(
            f"{len(plain)} of {len(ordered)} sections are plain renderings of their facts, not the model's text "
            f"(it failed their checks): {', '.join(plain)}"
        )
    return list(dict.fromkeys(warnings))
