"""How cost grows: with the size of the facts, with the length of the draft, with the number of eval cases.

    .venv/bin/python -m bench.bench_growth [--quick]

1. Facts from 1 KB to the body limit: a request's service-side time (the x-trustdraft-overhead-ms
   header, i.e. wall time minus model time) and the peak Python memory it allocates (tracemalloc),
   through the real app against the loopback upstream (in this process, zero upstream delay).
2. Draft length: grading time per draft at 100 to 3,000 words, and per 1,000 words (linear or not).
3. Eval run time as cases grow (6 to 48) against an upstream that takes 300 ms per call, at a
   concurrency of 8: the ideal is ceil(cases / 8) x 300 ms; the ratio shows where it stops scaling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.harness import ROOT, write_results

FACT_SIZES_KB = (1, 8, 32, 128, 240)
DRAFT_WORDS = (100, 300, 1000, 3000)
CASE_COUNTS = (6, 12, 24, 48)
UPSTREAM_DELAY_S = 0.3
EVAL_CONCURRENCY = 8


def _facts_of(size_kb: int) -> dict[str, Any]:
    """The example facts, with a timeline grown until the JSON body is about `size_kb` KB."""
    import yaml

    facts: dict[str, Any] = yaml.safe_load((ROOT / "examples" / "telecom-outage.yaml").read_text())
    base = len(json.dumps(facts))
    entry_text = "Engineers checked another exchange and confirmed calls and data were flowing again there. "
    per_entry = 19_000  # under the 20,000-character field limit
    remaining = max(0, size_kb * 1024 - base)
    timeline = []
    while remaining > 0 and len(timeline) < 50:
        length = min(per_entry, remaining)
        timeline.append({"when": f"12 March, entry {len(timeline) + 1}", "what": (entry_text * (length // 90 + 1))[:length]})
        remaining -= length + 40
    facts["timeline"] = facts.get("timeline", []) + timeline
    return facts


def facts_growth(repeats: int) -> list[dict[str, Any]]:
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.settings import Settings
    from tests.fake_upstream import FakeUpstream

    rows = []
    with FakeUpstream() as upstream:
        settings = Settings(
            default_model="openai/fake-model",
            api_base=upstream.base_url,
            model_api_key="sk-bench",  # type: ignore[arg-type]
            load_local_model=False,
            rate_limit="1000000/minute",
        )
        with TestClient(create_app(settings)) as client:
            for size in FACT_SIZES_KB:
                body = {"strategy": "reactive", "channel": "email", "facts": _facts_of(size)}
                client.post("/v1/drafts", json=body)  # warm
                own = []
                for _ in range(repeats):
                    response = client.post("/v1/drafts", json=body)
                    assert response.status_code == 200, response.text
                    own.append(float(response.headers["x-trustdraft-overhead-ms"]))
                tracemalloc.start()
                client.post("/v1/drafts", json=body)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                row = {
                    "facts_kb": round(len(json.dumps(body)) / 1024, 1),
                    "service_ms_p50": round(statistics.median(own), 2),
                    "service_ms_max": round(max(own), 2),
                    "peak_alloc_mb": round(peak / 2**20, 2),
                }
                rows.append(row)
                print(f"facts {row['facts_kb']:6.1f} KB: service {row['service_ms_p50']:7.2f} ms p50, "
                      f"peak allocation {row['peak_alloc_mb']:.2f} MB", flush=True)
    return rows


def draft_growth() -> list[dict[str, Any]]:
    from bench.bench_graders import drafts_of, time_per_draft
    from service.rubric import grade

    rows = []
    for words in DRAFT_WORDS:
        drafts = drafts_of(words)[:40]
        for draft in drafts[:3]:
            grade(*draft)
        seconds = time_per_draft(grade, drafts, rounds=3)
        rows.append({"words": words, "grade_ms": round(seconds * 1000, 3),
                     "ms_per_1000_words": round(seconds * 1e6 / words, 3)})
        print(f"draft {words:5} words: {seconds * 1000:8.3f} ms, {seconds * 1e6 / words:6.3f} ms per 1,000 words",
              flush=True)
    return rows


def eval_growth() -> list[dict[str, Any]]:
    from evals.cases import load_cases
    from evals.runner import RunConfig, Runner, eval_drafter
    from service.settings import Settings
    from tests.fake_upstream import FakeUpstream

    ids = [c.id for c in load_cases()]
    rows = []
    with FakeUpstream(delay_s=UPSTREAM_DELAY_S) as upstream, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            default_model="openai/fake-model",
            api_base=upstream.base_url,
            model_api_key="sk-bench",  # type: ignore[arg-type]
            load_local_model=False,
        )
        drafter = asyncio.run(eval_drafter(settings))
        for count in CASE_COUNTS:
            cases = ",".join((ids * (count // len(ids) + 1))[:count])
            config = RunConfig(prompts=["production"], out=Path(tmp) / f"run-{count}", cases=cases,
                               concurrency=EVAL_CONCURRENCY, cache_dir=None)
            started = time.perf_counter()
            results = asyncio.run(Runner(drafter, config).run())
            seconds = time.perf_counter() - started
            drafted = len(results.records)
            ideal = math.ceil(drafted / EVAL_CONCURRENCY) * UPSTREAM_DELAY_S
            rows.append({"cases": drafted, "seconds": round(seconds, 2), "ideal_s": round(ideal, 2),
                         "ratio_to_ideal": round(seconds / ideal, 2)})
            print(f"eval {drafted:3} cases: {seconds:6.2f} s (ideal {ideal:.2f} s at concurrency "
                  f"{EVAL_CONCURRENCY}, x{seconds / ideal:.2f})", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    payload = {
        "facts": facts_growth(repeats=5 if args.quick else 20),
        "draft_length": draft_growth(),
        "eval_cases": eval_growth(),
        "upstream_delay_s": UPSTREAM_DELAY_S,
        "eval_concurrency": EVAL_CONCURRENCY,
    }
    path = write_results("growth", payload)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
