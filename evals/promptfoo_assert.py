"""promptfoo Python assertion: grades the output with the rubric and reports one criterion (or overall)."""

from __future__ import annotations

from typing import Any

from evals.cases import EvalCase
from service.rubric import grade


def check(output: str, context: dict[str, Any], criterion: str) -> dict[str, Any]:
    case = EvalCase.model_validate(context["vars"]["case"])
    result = grade(output or "", case.facts, case.strategy, case.channel)
    if criterion == "overall":
        return {
            "pass": result.passed,
            "score": result.score,
            "reason": f"rubric score {result.score:.2f}; {len(result.unsupported)} unsupported claim(s)",
        }
    verdict = result.criterion(criterion)
    if not verdict.applicable:
        return {"pass": True, "score": 1.0, "reason": f"{criterion}: not applicable ({verdict.reason})"}
    return {"pass": verdict.passed, "score": verdict.score, "reason": f"{criterion}: {verdict.reason}"}
