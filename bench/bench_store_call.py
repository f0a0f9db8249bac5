"""CPU per stored draft: a new draft's INSERTs through the SQLite driver (service/store/direct.py) against
SQLAlchemy's `conn.execute` (what every draft took before, and what PostgreSQL still takes), same process.

    .venv/bin/python -m bench.bench_store_call [--rounds 12] [--per-round 300] [--pack 1]

`ReviewDesk.record` of the graded example draft (examples/request.json, the fake upstream's reply) into a
fresh SQLite file per path (WAL, synchronous=NORMAL, as the service runs it), timed with time.process_time:
everything the request pays for storing, from building the rows to the commit. Rounds alternate between the
two paths (A, B, A, B ...) so whatever else the machine runs falls on both alike; it reports the median of
the rounds' CPU per draft, their range, and the ratio driver / conn.execute. --pack N stores N drafts per
transaction (a pack's drafts commit together).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.bench_storage import _body
from bench.harness import ROOT, percentile, write_results

PATHS = {"conn.execute": False, "driver": True}  # FixedInsert.on_driver


def _example() -> tuple[Any, Any]:
    from service.rubric import grade
    from service.schemas import DraftRequest, DraftResponse
    from tests.fake_upstream import DEFAULT_REPLY

    request = DraftRequest.model_validate(_body())
    checks = grade(DEFAULT_REPLY, request.facts, request.strategy, request.channel)
    response = DraftResponse(id="x", strategy=request.strategy, channel=request.channel, text=DEFAULT_REPLY,
                             prompt={"id": "reactive", "version": "v3", "sha256": "0" * 64}, model="openai/fake-model",
                             usage={}, latency_ms=1.0, checks=checks)
    return request, response


def run(rounds: int, per_round: int, pack: int) -> dict[str, Any]:
    from service.review import Actor, ReviewDesk
    from service.settings import Role, Settings
    from service.store import open_store
    from service.store.direct import FixedInsert

    request, response = _example()
    actor = Actor("key:bench", Role.drafter)
    spent: dict[str, list[float]] = {name: [] for name in PATHS}  # CPU ms per draft, one value per draft
    per_round_ms: dict[str, list[float]] = {name: [] for name in PATHS}
    with tempfile.TemporaryDirectory() as scratch:
        desks = {name: ReviewDesk(open_store(f"sqlite:///{Path(scratch) / name}.sqlite3"), Settings()) for name in PATHS}

        async def store(name: str, transactions: int, record: bool) -> None:
            FixedInsert.on_driver = PATHS[name]
            times = []
            for _ in range(transactions):
                drafted = [(request, response.model_copy(update={"id": f"drf_{uuid.uuid4().hex}"}), request.facts)
                           for _ in range(pack)]
                started = time.process_time()
                await desks[name].record(drafted, actor, "bench")
                times.append((time.process_time() - started) * 1000 / pack)
            if record:
                spent[name].extend(times)
                per_round_ms[name].append(statistics.median(times))

        async def measure() -> None:
            for name in PATHS:  # warm-up: compiled statements, the first pages of each file
                await store(name, 100, record=False)
            for _ in range(rounds):
                for name in PATHS:
                    gc.collect()
                    await store(name, per_round, record=True)

        try:
            asyncio.run(measure())
        finally:
            FixedInsert.on_driver = True
            for desk in desks.values():
                desk.store.close()
    result: dict[str, Any] = {"rounds": rounds, "per_round": per_round, "pack": pack, "paths": {}}
    for name in PATHS:
        result["paths"][name] = {
            "p50_ms": round(statistics.median(per_round_ms[name]), 4),  # the median of the rounds' medians
            "rounds_min_ms": round(min(per_round_ms[name]), 4),
            "rounds_max_ms": round(max(per_round_ms[name]), 4),
            "p95_ms": round(percentile(spent[name], 95), 4),
            "mean_ms": round(statistics.fmean(spent[name]), 4),
        }
    old, new = result["paths"]["conn.execute"], result["paths"]["driver"]
    ratios = [b / a for a, b in zip(per_round_ms["conn.execute"], per_round_ms["driver"], strict=True)]
    result["ratio_p50"] = round(new["p50_ms"] / old["p50_ms"], 3)
    result["ratio_rounds_min"], result["ratio_rounds_max"] = round(min(ratios), 3), round(max(ratios), 3)
    result["ratio_mean"] = round(new["mean_ms"] / old["mean_ms"], 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--per-round", type=int, default=300, help="transactions per round and path")
    parser.add_argument("--pack", type=int, default=1, help="drafts per transaction")
    args = parser.parse_args()
    result = run(args.rounds, args.per_round, args.pack)
    for name, row in result["paths"].items():
        print(f"{name:<13} CPU per stored draft: p50 {row['p50_ms']:.3f} ms (rounds {row['rounds_min_ms']:.3f}-"
              f"{row['rounds_max_ms']:.3f}), p95 {row['p95_ms']:.3f}, mean {row['mean_ms']:.3f} ms")
    print(f"driver / conn.execute: p50 x{result['ratio_p50']:.3f} (rounds x{result['ratio_rounds_min']:.3f}-"
          f"x{result['ratio_rounds_max']:.3f}), mean x{result['ratio_mean']:.3f}", flush=True)
    name = "store_call" if args.pack == 1 else f"store_call_pack{args.pack}"
    path = write_results(name, result)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
