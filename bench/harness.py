"""Shared benchmark plumbing: start the loopback upstream and the service as their own processes,
drive load at a fixed concurrency, and summarise latencies. Benchmarks report; they never assert."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
# Pinned runs: what is measured (the service, or direct litellm in its turn) on one core; the load generator and
# the loopback upstream on the other, so neither steals the measured process's CPU.
MEASURED_CORE = "0"
LOAD_CORE = "1"


def pinned(command: list[str], cores: str | None) -> list[str]:
    """`command` under `taskset -c cores` (util-linux), or as it is when cores is None."""
    return command if cores is None else [_taskset(), "-c", cores, *command]


def pin_self(cores: str) -> None:
    """Pin this process, every thread it has, to `cores` (the load generator's core)."""
    subprocess.run([_taskset(), "-a", "-p", "-c", cores, str(os.getpid())], check=True, stdout=subprocess.DEVNULL)


def _taskset() -> str:
    found = shutil.which("taskset")
    if found is None:
        raise RuntimeError("pinned benchmarks need taskset (Debian util-linux; scripts/setup.sh dev installs it)")
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far, all its threads, in nanosecond resolution (/proc/PID/task/*/schedstat;
    /proc/PID/stat counts in 10 ms ticks, too coarse for one request)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):  # a thread that ended since the listing
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def loopback_env(port: int, database: Path, store: bool = True) -> dict[str, str]:
    """The service's settings for a benchmark: the loopback upstream's fake model, drafts stored (or not) in
    `database`, and no guard in the way (no rate limit to speak of, a draft bound above any load)."""
    return {
        "TRUSTDRAFT_DEFAULT_MODEL": "openai/fake-model",
        "TRUSTDRAFT_API_BASE": f"http://127.0.0.1:{port}/v1",
        "TRUSTDRAFT_MODEL_API_KEY": "sk-bench",
        "TRUSTDRAFT_LOAD_LOCAL_MODEL": "false",
        "TRUSTDRAFT_RATE_LIMIT": "1000000/minute",
        "TRUSTDRAFT_MAX_CONCURRENT_DRAFTS": "256",
        "TRUSTDRAFT_STORE_DRAFTS": str(store).lower(),
        "TRUSTDRAFT_DATABASE_PATH": str(database),
    }


@contextlib.contextmanager
def upstream_process(delay_ms: float, fault_rate: float = 0.0, cores: str | None = None) -> Iterator[int]:
    """The fake OpenAI-compatible upstream in its own process (on `cores` when given); yields its port."""
    port = free_port()
    command = [PYTHON, "-m", "tests.fake_upstream", "--port", str(port), "--delay-ms", str(delay_ms),
               "--fault-rate", str(fault_rate)]
    proc = subprocess.Popen(pinned(command, cores), cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if "listening" not in line:
            raise RuntimeError(f"upstream did not start: {line!r}")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def service_process(
    env: dict[str, str],
    ready_path: str = "/readyz",
    timeout: float = 120,
    *,
    cores: str | None = None,
    workers: int = 1,
) -> Iterator[tuple[str, int]]:
    """`trustdraft serve` under uvicorn in its own process (on `cores` when given, with `workers` worker
    processes); yields its base URL and pid."""
    port = free_port()
    full_env = {
        **os.environ,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "TRUSTDRAFT_LOG_LEVEL": "WARNING",
        **env,
    }
    command = [PYTHON, "-c", "from service.cli import main; main()", "serve", "--port", str(port),
               "--workers", str(workers)]
    # stderr to a file, not a pipe nobody reads: a full pipe would block the service's event loop on logging
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(pinned(command, cores), cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base + ready_path, proc, log, timeout)
            yield base, proc.pid
        finally:
            proc.terminate()
            proc.wait(15)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: IO[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"service exited: {log.read().decode(errors='replace')[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"service not ready at {url}")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class LoadResult:
    name: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    throughput_rps: float
    extra: dict[str, float]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


OVERHEAD_HEADER = "x-trustdraft-overhead-ms"  # the service's own time per request


def draft_call(
    client: httpx.AsyncClient, body: dict[str, Any], own: list[float]
) -> Callable[[], Awaitable[float | None]]:
    """One POST /v1/drafts for `drive`: its latency in ms (None unless 200), the service's own time kept in `own`."""

    async def call() -> float | None:
        started = asyncio.get_running_loop().time()
        response = await client.post("/v1/drafts", json=body)
        if response.status_code != 200:
            return None
        own.append(float(response.headers[OVERHEAD_HEADER]))
        return (asyncio.get_running_loop().time() - started) * 1000

    return call


async def drive(
    name: str, call: Callable[[], Awaitable[float | None]], concurrency: int, total: int, warmup: int = 5
) -> LoadResult:
    """Run `total` calls with `concurrency` in flight; `call` returns its own latency in ms or None on error."""
    for _ in range(warmup):
        await call()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(total):
        queue.put_nowait(index)
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal errors
        while not queue.empty():
            queue.get_nowait()
            latency = await call()
            if latency is None:
                errors += 1
            else:
                latencies.append(latency)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    return LoadResult(
        name=name,
        concurrency=concurrency,
        requests=total,
        errors=errors,
        seconds=round(seconds, 3),
        p50_ms=round(percentile(latencies, 50), 3),
        p95_ms=round(percentile(latencies, 95), 3),
        p99_ms=round(percentile(latencies, 99), 3),
        mean_ms=round(statistics.fmean(latencies), 3) if latencies else float("nan"),
        throughput_rps=round(len(latencies) / seconds, 2),
        extra={},
    )


def machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def write_results(name: str, payload: dict[str, object]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2, default=_plain) + "\n")
    return path


def _plain(value: object) -> object:
    return asdict(value) if hasattr(value, "__dataclass_fields__") else str(value)  # type: ignore[arg-type]
