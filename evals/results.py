"""The results.json of an eval run: every draft, its grades, and everything needed to reproduce it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from service.facts import Channel, Strategy
from service.rubric.types import RubricResult
from service.schemas import InjectionReport, PromptRef, Section, Usage

FORMAT_VERSION = 1


class Params(BaseModel):
    temperature: float
    max_tokens: int
    seed: int
    max_words: int
    n: int = 1  # best-of-n candidates
    revise: int = 0  # critique-and-revise rounds


class DraftRecord(BaseModel):
    """One evaluated draft."""

    key: str = Field(description="Content address: prompt hash, facts, model, parameters and sample index.")
    case_id: str
    strategy: Strategy
    channel: Channel
    industry: str
    tags: list[str] = Field(default_factory=list)
    requested: str = Field(description="The prompt as asked for on the command line: a version or a label.")
    prompt: PromptRef
    model: str
    sample: int
    params: Params
    text: str = ""
    usage: Usage = Field(default_factory=Usage)
    latency_ms: float = 0.0
    finish_reason: str | None = None
    warnings: list[str] = Field(default_factory=list)
    cached: bool = False
    checks: RubricResult | None = None
    injection: InjectionReport | None = None
    sections: list[Section] | None = None  # a sectioned prompt's sections: which the model wrote, which fell back
    judge: dict[str, Any] | None = None
    error: str | None = None

    @property
    def version_ref(self) -> str:
        return f"{self.prompt.id}@{self.prompt.version}"


class RunInfo(BaseModel):
    id: str
    started_at: str
    finished_at: str | None = None
    model: str
    prompts: list[str]
    cases: list[str]
    case_hashes: dict[str, str] = Field(default_factory=dict)  # case id -> sha256 of its content
    repeat: int
    concurrency: int
    temperature: float | None
    seed: int
    judge: str | None = None


class RunResults(BaseModel):
    trustdraft_eval: int = FORMAT_VERSION
    run: RunInfo
    records: list[DraftRecord]

    def versions(self) -> list[str]:
        """Distinct `requested` prompts that have records, in the order they were asked for."""
        present = {r.requested for r in self.records}
        asked = [p for p in self.run.prompts if p in present]
        return asked + sorted(present - set(asked))


def load_results(path: Path) -> RunResults:
    return RunResults.model_validate_json(path.read_text(encoding="utf-8"))
