"""CPU per stored draft on SQLite, this code against the code before it, in the same process.

Four paths, each adding one change to the one before: "before" (a pooled connection per write, BEGIN and
each INSERT through SQLAlchemy's execution: the code at 9441f63, kept here; PostgreSQL still takes that
path), "driver inserts" (the new draft's INSERTs on the driver, service/store/direct.py), "+ kept writer"
(every write on one kept connection, Store.writing) and "+ driver BEGIN" (the engine's BEGIN on the driver
too: this code).

    .venv/bin/python -m bench.bench_store_call [--rounds 40] [--per-round 75] [--pack 1]

`ReviewDesk.record` of the graded example draft (examples/request.json, the fake upstream's reply) into a
fresh SQLite file per path (WAL, synchronous=NORMAL, as the service runs it), timed with time.process_time:
everything the request pays for storing, from building the rows to the commit. Rounds alternate between the
paths (A, B, C, D, A, B, C, D ...) so whatever else the machine runs falls on all alike; it reports the p50 of
every draft's CPU, the range of the rounds' medians, p95 and mean, and each path's ratio to "before" (of
the p50s, the range of the per-round ratios, of the means). --pack N stores N drafts per transaction (a pack's drafts
commit together).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event

from bench.bench_storage import _body
from bench.harness import ROOT, percentile, write_results
from service.store import Store, upgrade
from service.store.engine import _sqlite_begin, make_engine

# name: (the new draft's INSERTs on the driver, one kept connection for writes, BEGIN on the driver); each
# path adds one change to the one before it, so the ratios show what each is worth.
PATHS = {
    "before": (False, False, False),
    "driver inserts": (True, False, False),
    "+ kept writer": (True, True, False),
    "+ driver BEGIN": (True, True, True),  # this code
}


class PooledWrites(Store):
    """Store.writing as it was at 9441f63: a connection from the pool for each write, given back after it."""

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        with self._write_lock, self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                yield conn


def _begin_through_sqlalchemy(conn: Connection) -> None:
    """The SQLite engine's BEGIN as it was at 9441f63."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def _store(url: str, kept_writer: bool, begin_on_driver: bool) -> Store:
    store = (Store if kept_writer else PooledWrites)(make_engine(url))
    if not begin_on_driver:
        event.remove(store.engine, "begin", _sqlite_begin)
        event.listen(store.engine, "begin", _begin_through_sqlalchemy)
    upgrade(store.engine)
    return store


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
    from service.store.direct import FixedInsert

    request, response = _example()
    actor = Actor("key:bench", Role.drafter)
    spent: dict[str, list[float]] = {name: [] for name in PATHS}  # CPU ms per draft, one value per draft
    per_round_ms: dict[str, list[float]] = {name: [] for name in PATHS}
    with tempfile.TemporaryDirectory() as scratch:
        desks = {
            name: ReviewDesk(_store(f"sqlite:///{Path(scratch) / str(number)}.sqlite3", kept, begin), Settings())
            for number, (name, (_, kept, begin)) in enumerate(PATHS.items())
        }

        async def store(name: str, transactions: int, record: bool) -> None:
            FixedInsert.on_driver = PATHS[name][0]
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
            "p50_ms": round(percentile(spent[name], 50), 4),
            "rounds_min_ms": round(min(per_round_ms[name]), 4),
            "rounds_max_ms": round(max(per_round_ms[name]), 4),
            "p95_ms": round(percentile(spent[name], 95), 4),
            "mean_ms": round(statistics.fmean(spent[name]), 4),
        }
    before = per_round_ms["before"]
    for name in PATHS:
        ratios = [b / a for a, b in zip(before, per_round_ms[name], strict=True)]
        result["paths"][name]["ratio_p50"] = round(result["paths"][name]["p50_ms"] / result["paths"]["before"]["p50_ms"], 3)
        result["paths"][name]["ratio_rounds"] = [round(min(ratios), 3), round(max(ratios), 3)]
        result["paths"][name]["ratio_mean"] = round(result["paths"][name]["mean_ms"] / result["paths"]["before"]["mean_ms"], 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--per-round", type=int, default=75, help="transactions per round and path")
    parser.add_argument("--pack", type=int, default=1, help="drafts per transaction")
    args = parser.parse_args()
    result = run(args.rounds, args.per_round, args.pack)
    for name, row in result["paths"].items():
        print(f"{name:<14} CPU per stored draft: p50 {row['p50_ms']:.3f} ms (rounds {row['rounds_min_ms']:.3f}-"
              f"{row['rounds_max_ms']:.3f}), p95 {row['p95_ms']:.3f}, mean {row['mean_ms']:.3f} ms; / before: "
              f"p50 x{row['ratio_p50']:.3f} (rounds x{row['ratio_rounds'][0]:.3f}-x{row['ratio_rounds'][1]:.3f}), "
              f"mean x{row['ratio_mean']:.3f}", flush=True)
    name = "store_call" if args.pack == 1 else f"store_call_pack{args.pack}"
    path = write_results(name, result)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
