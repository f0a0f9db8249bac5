"""The graders must keep agreeing with the labelled sets at least as well as the recorded floors, and the
floors only ever rise: no value drops below the one in the file's previous commit, and no key disappears."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals.calibrate import Floors, below_floor, floors, parse_floors, run_calibration
from evals.calibration_set import LABELLED_STATEMENTS, groups
from evals.statements import FLOOR_KEYS, LABELLED_SPLITS, STATEMENT_SETS, load_statements, measure
from tests.conftest import ROOT

FLOOR_PATH = "evals/calibration_floor.json"


LABELLED = ["dev", *groups(), *LABELLED_STATEMENTS]


@pytest.mark.parametrize("group", LABELLED)
def test_agreement_stays_at_or_above_the_floors(group: str) -> None:
    assert below_floor(run_calibration(group), group) == []


@pytest.mark.parametrize("statement_set", sorted(STATEMENT_SETS))
def test_real_statements_stay_at_or_above_their_floor(statement_set: str) -> None:
    assert measure(load_statements(STATEMENT_SETS[statement_set])).auc >= floors()[FLOOR_KEYS[statement_set]]["auc"]


def test_the_floors_cover_every_group_and_criterion() -> None:
    minimum = floors()
    assert set(minimum) == {*LABELLED, "statements"}
    assert set(LABELLED_SPLITS.values()) <= set(LABELLED_STATEMENTS)  # each tuning set of statements is labelled
    for group in LABELLED:
        criteria = {a.criterion for a in run_calibration(group).criteria}
        assert criteria <= set(minimum[group]) and {"claims_recall", "claims_precision"} <= set(minimum[group])
    assert all(0.0 <= v <= 1.0 for values in minimum.values() for v in values.values())


def _history() -> list[tuple[str, Floors]]:
    """The floor file as it is now, then as of each commit that changed it, newest first."""
    log = subprocess.run(
        ["git", "log", "--format=%H", "--", FLOOR_PATH], cwd=ROOT, capture_output=True, text=True, check=True
    )
    versions = [("working tree", floors())]
    for commit in log.stdout.split():
        text = subprocess.run(
            ["git", "show", f"{commit}:{FLOOR_PATH}"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        versions.append((commit[:12], parse_floors(text)))
    return versions


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the repository's history")
def test_floors_only_rise_and_no_key_disappears() -> None:
    versions = _history()
    assert len(versions) >= 2
    for (newer_name, newer), (older_name, older) in itertools.pairwise(versions):
        for group, values in older.items():
            for metric, floor in values.items():
                assert metric in newer.get(group, {}), f"{group}/{metric} disappeared ({older_name} -> {newer_name})"
                assert newer[group][metric] >= floor, (
                    f"{group}/{metric} dropped {floor} -> {newer[group][metric]} ({older_name} -> {newer_name})"
                )


def test_calibrate_command_prints_and_writes_the_report(tmp_path: object) -> None:
    out = ROOT / "out" / "test-calibration"
    result = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "eval", "calibrate", "--split", "holdout",
         "--out", str(out), "--check-floor"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "| acknowledgment |" in result.stdout and "Faithfulness per claim" in result.stdout
    data = json.loads((out / "calibration.json").read_text())
    assert data["split"] == "holdout" and len(data["criteria"]) == 12 and "macro_f1" in data
    assert (out / "calibration.md").read_text().startswith("### Grader agreement")


# --- how far a figure moves with which drafts are in the set (bootstrap intervals) ---


def test_intervals_bracket_each_figure_and_repeat_with_the_seed() -> None:
    from evals.calibrate import agreement_of, figures, grade_cases, intervals
    from evals.calibration_set import load_calibration

    graded = grade_cases(load_calibration("dev/original")[:40])
    measured = figures(agreement_of(graded, "dev/original"))
    found = intervals(graded, rounds=200, seed=7)
    assert set(found) == set(measured)
    assert all(0.0 <= low <= high <= 1.0 for low, high in found.values())
    assert found["macro_f1"][0] < found["macro_f1"][1]  # 40 drafts: which ones are drawn moves the figure
    assert intervals(graded, rounds=200, seed=7) == found
    # Every draft counted once, each resample draws as many: a set where all drafts are one copy of the same
    # draft cannot move.
    single = [graded[0]] * 10
    assert all(low == high for low, high in intervals(single, rounds=50).values())


def test_calibrate_command_writes_the_intervals(tmp_path: Path) -> None:
    out = tmp_path / "cal"
    done = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "eval", "calibrate", "--split",
         "dev/original", "--bootstrap", "50", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "95% intervals over 50 resamples" in done.stdout
    written = json.loads((out / "calibration.json").read_text())
    assert written["resamples"] == 50 and set(written["intervals_95"]) >= {"macro_f1", "claims_recall"}
    low, high = written["intervals_95"]["macro_f1"]
    assert low <= high
