"""The CI eval: a fixed subset on the embedded model (temperature 0, fixed seed), the gate of `candidate`
against `production`, and the same subset through promptfoo. What .github/workflows/eval.yml runs too."""

from __future__ import annotations

import json
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


def trustdraft(*args: str, timeout: float = 1200) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from service.cli import main; main()", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def ci_run() -> Path:
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
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    return OUT / "results.json"


def test_the_subset_is_drafted_on_the_embedded_model_and_graded(ci_run: Path) -> None:
    data = json.loads(ci_run.read_text())
    assert len(data["records"]) == 12
    assert {r["model"] for r in data["records"]} == {"local/smollm2-135m-instruct"}
    assert all(r["checks"] and r["text"] for r in data["records"])


def test_the_candidate_passes_the_gate_against_production(ci_run: Path) -> None:
    compared = trustdraft(
        "eval",
        "compare",
        str(ci_run),
        "--base",
        "production",
        "--candidate",
        "candidate",
        "--out",
        str(OUT / "compare"),
    )
    report = (OUT / "compare" / "report.md").read_text()
    assert "### trustdraft eval" in report
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
