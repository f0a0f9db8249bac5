"""Human judgement flows back: reviewed drafts, with the reviewers' per-criterion verdicts, as calibration
cases (the format of evals/calibration/), and the graders' agreement with those reviewers.

A reviewer agrees or disagrees with the rubric's verdict on a criterion; the label is the grader's verdict
at review time when they agree, its opposite when they disagree. Criteria a reviewer did not judge carry no
label and are not scored. The latest review of a revision wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from evals.calibrate import Agreement, CalibrationReport, ClaimAgreement
from evals.calibration_set import CalibrationCase
from service.review.texts import graded_text
from service.rubric import grade
from service.rubric.types import RUBRIC_CRITERIA
from service.store import Store
from service.store import drafts as repo
from service.store.models import DraftRow, ReviewRow


def reviewed_cases(store: Store) -> Iterator[CalibrationCase]:
    """One case per reviewed revision with at least one verdict (purged drafts have no text left)."""
    with store.reading() as conn:
        reviewed = repo.rows(conn, select(ReviewRow).order_by(ReviewRow.id))
        latest: dict[tuple[str, int], ReviewRow] = {}
        for review in reviewed:
            if review.criteria:
                latest[(review.draft_id, review.revision)] = review
        for (draft_id, number), review in sorted(latest.items()):
            draft = repo.get_draft(conn, draft_id)
            revision = repo.revision(conn, draft_id, number)
            if draft is None or revision is None or revision.text is None or draft.facts is None:
                continue
            case = _case(draft, revision, review)
            if case is not None:
                yield case


def _case(draft: DraftRow, revision: Any, review: ReviewRow) -> CalibrationCase | None:
    verdicts = {c["criterion"]: c for c in (revision.checks or {}).get("criteria", [])}
    labels: dict[str, bool | None] = {}
    for name, opinion in review.criteria.items():
        verdict = verdicts.get(name)
        if verdict is None or not verdict["applicable"]:
            continue  # nothing the grader said to agree with
        labels[name] = verdict["passed"] if opinion == "agree" else not verdict["passed"]
    if not labels:
        return None
    return CalibrationCase.model_validate(
        {
            "id": f"review-{draft.id}-r{revision.number}",
            "strategy": draft.strategy,
            "channel": draft.channel,
            "facts": draft.facts,
            "text": graded_text(draft.channel, revision.text, revision.subject, revision.headline),
            "labels": labels,
            "notes": f"reviewed by {review.author} ({review.decision}): {review.comment or 'no comment'}",
        }
    )


def export_reviews(store: Store, out: Path) -> list[Path]:
    """Write each reviewed case as out/<id>.yaml, ready to be read like a calibration split."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for case in reviewed_cases(store):
        data = case.model_dump(mode="json", exclude={"split", "flaws", "invented"})
        path = out / f"{case.id}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        written.append(path)
    return written


def review_agreement(cases: list[CalibrationCase]) -> CalibrationReport:
    """Each grader, run now, against the reviewers' labels: only criteria a reviewer judged count."""
    table = {c: Agreement(c.value) for c in RUBRIC_CRITERIA}
    for case in cases:
        result = grade(case.text, case.facts, case.strategy, case.channel)
        for verdict in result.criteria:
            label = case.labels.get(verdict.criterion)
            if label is None or verdict.criterion not in table:
                continue
            table[verdict.criterion].add(
                case.id, flagged=verdict.applicable and not verdict.passed, label_fails=label is False
            )
    judged = [a for a in table.values() if a.n]
    return CalibrationReport("reviews", len(cases), judged, ClaimAgreement())

