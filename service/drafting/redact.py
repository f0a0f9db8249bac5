"""Optional redaction of personal data in the facts before the model sees them (TRUSTDRAFT_REDACT_FACTS):
the draft is written, graded and stored from the masked facts, and the response says what was masked."""

from __future__ import annotations

from collections import Counter
from typing import Any

from service.facts import Facts
from service.redaction import redact
from service.schemas import Redaction


def redact_facts(facts: Facts) -> tuple[Facts, Redaction | None]:
    """The facts with emails, phone and card numbers masked, and a report (None when nothing was found)."""
    found: Counter[str] = Counter()
    fields: list[str] = []

    def walk(value: Any, path: str) -> Any:
        if isinstance(value, str):
            before = sum(found.values())
            masked = redact(value, found)
            if sum(found.values()) > before:
                fields.append(path)
            return masked
        if isinstance(value, list):
            return [walk(item, f"{path}[{index}]") for index, item in enumerate(value)]
        if isinstance(value, dict):
            return {key: walk(item, f"{path}.{key}" if path else key) for key, item in value.items()}
        return value

    masked = walk(facts.model_dump(exclude_none=True), "")
    if not found:
        return facts, None
    return Facts.model_validate(masked), Redaction(masked=dict(sorted(found.items())), fields=fields)
