"""What storing a draft costs a request: the service with storage on (SQLite) vs off, same upstream, same run.

    .venv/bin/python -m bench.bench_storage [--quick]

Two `trustdraft serve` processes against one loopback upstream (no delay), TRUSTDRAFT_STORE_DRAFTS on and
off; rounds alternate between them so drift hits both alike. For concurrency 1 and 16 it reports p50/p95
client latency and the service's own time (x-trustdraft-overhead-ms), with the difference and the ratio
on/off. The target: storing adds <= 2 ms to the p50 on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench.harness import (
    ROOT,
    LoadResult,
    draft_call,
    drive,
    loopback_env,
    percentile,
    service_process,
    upstream_process,
    write_results,
)

ROUNDS = 8


def _body() -> dict[str, Any]:
    body: dict[str, Any] = json.loads((ROOT / "examples" / "request.json").read_text())
    return body


async def _round(base: str, name: str, concurrency: int, total: int, own: list[float]) -> LoadResult:
    body = _body()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        return await drive(name, draft_call(client, body, own), concurrency, total)


def _summary(name: str, concurrency: int, rounds: list[LoadResult], own: list[float]) -> dict[str, Any]:
    return {
        "name": name,
        "concurrency": concurrency,
        "requests": sum(r.requests for r in rounds),
        "errors": sum(r.errors for r in rounds),
        "p50_ms": round(statistics.median(r.p50_ms for r in rounds), 3),
        "p95_ms": round(statistics.median(r.p95_ms for r in rounds), 3),
        "own_p50_ms": round(percentile(own, 50), 3),
        "own_p95_ms": round(percentile(own, 95), 3),
    }


async def run(concurrencies: list[int], per_round: int) -> list[dict[str, Any]]:
    rows = []
    with upstream_process(0.0) as port, tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "bench.sqlite3"
        with service_process(loopback_env(port, database, True)) as (on, _), service_process(
            loopback_env(port, database, False)
        ) as (off, _):
            for concurrency in concurrencies:
                results: dict[str, tuple[list[LoadResult], list[float]]] = {"on": ([], []), "off": ([], [])}
                for _ in range(ROUNDS):
                    for name, base in (("on", on), ("off", off)):
                        rounds, own = results[name]
                        rounds.append(await _round(base, name, concurrency, per_round * concurrency, own))
                on_row = _summary("storage on", concurrency, *results["on"])
                off_row = _summary("storage off", concurrency, *results["off"])
                row = {
                    "concurrency": concurrency,
                    "on": on_row,
                    "off": off_row,
                    "p50_difference_ms": round(on_row["p50_ms"] - off_row["p50_ms"], 3),
                    "p50_ratio": round(on_row["p50_ms"] / off_row["p50_ms"], 3),
                    "own_p50_difference_ms": round(on_row["own_p50_ms"] - off_row["own_p50_ms"], 3),
                    "own_p50_ratio": round(on_row["own_p50_ms"] / off_row["own_p50_ms"], 3),
                }
                rows.append(row)
                print(
                    f"c={concurrency:<3} p50 on {on_row['p50_ms']:7.2f} off {off_row['p50_ms']:7.2f} ms "
                    f"(+{row['p50_difference_ms']:.2f} ms, x{row['p50_ratio']:.3f}); service's own p50 "
                    f"on {on_row['own_p50_ms']:.2f} off {off_row['own_p50_ms']:.2f} ms "
                    f"(+{row['own_p50_difference_ms']:.2f} ms)",
                    flush=True,
                )
    return rows


def in_process(samples: int) -> dict[str, float]:
    """The store call itself, timed in this process (what the request path pays for it, without the noise
    of two services sharing the cores): ReviewDesk.record of the example draft, graded, into SQLite."""
    import time
    import uuid

    from service.review import Actor, ReviewDesk
    from service.rubric import grade
    from service.schemas import DraftRequest, DraftResponse
    from service.settings import Role, Settings
    from service.store import open_store
    from tests.fake_upstream import DEFAULT_REPLY

    request = DraftRequest.model_validate(_body())
    checks = grade(DEFAULT_REPLY, request.facts, request.strategy, request.channel)
    response = DraftResponse(id="x", strategy=request.strategy, channel=request.channel, text=DEFAULT_REPLY,
                             prompt={"id": "reactive", "version": "v3", "sha256": "0" * 64}, model="openai/fake-model",
                             usage={}, latency_ms=1.0, checks=checks)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as scratch:
        desk = ReviewDesk(open_store(f"sqlite:///{scratch}/bench.sqlite3"), Settings())
        actor = Actor("key:bench", Role.drafter)

        async def measure() -> list[float]:
            times = []
            for _ in range(samples):
                draft = response.model_copy(update={"id": f"drf_{uuid.uuid4().hex}"})
                started = time.perf_counter()
                await desk.record([(request, draft, request.facts)], actor, "bench")
                times.append((time.perf_counter() - started) * 1000)
            return times[samples // 10 :]  # the first tenth warms the statement cache

        times = asyncio.run(measure())
    return {"samples": len(times), "p50_ms": round(percentile(times, 50), 3), "p95_ms": round(percentile(times, 95), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer requests, for a smoke run")
    args = parser.parse_args()
    per_round = 10 if args.quick else 50
    direct = in_process(200 if args.quick else 2000)
    print(f"in process: storing one draft p50 {direct['p50_ms']:.3f} ms, p95 {direct['p95_ms']:.3f} ms", flush=True)
    rows = asyncio.run(run([1, 16], per_round))
    payload = {"in_process": direct, "rows": rows, "rounds": ROUNDS, "per_round_per_worker": per_round}
    path = write_results("storage", payload)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
