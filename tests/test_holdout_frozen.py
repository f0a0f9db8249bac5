"""The holdout is frozen: evals/calibration/holdout.sha256 pins every file, so a label (or a draft) that changes
without the hash file changing fails here, and any change shows in review. Its labels came from two
independent annotators (evals/calibration/annotations/), adjudicated where they disagreed."""

from __future__ import annotations

import hashlib

from evals.annotations import agreement, load
from evals.calibration_set import ROOT as CALIBRATION
from evals.calibration_set import load_calibration
from service.rubric.types import RUBRIC_CRITERIA

HOLDOUT = CALIBRATION / "holdout"
PINS = CALIBRATION / "holdout.sha256"


def _pinned() -> dict[str, str]:
    return {name: digest for digest, name in (line.split(None, 1) for line in PINS.read_text().splitlines())}


def test_every_holdout_file_matches_its_pinned_hash_and_nothing_is_unpinned() -> None:
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in HOLDOUT.glob("*.yaml")}
    assert files == _pinned()


def test_the_holdout_is_large_and_covers_every_strategy_and_channel() -> None:
    cases = load_calibration("holdout")
    assert len(cases) >= 120
    pairs = {(c.strategy, c.channel) for c in cases}
    assert len(pairs) == 18 and all(sum((c.strategy, c.channel) == p for c in cases) >= 6 for p in pairs)


def test_final_labels_are_the_annotators_where_they_agreed_and_the_adjudication_where_not() -> None:
    first, second, decided = load("holdout-a"), load("holdout-b"), load("holdout-adjudicated")
    for case in load_calibration("holdout"):
        a, b = first[case.id], second[case.id]
        for criterion in RUBRIC_CRITERIA:
            final = case.labels[criterion]
            value = "n/a" if final is None else final
            if a["labels"][criterion.value] == b["labels"][criterion.value]:
                assert value == a["labels"][criterion.value], (case.id, criterion)
            else:
                assert value == decided[case.id]["labels"][criterion.value], (case.id, criterion)
        expected = a["invented"] if sorted(a["invented"]) == sorted(b["invented"]) else decided[case.id]["invented"]
        assert case.invented == expected, case.id


def test_inter_annotator_agreement_is_measured_per_criterion() -> None:
    result = agreement("holdout")
    assert result.drafts == len(load_calibration("holdout"))
    assert {a.criterion for a in result.criteria} == {c.value for c in RUBRIC_CRITERIA}
    assert all(a.n > 0 for a in result.criteria)
