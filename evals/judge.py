"""An optional LLM judge: a model grades each applicable criterion, as a second opinion to the rubric graders.

It uses its own versioned prompt (prompts/judge/), calls the model through the service's gateway, and
parses a JSON verdict per criterion. Its agreement with the labelled calibration set is measured exactly
like a grader's (`trustdraft eval calibrate --judge MODEL`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from service.drafting import Drafter
from service.facts import Channel, Facts, Strategy
from service.facts_block import render_facts_block
from service.llm.gateway import Sampling
from service.rubric import GRADERS, context_for
from service.rubric.types import Criterion

# One line per criterion: what passes, in the rubric's own terms.
DEFINITIONS: dict[Criterion, str] = {
    Criterion.acknowledgment: "names what actually happened, plainly and early, without shrinking it",
    Criterion.ownership: "the organisation takes responsibility in the active voice; no blaming vendors, systems or customers",
    Criterion.sincerity: "a direct, specific apology in a human voice; no 'regret any inconvenience', no PR boilerplate",
    Criterion.accountable_voice: "signed or spoken by the named spokesperson from the facts, in the first person",
    Criterion.impact_empathy: "says who was affected and how, with the specifics the facts give",
    Criterion.explanation: "gives the cause or the reasoning from the facts; no excuses, no invented causes",
    Criterion.concrete_plan: "reports the fix made and the steps to prevent a repeat, with the dates the facts give",
    Criterion.amends: "states the remedy the facts approve, and invents none",
    Criterion.ongoing_communication: "says when and where the next update comes, or how to reach a person",
    Criterion.faithfulness: "every figure, date, name, cause and promise is supported by the facts",
    Criterion.channel_fit: "length and form fit the channel (social <= 280 chars, email has a subject, press has a headline and a quote)",
    Criterion.strategy_fit: "proactive does not apologise; preemptive leads with the change; reactive answers the incident up front",
}
_TRUE = {"true", "yes", "pass", "passes", "passed", "1"}
_FALSE = {"false", "no", "fail", "fails", "failed", "0"}


@dataclass(frozen=True)
class JudgeVerdict:
    verdicts: dict[str, bool]  # criterion -> passes; criteria the judge did not answer are absent
    reasons: dict[str, str]
    raw: str
    # The judge's own call, counted apart from the draft's: tokens, model time, served from the eval cache
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    cached: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"verdicts": self.verdicts, "reasons": self.reasons}

    def record(self, model: str) -> dict[str, Any]:
        """What an eval record keeps of the judge's call (`DraftRecord.judge`)."""
        return {
            **self.to_json(), "model": model, "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens, "latency_ms": self.latency_ms, "cached": self.cached,
        }


def parse_verdict(raw: str, asked: list[str]) -> JudgeVerdict:
    """Read the model's JSON leniently: the first {...} object, booleans as words, unknown keys ignored."""
    match = re.search(r"\{.*\}", raw, flags=re.S)
    try:
        data = json.loads(match.group(0)) if match else {}
    except json.JSONDecodeError:
        data = {}
    verdicts, reasons = {}, {}
    for name in asked:
        entry = data.get(name) if isinstance(data, dict) else None
        value = entry.get("pass") if isinstance(entry, dict) else entry
        word = str(value).strip().lower()
        if word in _TRUE or word in _FALSE:
            verdicts[name] = word in _TRUE
            reasons[name] = str(entry.get("reason", "")) if isinstance(entry, dict) else ""
    return JudgeVerdict(verdicts, reasons, raw)


class Judge:
    def __init__(self, drafter: Drafter, model: str, prompt: str = "judge@v1") -> None:
        """Calls `model` through the drafting pipeline's gateway, with its own prompt from the registry."""
        self.gateway = drafter.gateway
        self.model = drafter.gateway.validate_model(model)
        self.prompt = drafter.registry.resolve(prompt, default_id="judge")

    async def judge(self, text: str, facts: Facts, strategy: Strategy, channel: Channel) -> JudgeVerdict:
        """Ask the model about the criteria that apply to this draft (applicability as the rubric decides it)."""
        ctx = context_for(text, facts, strategy, channel)
        asked = [c.value for c, grader in GRADERS.items() if grader(ctx).applicable]
        messages = self.prompt.render(
            {
                "facts_block": render_facts_block(facts),
                "strategy": strategy.value,
                "channel": channel.value,
                "draft": text,
                "criteria": "\n".join(f"- {name}: {DEFINITIONS[Criterion(name)]}" for name in asked),
            }
        )
        completion = await self.gateway.complete(messages, model=self.model, sampling=Sampling(0.0, 700, 0))
        verdict = parse_verdict(completion.text, asked)
        return replace(
            verdict, prompt_tokens=completion.prompt_tokens, completion_tokens=completion.completion_tokens,
            latency_ms=completion.latency_ms, cached=completion.cached,
        )
