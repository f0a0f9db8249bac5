"""`trustdraft eval run`: draft every case with every prompt version, grade every draft, write results.json.

Drafts go through the service's own Drafter (plan -> gateway -> grade), so what is evaluated is what
ships. Model outputs are cached by content address; records are appended to records.jsonl as they
finish, so an interrupted run resumes where it stopped and nothing finished is lost.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.cache import CompletionCache, cache_key
from evals.cases import EvalCase, load_cases
from evals.results import DraftRecord, Params, RunInfo, RunResults, write_json_atomic
from service.drafting import Drafter, DraftPlan
from service.errors import TrustdraftError
from service.llm.gateway import Completion
from service.prompts import PromptRegistry
from service.refine import REFINE_VERSION
from service.schemas import DraftRequest, PromptRef, Usage

RECORDS_FILE = "records.jsonl"
RESULTS_FILE = "results.json"


@dataclass(frozen=True)
class RunConfig:
    prompts: list[str]  # versions (reactive@v2) or labels (production, candidate)
    out: Path
    model: str | None = None
    cases: str = "*"
    repeat: int = 1
    concurrency: int = 2
    temperature: float | None = None
    seed: int = 0
    cache_dir: Path | None = None
    max_words: int | None = None  # overrides each case's own limit
    n: int = 1  # best-of-n candidates per draft
    revise: int = 0  # critique-and-revise rounds


@dataclass(frozen=True)
class WorkItem:
    case: EvalCase
    requested: str
    sample: int


@dataclass
class Progress:
    """What the run reports as it goes (a progress bar, or nothing)."""

    start: Callable[[int, int], None] = lambda total, done: None
    advance: Callable[[DraftRecord], None] = lambda record: None


def plan_work(config: RunConfig, registry: PromptRegistry, cases: list[EvalCase]) -> list[WorkItem]:
    """Every (case, prompt, sample) to draft: a version applies to cases of its strategy, a label to all."""
    items = []
    for case in cases:
        for requested in config.prompts:
            prompt_id, _, _ = requested.rpartition("@")
            if prompt_id and prompt_id != case.strategy.value:
                continue
            registry.resolve(
                requested, default_id=case.strategy.value
            )  # unknown versions fail before any call
            items.extend(WorkItem(case, requested, sample) for sample in range(config.repeat))
    return items


def request_for(item: WorkItem, config: RunConfig) -> DraftRequest:
    return DraftRequest.model_validate(
        {
            "strategy": item.case.strategy,
            "channel": item.case.channel,
            "facts": item.case.facts,
            "earlier_messages": item.case.earlier_messages,
            "prompt": item.requested,
            "model": config.model,
            "options": {
                "temperature": config.temperature,
                "max_words": config.max_words or item.case.max_words,
                "seed": config.seed + item.sample,
                "checks": False,
                "n": config.n,
                "revise": config.revise,
                "return_candidates": config.n > 1 or config.revise > 0,
            },
        }
    )


def key_for(plan: DraftPlan, sample: int, n: int = 1, revise: int = 0) -> str:
    # one-shot keys predate these; refined drafts also depend on how the service samples and chooses
    refined = {"n": n, "revise": revise, "refine": REFINE_VERSION} if n > 1 or revise else {}
    return cache_key(
        prompt=plan.prompt.sha256,
        messages=plan.messages,
        model=plan.model,
        temperature=plan.sampling.temperature,
        max_tokens=plan.sampling.max_tokens,
        seed=plan.sampling.seed,
        sample=sample,
        **refined,
    )


class Runner:
    def __init__(self, drafter: Drafter, config: RunConfig, progress: Progress | None = None) -> None:
        self.drafter = drafter
        self.config = config
        self.cache = CompletionCache(config.cache_dir)
        self.progress = progress or Progress()
        self.records_path = config.out / RECORDS_FILE

    async def run(self) -> RunResults:
        started = _now()
        cases = load_cases(self.config.cases)
        items = plan_work(self.config, self.drafter.registry, cases)
        done = self._resume()
        plans = [(item, self.drafter.plan(request_for(item, self.config))) for item in items]
        todo = [
            (item, plan)
            for item, plan in plans
            if _slot(item.requested, self._key(plan, item.sample)) not in done
        ]
        self.progress.start(len(plans), len(plans) - len(todo))
        self.config.out.mkdir(parents=True, exist_ok=True)
        with self.records_path.open("a", encoding="utf-8") as sink:
            await self._draft_all(todo, done, sink)
        ordered = [done[_slot(item.requested, self._key(plan, item.sample))] for item, plan in plans]
        results = RunResults(run=self._info(started, cases), records=ordered)
        write_json_atomic(self.config.out / RESULTS_FILE, results.model_dump(mode="json"))
        return results

    async def _draft_all(
        self, todo: list[tuple[WorkItem, DraftPlan]], done: dict[tuple[str, str], DraftRecord], sink: Any
    ) -> None:
        queue: asyncio.Queue[tuple[WorkItem, DraftPlan]] = asyncio.Queue()
        for pair in todo:
            queue.put_nowait(pair)

        async def worker() -> None:
            while not queue.empty():
                item, plan = queue.get_nowait()
                record = await self._one(item, plan)
                done[_slot(record.requested, record.key)] = record
                sink.write(record.model_dump_json() + "\n")
                sink.flush()
                self.progress.advance(record)

        await asyncio.gather(*(worker() for _ in range(max(1, self.config.concurrency))))

    async def _one(self, item: WorkItem, plan: DraftPlan) -> DraftRecord:
        key = self._key(plan, item.sample)
        cached = self.cache.get(key)
        record = _record(item, plan, key)
        record.params.n, record.params.revise = self.config.n, self.config.revise
        if cached is not None:
            completion = Completion(**cached)
            record.cached = True
        else:
            try:
                completion = await self._draft(item, plan)
            except TrustdraftError as exc:
                record.error = f"{exc.title}: {exc.detail}"
                return record
            self.cache.put(key, _completion_dict(completion))
        _fill(record, completion, self.drafter.check(completion.text, plan))
        return record

    def _key(self, plan: DraftPlan, sample: int) -> str:
        return key_for(plan, sample, self.config.n, self.config.revise)

    async def _draft(self, item: WorkItem, plan: DraftPlan) -> Completion:
        """One model call for a one-shot draft; the service's best-of-n / revise pipeline otherwise."""
        if self.config.n == 1 and not self.config.revise:
            return await self.drafter.gateway.complete(plan.messages, model=plan.model, sampling=plan.sampling)
        response = await self.drafter.draft(request_for(item, self.config))
        # The raw text (heading included) of the draft the service chose: the last kept revision, else the
        # best candidate (the request asks for candidates so this is always there).
        kept = [r.text for r in response.rounds or [] if r.accepted]
        candidates = response.candidates or []
        return Completion(
            kept[-1] if kept else candidates[0].text,
            response.model,
            response.usage.prompt_tokens,
            response.usage.completion_tokens,
            response.latency_ms,
            "stop",
            len(candidates) + len(response.rounds or []),  # model calls made
            list(response.warnings),
        )

    def _resume(self) -> dict[tuple[str, str], DraftRecord]:
        """Records already finished in this output folder (errors are retried)."""
        done: dict[tuple[str, str], DraftRecord] = {}
        if self.records_path.exists():
            for line in self.records_path.read_text(encoding="utf-8").splitlines():
                try:
                    record = DraftRecord.model_validate_json(line)
                except ValueError:
                    continue  # a line cut off by an interrupted write
                if record.error is None:
                    done[_slot(record.requested, record.key)] = record
        return done

    def _info(self, started: str, cases: list[EvalCase]) -> RunInfo:
        return RunInfo(
            id=uuid.uuid4().hex[:12],
            started_at=started,
            finished_at=_now(),
            model=self.config.model or self.drafter.settings.default_model,
            prompts=self.config.prompts,
            cases=[c.id for c in cases],
            repeat=self.config.repeat,
            concurrency=self.config.concurrency,
            temperature=self.config.temperature,
            seed=self.config.seed,
        )


def _slot(requested: str, key: str) -> tuple[str, str]:
    """A record's place in a run: two labels that resolve to the same prompt still get one record each
    (sharing one cached model output)."""
    return (requested, key)


def _record(item: WorkItem, plan: DraftPlan, key: str) -> DraftRecord:
    return DraftRecord(
        key=key,
        case_id=item.case.id,
        strategy=item.case.strategy,
        channel=item.case.channel,
        industry=item.case.industry,
        tags=item.case.tags,
        requested=item.requested,
        prompt=PromptRef(id=plan.prompt.id, version=plan.prompt.version, sha256=plan.prompt.sha256),
        model=plan.model,
        sample=item.sample,
        params=Params(
            temperature=plan.sampling.temperature,
            max_tokens=plan.sampling.max_tokens,
            seed=plan.sampling.seed,
            max_words=item.case.max_words,
        ),
    )


def _fill(record: DraftRecord, completion: Completion, checks: Any) -> None:
    record.text = completion.text
    record.usage = Usage.of(completion.prompt_tokens, completion.completion_tokens)
    record.latency_ms = round(completion.latency_ms, 1)
    record.finish_reason = completion.finish_reason
    record.warnings = list(completion.warnings)
    record.checks = checks


def _completion_dict(completion: Completion) -> dict[str, Any]:
    return {
        "text": completion.text,
        "model": completion.model,
        "prompt_tokens": completion.prompt_tokens,
        "completion_tokens": completion.completion_tokens,
        "latency_ms": completion.latency_ms,
        "finish_reason": completion.finish_reason,
        "attempts": completion.attempts,
        "warnings": list(completion.warnings),
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def summarise(results: RunResults) -> list[dict[str, Any]]:
    """Per requested prompt: drafts, errors, pass rate, mean score, cache hits, mean latency and tokens."""
    rows = []
    for requested in results.versions():
        records = [r for r in results.records if r.requested == requested]
        graded = [r for r in records if r.checks is not None]
        rows.append(
            {
                "prompt": requested,
                "drafts": len(records),
                "errors": sum(r.error is not None for r in records),
                "cached": sum(r.cached for r in records),
                "pass_rate": round(sum(r.checks.passed for r in graded if r.checks) / len(graded), 3)
                if graded
                else 0.0,
                "mean_score": round(sum(r.checks.score for r in graded if r.checks) / len(graded), 3)
                if graded
                else 0.0,
                "mean_latency_ms": round(sum(r.latency_ms for r in graded) / len(graded), 1)
                if graded
                else 0.0,
                "mean_tokens": round(sum(r.usage.total_tokens for r in graded) / len(graded), 1)
                if graded
                else 0.0,
            }
        )
    return rows
