"""Service overhead: the service under uvicorn vs litellm.acompletion called directly, same upstream, same run.

    .venv/bin/python -m bench.bench_overhead                       # 300 ms upstream, concurrency 16, 5 rounds
    .venv/bin/python -m bench.bench_overhead --delays 0 300 --concurrency 1 16 64 --rounds 3
    .venv/bin/python -m bench.bench_overhead --views pinned        # or workers2

Two views:
  pinned   - with `taskset`: the service (one uvicorn worker), and direct litellm in its turn, on core 0; this
             load generator and the loopback upstream on core 1. Both sides get the same one core, so the
             throughput ratio compares like with like.
  workers2 - nothing pinned, the service with `--workers 2`: the absolute figures on this machine, where the
             load generator and the upstream share the cores with the service.

In each round, for each upstream delay and concurrency, it runs:
  direct    - litellm.acompletion in its own process (bench/direct_litellm.py): the floor, no service at all
  service   - POST /v1/drafts with checks, drafts stored (SQLite, the default)
  unstored  - the same with TRUSTDRAFT_STORE_DRAFTS=false (what storing costs)
  nochecks  - options.checks=false, drafts stored
  bare      - options.checks=false, nothing stored: the service's own floor (HTTP, validation, prompt, response)
and reports per mode the median over rounds of p50/p95/p99, throughput, each round's excess over that
round's direct run (median and range), the service's own time header and, pinned, the CPU per request of
the measured process. Rounds alternate the modes so drift on the shared machine hits all of them alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.direct_litellm import request_body
from bench.harness import (
    LOAD_CORE,
    MEASURED_CORE,
    PYTHON,
    ROOT,
    LoadResult,
    cpu_seconds,
    draft_call,
    drive,
    loopback_env,
    percentile,
    pin_self,
    pinned,
    service_process,
    upstream_process,
    write_results,
)

WARMUP = 5


@dataclass(frozen=True)
class View:
    name: str
    measured: str | None  # cores for the service and for direct litellm; None: not pinned
    load: str  # cores for this load generator and the upstream
    workers: int


ALL_CORES = f"0-{(os.cpu_count() or 1) - 1}"
VIEWS = {
    "pinned": View("pinned", MEASURED_CORE, LOAD_CORE, 1),
    "workers2": View("workers2", None, ALL_CORES, 2),
}


@dataclass(frozen=True)
class Service:
    """One running service: where it listens, its pid (its CPU is read from /proc), whether to ask for checks."""

    base: str
    pid: int
    checks: bool


async def direct_round(view: View, port: int, concurrency: int, total: int) -> LoadResult:
    """One round of direct litellm, in its own process on the measured core."""
    command = [PYTHON, "-m", "bench.direct_litellm", "--port", str(port), "--concurrency", str(concurrency),
               "--total", str(total)]
    proc = await asyncio.create_subprocess_exec(
        *pinned(command, view.measured), cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"direct litellm failed with exit status {proc.returncode}")
    return LoadResult(**json.loads(out.decode().strip().splitlines()[-1]))


async def service_round(name: str, service: Service, concurrency: int, total: int, cpu: bool) -> LoadResult:
    body = request_body(service.checks)
    own: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=service.base, timeout=60, limits=limits) as client:
        call = draft_call(client, body, own)
        for _ in range(WARMUP):
            await call()
        own.clear()
        cpu_before = cpu_seconds(service.pid) if cpu else 0.0
        result = await drive(name, call, concurrency, total, warmup=0)
        if cpu:
            result.extra["cpu_ms_per_request"] = round((cpu_seconds(service.pid) - cpu_before) * 1000 / total, 3)
    result.extra["own_p50_ms"] = round(percentile(own, 50), 3)
    return result


def summarise(name: str, rounds: list[LoadResult], directs: list[LoadResult]) -> dict[str, Any]:
    """Medians over rounds; each round's excess is against the direct run of the same round."""
    row: dict[str, Any] = {
        "name": name,
        "rounds": len(rounds),
        "requests": sum(r.requests for r in rounds),
        "errors": sum(r.errors for r in rounds),
        **{key: _median(getattr(r, key) for r in rounds) for key in ("p50_ms", "p95_ms", "p99_ms", "throughput_rps")},
        "p50_range_ms": _range(r.p50_ms for r in rounds),
    }
    for key in ("own_p50_ms", "cpu_ms_per_request"):
        if all(key in r.extra for r in rounds):
            row[key] = _median(r.extra[key] for r in rounds)
    if rounds is not directs:
        excess = [r.p50_ms - d.p50_ms for r, d in zip(rounds, directs, strict=True)]
        ratio = [r.throughput_rps / d.throughput_rps for r, d in zip(rounds, directs, strict=True)]
        row.update(p50_excess_ms=_median(excess), p50_excess_range_ms=_range(excess),
                   throughput_ratio=_median(ratio), throughput_ratio_range=_range(ratio))
    return row


def _median(values: Any) -> float:
    return round(float(statistics.median(list(values))), 3)


def _range(values: Any) -> list[float]:
    listed = list(values)
    return [round(min(listed), 3), round(max(listed), 3)]


async def run_view(view: View, delays: list[float], concurrencies: list[int], rounds: int,
                   per_worker: int) -> list[dict[str, Any]]:
    pin_self(view.load)  # children started without taskset inherit this
    rows: list[dict[str, Any]] = []
    for delay in delays:
        with upstream_process(delay, cores=view.load) as port, tempfile.TemporaryDirectory() as scratch:
            database = Path(scratch) / "bench.sqlite3"
            on, off = loopback_env(port, database, True), loopback_env(port, database, False)
            with service_process(on, cores=view.measured, workers=view.workers) as (stored, stored_pid), \
                    service_process(off, cores=view.measured, workers=view.workers) as (unstored, unstored_pid):
                services = {
                    "service": Service(stored, stored_pid, True),
                    "unstored": Service(unstored, unstored_pid, True),
                    "nochecks": Service(stored, stored_pid, False),
                    "bare": Service(unstored, unstored_pid, False),
                }
                for concurrency in concurrencies:
                    total = max(40, concurrency * per_worker)
                    found = await _rounds(view, port, services, concurrency, total, rounds)
                    for name, results in found.items():
                        row = {"view": view.name, "upstream_delay_ms": delay, "concurrency": concurrency,
                               **summarise(name, results, found["direct"])}
                        rows.append(row)
                        _print_row(row)
    return rows


async def _rounds(view: View, port: int, services: dict[str, Service], concurrency: int, total: int,
                  rounds: int) -> dict[str, list[LoadResult]]:
    found: dict[str, list[LoadResult]] = {name: [] for name in ("direct", *services)}
    for _ in range(rounds):
        found["direct"].append(await direct_round(view, port, concurrency, total))
        for name, service in services.items():
            # one worker: its pid is the process doing the work; with more, the work is in its children
            found[name].append(await service_round(name, service, concurrency, total, cpu=view.workers == 1))
    return found


def _print_row(row: dict[str, Any]) -> None:
    excess = (
        f"  +p50 {row['p50_excess_ms']:7.2f} {row['p50_excess_range_ms']}  thr x{row['throughput_ratio']:.3f} "
        f"{row['throughput_ratio_range']}  own p50 {row['own_p50_ms']:.2f}"
        if "p50_excess_ms" in row
        else ""
    )
    cpu = f"  cpu/req {row['cpu_ms_per_request']:.2f} ms" if "cpu_ms_per_request" in row else ""
    print(
        f"{row['view']:<8} delay {row['upstream_delay_ms']:>4.0f} ms  c={row['concurrency']:<3} {row['name']:<9} "
        f"p50 {row['p50_ms']:8.2f} {row['p50_range_ms']}  p95 {row['p95_ms']:8.2f}  p99 {row['p99_ms']:8.2f}  "
        f"{row['throughput_rps']:7.1f} req/s  err {row['errors']}{excess}{cpu}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--views", nargs="+", choices=sorted(VIEWS), default=["pinned", "workers2"])
    parser.add_argument("--delays", nargs="+", type=float, default=[300.0], help="upstream delays, ms")
    parser.add_argument("--concurrency", nargs="+", type=int, default=[16])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per mode (the spread is reported)")
    parser.add_argument("--per-worker", type=int, default=12, help="requests per round = this x concurrency")
    parser.add_argument("--out", default="overhead", help="results file name in bench/results/")
    args = parser.parse_args()
    if "/" in args.out or args.out.endswith(".json"):
        parser.error(f"--out is a name for bench/results/NAME.json, not a path: {args.out!r}")
    rows = []
    for name in args.views:
        rows += asyncio.run(run_view(VIEWS[name], args.delays, args.concurrency, args.rounds, args.per_worker))
    payload = {"rows": rows, "rounds": args.rounds, "per_worker": args.per_worker, "argv": sys.argv[1:]}
    path = write_results(args.out, payload)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
