"""Grading cost: all twelve criteria on one core, by draft length, next to a plain-regex baseline.

    .venv/bin/python -m bench.bench_graders

Drafts of ~100, ~300 and ~1,000 words are built from the calibration set's texts (so the text is
realistic and varied) and graded against their own facts. The baseline is one pass of a handful of
keyword regexes over the same text: the cheapest "grader" anyone would write, timed in the same run.
"""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

from bench.harness import write_results
from evals.calibration_set import load_calibration
from service.rubric import grade

LENGTHS = (100, 300, 1000)
BASELINE = [re.compile(p, re.I) for p in (r"\bsorry\b|\bapologi", r"\bwe\b", r"\brefund|credit", r"\d+", r"\bwill\b")]


def drafts_of(words: int) -> list[tuple[str, Any, Any, Any]]:
    """Each calibration case's text, repeated or cut to about `words` words."""
    built = []
    for case in load_calibration("dev"):
        tokens = case.text.split(" ")
        repeated = (tokens * (words // max(1, len(tokens)) + 1))[:words]
        built.append((" ".join(repeated), case.facts, case.strategy, case.channel))
    return built


def time_per_draft(
    fn: Any, drafts: list[tuple[str, Any, Any, Any]], rounds: int = 5, clock: Any = time.perf_counter
) -> float:
    """Median over rounds of the mean seconds per draft, by `clock` (wall time, or time.process_time for the
    CPU time, which other work on a shared machine inflates far less)."""
    samples = []
    for _ in range(rounds):
        started = clock()
        for text, facts, strategy, channel in drafts:
            fn(text, facts, strategy, channel)
        samples.append((clock() - started) / len(drafts))
    return float(statistics.median(samples))


def baseline(text: str, *_: Any) -> int:
    return sum(len(p.findall(text)) for p in BASELINE)


def main() -> None:
    rows = []
    for words in LENGTHS:
        drafts = drafts_of(words)
        for text, facts, strategy, channel in drafts[:5]:  # warm the facts cache and lazy lists
            grade(text, facts, strategy, channel)
        graded = time_per_draft(grade, drafts)
        cpu = time_per_draft(grade, drafts, clock=time.process_time)
        plain = time_per_draft(baseline, drafts)
        row = {
            "words": words,
            "drafts": len(drafts),
            "grade_ms": round(graded * 1000, 3),
            "grade_cpu_ms": round(cpu * 1000, 3),
            "drafts_per_s": round(1 / graded, 1),
            "ms_per_1000_words": round(graded * 1000 * 1000 / words, 3),
            "regex_baseline_ms": round(plain * 1000, 4),
            "ratio_to_baseline": round(graded / plain, 1),
        }
        rows.append(row)
        print(f"{words:>5} words: {row['grade_ms']:7.3f} ms/draft ({row['drafts_per_s']:7.1f}/s), "
              f"CPU {row['grade_cpu_ms']:7.3f} ms, "
              f"{row['ms_per_1000_words']:6.3f} ms per 1,000 words; plain regex {row['regex_baseline_ms']:.4f} ms "
              f"(x{row['ratio_to_baseline']})", flush=True)
    path = write_results("graders", {"rows": rows, "note": "one core, one process, median of 5 rounds"})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
