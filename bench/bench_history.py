"""Eval runs over time (issue 14): what recording costs a warm eval run, `eval history` over 1,000 stored runs,
and a trend over 100 runs rendered.

    .venv/bin/python -m bench.bench_history [--quick]

1. Recording overhead: the same warm (cached) eval run of every case with production and candidate against the
   loopback upstream, unrecorded (Runner.run) and recorded (evals.history.record_run: the running row, the git
   commit, the run, then records and summary in one transaction, as `eval run --record` does), alternating
   in this process, each round into a fresh output folder so every draft is served from the model cache and
   graded again. Reported: median wall and CPU time of each and the ratio recorded / unrecorded (target
   <= 1.05), and the recording steps timed alone (start with the git commit, then finish) as a share of the
   unrecorded run, since the difference is smaller than the rounds' noise.
2. `eval history` over 1,000 stored runs (SQLite): the runs are copies of one recorded run of the status-page
   cases (14 records and the summary each), a tenth of them asking for reactive@v2 alone, the oldest one for a
   prompt no other run has. Timed in process (evals.history.history_rows: the query and the rows) and as the
   real command in a fresh process (wall and CPU time), beside the same command on an empty database
   (start-up alone) in the same run. Target < 1 s.
3. A trend over 100 runs: `load_trend` + trend.md + trend.html in process, and `eval trend --last 100` as a
   command. Target < 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from bench.harness import ROOT, write_results
from evals.history import finish, git_commit, history_rows, record_run, start
from evals.report_html import render_trend_html
from evals.report_trend import trend_markdown
from evals.results import RunResults
from evals.runner import RunConfig, Runner, eval_drafter
from evals.trend import load_trend
from service.settings import Settings
from service.store import Store, open_store
from service.store import eval_runs as repo
from service.store.models import EvalRunRow
from tests.fake_upstream import FakeUpstream

RARE_PROMPT = "proactive@v1"  # only the oldest stored run asks for it: a --prompt filter has to reach it


def _settings(upstream: FakeUpstream) -> Settings:
    return Settings(default_model="openai/fake", api_base=upstream.base_url, model_api_key="sk-bench",
                    load_local_model=False, retry_attempts=1)


async def recording_overhead(scratch: Path, rounds: int, cases: str) -> tuple[dict[str, Any], Store, str]:
    """Warm runs, unrecorded and recorded, alternating; returns the figures, the store and a recorded run id."""
    store = open_store(f"sqlite:///{scratch / 'record.sqlite3'}")
    cache = scratch / "cache"
    times: dict[str, list[float]] = {"unrecorded": [], "recorded": []}
    cpu: dict[str, list[float]] = {"unrecorded": [], "recorded": []}
    run_id = ""
    with FakeUpstream() as upstream:
        drafter = await eval_drafter(_settings(upstream), cache)

        def config(name: str) -> RunConfig:
            out = scratch / f"out-{name}-{uuid.uuid4().hex[:6]}"
            return RunConfig(prompts=["production", "candidate"], out=out, cases=cases, concurrency=1,
                             cache_dir=cache)

        async def run(cfg: RunConfig) -> RunResults:
            return await Runner(drafter, cfg).run()

        await run(config("cold"))  # fills the model cache: every later run is warm
        for _ in range(rounds):
            started, started_cpu = time.perf_counter(), time.process_time()
            await run(config("plain"))
            times["unrecorded"].append(time.perf_counter() - started)
            cpu["unrecorded"].append(time.process_time() - started_cpu)
            started, started_cpu = time.perf_counter(), time.process_time()
            _, results = await record_run(store, config("recorded"), "bench", run)
            times["recorded"].append(time.perf_counter() - started)
            cpu["recorded"].append(time.process_time() - started_cpu)
        steps = _recording_steps(store, results, rounds)
        # the run the history's 1,000 copies are made of: the status-page cases (14 drafts, like the CI subset)
        subset = RunConfig(prompts=["production", "candidate"], out=scratch / "out-subset", cases="*-status",
                           concurrency=1, cache_dir=cache)
        run_id, _ = await record_run(store, subset, "bench", run)
    plain, recorded = (statistics.median(times[k]) for k in ("unrecorded", "recorded"))
    plain_cpu, recorded_cpu = (statistics.median(cpu[k]) for k in ("unrecorded", "recorded"))
    figures = {
        "rounds": rounds,
        "drafts_per_run": len(results.records),
        "unrecorded_median_s": round(plain, 3),
        "recorded_median_s": round(recorded, 3),
        "ratio": round(recorded / plain, 4),
        "unrecorded_cpu_median_s": round(plain_cpu, 3),
        "recorded_cpu_median_s": round(recorded_cpu, 3),
        "cpu_ratio": round(recorded_cpu / plain_cpu, 4),
        "recording_steps_ms": steps,
        "steps_over_unrecorded": round(steps["wall_ms"] / 1000 / plain, 4),
        "unrecorded_s": [round(t, 3) for t in times["unrecorded"]],
        "recorded_s": [round(t, 3) for t in times["recorded"]],
    }
    return figures, store, run_id


def _recording_steps(store: Store, results: RunResults, repeats: int) -> dict[str, float]:
    """What recording adds, timed alone: the running row with the git commit, then records and summary."""
    def steps() -> None:
        run_id = start(store, model="openai/fake", prompts=["production", "candidate"], config={}, label="bench",
                       commit=git_commit(ROOT))
        finish(store, run_id, results, 1.0)

    return _timed(steps, repeats)


def fill(store: Store, source_id: str, target: Path, runs: int) -> Store:
    """`runs` copies of a recorded run (its records too), an hour apart, into a new SQLite database."""
    with store.reading() as conn:
        source = repo.get_run(conn, source_id)
        records = repo.run_records(conn, source_id)
    assert source is not None and source.summary is not None
    filled = open_store(f"sqlite:///{target}")
    begin = datetime.now(UTC) - timedelta(hours=runs)
    with filled.writing() as conn:
        for k in range(runs):  # through the repository, as `eval run --record` writes (the prompt index too)
            prompts, summary = _variant(source.prompts, source.summary, k)
            run_id = f"bench{k:06d}"
            repo.start_run(conn, run_id, model=source.model, prompts=prompts, config=source.config,
                           label="nightly" if k % 2 else "ci", git_commit=source.git_commit)
            repo.finish_run(conn, run_id, records, summary)
            conn.execute(update(EvalRunRow).where(EvalRunRow.id == run_id).values(
                started_at=begin + timedelta(hours=k), finished_at=begin + timedelta(hours=k, minutes=5)))
    return filled


def _variant(prompts: list[str], summary: dict[str, Any], k: int) -> tuple[list[str], dict[str, Any]]:
    """Most runs as recorded; every tenth asks for reactive@v2 alone; the oldest for RARE_PROMPT."""
    if k == 0 or k % 10 == 5:
        asked = RARE_PROMPT if k == 0 else "reactive@v2"
        entry = copy.deepcopy(next(iter(summary["prompts"].values())))
        return [asked], {**summary, "prompts": {asked: entry}, "prompt_versions": {asked: asked},
                         "by_version": {asked: entry}}
    return prompts, summary


def _command(database: Path, *args: str) -> tuple[float, float]:
    """(wall, CPU) seconds of a trustdraft command in a fresh process: CPU time is what the command itself
    spent, wall time also what waiting for the two shared cores cost it."""
    env = {**os.environ, "TRUSTDRAFT_DATABASE_PATH": str(database), "TRUSTDRAFT_LOAD_LOCAL_MODEL": "false"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from service.cli import main; main()", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median_command(database: Path, repeats: int, *args: str) -> dict[str, float]:
    runs = [_command(database, *args) for _ in range(repeats)]
    return {"wall_s": round(statistics.median(w for w, _ in runs), 3),
            "cpu_s": round(statistics.median(c for _, c in runs), 3)}


def _timed(fn: Any, repeats: int) -> dict[str, float]:
    """Median wall and CPU milliseconds of `repeats` calls of fn() in this process."""
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"wall_ms": round(statistics.median(wall) * 1000, 1), "cpu_ms": round(statistics.median(cpu) * 1000, 1)}


def history_and_trend(store: Store, database: Path, empty: Path, repeats: int) -> dict[str, Any]:
    queries = {
        "latest 20": repo.RunFilter(),
        "--prompt candidate (most runs)": repo.RunFilter(prompt="candidate"),
        "--prompt reactive@v2 (a tenth)": repo.RunFilter(prompt="reactive@v2"),
        f"--prompt {RARE_PROMPT} (the oldest run only)": repo.RunFilter(prompt=RARE_PROMPT),
        "--prompt nothing (no run)": repo.RunFilter(prompt="nothing"),
    }
    in_process = {name: {**_timed(lambda q=q: history_rows(store, q, 20), repeats),
                         "rows": len(history_rows(store, q, 20))}  # what the query found: 20, 20, 20, 1, 0
                  for name, q in queries.items()}
    commands = {
        "eval history (empty database: start-up)": ("eval", "history", "--json"),
        "eval history --limit 20": ("eval", "history", "--json"),
        f"eval history --prompt {RARE_PROMPT}": ("eval", "history", "--prompt", RARE_PROMPT, "--json"),
        "eval history --prompt nothing": ("eval", "history", "--prompt", "nothing", "--json"),
    }
    wall = {name: _median_command(empty if "empty" in name else database, repeats, *args)
            for name, args in commands.items()}

    def trend() -> None:
        found = load_trend(store, "candidate", 100)
        assert len(found.points) == 100, len(found.points)
        trend_markdown(found)
        render_trend_html(found)

    out = database.parent / "trend"
    wall["eval trend --prompt candidate --last 100"] = _median_command(
        database, repeats, "eval", "trend", "--prompt", "candidate", "--last", "100", "--out", str(out)
    )
    return {
        "history_in_process": in_process,
        "commands": wall,
        "trend_100_in_process": _timed(trend, repeats),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and a smaller case set, for a smoke run")
    args = parser.parse_args()
    rounds, repeats = (2, 2) if args.quick else (7, 5)
    scratch = Path(tempfile.mkdtemp(prefix="bench-history-"))
    try:
        recording, store, run_id = asyncio.run(recording_overhead(scratch, rounds, "*-status" if args.quick else "*"))
        print(f"recording: warm run {recording['unrecorded_median_s']:.3f} s unrecorded, "
              f"{recording['recorded_median_s']:.3f} s recorded, ratio {recording['ratio']:.4f} (CPU "
              f"{recording['unrecorded_cpu_median_s']:.3f} / {recording['recorded_cpu_median_s']:.3f} s, ratio "
              f"{recording['cpu_ratio']:.4f}); the recording steps alone "
              f"{recording['recording_steps_ms']['wall_ms']:.0f} ms = {recording['steps_over_unrecorded']:.2%} of the run "
              f"({recording['drafts_per_run']} drafts, {rounds} rounds each)", flush=True)
        database = scratch / "history.sqlite3"
        started = time.perf_counter()
        filled = fill(store, run_id, database, 1000)
        print(f"stored 1,000 runs in {time.perf_counter() - started:.1f} s "
              f"({database.stat().st_size / 1e6:.0f} MB)", flush=True)
        empty = scratch / "empty.sqlite3"
        open_store(f"sqlite:///{empty}")
        figures = history_and_trend(filled, database, empty, repeats)
        for name, ms in figures["history_in_process"].items():
            print(f"history in process, {name}: {ms['wall_ms']:.1f} ms wall, {ms['cpu_ms']:.1f} ms CPU "
                  f"({ms['rows']:.0f} rows)", flush=True)
        for name, times in figures["commands"].items():
            print(f"{name}: {times['wall_s']:.3f} s wall, {times['cpu_s']:.3f} s CPU", flush=True)
        trend = figures["trend_100_in_process"]
        print(f"trend over 100 runs in process (load, trend.md, trend.html): {trend['wall_ms']:.1f} ms wall, "
              f"{trend['cpu_ms']:.1f} ms CPU", flush=True)
        payload = {"recording": recording, "runs_stored": 1000, "database_mb": round(database.stat().st_size / 1e6, 1),
                   **figures}
        path = write_results("history", payload)
        print(f"wrote {path.relative_to(ROOT)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
