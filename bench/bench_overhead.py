"""Service overhead: the service under uvicorn vs litellm.acompletion called directly, same upstream, same run.

    .venv/bin/python -m bench.bench_overhead [--quick]

For each upstream delay (0 and 300 ms) and concurrency (1, 16, 64) it drives, from this process:
  direct   - litellm.acompletion against the loopback upstream (the floor: no service at all)
  service  - POST /v1/drafts with checks (grading every draft)
  nochecks - POST /v1/drafts with options.checks=false
and reports p50/p95/p99 latency, throughput, and each percentile's excess over direct.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from typing import Any

import httpx

from bench.harness import ROOT, LoadResult, drive, service_process, upstream_process, write_results

OVERHEAD_HEADER = "x-trustdraft-overhead-ms"


def _request_body(checks: bool) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((ROOT / "examples" / "request.json").read_text())
    body["options"] = {"checks": checks}
    return body


def _messages() -> list[dict[str, str]]:
    """The exact messages the service sends for the example request, so both paths carry the same payload."""
    from service.drafting import DEFAULT_MAX_WORDS, prompt_variables
    from service.prompts import PromptRegistry
    from service.schemas import DraftRequest
    from service.settings import Settings

    request = DraftRequest.model_validate(_request_body(True))
    prompt = PromptRegistry.load(Settings().prompts_dir).resolve(None, default_id="reactive")
    max_words = request.options.max_words or DEFAULT_MAX_WORDS[request.channel]
    return prompt.render(prompt_variables(request, max_words))


async def _direct(port: int, concurrency: int, total: int) -> LoadResult:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from service.llm.runtime import litellm

    lm = litellm()
    messages = _messages()
    base = f"http://127.0.0.1:{port}/v1"

    async def call() -> float | None:
        started = asyncio.get_running_loop().time()
        try:
            await lm.acompletion(
                model="openai/fake-model",
                api_base=base,
                api_key="sk-bench",
                messages=messages,
                temperature=0.0,
                max_tokens=460,
                seed=0,
                timeout=30,
                num_retries=0,
                max_retries=0,
            )
        except Exception:
            return None
        return (asyncio.get_running_loop().time() - started) * 1000

    return await drive("direct", call, concurrency, total)


async def _service(base: str, name: str, checks: bool, concurrency: int, total: int) -> LoadResult:
    body = _request_body(checks)
    reported: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def call() -> float | None:
            started = asyncio.get_running_loop().time()
            response = await client.post("/v1/drafts", json=body)
            if response.status_code != 200:
                return None
            if OVERHEAD_HEADER in response.headers:
                reported.append(float(response.headers[OVERHEAD_HEADER]))
            return (asyncio.get_running_loop().time() - started) * 1000

        result = await drive(name, call, concurrency, total)
    if reported:
        result.extra["reported_overhead_mean_ms"] = round(sum(reported) / len(reported), 3)
    return result


def _excess(result: LoadResult, direct: LoadResult) -> dict[str, float]:
    return {
        "p50_excess_ms": round(result.p50_ms - direct.p50_ms, 3),
        "p95_excess_ms": round(result.p95_ms - direct.p95_ms, 3),
        "p99_excess_ms": round(result.p99_ms - direct.p99_ms, 3),
        "throughput_ratio": round(result.throughput_rps / direct.throughput_rps, 3),
    }


async def run(delays: list[float], concurrencies: list[int], per_worker: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for delay in delays:
        with upstream_process(delay) as port:
            env = {
                "TRUSTDRAFT_DEFAULT_MODEL": "openai/fake-model",
                "TRUSTDRAFT_API_BASE": f"http://127.0.0.1:{port}/v1",
                "TRUSTDRAFT_MODEL_API_KEY": "sk-bench",
                "TRUSTDRAFT_LOAD_LOCAL_MODEL": "false",
                # measure the service, not its guards: no rate limit, a draft bound above the load
                "TRUSTDRAFT_RATE_LIMIT": "1000000/minute",
                "TRUSTDRAFT_MAX_CONCURRENT_DRAFTS": "256",
            }
            with service_process(env) as (base, _pid):
                for concurrency in concurrencies:
                    total = max(40, concurrency * per_worker)
                    direct = await _direct(port, concurrency, total)
                    with_checks = await _service(base, "service", True, concurrency, total)
                    without = await _service(base, "nochecks", False, concurrency, total)
                    for result in (direct, with_checks, without):
                        row = {"upstream_delay_ms": delay, **result.__dict__}
                        if result is not direct:
                            row.update(_excess(result, direct))
                        rows.append(row)
                        _print_row(row)
    return rows


def _print_row(row: dict[str, Any]) -> None:
    excess = (
        f"  +p50 {row['p50_excess_ms']:7.2f}  +p95 {row['p95_excess_ms']:7.2f}  +p99 {row['p99_excess_ms']:7.2f}"
        f"  thr x{row['throughput_ratio']:.2f}"
        if "p50_excess_ms" in row
        else ""
    )
    print(
        f"delay {row['upstream_delay_ms']:>4.0f} ms  c={row['concurrency']:<3} {row['name']:<9} "
        f"p50 {row['p50_ms']:8.2f}  p95 {row['p95_ms']:8.2f}  p99 {row['p99_ms']:8.2f}  "
        f"{row['throughput_rps']:8.1f} req/s  err {row['errors']}{excess}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer requests, for a smoke run")
    args = parser.parse_args()
    per_worker = 4 if args.quick else 12
    rows = asyncio.run(run([0.0, 300.0], [1, 16, 64], per_worker))
    path = write_results("overhead", {"rows": rows, "per_worker": per_worker})
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
