"""Where grading time goes: CPU per 300-word draft for each shared part of the analysis and each grader.

    .venv/bin/python -m bench.bench_grader_stages [--words 300]

The shared parts are timed first (parsing with the facts view, figures, people, stems), so each grader's
figure is its own work on an analysis already built; the faithfulness ledger falls inside the first grader
that reads it (explanation). CPU time of this process, mean over 5 rounds of the bench_graders drafts.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from bench.bench_graders import drafts_of
from service.rubric import GRADERS, context_for, grade, message
from service.rubric.base import Context

ROUNDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=300)
    words = parser.parse_args().words
    drafts = drafts_of(words)
    for draft in drafts:  # warm the facts views
        grade(*draft)
    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, work: Callable[[], Any]) -> Any:
        started = time.process_time()
        result = work()
        spent[name] += time.process_time() - started
        return result

    for _ in range(ROUNDS):
        for text, facts, strategy, channel in drafts:
            ctx = timed("parse and context", partial(context_for, text, facts, strategy, channel))
            timed("figures, dates, times", partial(getattr, ctx.draft, "quantities"))
            timed("people", partial(getattr, ctx.draft, "people"))
            timed("stems", partial(_stems, ctx))
            for criterion, grader in GRADERS.items():
                timed(criterion.value, partial(grader, ctx))
            timed("not_a_message", partial(message.not_a_message, text))
    count = ROUNDS * len(drafts)
    total = sum(spent.values())
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"{name:24s} {seconds / count * 1000:7.3f} ms  {seconds / total:5.1%}")
    print(f"{'total':24s} {total / count * 1000:7.3f} ms")


def _stems(ctx: Context) -> list[frozenset[str]]:
    return [s.stems for s in ctx.draft.sentences]


if __name__ == "__main__":
    main()
