"""The labelled calibration drafts in evals/calibration/: one YAML file per draft.

`dev/` and `second-writer/` are what the graders may be tuned on. `dev/` is in groups by origin
(`dev/original`: the first hand-written set; `dev/former-holdout`: the old holdout, which stopped measuring
generalisation once it was tuned on); `second-writer/` holds drafts by another writer for 16 other fact sets,
labelled by two independent annotators. `holdout/` is frozen: written for fact sets the graders never saw,
labelled by two independent annotators and adjudicated, pinned by `holdout.sha256`, measured and never tuned on.
`statements-dev`, `-2` and `-3` are real text: the published statements of evals/statements-dev/ (and its
second-batch/ and third-batch/) with the labels of two independent annotators (evals/calibration/annotations/<split>-*.yaml),
adjudicated where they differ; they are read from those files rather than copied, and may be tuned on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.facts import Channel, Facts, Strategy
from service.rubric.types import Criterion

ROOT = Path(__file__).resolve().parent / "calibration"
STATEMENTS_DEV = ROOT.parent / "statements-dev"
# Real statements labelled by two annotators: split -> the statements' folder. A later batch is a split of its
# own, with its own floors, so that adding statements never moves an earlier batch's figures.
LABELLED_STATEMENTS = {
    "statements-dev": STATEMENTS_DEV,
    "statements-dev-2": STATEMENTS_DEV / "second-batch",
    "statements-dev-3": STATEMENTS_DEV / "third-batch",
}
SPLITS = ("dev", "second-writer", "holdout", *LABELLED_STATEMENTS)


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
    group: str = Field(default="", description="dev/original, dev/former-holdout, ... or holdout.")

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
    """Every case of one split ("dev", "holdout"), one group ("dev/original"), or all splits when `split`
    is None or "all"."""
    if split in (None, "all"):
        names: tuple[str, ...] = SPLITS
    elif split.split("/", 1)[0] in SPLITS:
        names = (split,)
    else:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}, a group like dev/original, or all")
    cases = []
    for name in names:
        if name in LABELLED_STATEMENTS:
            cases += labelled_statements(name, root)
            continue
        for path in sorted((root / name).rglob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            group = str(path.parent.relative_to(root))
            cases.append(CalibrationCase.model_validate({**data, "split": name.split("/", 1)[0], "group": group}))
    return cases


def labelled_statements(
    split: str = "statements-dev", root: Path = ROOT, statements: Path | None = None
) -> list[CalibrationCase]:
    """The real statements of a labelled split as cases: where the two annotators agree, their label; where
    they differ, the adjudicated one. Empty until the annotators' files exist."""
    folder = root / "annotations"
    paths = [folder / f"{split}-{who}.yaml" for who in ("a", "b", "adjudicated")]
    if not all(p.exists() for p in paths):
        return []
    first, second, decided = (yaml.safe_load(p.read_text(encoding="utf-8")) or {} for p in paths)
    cases = []
    for path in sorted((statements or LABELLED_STATEMENTS[split]).glob("*.yaml")):
        statement = yaml.safe_load(path.read_text(encoding="utf-8"))
        if statement["id"] not in first or statement["id"] not in second:
            raise ValueError(f"{statement['id']}: not labelled by both annotators ({split})")
        a, b, settled = first[statement["id"]], second[statement["id"]], decided.get(statement["id"], {})
        settled_labels = settled.get("labels", {})
        labels = {
            criterion: settled_labels.get(criterion, value)
            for criterion, value in a["labels"].items()
            if criterion in settled_labels or value == b["labels"][criterion]
        }
        if len(labels) != len(a["labels"]):
            raise ValueError(f"{statement['id']}: the annotators differ on a label that was not adjudicated")
        same_spans = sorted(a["invented"]) == sorted(b["invented"])
        cases.append(CalibrationCase.model_validate({
            **{key: statement[key] for key in ("id", "strategy", "channel", "facts", "text")},
            "labels": labels,
            "invented": a["invented"] if same_spans else settled["invented"],
            "split": split,
            "group": split,
        }))
    return cases


def groups(root: Path = ROOT) -> list[str]:
    """Every folder of labelled drafts: dev's groups and the holdout."""
    return sorted({str(p.parent.relative_to(root)) for name in SPLITS for p in (root / name).rglob("*.yaml")})
