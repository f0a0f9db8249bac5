"""The graders must keep agreeing with the labelled dev set at least as well as the recorded floors."""

from __future__ import annotations

import json
import subprocess
import sys

from evals.calibrate import below_floor, floors, run_calibration
from tests.conftest import ROOT


def test_dev_agreement_stays_at_or_above_the_floors() -> None:
    report = run_calibration("dev")
    assert below_floor(report) == []


def test_the_floors_cover_every_criterion_and_only_go_up_from_a_sane_start() -> None:
    minimum = floors()
    assert {k for k in minimum if not k.startswith("claims_")} == {a.criterion for a in run_calibration("dev").criteria}
    assert all(0.5 <= value <= 1.0 for value in minimum.values())


def test_calibrate_command_prints_and_writes_the_report(tmp_path: object) -> None:
    out = ROOT / "out" / "test-calibration"
    result = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "eval", "calibrate", "--split", "holdout",
         "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "| acknowledgment |" in result.stdout and "Faithfulness per claim" in result.stdout
    data = json.loads((out / "calibration.json").read_text())
    assert data["split"] == "holdout" and len(data["criteria"]) == 12
    assert (out / "calibration.md").read_text().startswith("### Grader agreement")
