"""How well each rubric grader agrees with the labelled calibration set.

The positive class is "fails": a grader earns a true positive by catching a flaw a careful reader
labelled. Per criterion: precision, recall, F1, accuracy, Cohen's kappa and the confusion counts,
over the drafts the label calls applicable. Faithfulness is also scored per claim: how many planted
invented claims the ledger flags (recall) and how many flagged claims were planted (precision).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.calibration_set import CalibrationCase, load_calibration
from service.rubric import RubricResult, grade
from service.rubric.types import RUBRIC_CRITERIA, Criterion

FLOOR_FILE = Path(__file__).resolve().parent / "calibration_floor.json"


@dataclass
class Agreement:
    criterion: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    applicability_disagreements: int = 0
    misses: list[str] = field(default_factory=list)  # case ids where grader and label disagree

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def add(self, case_id: str, *, flagged: bool, label_fails: bool) -> None:
        """Count one draft: `flagged` is the grader's (or judge's) fail verdict, `label_fails` the label's."""
        if flagged and label_fails:
            self.tp += 1
        elif flagged:
            self.fp += 1
            self.misses.append(f"{case_id} (flagged, label passes)")
        elif label_fails:
            self.fn += 1
            self.misses.append(f"{case_id} (missed, label fails)")
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 1.0

    @property
    def kappa(self) -> float:
        """Cohen's kappa between grader and label (fails vs passes)."""
        n = self.n
        if not n:
            return 1.0
        observed = (self.tp + self.tn) / n
        expected = (
            (self.tp + self.fp) * (self.tp + self.fn) + (self.fn + self.tn) * (self.fp + self.tn)
        ) / n**2
        return (observed - expected) / (1 - expected) if expected < 1 else 1.0

    def summary(self) -> dict[str, object]:
        return {
            "criterion": self.criterion,
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "accuracy": round(self.accuracy, 3),
            "kappa": round(self.kappa, 3),
            "applicability_disagreements": self.applicability_disagreements,
            "misses": self.misses,
        }


@dataclass
class ClaimAgreement:
    planted: int = 0
    found: int = 0
    flagged: int = 0
    flagged_planted: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return self.flagged_planted / self.flagged if self.flagged else 1.0


@dataclass
class CalibrationReport:
    split: str
    cases: int
    criteria: list[Agreement]
    claims: ClaimAgreement
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)  # 95%, bootstrap (`intervals`)
    resamples: int = 0

    @property
    def macro_f1(self) -> float:
        """The mean F1 over criteria with at least one labelled failure or flag (others say nothing)."""
        scored = [a.f1 for a in self.criteria if a.tp + a.fp + a.fn]
        return sum(scored) / len(scored) if scored else 1.0

    def to_json(self) -> dict[str, object]:
        return {
            "split": self.split,
            "cases": self.cases,
            "macro_f1": round(self.macro_f1, 3),
            "criteria": [a.summary() for a in self.criteria],
            "claims": {
                **asdict(self.claims),
                "recall": round(self.claims.recall, 3),
                "precision": round(self.claims.precision, 3),
            },
        } | (
            {"intervals_95": {k: [round(v, 3) for v in pair] for k, pair in self.intervals.items()},
             "resamples": self.resamples}
            if self.intervals
            else {}
        )


def score_case(case: CalibrationCase, result: RubricResult, table: dict[Criterion, Agreement]) -> None:
    """Add one graded case to the per-criterion confusion tables."""
    for verdict in result.criteria:
        label = case.labels.get(verdict.criterion)
        agreement = table[verdict.criterion]
        if (label is None) != (not verdict.applicable):
            agreement.applicability_disagreements += 1
        if label is None:
            continue
        agreement.add(case.id, flagged=verdict.applicable and not verdict.passed, label_fails=label is False)


def score_claims(case: CalibrationCase, result: RubricResult, claims: ClaimAgreement) -> None:
    """Planted invented claims found (overlapping spans) and flagged claims that were planted."""
    planted = case.invented_spans()
    flagged = [(c.start, c.end, c.text) for c in result.unsupported]
    claims.planted += len(planted)
    for start, end in planted:
        if any(s < end and e > start for s, e, _ in flagged):
            claims.found += 1
        else:
            claims.missed.append(f"{case.id}: {case.text[start:end]!r}")
    for s, e, text in flagged:
        claims.flagged += 1
        if any(s < end and e > start for start, end in planted):
            claims.flagged_planted += 1
        else:
            claims.spurious.append(f"{case.id}: {text!r}")


def score_judge(case: CalibrationCase, verdicts: dict[str, bool], table: dict[Criterion, Agreement]) -> None:
    """Add an LLM judge's verdicts; a criterion it did not answer counts as an applicability disagreement."""
    for criterion, label in case.labels.items():
        if label is None:
            continue
        agreement = table[criterion]
        if criterion.value not in verdicts:
            agreement.applicability_disagreements += 1
            continue
        agreement.add(case.id, flagged=not verdicts[criterion.value], label_fails=label is False)


async def judge_agreement(cases: list[CalibrationCase], split: str, judge: Any) -> CalibrationReport:
    """The LLM judge's agreement with the labels, scored like a grader's (no claim-level figures)."""
    table = {c: Agreement(c.value) for c in RUBRIC_CRITERIA}
    for case in cases:
        verdict = await judge.judge(case.text, case.facts, case.strategy, case.channel)
        score_judge(case, verdict.verdicts, table)
    return CalibrationReport(f"{split}, judge", len(cases), list(table.values()), ClaimAgreement())


Graded = list[tuple[CalibrationCase, RubricResult]]


def grade_cases(cases: list[CalibrationCase]) -> Graded:
    return [(case, grade(case.text, case.facts, case.strategy, case.channel)) for case in cases]


def agreement_of(graded: Graded, split: str) -> CalibrationReport:
    table = {c: Agreement(c.value) for c in RUBRIC_CRITERIA}
    claims = ClaimAgreement()
    for case, result in graded:
        score_case(case, result, table)
        score_claims(case, result, claims)
    return CalibrationReport(split, len(graded), list(table.values()), claims)


def intervals(graded: Graded, rounds: int = 1000, seed: int = 0) -> dict[str, tuple[float, float]]:
    """95% bootstrap intervals of each figure the floors are set on: the same drafts resampled with
    replacement `rounds` times (seeded, so a run repeats). How far a figure moves with which drafts happen
    to be in a set of this size; it says nothing of drafts unlike these."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        report = agreement_of([graded[rng.randrange(len(graded))] for _ in graded], "resample")
        for name, value in figures(report).items():
            samples.setdefault(name, []).append(value)
    return {name: percentile_interval(values) for name, values in samples.items()}


def percentile_interval(values: list[float]) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of bootstrap values."""
    ordered = sorted(values)
    return ordered[int(0.025 * len(ordered))], ordered[min(len(ordered) - 1, int(0.975 * len(ordered)))]


def _interval_table(report: CalibrationReport) -> str:
    figure = figures(report)
    lines = [
        f"95% intervals over {report.resamples} resamples of the {report.cases} drafts (bootstrap):",
        "",
        "| figure | measured | interval |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {figure[name]:.3f} | {low:.3f} - {high:.3f} |" for name, (low, high) in report.intervals.items()]
    return "\n".join(lines)


def render_markdown(report: CalibrationReport) -> str:
    lines = [
        f"### Grader agreement with the labelled calibration set ({report.split}, {report.cases} drafts)",
        "",
        "Positive class: the draft fails the criterion. n counts drafts the label calls applicable.",
        "",
        "| criterion | n | P | R | F1 | kappa | acc | tp | fp | fn | tn | applicability disagreements |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for a in report.criteria:
        lines.append(
            f"| {a.criterion} | {a.n} | {a.precision:.2f} | {a.recall:.2f} | {a.f1:.2f} | {a.kappa:.2f} | "
            f"{a.accuracy:.2f} | {a.tp} | {a.fp} | {a.fn} | {a.tn} | {a.applicability_disagreements} |"
        )
    c = report.claims
    lines += [
        "",
        f"Macro F1 over criteria: {report.macro_f1:.3f}.",
        "",
        f"Faithfulness per claim: {c.found}/{c.planted} planted invented claims flagged "
        f"(recall {c.recall:.2f}); {c.flagged_planted}/{c.flagged} flagged claims were planted "
        f"(precision {c.precision:.2f}).",
    ]
    if report.intervals:
        lines += ["", _interval_table(report)]
    return "\n".join(lines) + "\n"


def write_report(report: CalibrationReport, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "calibration.json", out / "calibration.md"
    json_path.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return [json_path, md_path]


# The first floor file was flat: the floors of the original dev set, now the group dev/original.
LEGACY_GROUP = "dev/original"
Floors = dict[str, dict[str, float]]  # group (dev, dev/original, holdout, statements-dev, statements) -> metric -> floor


def parse_floors(text: str) -> Floors:
    data = json.loads(text)
    if all(isinstance(value, int | float) for value in data.values()):
        return {LEGACY_GROUP: data}
    return {group: dict(values) for group, values in data.items()}


def floors() -> Floors:
    return parse_floors(FLOOR_FILE.read_text(encoding="utf-8"))


def figures(report: CalibrationReport) -> dict[str, float]:
    """What the floors are set on: each criterion's F1, their mean, and the per-claim recall and precision."""
    found = {a.criterion: a.f1 for a in report.criteria}
    found["macro_f1"] = report.macro_f1
    found["claims_recall"] = report.claims.recall
    found["claims_precision"] = report.claims.precision
    return found


def below_floor(report: CalibrationReport, group: str | None = None) -> list[str]:
    """Figures that fell below the floors recorded for this group (floors only ever go up)."""
    minimum = floors().get(group or report.split, {})
    return [
        f"{name}: {value:.3f} < floor {minimum[name]:.2f}"
        for name, value in figures(report).items()
        if name in minimum and value < minimum[name] - 1e-9  # 4/5 is 0.7999... in floating point
    ]


def run_calibration(split: str = "dev", out: Path | None = None, bootstrap: int = 0) -> CalibrationReport:
    """The report; with `bootstrap` rounds, also the figures' 95% intervals."""
    graded = grade_cases(load_calibration(split))
    report = agreement_of(graded, split)
    if bootstrap:
        report.intervals = intervals(graded, bootstrap)
        report.resamples = bootstrap
    if out is not None:
        write_report(report, out)
    return report
