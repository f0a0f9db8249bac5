"""The CI eval: a fixed subset on the embedded model (temperature 0, fixed seed), recorded in an eval history,
the gate of `candidate` against `production` from the stored run with the candidate's trend in report.md,
and the same subset through promptfoo. What .github/workflows/eval.yml runs too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

# Two cases per strategy, short channels first: about two minutes of embedded-model time for both versions.
CI_CASES = (
    "telecom-outage-status,parcel-delays-status-no-remedy,meal-kit-price-social,"
    "food-recall-status,coffee-prices-social,dairy-milk-price-status"
)
OUT = ROOT / "out" / "ci-eval"


HISTORY = OUT / "history.sqlite3"  # the workflow keeps its history in the Actions cache; here, a fresh one


def trustdraft(*args: str, timeout: float = 1200) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from service.cli import main; main()", *args]
    env = {**os.environ, "TRUSTDRAFT_DATABASE_PATH": str(HISTORY)}
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def ci_run() -> Path:
    HISTORY.unlink(missing_ok=True)
    ran = trustdraft(
        "eval",
        "run",
        "--prompts",
        "production,candidate",
        "--cases",
        CI_CASES,
        "--seed",
        "0",
        "--temperature",
        "0",
        "--out",
        str(OUT),
        "--cache",
        str(ROOT / ".cache" / "ci-eval"),
        "--record",
        "--label",
        "ci",
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    return OUT / "results.json"


def test_the_subset_is_drafted_on_the_embedded_model_and_graded(ci_run: Path) -> None:
    data = json.loads(ci_run.read_text())
    assert len(data["records"]) == 12
    assert {r["model"] for r in data["records"]} == {"local/smollm2-135m-instruct"}
    assert all(r["checks"] and r["text"] for r in data["records"])


def test_the_candidate_passes_the_gate_against_production_from_the_recorded_run(ci_run: Path) -> None:
    listed = json.loads(trustdraft("eval", "history", "--label", "ci", "--limit", "1", "--json").stdout)
    run = listed[0]["id"]  # as the workflow finds it
    assert listed[0]["status"] == "finished" and set(listed[0]["prompts"]) == {"production", "candidate"}
    compared = trustdraft(
        "eval", "compare", "--base-run", run, "--candidate-run", run, "--base", "production", "--candidate",
        "candidate", "--trend-last", "20", "--out", str(OUT / "compare"),
    )
    report = (OUT / "compare" / "report.md").read_text()  # what the workflow posts on the pull request
    assert "### trustdraft eval" in report and f"| `{run}` |" in report
    assert "#### Trend: `candidate` over its last 1 recorded run(s)" in report
    assert compared.returncode == 0, f"the prompt gate failed:\n{report}"


def test_promptfoo_runs_the_same_cases_with_our_provider_and_graders(ci_run: Path) -> None:
    out = OUT / "promptfoo.json"
    ran = trustdraft(
        "eval", "promptfoo", "--cases", "telecom-outage-status,coffee-prices-social", "--out", str(out)
    )
    assert ran.returncode == 0, (ran.stdout + ran.stderr)[-3000:]
    results = json.loads(out.read_text())["results"]
    cells = results["results"]
    assert len(cells) == 4  # 2 cases x 2 prompts
    named = {cell["vars"]["case_id"]: cell["namedScores"] for cell in cells}
    assert {"overall", "faithfulness", "acknowledgment"} <= set(named["telecom-outage-status"])
    # A criterion that does not apply is left out, not counted as a pass (proactive has no acknowledgment).
    assert "acknowledgment" not in named["coffee-prices-social"] and "faithfulness" in named["coffee-prices-social"]


def _wrapper_script(tmp_path: Path, failures: int, message: str) -> list[str]:
    """A stand-in for the promptfoo wrapper (a real process): fails `failures` times with `message`, then succeeds."""
    count = tmp_path / "starts"
    script = tmp_path / "wrapper.py"
    script.write_text(
        "import pathlib, sys\n"
        f"count = pathlib.Path({str(count)!r})\n"
        "n = int(count.read_text()) + 1 if count.exists() else 1\n"
        "count.write_text(str(n))\n"
        f"if n <= {failures}:\n"
        f"    print({message!r}, file=sys.stderr)\n"
        "    sys.exit(1)\n"
        "print('ran', file=sys.stderr)\n"
    )
    return [sys.executable, str(script)]


def test_promptfoo_is_started_again_when_its_node_check_fails_to_start(tmp_path: Path) -> None:
    from evals.cli import _run_wrapper

    node_check = "ERROR: Could not determine the Node.js version. promptfoo requires Node.js 22.22.0 or newer."
    assert _run_wrapper(_wrapper_script(tmp_path, 1, node_check), dict(os.environ)) == 0
    assert (tmp_path / "starts").read_text() == "2"


def test_a_promptfoo_run_that_fails_for_any_other_reason_is_not_run_again(tmp_path: Path) -> None:
    from evals.cli import _run_wrapper

    assert _run_wrapper(_wrapper_script(tmp_path, 1, "Error: invalid config"), dict(os.environ)) == 1
    assert (tmp_path / "starts").read_text() == "1"
    (tmp_path / "starts").unlink()
    node_check = "ERROR: Could not determine the Node.js version."
    assert _run_wrapper(_wrapper_script(tmp_path, 5, node_check), dict(os.environ)) == 1  # not forever
    assert (tmp_path / "starts").read_text() == "3"
