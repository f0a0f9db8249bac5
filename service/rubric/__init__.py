"""The rubric of RUBRIC.md as pure, deterministic graders: one module per criterion.

Entry point: `grade(text, facts, strategy, channel) -> RubricResult`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.facts import Channel, Facts, Strategy
from service.rubric.types import Criterion, CriterionResult, RubricResult, UnsupportedClaim

DEFAULT_THRESHOLD = 0.7

__all__ = [
    "DEFAULT_THRESHOLD",
    "Criterion",
    "CriterionResult",
    "RubricResult",
    "UnsupportedClaim",
    "grade",
]


def grade(
    text: str,
    facts: Facts | Mapping[str, Any],
    strategy: Strategy | str,
    channel: Channel | str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> RubricResult:
    """Grade one draft against every criterion. Not yet implemented: the rubric issue builds it."""
    raise NotImplementedError("service.rubric.grade is built by the rubric issue")
