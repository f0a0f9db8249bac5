"""The service's own CPU per request with checks, by stage.

    .venv/bin/python -m bench.profile_request [--requests 400] [--cprofile 25]

Two measurements of the example request (examples/request.json, checks on, the draft stored in SQLite),
against the loopback upstream (no delay) in its own process:

1. whole process: `trustdraft serve` (one worker) pinned to core 0, this client and the upstream on core 1;
   one request at a time, and the service's CPU time (all its threads, /proc/PID/task/*/schedstat, in
   nanoseconds) read before and after each. That is everything the service process spends on a request:
   uvicorn's HTTP parsing, the middlewares, routing, the stages below and the model call's client side.
2. by stage, in this process (pinned to core 0 in its turn), each stage timed with time.process_time around
   the same code the request runs: parsing and validation, plan (prompt, facts block, injection scan),
   the model call (litellm and its HTTP client; direct litellm pays this too), grading (service.rubric,
   unchanged here), injection check and response build, storing, response serialisation (FastAPI's own).
   "Web layer" is (1) minus the sum of the stages: uvicorn, Starlette, middlewares, dependencies, logging.

"Own CPU" is the whole process minus the model call: what the service adds to a litellm call.
With --cprofile N it also prints the N most expensive functions of the in-process stages (cumulative).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from bench.direct_litellm import request_body
from bench.harness import (
    LOAD_CORE,
    MEASURED_CORE,
    ROOT,
    cpu_seconds,
    percentile,
    pin_self,
    service_process,
    upstream_process,
    write_results,
)

STAGES = ("parse", "plan", "model call", "grading", "injection and response", "storing", "serialisation")


def _env(port: int, database: Path) -> dict[str, str]:
    return {
        "TRUSTDRAFT_DEFAULT_MODEL": "openai/fake-model",
        "TRUSTDRAFT_API_BASE": f"http://127.0.0.1:{port}/v1",
        "TRUSTDRAFT_MODEL_API_KEY": "sk-bench",
        "TRUSTDRAFT_LOAD_LOCAL_MODEL": "false",
        "TRUSTDRAFT_RATE_LIMIT": "1000000/minute",
        "TRUSTDRAFT_DATABASE_PATH": str(database),
    }


def whole_process(port: int, requests: int, store: bool) -> list[float]:
    """CPU ms the service process spends on each of `requests` sequential requests."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {**_env(port, Path(scratch) / "bench.sqlite3"), "TRUSTDRAFT_STORE_DRAFTS": str(store).lower()}
        with service_process(env, cores=MEASURED_CORE) as (base, pid), httpx.Client(base_url=base) as client:
            body = request_body(True)
            for _ in range(20):  # litellm's and the graders' first-call set-up
                client.post("/v1/drafts", json=body).raise_for_status()
            time.sleep(0.5)  # let start-up work (logging threads, the first checkpoint) settle
            spent = []
            for _ in range(requests):
                before = cpu_seconds(pid)
                client.post("/v1/drafts", json=body).raise_for_status()
                spent.append((cpu_seconds(pid) - before) * 1000)
    return spent


class StageClock:
    """CPU ms per stage, one list per stage."""

    def __init__(self) -> None:
        self.spent: dict[str, list[float]] = {stage: [] for stage in STAGES}

    def time(self, stage: str, work: Callable[[], Any]) -> Any:
        started = time.process_time()
        result = work()
        self.spent[stage].append((time.process_time() - started) * 1000)
        return result

    async def time_async(self, stage: str, work: Callable[[], Awaitable[Any]]) -> Any:
        started = time.process_time()
        result = await work()
        self.spent[stage].append((time.process_time() - started) * 1000)
        return result


async def by_stage(port: int, requests: int, profiler: cProfile.Profile | None) -> dict[str, list[float]]:
    """Each stage of the request path, in this process, `requests` times (after a warm-up)."""
    from fastapi.routing import APIRoute, serialize_response

    from service.api import drafts
    from service.app import build_desk
    from service.drafting import build_drafter
    from service.drafting.injection import check_output, scan_facts
    from service.drafting.response import build_response
    from service.review import Actor
    from service.schemas import DraftRequest
    from service.settings import Role, Settings

    with tempfile.TemporaryDirectory() as scratch:
        os.environ.update(_env(port, Path(scratch) / "bench.sqlite3"))  # the settings the service runs with
        settings = Settings()
        drafter = await build_drafter(settings)
        desk = await build_desk(settings)
        assert desk is not None
        route = next(r for r in drafts.router.routes if isinstance(r, APIRoute) and r.path == "/v1/drafts")
        raw = json.dumps(request_body(True)).encode()
        actor = Actor("key:bench", Role.drafter)
        clock = StageClock()

        async def one() -> None:
            request = clock.time("parse", lambda: DraftRequest.model_validate(json.loads(raw)))
            plan = clock.time("plan", lambda: drafter.plan(request))
            completion = await clock.time_async("model call", lambda: drafter.gateway.complete(
                plan.messages, model=plan.model, sampling=plan.sampling))
            checks = clock.time("grading", lambda: drafter.check_safely(completion.text, plan))
            response = clock.time("injection and response", lambda: build_response(
                plan, completion, checks, 1.0, check_output(completion.text, scan_facts(plan.facts), checks)))
            await clock.time_async("storing", lambda: desk.record([(request, response, request.facts)], actor, "b"))
            await clock.time_async("serialisation", lambda: serialize_response(  # FastAPI's own, as it runs it
                field=route.response_field, response_content=response, exclude_none=True, dump_json=True))

        for _ in range(20):
            await one()
        clock.spent = {stage: [] for stage in STAGES}
        if profiler is not None:
            profiler.enable()
        for _ in range(requests):
            await one()
        if profiler is not None:
            profiler.disable()
        desk.store.close()
    return clock.spent


def _summary(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(values, 50), 3), "p95_ms": round(percentile(values, 95), 3),
            "mean_ms": round(statistics.fmean(values), 3)}


def report(whole: dict[str, list[float]], stages: dict[str, list[float]]) -> dict[str, Any]:
    stage_rows = {stage: _summary(values) for stage, values in stages.items()}
    stored = _summary(whole["stored"])
    in_stages = sum(row["p50_ms"] for row in stage_rows.values())
    model = stage_rows["model call"]["p50_ms"]
    return {
        "whole_process": {"stored": stored, "unstored": _summary(whole["unstored"])},
        "stages": stage_rows,
        "web_layer_p50_ms": round(stored["p50_ms"] - in_stages, 3),
        "own_cpu_p50_ms": round(stored["p50_ms"] - model, 3),
        "own_cpu_unstored_p50_ms": round(_summary(whole["unstored"])["p50_ms"] - model, 3),
    }


def _print(result: dict[str, Any]) -> None:
    for name, row in result["whole_process"].items():
        print(f"whole service process, drafts {name:<8}: p50 {row['p50_ms']:6.3f}  p95 {row['p95_ms']:6.3f}  "
              f"mean {row['mean_ms']:6.3f} ms CPU per request")
    for stage, row in result["stages"].items():
        print(f"  {stage:<24} p50 {row['p50_ms']:6.3f}  p95 {row['p95_ms']:6.3f}  mean {row['mean_ms']:6.3f} ms")
    print(f"  {'web layer (the rest)':<24} p50 {result['web_layer_p50_ms']:6.3f} ms")
    print(f"own CPU per request (whole process minus the model call): p50 {result['own_cpu_p50_ms']:.3f} ms "
          f"stored, {result['own_cpu_unstored_p50_ms']:.3f} ms unstored", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="print the N costliest functions")
    args = parser.parse_args()
    profiler = cProfile.Profile() if args.cprofile else None
    with upstream_process(0.0, cores=LOAD_CORE) as port:
        pin_self(LOAD_CORE)
        whole = {"stored": whole_process(port, args.requests, True),
                 "unstored": whole_process(port, args.requests, False)}
        pin_self(MEASURED_CORE)
        stages = asyncio.run(by_stage(port, args.requests, profiler))
    result = report(whole, stages)
    _print(result)
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
    path = write_results("profile_request", {"requests": args.requests, **result})
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
