"""promptfoo test generator: one test per eval case, one Python assertion (and named metric) per criterion."""

from __future__ import annotations

import os
from typing import Any

from evals.cases import load_cases
from service.rubric.types import RUBRIC_CRITERIA


def _assertion(criterion: str) -> dict[str, Any]:
    return {
        "type": "python",
        "metric": criterion,
        "value": f"from evals.promptfoo_assert import check\nreturn check(output, context, {criterion!r})",
    }


def generate_tests(config: Any = None) -> list[dict[str, Any]]:
    """Cases from evals/cases (TRUSTDRAFT_PROMPTFOO_CASES narrows them with ids or globs)."""
    cases = load_cases(os.environ.get("TRUSTDRAFT_PROMPTFOO_CASES", "*"))
    checks = ["overall", *(c.value for c in RUBRIC_CRITERIA)]
    return [
        {
            "description": f"{case.id} ({case.strategy.value}, {case.channel.value})",
            "vars": {"case": case.model_dump(mode="json"), "case_id": case.id},
            "assert": [_assertion(name) for name in checks],
        }
        for case in cases
    ]
