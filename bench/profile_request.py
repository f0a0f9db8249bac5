"""The service's own CPU per request with checks, by stage.

    .venv/bin/python -m bench.profile_request [--rounds 10] [--per-round 40] [--cprofile 25]

Two measurements of the example request (examples/request.json, checks on, the draft stored in SQLite),
against the loopback upstream (no delay) in its own process:

1. whole process: `trustdraft serve` (one worker) pinned to core 0, this client and the upstream on core 1;
   one request at a time, and the service's CPU time (all its threads, /proc/PID/task/*/schedstat, in
   nanoseconds) read before and after each; once with drafts stored, once with TRUSTDRAFT_STORE_DRAFTS=false. That is everything the service process spends on a request:
   uvicorn's HTTP parsing, the middlewares, routing, the stages below and the model call's client side.
2. by stage, in this process (pinned to core 0 in its turn), each stage timed with time.process_time around
   the same code the request runs: parsing and validation, plan (prompt, facts block, injection scan),
   the model call (litellm and its HTTP client; direct litellm pays this too), grading (service.rubric,
   unchanged here), injection check and response build, storing, response serialisation (FastAPI's own).
   "Web layer" is (1) minus the sum of the stages: uvicorn, Starlette, middlewares, dependencies, logging.
Rounds alternate between (1) and (2), so the load other work puts on the shared cores falls on both alike.

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
    loopback_env,
    percentile,
    pin_self,
    service_process,
    upstream_process,
    write_results,
)

STAGES = ("parse", "plan", "model call", "grading", "injection and response", "storing", "serialisation")


class WholeProcess:
    """A running service (pinned to the measured core) and the CPU it spends on each request sent to it."""

    def __init__(self, base: str, pid: int) -> None:
        self.client = httpx.AsyncClient(base_url=base, timeout=60)
        self.pid = pid
        self.body = request_body(True)
        self.spent: list[float] = []

    async def send(self, requests: int, *, record: bool = True) -> None:
        for _ in range(requests):
            before = cpu_seconds(self.pid)
            (await self.client.post("/v1/drafts", json=self.body)).raise_for_status()
            if record:
                self.spent.append((cpu_seconds(self.pid) - before) * 1000)


class Stages:
    """The request path's stages run in this process, each timed with time.process_time; CPU ms per stage."""

    def __init__(self, port: int, database: Path) -> None:
        self.port, self.database = port, database
        self.spent: dict[str, list[float]] = {stage: [] for stage in STAGES}

    async def start(self) -> None:
        from fastapi.routing import APIRoute

        from service.api import drafts
        from service.app import build_desk
        from service.drafting import build_drafter
        from service.settings import Settings

        os.environ.update(loopback_env(self.port, self.database))  # the settings the service runs with
        settings = Settings()
        self.drafter = await build_drafter(settings)
        desk = await build_desk(settings)
        assert desk is not None
        self.desk = desk
        self.route = next(r for r in drafts.router.routes if isinstance(r, APIRoute) and r.path == "/v1/drafts")
        self.raw = json.dumps(request_body(True)).encode()

    async def run(self, requests: int, *, record: bool = True) -> None:
        for _ in range(requests):
            await self._one(record)

    async def _one(self, record: bool) -> None:
        from fastapi.routing import serialize_response

        from service.drafting.injection import check_output
        from service.drafting.response import build_response
        from service.review import Actor
        from service.schemas import DraftRequest
        from service.settings import Role

        drafter, spent = self.drafter, _Timer(self.spent, record)
        request = spent("parse", lambda: DraftRequest.model_validate(json.loads(self.raw)))
        plan = spent("plan", lambda: drafter.plan(request))
        completion = await spent.awaiting("model call", lambda: drafter.gateway.complete(
            plan.messages, model=plan.model, sampling=plan.sampling))
        checks = spent("grading", lambda: drafter.check_safely(completion.text, plan))
        response = spent("injection and response", lambda: build_response(
            plan, completion, checks, 1.0, check_output(completion.text, plan.suspicions or [], checks)))
        actor = Actor("key:bench", Role.drafter)
        await spent.awaiting("storing", lambda: self.desk.record([(request, response, request.facts)], actor, "b"))
        await spent.awaiting("serialisation", lambda: serialize_response(  # FastAPI's own, as the route runs it
            field=self.route.response_field, response_content=response, exclude_none=True, dump_json=True))


class _Timer:
    def __init__(self, spent: dict[str, list[float]], record: bool) -> None:
        self.spent, self.record = spent, record

    def __call__(self, stage: str, work: Callable[[], Any]) -> Any:
        started = time.process_time()
        result = work()
        self._note(stage, started)
        return result

    async def awaiting(self, stage: str, work: Callable[[], Awaitable[Any]]) -> Any:
        started = time.process_time()
        result = await work()
        self._note(stage, started)
        return result

    def _note(self, stage: str, started: float) -> None:
        if self.record:
            self.spent[stage].append((time.process_time() - started) * 1000)


async def measure(port: int, rounds: int, per_round: int, profiler: cProfile.Profile | None) -> dict[str, Any]:
    """Rounds alternate between the two services and the in-process stages, so the load other work puts on the
    shared machine falls on all three alike (the web layer is a difference between them)."""
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "bench.sqlite3"
        with service_process(loopback_env(port, database, True), cores=MEASURED_CORE) as stored, \
                service_process(loopback_env(port, database, False), cores=MEASURED_CORE) as unstored:
            services = {"stored": WholeProcess(*stored), "unstored": WholeProcess(*unstored)}
            stages = Stages(port, Path(scratch) / "stages.sqlite3")
            pin_self(MEASURED_CORE)
            await stages.start()
            await stages.run(20, record=False)  # litellm's and the graders' first-call set-up
            for service in services.values():
                await service.send(20, record=False)
            for _ in range(rounds):
                pin_self(LOAD_CORE)
                for service in services.values():
                    await service.send(per_round)
                pin_self(MEASURED_CORE)
                if profiler is not None:
                    profiler.enable()
                await stages.run(per_round)
                if profiler is not None:
                    profiler.disable()
            for service in services.values():
                await service.client.aclose()
            stages.desk.store.close()
    return {"whole": {name: service.spent for name, service in services.items()}, "stages": stages.spent}


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
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-round", type=int, default=40, help="requests per round, for each of the three")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="print the N costliest functions")
    args = parser.parse_args()
    profiler = cProfile.Profile() if args.cprofile else None
    with upstream_process(0.0, cores=LOAD_CORE) as port:
        measured = asyncio.run(measure(port, args.rounds, args.per_round, profiler))
    result = report(measured["whole"], measured["stages"])
    _print(result)
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
    path = write_results("profile_request", {"rounds": args.rounds, "per_round": args.per_round, **result})
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
