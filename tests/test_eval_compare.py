"""Comparison statistics, the gate, and the reports (pinned by golden files)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evals.compare import GateConfig, compare
from evals.report_html import render_html
from evals.report_md import render_markdown
from evals.stats import bootstrap_mean_ci, mcnemar_exact
from tests.eval_fixtures import BASE_TEXTS, CANDIDATE_TEXTS, make_results

GOLDEN = Path(__file__).resolve().parent / "golden"


def test_exact_mcnemar_matches_the_binomial() -> None:
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(10, 2) == pytest.approx(0.03857, abs=1e-4)  # 2 * P(X <= 2), X ~ Bin(12, 0.5)
    assert mcnemar_exact(2, 10) == mcnemar_exact(10, 2)
    assert mcnemar_exact(5, 5) == 1.0


def test_bootstrap_interval_is_deterministic_and_contains_the_mean() -> None:
    deltas = [0.1, -0.05, 0.2, 0.0, 0.15, 0.05]
    low, high = bootstrap_mean_ci(deltas, seed=3)
    assert (low, high) == bootstrap_mean_ci(deltas, seed=3)
    assert low <= sum(deltas) / len(deltas) <= high


def _comparison(candidate_texts: dict[str, str], gate: GateConfig | None = None, samples: int = 1):  # type: ignore[no-untyped-def]
    return compare(
        make_results("production", "v1", BASE_TEXTS, samples),
        make_results("candidate", "v2", candidate_texts, samples),
        gate=gate,
    )


def test_identical_runs_pass_the_gate_with_no_difference() -> None:
    comparison = _comparison(BASE_TEXTS)
    assert comparison.gate_passed and comparison.regressions == []
    assert all(m.mean_delta == 0 and m.verdict == "no significant difference" for m in comparison.metrics)


def test_a_regression_is_listed_but_three_pairs_prove_nothing() -> None:
    comparison = _comparison(CANDIDATE_TEXTS)
    worst = comparison.regressions[0]
    assert worst.pair.label == "telecom-outage-email#0" and worst.delta < 0
    assert {"faithfulness", "sincerity", "ownership"} <= set(worst.flipped)
    assert comparison.gate_passed  # one regressed case out of three is not significant


def test_a_repeated_regression_is_significant_and_fails_the_gate() -> None:
    failed = _comparison(CANDIDATE_TEXTS, samples=12)  # 12 regressed pairs, 24 unchanged
    faithfulness = failed.metric("faithfulness")
    assert faithfulness.regressions == 12 and faithfulness.p_value < 0.001 and faithfulness.verdict == "worse"
    assert not failed.gate_passed and any(f.startswith("faithfulness") for f in failed.gate_failures)


def test_prompts_must_be_named_when_a_run_holds_several() -> None:
    mixed = make_results("production", "v1", BASE_TEXTS)
    mixed.records += make_results("candidate", "v2", BASE_TEXTS).records
    with pytest.raises(ValueError, match="several prompts"):
        compare(mixed, mixed)
    assert compare(mixed, mixed, base_prompt="production", candidate_prompt="candidate").gate_passed


@pytest.mark.parametrize(("name", "render"), [("report.md", render_markdown), ("report.html", render_html)])
def test_reports_match_the_golden_files(name: str, render) -> None:  # type: ignore[no-untyped-def]
    """Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then review the diff."""
    rendered = render(_comparison(CANDIDATE_TEXTS))
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


def test_the_html_escapes_draft_text_and_highlights_failing_evidence() -> None:
    texts = {
        **CANDIDATE_TEXTS,
        "meal-kit-price-social": "<script>alert(1)</script> " + BASE_TEXTS["meal-kit-price-social"],
    }
    page = render_html(_comparison(texts))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<mark title="sincerity' in page and '<mark title="amends' in page
