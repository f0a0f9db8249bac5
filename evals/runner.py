"""`trustdraft eval run`: draft every case with every prompt version, grade every draft, write results.json.

Drafts go through the service's one drafting door (`Drafter.compose`: plan, model, checks, injection
report, warnings), so what is evaluated is what ships. Model outputs are cached by content address by a
gateway wrapper (service/llm/cache.py), so cached and live drafts are treated alike. Records are appended
to records.jsonl as they finish: an interrupted run resumes where it stopped and nothing finished is lost.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.cases import EvalCase, load_cases
from evals.judge import Judge
from evals.results import DraftRecord, Params, RunInfo, RunResults
from service.atomic import write_json_atomic
from service.drafting import Drafted, Drafter, DraftPlan, build_drafter
from service.drafting.refine import REFINE_VERSION
from service.errors import TrustdraftError
from service.llm.cache import CachingGateway, cache_key
from service.llm.gateway import LLMGateway
from service.prompts import PromptRegistry
from service.schemas import DraftRequest, PromptRef
from service.settings import Settings

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
    cache_dir: Path | None = None  # where eval_drafter caches model outputs; None: no cache
    max_words: int | None = None  # overrides each case's own limit
    n: int = 1  # best-of-n candidates per draft
    revise: int = 0  # critique-and-revise rounds
    judge: str | None = None  # an LLM judge's model: each graded draft also gets its verdicts (tokens apart)


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
    items: list[WorkItem] = []
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
    return item.case.request(
        item.requested,
        config.model,
        {
            "temperature": config.temperature,
            "max_words": config.max_words or item.case.max_words,
            "seed": config.seed + item.sample,
            "checks": True,
            "n": config.n,
            "revise": config.revise,
            "return_candidates": config.n > 1 or config.revise > 0,
        },
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


async def eval_drafter(settings: Settings, cache_dir: Path | None = None) -> Drafter:
    """The service's drafting pipeline for an eval run: model outputs cached under `cache_dir` when one is
    given (a gateway wrapper, so cached and live drafts get identical treatment)."""
    gateway = CachingGateway(LLMGateway(settings), cache_dir) if cache_dir else None
    return await build_drafter(settings, gateway=gateway)


class Runner:
    def __init__(self, drafter: Drafter, config: RunConfig, progress: Progress | None = None) -> None:
        """`drafter` is built by `build_drafter`; pass it a CachingGateway to reuse model outputs."""
        self.drafter = drafter
        self.config = config
        self.progress = progress or Progress()
        self.records_path = config.out / RECORDS_FILE
        self.judge = Judge(drafter, config.judge) if config.judge else None

    async def run(self) -> RunResults:
        started = _now()
        cases = load_cases(self.config.cases)
        items = plan_work(self.config, self.drafter.registry, cases)
        done = self._resume()
        plans = [(item, self.drafter.plan(request_for(item, self.config))) for item in items]
        todo = [
            (item, plan)
            for item, plan in plans
            if _slot(item.case.id, item.requested, self._key(plan, item.sample)) not in done
        ]
        self.progress.start(len(plans), len(plans) - len(todo))
        self.config.out.mkdir(parents=True, exist_ok=True)
        with self.records_path.open("a", encoding="utf-8") as sink:
            await self._draft_all(todo, done, sink)
        ordered = [
            done[_slot(item.case.id, item.requested, self._key(plan, item.sample))] for item, plan in plans
        ]
        results = RunResults(run=self._info(started, cases), records=ordered)
        write_json_atomic(self.config.out / RESULTS_FILE, results.model_dump(mode="json"))
        return results

    async def _draft_all(
        self, todo: list[tuple[WorkItem, DraftPlan]], done: dict[tuple[str, str, str], DraftRecord], sink: Any
    ) -> None:
        queue: asyncio.Queue[tuple[WorkItem, DraftPlan]] = asyncio.Queue()
        for pair in todo:
            queue.put_nowait(pair)

        async def worker() -> None:
            while not queue.empty():
                item, plan = queue.get_nowait()
                record = await self._one(item, plan)
                done[_slot(record.case_id, record.requested, record.key)] = record
                sink.write(record.model_dump_json() + "\n")
                sink.flush()
                self.progress.advance(record)

        await asyncio.gather(*(worker() for _ in range(max(1, self.config.concurrency))))

    async def _one(self, item: WorkItem, plan: DraftPlan) -> DraftRecord:
        record = _record(item, plan, self._key(plan, item.sample))
        record.params.n, record.params.revise = self.config.n, self.config.revise
        try:
            drafted = await self.drafter.compose(request_for(item, self.config))
        except TrustdraftError as exc:
            record.error = f"{exc.title}: {exc.detail}"
            return record
        _fill(record, drafted)
        if self.judge is not None and record.checks is not None:
            record.judge = await self._judged(item, record.text)
        return record

    async def _judged(self, item: WorkItem, text: str) -> dict[str, Any]:
        assert self.judge is not None
        try:
            verdict = await self.judge.judge(text, item.case.facts, item.case.strategy, item.case.channel)
        except TrustdraftError as exc:
            return {"model": self.judge.model, "error": f"{exc.title}: {exc.detail}"}
        return verdict.record(self.judge.model)

    def _key(self, plan: DraftPlan, sample: int) -> str:
        return key_for(plan, sample, self.config.n, self.config.revise)

    def _resume(self) -> dict[tuple[str, str, str], DraftRecord]:
        """Records already finished in this output folder (errors are retried)."""
        done: dict[tuple[str, str, str], DraftRecord] = {}
        if self.records_path.exists():
            for line in self.records_path.read_text(encoding="utf-8").splitlines():
                try:
                    record = DraftRecord.model_validate_json(line)
                except ValueError:
                    continue  # a line cut off by an interrupted write
                if record.error is None:
                    done[_slot(record.case_id, record.requested, record.key)] = record
        return done

    def _info(self, started: str, cases: list[EvalCase]) -> RunInfo:
        return RunInfo(
            id=uuid.uuid4().hex[:12],
            started_at=started,
            finished_at=_now(),
            model=self.config.model or self.drafter.settings.default_model,
            prompts=self.config.prompts,
            cases=[c.id for c in cases],
            case_hashes={c.id: c.content_hash() for c in cases},
            repeat=self.config.repeat,
            concurrency=self.config.concurrency,
            temperature=self.config.temperature,
            seed=self.config.seed,
            judge=self.judge.model if self.judge else None,
        )


def _slot(case_id: str, requested: str, key: str) -> tuple[str, str, str]:
    """A record's place in a run: two labels that resolve to the same prompt still get one record each
    (sharing one cached model output), and so do two cases whose first requests are the same (a sectioned
    prompt's follow-up and the case it follows: the earlier messages are not in the section requests)."""
    return (case_id, requested, key)


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


def _fill(record: DraftRecord, drafted: Drafted) -> None:
    """What the draft was, as the service returned it; latency is the model's time (as first measured, when
    the output came from the cache), so cached and live runs report the same figure."""
    response = drafted.response
    record.text = drafted.text
    record.usage = response.usage
    record.latency_ms = round(sum(c.latency_ms for c in drafted.completions), 1)
    record.finish_reason = drafted.completions[-1].finish_reason if drafted.completions else None
    record.warnings = list(response.warnings)
    record.cached = bool(drafted.completions) and all(c.cached for c in drafted.completions)
    record.checks = response.checks
    record.injection = response.injection
    record.sections = response.sections


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
