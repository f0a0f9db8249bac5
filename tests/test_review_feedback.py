"""Human judgement flows back to the rubric: `trustdraft eval export-reviews` writes reviewed drafts in the
calibration set's format, `trustdraft eval calibrate --reviews` scores the graders against the reviewers,
and `trustdraft db upgrade | purge` manage the database. Real processes, a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from evals.calibration_set import CalibrationCase
from service.app import create_app
from tests.conftest import ROOT, example_facts, remote_settings
from tests.fake_upstream import FakeUpstream


def trustdraft(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from service.cli import main; main()", *args]
    env = {**os.environ, "TRUSTDRAFT_DATABASE_PATH": str(database)}
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def _reviewed(upstream: FakeUpstream, database: Path) -> list[str]:
    settings = remote_settings(upstream, database_path=database, api_keys="d,reviewer:r")
    body = {"strategy": "reactive", "channel": "email", "facts": example_facts("telecom-outage")}
    with TestClient(create_app(settings)) as client:
        ids = [client.post("/v1/drafts", json=body, headers={"X-API-Key": "d"}).json()["id"] for _ in range(3)]
        verdicts = [{"ownership": "agree", "sincerity": "disagree"}, {"acknowledgment": "agree"}, {}]
        for draft_id, criteria in zip(ids, verdicts, strict=True):
            decided = client.post(f"/v1/drafts/{draft_id}/reviews", json={"decision": "reject", "criteria": criteria},
                                  headers={"X-API-Key": "r"})
            assert decided.status_code == 200
    return ids


def test_reviewed_drafts_export_as_calibration_cases_and_calibrate_against_reviewers(
    upstream: FakeUpstream, tmp_path: Path
) -> None:
    database = tmp_path / "db.sqlite3"
    ids = _reviewed(upstream, database)
    out = tmp_path / "reviews"
    exported = trustdraft(database, "eval", "export-reviews", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    files = sorted(out.glob("*.yaml"))
    assert [f.stem for f in files] == sorted(f"review-{i}-r0" for i in ids[:2])  # the third had no verdicts
    cases = {f.stem: CalibrationCase.model_validate(yaml.safe_load(f.read_text())) for f in files}
    first = cases[f"review-{ids[0]}-r0"]
    # the graders passed ownership and sincerity on this draft: agree keeps the pass, disagree makes it a fail
    assert first.labels == {"ownership": True, "sincerity": False} and first.facts.organization == "Northwind Mobile"
    assert first.text.startswith("Subject: We are sorry")
    calibrated = trustdraft(database, "eval", "calibrate", "--reviews", "--out", str(tmp_path / "cal"))
    assert calibrated.returncode == 0, calibrated.stderr
    report = json.loads((tmp_path / "cal" / "calibration.json").read_text())
    by_criterion = {c["criterion"]: c for c in report["criteria"]}
    assert set(by_criterion) == {"ownership", "sincerity", "acknowledgment"}
    assert by_criterion["sincerity"]["fn"] == 1 and by_criterion["ownership"]["tn"] == 1
    assert "reviews, 2 drafts" in calibrated.stdout


def test_db_upgrade_and_purge(upstream: FakeUpstream, tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "db.sqlite3"
    upgraded = trustdraft(database, "db", "upgrade")
    assert upgraded.returncode == 0 and "revision 0" in upgraded.stdout
    _reviewed(upstream, database)
    purged = trustdraft(database, "db", "purge", "--older-than-days", "1")
    assert purged.returncode == 0 and "purged 0 draft(s)" in purged.stdout
    assert trustdraft(database, "db", "purge").returncode == 2  # no retention set, no option: says so
