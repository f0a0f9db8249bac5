"""The eval runner's own cost per evaluated draft: everything but the model call.

    .venv/bin/python -m bench.bench_runner [--cases 50] [--repeat 4]

Against the loopback upstream with no delay, in this process:
  cold  - every draft is a model call; own cost = (wall time - sum of model-call latencies) / drafts
  warm  - the same run again from the content-addressed cache: no model call at all, so the wall time
          per draft is all runner (planning, cache lookup, grading, writing records and results.json)
It also times the grading step alone, since that is most of what remains.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.harness import write_results
from evals.runner import RunConfig, Runner, eval_drafter
from service.rubric import grade
from service.settings import Settings
from tests.fake_upstream import FakeUpstream


def _settings(upstream: FakeUpstream) -> Settings:
    return Settings(
        default_model="openai/fake",
        api_base=upstream.base_url,
        model_api_key="sk-bench",
        load_local_model=False,
        retry_attempts=1,
    )


async def _timed_run(
    upstream: FakeUpstream, out: Path, cache: Path, repeat: int
) -> tuple[float, list[float], int]:
    config = RunConfig(
        prompts=["production", "candidate"], out=out, repeat=repeat, concurrency=1, cache_dir=cache
    )
    drafter = await eval_drafter(_settings(upstream), config.cache_dir)
    started = time.perf_counter()
    results = await Runner(drafter, config).run()
    wall = time.perf_counter() - started
    latencies = [r.latency_ms / 1000 for r in results.records if not r.cached]
    return wall, latencies, len(results.records)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=4, help="samples per case and prompt")
    args = parser.parse_args()
    with FakeUpstream() as upstream, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cold_wall, latencies, drafts = asyncio.run(
            _timed_run(upstream, root / "cold", root / "cache", args.repeat)
        )
        warm_wall, _, _ = asyncio.run(_timed_run(upstream, root / "warm", root / "cache", args.repeat))
        results_file = root / "warm" / "results.json"
        from evals.results import load_results

        records = load_results(results_file).records
    from evals.cases import load_cases

    facts = {c.id: c for c in load_cases()}
    started = time.perf_counter()
    for record in records:
        case = facts[record.case_id]
        grade(record.text, case.facts, case.strategy, case.channel)
    grading = (time.perf_counter() - started) / len(records)
    row = {
        "drafts": drafts,
        "cold_own_cost_ms": round((cold_wall - sum(latencies)) / drafts * 1000, 3),
        "cold_model_call_ms": round(sum(latencies) / max(1, len(latencies)) * 1000, 3),
        "warm_cost_ms": round(warm_wall / drafts * 1000, 3),
        "grading_ms": round(grading * 1000, 3),
        "warm_cost_without_grading_ms": round((warm_wall / drafts - grading) * 1000, 3),
    }
    for key, value in row.items():
        print(f"{key:32} {value}")
    print(
        f"wrote {write_results('runner', {'row': row, 'note': 'instant loopback upstream, concurrency 1'})}"
    )


if __name__ == "__main__":
    main()
