"""Inter-annotator agreement: how far two independent annotators agreed before adjudication.

evals/calibration/annotations/<set>-a.yaml and <set>-b.yaml hold each annotator's own labels and `invented`
spans, as given ({draft id: {labels, invented}}); <set>-adjudicated.yaml the decisions on the drafts they
disagreed on. Agreement per criterion is Cohen's kappa over the drafts both annotators call applicable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evals.calibrate import Agreement
from service.rubric.types import RUBRIC_CRITERIA

ANNOTATIONS = Path(__file__).resolve().parent / "calibration" / "annotations"


@dataclass(frozen=True)
class AnnotatorAgreement:
    drafts: int
    criteria: list[Agreement]  # A's "fails" as the grader, B's as the label: kappa is symmetric
    applicability_disagreements: int
    labels_disagreeing: int  # (draft, criterion) pairs where A and B differ, applicability included
    invented_lists_differing: int  # drafts whose invented spans differ in any way (boundaries included)
    adjudicated: int


def load(name: str) -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = yaml.safe_load((ANNOTATIONS / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def _value(raw: object) -> bool | None:
    return None if raw in (None, "n/a") else bool(raw)


def agreement(set_name: str = "holdout") -> AnnotatorAgreement:
    first, second = load(f"{set_name}-a"), load(f"{set_name}-b")
    table = {c.value: Agreement(c.value) for c in RUBRIC_CRITERIA}
    applicability = differing = 0
    for draft, labels in first.items():
        other = second[draft]
        for criterion, agreement_of in table.items():
            a, b = _value(labels["labels"][criterion]), _value(other["labels"][criterion])
            differing += a != b
            if (a is None) != (b is None):
                applicability += 1
            elif a is not None and b is not None:
                agreement_of.add(draft, flagged=not a, label_fails=not b)
    invented = sum(sorted(first[d]["invented"]) != sorted(second[d]["invented"]) for d in first)
    return AnnotatorAgreement(
        len(first), list(table.values()), applicability, differing, invented, len(load(f"{set_name}-adjudicated"))
    )


def render_markdown(result: AnnotatorAgreement, set_name: str = "holdout") -> str:
    lines = [
        f"### Inter-annotator agreement ({set_name}, {result.drafts} drafts, before adjudication)",
        "",
        "| criterion | n (both applicable) | agreement | Cohen's kappa | fails: A | fails: B |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for a in result.criteria:
        lines.append(
            f"| {a.criterion} | {a.n} | {a.accuracy:.3f} | {a.kappa:.3f} | {a.tp + a.fp} | {a.tp + a.fn} |"
        )
    lines += [
        "",
        f"{result.labels_disagreeing} of {result.drafts * len(result.criteria)} labels differed "
        f"({result.applicability_disagreements} on applicability); {result.invented_lists_differing} drafts' "
        f"`invented` lists differed (span boundaries included); {result.adjudicated} drafts were adjudicated.",
    ]
    return "\n".join(lines) + "\n"
