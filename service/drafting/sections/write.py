"""Writing the sections: each from its own facts (one call per section, or all in one call answered as JSON when
the provider supports a response schema), checked, rewritten when it fails, and rendered plainly from its
facts when the rewrites fail too. Sections come out one by one in the plan's order, so a stream can show each
as soon as it is final."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

from service import errors
from service.drafting.sections.checks import SectionContext, problems
from service.drafting.sections.content import SectionSpec
from service.drafting.sections.plain import plain
from service.drafting.sections.prompting import (
    rewrite_messages,
    section_tokens,
    section_variables,
    sections_schema,
    together_messages,
)
from service.llm.gateway import Completion, Gateway, Sampling
from service.prompts import PromptVersion

MAX_TOGETHER_TOKENS = 4000
# A section is one paragraph: what a model writes after a line break is not part of it.
SECTION_STOP = ("\n",)
# A rewrite sampled as greedily as the first try mostly repeats it (a small model reads the instruction, not
# the feedback): warm enough to differ, like best-of-n's samples.
REWRITE_MIN_TEMPERATURE = 0.7
_LABEL = re.compile(r"^\s*(?:subject|headline|title|answer|sentence)\s*:\s*", re.IGNORECASE)
_QUOTES = "\"'“”‘’"


@dataclass(frozen=True)
class Written:
    spec: SectionSpec
    text: str
    rewritten: bool = False
    fallback: bool = False


@dataclass(frozen=True)
class SectionJob:
    """Everything decided before the first call: the prompt, the sections, how they are checked and sampled."""

    prompt: PromptVersion
    specs: list[SectionSpec]
    variables: dict[str, Any]  # what every section's templates are rendered with
    context: SectionContext
    model: str
    sampling: Sampling
    rewrites: int  # rewrites a failing section gets before it falls back (at least one)
    together: bool  # one call for every section, answered as JSON


@dataclass
class SectionWriter:
    gateway: Gateway
    job: SectionJob
    deadline: float | None = None
    completions: list[Completion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    async def write(self) -> AsyncIterator[Written]:
        """Each section, final, in the plan's order."""
        first = await self._together() if self.job.together else {}
        for spec in self.job.specs:
            yield await self._section(spec, first.get(spec.name))

    async def _section(self, spec: SectionSpec, text: str | None) -> Written:
        job = self.job
        variables = section_variables(job.prompt, spec, job.variables)
        words = int(variables["words"])
        sampling = replace(
            job.sampling, max_tokens=min(job.sampling.max_tokens, section_tokens(words)), stop=SECTION_STOP
        )
        if text is None:
            text = await self._call(job.prompt.render(variables), sampling)
        context = replace(job.context, words=words)
        found = problems(text, spec, context, str(variables["instruction"]))
        rewrites = 0
        while found and rewrites < job.rewrites:
            rewrites += 1
            warm = replace(
                sampling,
                temperature=max(sampling.temperature, REWRITE_MIN_TEMPERATURE),
                seed=sampling.seed + rewrites,
            )
            text = await self._call(rewrite_messages(job.prompt, spec, job.variables, text, found), warm)
            found = problems(text, spec, context, str(variables["instruction"]))
        if found:
            return Written(spec, plain(spec), rewritten=rewrites > 0, fallback=True)
        return Written(spec, text, rewritten=rewrites > 0)

    async def _call(self, messages: list[dict[str, str]], sampling: Sampling) -> str:
        """The model's text for one section, tidied; an empty answer is a failed section, not a failed draft."""
        try:
            completion = await self.gateway.complete(
                messages, model=self.job.model, sampling=sampling, deadline=self.deadline
            )
        except errors.UpstreamBadOutput:
            return ""
        self.completions.append(completion)
        return tidy(completion.text)

    async def _together(self) -> dict[str, str]:
        """Every section from one call answered as JSON; a section the answer lacks gets its own call."""
        job = self.job
        sampling = replace(job.sampling, max_tokens=min(MAX_TOGETHER_TOKENS, job.sampling.max_tokens * len(job.specs)))
        try:
            completion = await self.gateway.complete(
                together_messages(job.prompt, job.specs, job.variables),
                model=job.model,
                sampling=sampling,
                deadline=self.deadline,
                json_schema=sections_schema(job.specs),
            )
        except errors.UpstreamBadOutput:
            return {}
        self.completions.append(completion)
        answer = parse_sections(completion.text)
        if not answer:
            self.warnings.append("the model's JSON answer could not be read; each section was asked for on its own")
        return {name: tidy(text) for name, text in answer.items()}


def parse_sections(text: str) -> dict[str, str]:
    """The {section: text} object of a JSON answer (inside a code fence or not); empty when there is none."""
    body = text.strip().removeprefix("```json").removeprefix("```").removesuffix("```").strip()
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, str)}


def tidy(text: str) -> str:
    """One section as inline text: whitespace folded, a leading label ("Subject:") and wrapping quotes removed."""
    folded = " ".join(text.split())
    folded = _LABEL.sub("", folded)
    if len(folded) > 1 and folded[0] in _QUOTES and folded[-1] in _QUOTES:
        folded = folded[1:-1].strip()
    return folded
