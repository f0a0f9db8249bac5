"""Real published statements with their documented public reception (evals/statements/*.yaml).

Each file holds an organisation's own words as published (verbatim, from a stored public page), the facts as
the organisation knew them (from the coverage, not from the statement), and how the statement was received:
`praised` or `criticized`, with the coverage that says so. The set validates the graders on real text; it
never trains them. `evals/statements-dev/` (and its `second-batch/`, `third-batch/`) hold more statements in the same format,
about other events, that the graders may be tuned on. The figure is the AUC of the rubric's overall score: the
chance that a praised statement scores above a criticized one (ties count half).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from evals.calibrate import percentile_interval
from evals.calibration_set import LABELLED_STATEMENTS, CalibrationCase
from evals.cases import load_all
from service.facts import Channel, Facts, Strategy
from service.rubric import RubricResult, grade
from service.rubric.types import RUBRIC_CRITERIA

STATEMENTS_DIR = Path(__file__).resolve().parent / "statements"
# Sets gathered later, about other events, for tuning on real text, so the validation set above stays untouched;
# each is also labelled (the labelled split of the same name in evals/calibration_set.py).
LABELLED_SPLITS = {"dev": "statements-dev", "dev2": "statements-dev-2", "dev3": "statements-dev-3"}
STATEMENTS_DEV_DIR = LABELLED_STATEMENTS["statements-dev"]
STATEMENT_SETS = {"validation": STATEMENTS_DIR} | {name: LABELLED_STATEMENTS[s] for name, s in LABELLED_SPLITS.items()}
# Each set's key in evals/calibration_floor.json.
FLOOR_KEYS = {"validation": "statements", **LABELLED_SPLITS}
Reception = Literal["praised", "criticized"]


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(pattern=r"^https?://", description="Where the coverage was found.")
    says: str = Field(min_length=10, description="What it says about the statement, quoted or summarised.")


class Statement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    organization: str
    year: int = Field(ge=1950, le=2100)
    strategy: Strategy
    channel: Channel
    reception: Reception
    reception_evidence: list[Evidence] = Field(min_length=1)
    facts: Facts
    text: str = Field(min_length=20)
    text_source: str = Field(pattern=r"^https?://")
    notes: str = ""


def load_statements(root: Path = STATEMENTS_DIR) -> list[Statement]:
    return load_all(root, Statement)


def auc(praised: list[float], criticized: list[float]) -> float:
    """P(a praised score > a criticized score), ties counted half (the Mann-Whitney U, normalised)."""
    if not praised or not criticized:
        return 0.5
    wins = sum((p > c) + 0.5 * (p == c) for p in praised for c in criticized)
    return wins / (len(praised) * len(criticized))


def auc_interval(praised: list[float], criticized: list[float], rounds: int, seed: int = 0) -> tuple[float, float]:
    """95% bootstrap interval of the AUC: each group resampled with replacement, at its own size (seeded)."""
    rng = random.Random(seed)
    values = [
        auc([rng.choice(praised) for _ in praised], [rng.choice(criticized) for _ in criticized])
        for _ in range(rounds)
    ]
    return percentile_interval(values)


@dataclass(frozen=True)
class Separation:
    """How one criterion tells praised from criticized statements."""

    criterion: str
    praised_n: int  # statements where it applies
    criticized_n: int
    praised_pass: float  # share passing
    criticized_pass: float
    auc: float  # of the criterion's score, where it applies


@dataclass(frozen=True)
class StatementsReport:
    statements: int
    praised: int
    criticized: int
    auc: float  # of the overall score
    pass_praised: float  # share passing overall
    pass_criticized: float
    criteria: list[Separation]
    scores: dict[str, float]  # id -> overall score
    auc_95: tuple[float, float] | None = None  # bootstrap interval, when asked for
    resamples: int = 0
    labels_auc: float | None = None  # the annotators' labels as the score, where the set is labelled

    def to_json(self) -> dict[str, object]:
        return {
            "statements": self.statements,
            "praised": self.praised,
            "criticized": self.criticized,
            "auc": round(self.auc, 3),
            "pass_praised": round(self.pass_praised, 3),
            "pass_criticized": round(self.pass_criticized, 3),
            "criteria": [{**vars(s), "auc": round(s.auc, 3)} for s in self.criteria],
            "scores": self.scores,
        } | ({"auc_95": [round(v, 3) for v in self.auc_95], "resamples": self.resamples} if self.auc_95 else {}) | (
            {"labels_auc": round(self.labels_auc, 3)} if self.labels_auc is not None else {}
        )


def labels_score(case: CalibrationCase) -> float:
    """A labelled statement's score by its labels: the share of the criteria that apply which pass."""
    applying = [v for v in case.labels.values() if v is not None]
    return sum(applying) / len(applying) if applying else 0.0


def measure(
    statements: list[Statement], bootstrap: int = 0, labelled: list[CalibrationCase] | None = None
) -> StatementsReport:
    """The AUC and each criterion's separation; with `bootstrap` rounds, the AUC's 95% interval too; with the
    statements' labels (`labelled`), the AUC the labels themselves reach: how far the rubric, applied by people,
    separates praised from criticized."""
    graded = [(s, grade(s.text, s.facts, s.strategy, s.channel)) for s in statements]
    praised = [r for s, r in graded if s.reception == "praised"]
    criticized = [r for s, r in graded if s.reception == "criticized"]
    interval = auc_interval([r.score for r in praised], [r.score for r in criticized], bootstrap) if bootstrap else None
    by_label = {c.id: labels_score(c) for c in labelled or []}
    labels_auc = (
        auc(
            [by_label[s.id] for s in statements if s.reception == "praised" and s.id in by_label],
            [by_label[s.id] for s in statements if s.reception == "criticized" and s.id in by_label],
        )
        if by_label
        else None
    )
    return StatementsReport(
        labels_auc=labels_auc,
        auc_95=interval,
        resamples=bootstrap,
        statements=len(graded),
        praised=len(praised),
        criticized=len(criticized),
        auc=auc([r.score for r in praised], [r.score for r in criticized]),
        pass_praised=_share_passing(praised),
        pass_criticized=_share_passing(criticized),
        criteria=[_separation(c.value, praised, criticized) for c in RUBRIC_CRITERIA],
        scores={s.id: r.score for s, r in graded},
    )


def _share_passing(results: list[RubricResult]) -> float:
    return sum(r.passed for r in results) / len(results) if results else 0.0


def _separation(criterion: str, praised: list[RubricResult], criticized: list[RubricResult]) -> Separation:
    yes = [r.criterion(criterion) for r in praised if r.criterion(criterion).applicable]
    no = [r.criterion(criterion) for r in criticized if r.criterion(criterion).applicable]
    return Separation(
        criterion=criterion,
        praised_n=len(yes),
        criticized_n=len(no),
        praised_pass=round(sum(v.passed for v in yes) / len(yes), 3) if yes else 0.0,
        criticized_pass=round(sum(v.passed for v in no) / len(no), 3) if no else 0.0,
        auc=auc([v.score for v in yes], [v.score for v in no]),
    )


def render_markdown(report: StatementsReport) -> str:
    lines = [
        f"### Real statements: praised vs criticized ({report.praised} praised, {report.criticized} criticized)",
        "",
        f"AUC of the overall score: **{report.auc:.3f}** (0.5 = no better than chance). Passing overall: "
        f"{report.pass_praised:.0%} of praised, {report.pass_criticized:.0%} of criticized."
        + (
            f" 95% interval of the AUC over {report.resamples} resamples of each group: "
            f"{report.auc_95[0]:.3f} - {report.auc_95[1]:.3f}."
            if report.auc_95
            else ""
        )
        + (
            f" The annotators' verdicts, read as a score (the share of applicable criteria passing), rank them "
            f"with AUC {report.labels_auc:.3f}: how far the rubric itself, applied by people, separates them."
            if report.labels_auc is not None
            else ""
        ),
        "",
        "| criterion | applies (praised / criticized) | passes: praised | passes: criticized | AUC of its score |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in report.criteria:
        lines.append(
            f"| {s.criterion} | {s.praised_n} / {s.criticized_n} | {s.praised_pass:.0%} | "
            f"{s.criticized_pass:.0%} | {s.auc:.2f} |"
        )
    return "\n".join(lines) + "\n"
