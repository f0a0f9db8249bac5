"""promptfoo test generator: one test per eval case, graded by one Python assertion (evals/promptfoo_assert.py)
that reports the overall verdict as the metric `overall` and each applicable criterion as a named score."""

from __future__ import annotations

import os
from typing import Any

from evals.cases import load_cases

ASSERTION = {
    "type": "python",
    "metric": "overall",
    "value": "from evals.promptfoo_assert import check\nreturn check(output, context)",
}


def generate_tests(config: Any = None) -> list[dict[str, Any]]:
    """Cases from evals/cases (TRUSTDRAFT_PROMPTFOO_CASES narrows them with ids or globs)."""
    cases = load_cases(os.environ.get("TRUSTDRAFT_PROMPTFOO_CASES", "*"))
    return [
        {
            "description": f"{case.id} ({case.strategy.value}, {case.channel.value})",
            "vars": {"case": case.model_dump(mode="json"), "case_id": case.id},
            "assert": [ASSERTION],
        }
        for case in cases
    ]
