"""Eval runs over time (`trustdraft eval run --record`, `eval history`, `eval baseline pin`, `eval compare
--base-run`): runs stored in the review database, with a summary per prompt that history reads without
loading records: pass rate, mean score and pass rate per criterion, p50/p95 latency, tokens, cost, and
per case the pass rate over repeats, with the cases whose verdict flips listed as unstable."""

from __future__ import annotations

import dataclasses
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from statistics import fmean
from typing import TYPE_CHECKING, Any

from service.store import Store
from service.store import eval_runs as repo
from service.store.drafts import as_utc

if TYPE_CHECKING:  # `eval history` and `eval trend` need neither: their start-up stays short
    from evals.results import DraftRecord, RunResults
    from evals.runner import RunConfig

PINNED = "pinned:"


def store_for_evals() -> Store:
    """The review database the service uses (TRUSTDRAFT_DATABASE_URL, or SQLite at TRUSTDRAFT_DATABASE_PATH)."""
    from service.settings import Settings
    from service.store import open_store

    return open_store(Settings().sqlalchemy_url)


def git_commit(root: Path) -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    except OSError:
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def start(store: Store, *, model: str, prompts: list[str], config: dict[str, Any], label: str | None,
          commit: str | None) -> str:
    """A run row in state `running`; it only becomes `finished` with its records (a run that dies half
    way is never reported as finished)."""
    run_id = uuid.uuid4().hex[:12]
    with store.writing() as conn:
        repo.start_run(conn, run_id, model=model, prompts=prompts, config=config, label=label, git_commit=commit)
    return run_id


async def record_run(
    store: Store, config: RunConfig, label: str | None, run: Callable[[RunConfig], Awaitable[RunResults]]
) -> tuple[str, RunResults]:
    """`eval run --record`: a `running` row, the run, then its records and summary (what the CLI and the
    recording benchmark both do)."""
    from service.settings import Settings

    settings = {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(config).items()}
    run_id = start(
        store,
        model=config.model or Settings().default_model,
        prompts=config.prompts,
        config=settings,
        label=label,
        commit=git_commit(Path(__file__).resolve().parent.parent),
    )
    started = time.perf_counter()
    results = await run(config)
    finish(store, run_id, results, time.perf_counter() - started)
    return run_id, results


def finish(store: Store, run_id: str, results: RunResults, seconds: float) -> dict[str, Any]:
    summary = summarise(results, seconds)
    records = [r.model_dump(mode="json") for r in results.records]
    with store.writing() as conn:
        repo.finish_run(conn, run_id, records, summary)
    return summary


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else 0.0


def summarise(results: RunResults, seconds: float) -> dict[str, Any]:
    versions = {r.version_ref: r.prompt.sha256 for r in results.records}
    return {
        "duration_s": round(seconds, 2),
        "prompt_versions": {ref: ref for ref in sorted(versions)},
        "hashes": versions,
        "cases": sorted({r.case_id for r in results.records}),
        "case_hashes": results.run.case_hashes,
        "prompts": {requested: _prompt_summary([r for r in results.records if r.requested == requested])
                    for requested in results.versions()},
        "by_version": _by_version(results),
    }


def _by_version(results: RunResults) -> dict[str, dict[str, Any]]:
    """The summary per prompt version (what `eval trend --prompt reactive` follows), each from the first
    requested prompt that drafted it, so two labels naming one version do not count its drafts twice."""
    found: dict[str, dict[str, Any]] = {}
    for requested in results.versions():
        records = [r for r in results.records if r.requested == requested]
        for ref in dict.fromkeys(r.version_ref for r in records):
            if ref not in found:
                found[ref] = {**_prompt_summary([r for r in records if r.version_ref == ref]), "requested": requested}
    return found


def _prompt_summary(records: list[DraftRecord]) -> dict[str, Any]:
    graded = [r for r in records if r.checks is not None]
    latencies = [r.latency_ms for r in graded]
    criteria: dict[str, list[bool]] = {}
    for record in graded:
        for c in record.checks.criteria if record.checks else []:
            if c.applicable:
                criteria.setdefault(c.criterion.value, []).append(c.passed)
    per_case = _per_case(graded)
    prompt_tokens = sum(r.usage.prompt_tokens for r in records)
    completion_tokens = sum(r.usage.completion_tokens for r in records)
    model = records[0].model if records else ""
    return {
        "drafts": len(records),
        "versions": sorted({r.version_ref for r in records}),
        "errors": sum(r.error is not None for r in records),
        "pass_rate": round(fmean([r.checks.passed for r in graded if r.checks]), 4) if graded else 0.0,
        "mean_score": round(fmean([r.checks.score for r in graded if r.checks]), 4) if graded else 0.0,
        "criteria": {name: round(fmean(verdicts), 4) for name, verdicts in sorted(criteria.items())},
        "latency_p50_ms": round(percentile(latencies, 50), 1),
        "latency_p95_ms": round(percentile(latencies, 95), 1),
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "cost": cost_of(model, prompt_tokens, completion_tokens),
        "judge": judge_summary(records),
        "case_pass_rates": per_case,
        "unstable": sorted(case for case, rate in per_case.items() if 0 < rate < 1),
    }


def judge_summary(records: list[DraftRecord]) -> dict[str, Any] | None:
    """The LLM judge's calls, counted apart from the drafts' (None when no judge ran)."""
    calls = [r.judge for r in records if r.judge is not None]
    if not calls:
        return None
    prompt_tokens = sum(c.get("prompt_tokens", 0) for c in calls)
    completion_tokens = sum(c.get("completion_tokens", 0) for c in calls)
    return {
        "model": calls[0]["model"],
        "calls": len(calls),
        "errors": sum("error" in c for c in calls),
        "cached": sum(bool(c.get("cached")) for c in calls),
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "cost": cost_of(calls[0]["model"], prompt_tokens, completion_tokens),
    }


def _per_case(graded: list[DraftRecord]) -> dict[str, float]:
    """Per case, the share of its samples (repeats) that passed."""
    verdicts: dict[str, list[bool]] = {}
    for record in graded:
        if record.checks is not None:
            verdicts.setdefault(record.case_id, []).append(record.checks.passed)
    return {case: round(fmean(passed), 4) for case, passed in sorted(verdicts.items())}


def cost_of(model: str, prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    """USD where litellm knows the model's price; the embedded model costs nothing and says so."""
    if model.startswith("local/"):
        return {"usd": 0.0, "priced": False, "note": "embedded model"}
    try:
        from service.llm.runtime import litellm

        prompt_usd, completion_usd = litellm().cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
        )
    except Exception:
        return {"usd": None, "priced": False, "note": "litellm has no price for this model"}
    return {"usd": round(prompt_usd + completion_usd, 6), "priced": True}


def load_run(store: Store, reference: str) -> RunResults:
    """A stored run as results: by id, or `pinned:<prompt id>` for the baseline pinned for that prompt."""
    from evals.results import DraftRecord, RunInfo, RunResults

    with store.reading() as conn:
        run_id = repo.pinned_run(conn, reference[len(PINNED):]) if reference.startswith(PINNED) else reference
        if run_id is None:
            raise ValueError(f"no baseline is pinned for {reference[len(PINNED):]!r} (eval baseline pin RUN)")
        run = repo.get_run(conn, run_id)
        if run is None:
            raise ValueError(f"no stored run {run_id!r}")
        if run.status != "finished":
            raise ValueError(f"run {run_id} did not finish; it cannot be compared")
        records = repo.run_records(conn, run_id)
    info = RunInfo(
        id=run.id, started_at=as_utc(run.started_at).isoformat(), finished_at=as_utc(run.finished_at).isoformat()
        if run.finished_at else None, model=run.model, prompts=run.prompts, cases=(run.summary or {}).get("cases", []),
        repeat=run.config.get("repeat", 1), concurrency=run.config.get("concurrency", 1),
        temperature=run.config.get("temperature"), seed=run.config.get("seed", 0),
    )
    return RunResults(run=info, records=[DraftRecord.model_validate(r) for r in records])


def pin(store: Store, run_id: str, prompt_ids: list[str] | None) -> list[str]:
    """Pin a finished run as the baseline of the given prompt ids (default: every prompt id it ran)."""
    with store.writing() as conn:
        run = repo.get_run(conn, run_id)
        if run is None or run.status != "finished":
            raise ValueError(f"no finished run {run_id!r}")
        ids = prompt_ids or sorted({ref.split("@")[0] for ref in (run.summary or {}).get("prompt_versions", {})})
        for prompt_id in ids:
            repo.pin_baseline(conn, prompt_id, run_id)
    return ids


def history_rows(store: Store, where: repo.RunFilter, limit: int) -> list[dict[str, Any]]:
    with store.reading() as conn:
        runs = repo.history(conn, where, limit)
    return [
        {
            "id": run.id,
            "started_at": as_utc(run.started_at).isoformat(timespec="seconds"),
            "status": "finished" if run.status == "finished" else "incomplete",
            "label": run.label,
            "model": run.model,
            "commit": (run.git_commit or "")[:10],
            "prompts": {k: {"pass_rate": v["pass_rate"], "mean_score": v["mean_score"], "unstable": len(v["unstable"]),
                            "cost_usd": v["cost"]["usd"],
                            "judge_cost_usd": (v.get("judge") or {}).get("cost", {}).get("usd")}
                        for k, v in ((run.summary or {}).get("prompts") or {}).items()},
            "duration_s": (run.summary or {}).get("duration_s"),
        }
        for run in runs
    ]
