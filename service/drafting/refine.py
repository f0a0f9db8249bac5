"""Better than one shot: best-of-n sampling and critique-and-revise, both judged by the rubric.

Ranking puts a message first (a draft that copies the facts block or the prompt's instructions, or follows
text injected into the facts, never beats one that does not), then faithfulness (a draft that invents a
commitment never beats one that does not), then overall pass, then the rubric score. A revision is kept only when it ranks higher, and never
when it loses faithfulness the draft before it had.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from service.llm.gateway import Completion, Gateway, Sampling
from service.prompts import PromptVersion
from service.rubric import RubricResult
from service.schemas import Candidate, DraftResponse, RevisionRound, Usage

# Bumped when how candidates are sampled or chosen changes, so cached eval results are not reused.
REFINE_VERSION = 2
# Sampling n > 1 drafts at temperature 0 would return n copies of the same greedy draft.
BEST_OF_N_MIN_TEMPERATURE = 0.7
MAX_EVIDENCE_PER_CRITERION = 2


@dataclass(frozen=True)
class Attempt:
    """One graded draft: a sample (round 0) or a revision (round >= 1)."""

    text: str
    checks: RubricResult
    completion: Completion
    seed: int
    round: int = 0
    accepted: bool = True
    feedback: str = ""


def rank_key(checks: RubricResult) -> tuple[bool, bool, bool, float]:
    return (checks.blocked is None, checks.criterion("faithfulness").passed, checks.passed, checks.score)


def best(attempts: list[Attempt]) -> Attempt:
    """The highest-ranked attempt; the earliest wins a tie, so results are stable."""
    return max(reversed(attempts), key=lambda a: rank_key(a.checks))


def sampling_for_candidates(base: Sampling, n: int) -> list[Sampling]:
    """The one-shot sampling first, then n - 1 samples warm enough to differ: best-of-n can only match
    or beat the one-shot draft by the rubric (measured: three warm samples alone did worse than greedy)."""
    warm = max(base.temperature, BEST_OF_N_MIN_TEMPERATURE)
    return [base, *(replace(base, temperature=warm, seed=base.seed + index) for index in range(1, n))]


def feedback_for(checks: RubricResult) -> str:
    """The failing criteria with their reasons and evidence, as a list the model can act on."""
    lines = []
    for result in checks.criteria:
        if result.applicable and not result.passed:
            evidence = "; ".join(f'"{e}"' for e in result.evidence[:MAX_EVIDENCE_PER_CRITERION])
            lines.append(
                f"- {result.criterion}: {result.reason}" + (f" (see {evidence})" if evidence else "")
            )
    for claim in checks.unsupported:
        lines.append(f'- not in the facts, remove it: "{claim.text}" ({claim.reason})')
    return "\n".join(lines)


def accept(current: Attempt, revision: Attempt) -> bool:
    """Keep a revision only if it ranks higher and keeps faithfulness the current draft had."""
    if (
        current.checks.criterion("faithfulness").passed
        and not revision.checks.criterion("faithfulness").passed
    ):
        return False
    return rank_key(revision.checks) > rank_key(current.checks)


@dataclass
class Refiner:
    """Runs the extra model calls; `grade` turns text into checks for the request's facts and channel."""

    gateway: Gateway
    model: str
    grade: Callable[[str], RubricResult]

    async def sample(
        self, messages: list[dict[str, str]], samplings: list[Sampling], deadline: float
    ) -> list[Attempt]:
        completions = await asyncio.gather(
            *(
                self.gateway.complete(messages, model=self.model, sampling=s, deadline=deadline)
                for s in samplings
            )
        )
        return [
            Attempt(c.text, self.grade(c.text), c, s.seed)
            for c, s in zip(completions, samplings, strict=True)
        ]

    async def revise(
        self,
        start: Attempt,
        prompt: PromptVersion,
        variables: dict[str, object],
        sampling: Sampling,
        max_rounds: int,
        deadline: float,
    ) -> list[Attempt]:
        """Up to `max_rounds` revisions of the current best; stops early when nothing fails or time runs short."""
        current, rounds = start, []
        for number in range(1, max_rounds + 1):
            feedback = feedback_for(current.checks)
            if not feedback or _too_late(current, deadline):
                break
            messages = prompt.render({**variables, "draft": current.text, "feedback": feedback})
            completion = await self.gateway.complete(
                messages, model=self.model, sampling=sampling, deadline=deadline
            )
            revision = Attempt(
                completion.text, self.grade(completion.text), completion, sampling.seed, number
            )
            kept = accept(current, revision)
            rounds.append(replace(revision, accepted=kept, feedback=feedback))
            current = revision if kept else current
        return rounds


def _too_late(last: Attempt, deadline: float) -> bool:
    """Skip a round that would likely overrun the deadline, judging by the last call's latency."""
    return time.monotonic() + last.completion.latency_ms / 1000 * 1.2 > deadline


@dataclass
class Refinement:
    candidates: list[Attempt]  # as sampled, in seed order
    rounds: list[Attempt]  # revisions, kept or not
    final: Attempt

    @property
    def completions(self) -> list[Completion]:
        return [a.completion for a in (*self.candidates, *self.rounds)]


async def refine(
    refiner: Refiner,
    messages: list[dict[str, str]],
    sampling: Sampling,
    *,
    n: int,
    revise: tuple[PromptVersion, dict[str, object], int],
    deadline: float,
) -> Refinement:
    """Sample n candidates, keep the best, then revise it for up to the given number of rounds."""
    candidates = await refiner.sample(messages, sampling_for_candidates(sampling, n), deadline)
    chosen = best(candidates)
    prompt, variables, max_rounds = revise
    rounds: list[Attempt] = []
    if max_rounds:
        revision_sampling = replace(sampling, temperature=prompt.spec.parameters.temperature, seed=chosen.seed)
        rounds = await refiner.revise(chosen, prompt, variables, revision_sampling, max_rounds, deadline)
    kept = [r for r in rounds if r.accepted]
    return Refinement(candidates, rounds, kept[-1] if kept else chosen)


def with_refinement(response: DraftResponse, outcome: Refinement, include_candidates: bool) -> DraftResponse:
    """Usage summed over every call made; candidates (best first) and revision rounds attached."""
    completions = outcome.completions
    usage = Usage.of(sum(c.prompt_tokens for c in completions), sum(c.completion_tokens for c in completions))
    update: dict[str, object] = {"usage": usage}
    if include_candidates:
        ranked = sorted(outcome.candidates, key=lambda a: rank_key(a.checks), reverse=True)
        update["candidates"] = [Candidate(text=a.text, seed=a.seed, checks=a.checks) for a in ranked]
    if outcome.rounds:
        update["rounds"] = [
            RevisionRound(round=a.round, feedback=a.feedback, text=a.text, accepted=a.accepted, checks=a.checks)
            for a in outcome.rounds
        ]
    return response.model_copy(update=update)
