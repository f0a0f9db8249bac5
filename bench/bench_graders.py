"""Grading cost: all twelve criteria on one core, by draft length, next to a plain-regex baseline.

    .venv/bin/python -m bench.bench_graders [--runs 5]

Drafts of ~100, ~300, ~1,000 and ~3,000 words are built from the calibration set's texts (so the text is
realistic and varied) and graded against their own facts. The baseline is one pass of a handful of
keyword regexes over the same text: the cheapest "grader" anyone would write, timed in the same run.

Each run times every length (median of 5 rounds of the mean per draft) in wall time and in this process's CPU
time: on a machine whose cores other work shares, CPU time is the steadier of the two. The slope is a
least-squares line through the lengths (ms per 1,000 words, and its intercept: the fixed cost per draft);
linearity is the cost per word at 3,000 words over that at 1,000 (1.0 is linear). Several runs give the spread.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from typing import Any

from bench.harness import write_results
from evals.calibration_set import load_calibration
from service.rubric import grade

LENGTHS = (100, 300, 1000, 3000)
BASELINE = [re.compile(p, re.I) for p in (r"\bsorry\b|\bapologi", r"\bwe\b", r"\brefund|credit", r"\d+", r"\bwill\b")]
Draft = tuple[str, Any, Any, Any]


def drafts_of(words: int) -> list[Draft]:
    """Each calibration case's text, repeated or cut to about `words` words."""
    built = []
    for case in load_calibration("dev"):
        tokens = case.text.split(" ")
        repeated = (tokens * (words // max(1, len(tokens)) + 1))[:words]
        built.append((" ".join(repeated), case.facts, case.strategy, case.channel))
    return built


def time_per_draft(fn: Any, drafts: list[Draft], rounds: int = 5) -> float:
    """Median over rounds of the mean wall seconds per draft."""
    return timed(fn, drafts, rounds)[0]


def timed(fn: Any, drafts: list[Draft], rounds: int = 5) -> tuple[float, float]:
    """Median over rounds of the mean seconds per draft, in wall time and in this process's CPU time."""
    wall, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        for text, facts, strategy, channel in drafts:
            fn(text, facts, strategy, channel)
        wall.append((time.perf_counter() - started) / len(drafts))
        cpu.append((time.process_time() - started_cpu) / len(drafts))
    return statistics.median(wall), statistics.median(cpu)


def baseline(text: str, *_: Any) -> int:
    return sum(len(p.findall(text)) for p in BASELINE)


def one_run() -> dict[str, Any]:
    rows = []
    for words in LENGTHS:
        drafts = drafts_of(words)
        for text, facts, strategy, channel in drafts[:5]:  # warm the facts cache and lazy lists
            grade(text, facts, strategy, channel)
        wall, cpu = timed(grade, drafts)
        plain = timed(baseline, drafts)[1]
        rows.append(
            {
                "words": words,
                "drafts": len(drafts),
                "grade_ms": round(wall * 1000, 3),
                "grade_cpu_ms": round(cpu * 1000, 3),
                "ms_per_1000_words": round(cpu * 1000 * 1000 / words, 3),
                "regex_baseline_cpu_ms": round(plain * 1000, 4),
                "ratio_to_baseline": round(cpu / plain, 1),
            }
        )
    return {"rows": rows, **fit(rows)}


def fit(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Least-squares line of CPU ms against words: slope per 1,000 words, intercept, and linearity."""
    xs = [r["words"] / 1000 for r in rows]
    ys = [r["grade_cpu_ms"] for r in rows]
    slope, intercept = statistics.linear_regression(xs, ys)
    per_word = {r["words"]: r["grade_cpu_ms"] / r["words"] for r in rows}
    return {
        "slope_ms_per_1000_words": round(slope, 3),
        "intercept_ms": round(intercept, 3),
        "linearity_3000_vs_1000": round(per_word[3000] / per_word[1000], 3),
    }


def spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3), "max": round(max(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description="Grading cost by draft length")
    parser.add_argument("--runs", type=int, default=3, help="whole measurements, for the spread")
    args = parser.parse_args()
    runs = []
    for index in range(args.runs):
        run = one_run()
        runs.append(run)
        row = next(r for r in run["rows"] if r["words"] == 300)
        print(
            f"run {index + 1}: 300 words {row['grade_cpu_ms']:.3f} ms CPU ({row['grade_ms']:.3f} ms wall, "
            f"x{row['ratio_to_baseline']} the regex baseline); slope {run['slope_ms_per_1000_words']:.3f} ms per "
            f"1,000 words + {run['intercept_ms']:.3f} ms; linearity {run['linearity_3000_vs_1000']:.3f}",
            flush=True,
        )
        for r in run["rows"]:
            print(f"    {r['words']:>5} words: {r['grade_cpu_ms']:8.3f} ms CPU, {r['grade_ms']:8.3f} ms wall", flush=True)
    summary = {
        "grade_300_words_cpu_ms": spread([next(r for r in run["rows"] if r["words"] == 300)["grade_cpu_ms"] for run in runs]),
        "grade_300_words_wall_ms": spread([next(r for r in run["rows"] if r["words"] == 300)["grade_ms"] for run in runs]),
        "slope_ms_per_1000_words": spread([run["slope_ms_per_1000_words"] for run in runs]),
        "intercept_ms": spread([run["intercept_ms"] for run in runs]),
        "linearity_3000_vs_1000": spread([run["linearity_3000_vs_1000"] for run in runs]),
        "ratio_to_baseline_300_words": spread(
            [next(r for r in run["rows"] if r["words"] == 300)["ratio_to_baseline"] for run in runs]
        ),
    }
    print("summary:", summary)
    path = write_results("graders", {"runs": runs, "summary": summary, "note": "one core, one process"})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
