"""promptfoo Python assertion: grades the output exactly as the native runner does (the same request, the
same threshold, the earlier commitments of a follow-up) and reports the overall verdict, with one named
score per applicable criterion. A criterion that does not apply is left out, as the native reports leave it."""

from __future__ import annotations

from typing import Any

from evals.cases import EvalCase
from service.drafting import grade_request
from service.settings import Settings


def check(output: str, context: dict[str, Any]) -> dict[str, Any]:
    case = EvalCase.model_validate(context["vars"]["case"])
    result = grade_request(case.request(), output or "", Settings())
    applicable = [c for c in result.criteria if c.applicable]
    return {
        "pass": result.passed,
        "score": result.score,
        "reason": f"rubric score {result.score:.2f}; {len(result.unsupported)} unsupported claim(s)",
        "namedScores": {c.criterion.value: c.score for c in applicable},
        "componentResults": [
            {"pass": c.passed, "score": c.score, "reason": f"{c.criterion.value}: {c.reason}"} for c in applicable
        ],
    }
