"""Eval cases in evals/cases/*.yaml: one incident each, validated by the same Facts model the API uses."""

from __future__ import annotations

import fnmatch
import hashlib
import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field

from service.facts import Channel, EarlierMessage, Facts, Strategy
from service.schemas import DraftRequest

CASES_DIR = Path(__file__).resolve().parent / "cases"


class Incident(BaseModel):
    """What every case file holds: an id (its file name), the facts, and the strategy and channel."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    strategy: Strategy
    channel: Channel
    industry: str
    facts: Facts


class EvalCase(Incident):
    """One incident to draft for, and what makes it hard."""

    tags: list[str] = Field(default_factory=list, description="Hard-case tags: injection, no_remedy, ...")
    max_words: int = Field(default=100, ge=10, le=1000)
    earlier_messages: list[EarlierMessage] = Field(
        default_factory=list, description="A follow-up case: the messages already sent, oldest first."
    )

    def content_hash(self) -> str:
        """sha256 of the case's content (canonical JSON): a recorded run says exactly what it drafted for."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def request(
        self, prompt: str | None = None, model: str | None = None, options: dict[str, Any] | None = None
    ) -> DraftRequest:
        """The request a caller of the service would send for this case."""
        return DraftRequest.model_validate(
            {
                "strategy": self.strategy,
                "channel": self.channel,
                "facts": self.facts,
                "earlier_messages": self.earlier_messages,
                "prompt": prompt,
                "model": model,
                "options": {"max_words": self.max_words, **(options or {})},
            }
        )


class CaseError(ValueError):
    """A case file is missing, malformed or does not validate."""


CaseT = TypeVar("CaseT", bound=BaseModel)


def load_all(root: Path, model: type[CaseT]) -> list[CaseT]:
    """Every case file in a folder, in id order."""
    return [_load(path, model) for path in sorted(root.glob("*.yaml"))]


def load_cases(pattern: str = "*", root: Path = CASES_DIR) -> list[EvalCase]:
    """Cases whose id matches a glob (or a comma-separated list of globs), in id order."""
    patterns = [p.strip() for p in pattern.split(",") if p.strip()] or ["*"]
    cases: list[EvalCase] = []
    for path in sorted(root.glob("*.yaml")):
        if any(fnmatch.fnmatch(path.stem, p) for p in patterns):
            cases.append(_load(path))
    if not cases:
        raise CaseError(f"no case in {root} matches {pattern!r}")
    return cases


def _load(path: Path, model: type[CaseT] = EvalCase) -> CaseT:  # type: ignore[assignment]
    """One case file, validated by `model`; its id must be its file name."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        case = model.model_validate(data)
    except (yaml.YAMLError, ValueError) as exc:
        raise CaseError(f"{path}: {exc}") from exc
    if case.id != path.stem:
        raise CaseError(f"{path}: id {case.id!r} must match the file name")
    return case
