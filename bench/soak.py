"""Soak: hundreds of concurrent requests for a while against an upstream that fails 10% of the time.

    .venv/bin/python -m bench.soak [--seconds 60] [--concurrency 200] [--fault-rate 0.1]

The service runs under uvicorn in its own process; the upstream (its own process) answers after a short
delay and gives a random fault (429, 500, 503, reset, truncated, malformed, empty, content filter, a 3 s
stall) to the given share of requests. Reports: statuses seen, any 500 from the service itself (there
should be none), the slowest answer against the deadline as the client saw it and as the service
did (Server-Timing: time from the request reaching the app to its response), and the RSS at start and end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from typing import Any

import httpx

from bench.harness import ROOT, percentile, rss_mb, service_process, upstream_process, write_results

DEADLINE_S = 5.0


async def soak(base: str, pid: int, seconds: float, concurrency: int) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((ROOT / "examples" / "request.json").read_text())
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    in_app: list[float] = []  # the service's own view (Server-Timing app;dur): excludes queueing before it
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    rss_start = rss_mb(pid)
    stop_at = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=DEADLINE_S + 10, limits=limits) as client:

        async def worker() -> None:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    response = await client.post("/v1/drafts", json=body)
                    statuses[str(response.status_code)] += 1
                    timing = response.headers.get("server-timing", "")
                    if timing.startswith("app;dur="):
                        in_app.append(float(timing.split(",")[0].removeprefix("app;dur=")))
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        health = (await client.get("/healthz")).status_code
    return {
        "seconds": seconds,
        "concurrency": concurrency,
        "requests": sum(statuses.values()),
        "statuses": dict(statuses.most_common()),
        "service_500s": statuses.get("500", 0),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
        "deadline_ms": DEADLINE_S * 1000,
        "in_app_p99_ms": round(percentile(in_app, 99), 1),
        "in_app_max_ms": round(max(in_app), 1),
        "healthz_after": health,
        "rss_start_mb": round(rss_start, 1),
        "rss_end_mb": round(rss_mb(pid), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument("--delay-ms", type=float, default=50)
    args = parser.parse_args()
    with upstream_process(args.delay_ms, args.fault_rate) as port:
        env = {
            "TRUSTDRAFT_DEFAULT_MODEL": "openai/fake-model",
            "TRUSTDRAFT_API_BASE": f"http://127.0.0.1:{port}/v1",
            "TRUSTDRAFT_MODEL_API_KEY": "sk-soak",
            "TRUSTDRAFT_LOAD_LOCAL_MODEL": "false",
            "TRUSTDRAFT_REQUEST_TIMEOUT_S": "2",
            "TRUSTDRAFT_REQUEST_DEADLINE_S": str(DEADLINE_S),
            "TRUSTDRAFT_RETRY_MAX_WAIT_S": "0.5",
            "TRUSTDRAFT_RATE_LIMIT": "1000000/minute",
            "TRUSTDRAFT_MAX_CONCURRENT_DRAFTS": "64",
        }
        with service_process(env) as (base, pid):
            result = asyncio.run(soak(base, pid, args.seconds, args.concurrency))
    result.update(upstream_delay_ms=args.delay_ms, fault_rate=args.fault_rate)
    print(json.dumps(result, indent=2))
    path = write_results("soak", result)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
