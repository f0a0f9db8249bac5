"""The labelled calibration drafts in evals/calibration/{dev,holdout}/: one YAML file per draft."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.facts import Channel, Facts, Strategy
from service.rubric.types import Criterion

ROOT = Path(__file__).resolve().parent / "calibration"
SPLITS = ("dev", "holdout")


class CalibrationCase(BaseModel):
    """One labelled draft. A label is True (passes), False (fails) or None (not applicable)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    strategy: Strategy
    channel: Channel
    facts: Facts
    text: str = Field(min_length=1)
    labels: dict[Criterion, bool | None]
    flaws: list[str] = Field(default_factory=list)
    invented: list[str] = Field(default_factory=list, description="Exact substrings of invented claims.")
    notes: str = ""
    split: str = ""

    @field_validator("labels", mode="before")
    @classmethod
    def _parse_labels(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        return {k: (None if v == "n/a" else v) for k, v in raw.items()}

    def invented_spans(self) -> list[tuple[int, int]]:
        """Every occurrence of every invented claim (a headline may repeat the body's)."""
        return [
            (match.start(), match.end())
            for claim in self.invented
            for match in re.finditer(re.escape(claim), self.text)
        ]


def load_calibration(split: str | None = None, root: Path = ROOT) -> list[CalibrationCase]:
    """Every case of one split ("dev", "holdout"), or of all splits when `split` is None or "all"."""
    splits = SPLITS if split in (None, "all") else (split,)
    cases = []
    for name in splits:
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}; use one of {', '.join(SPLITS)} or all")
        for path in sorted((root / name).glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            cases.append(CalibrationCase.model_validate({**data, "split": name}))
    return cases
