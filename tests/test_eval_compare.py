"""Comparison statistics, the gate, and the reports (pinned by golden files)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evals.compare import GateConfig, compare
from evals.report_html import render_html
from evals.report_md import render_markdown
from evals.results import RunResults
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


def test_repeats_of_one_case_are_one_case_not_twelve_pieces_of_evidence() -> None:
    """12 samples of the same regressed case are pooled: one case of three went down, which proves nothing."""
    repeated = _comparison(CANDIDATE_TEXTS, samples=12)
    faithfulness = repeated.metric("faithfulness")
    assert faithfulness.pairs == 3 and faithfulness.regressions == 1 and faithfulness.p_value == 1.0
    assert repeated.gate_passed and repeated.repeated and repeated.drafts == (36, 36)
    worst = repeated.case_rates[0]
    assert (worst.case_id, worst.base_pass, worst.candidate_pass, worst.candidate_samples) == (
        "telecom-outage-email", 1.0, 0.0, 12)
    assert "3 cases paired over their samples (36 baseline and 36 candidate drafts)" in render_markdown(repeated)


def _many_cases(texts: dict[str, str], copies: int, samples: int) -> RunResults:
    """The fixture's cases copied under new ids: `copies` independent cases of each."""
    results = make_results("production" if texts is BASE_TEXTS else "candidate", "v1", texts, samples)
    results.records = [
        r.model_copy(update={"case_id": f"{r.case_id}-{k}", "key": f"{r.key}-{k}"})
        for k in range(copies) for r in results.records
    ]
    return results


def test_a_regression_in_many_cases_is_significant_over_cases_and_fails_the_gate() -> None:
    failed = compare(_many_cases(BASE_TEXTS, 8, 3), _many_cases(CANDIDATE_TEXTS, 8, 3))
    faithfulness = failed.metric("faithfulness")
    assert faithfulness.pairs == 24 and faithfulness.regressions == 8 and faithfulness.improvements == 0
    assert faithfulness.p_value == pytest.approx(2 / 2**8) and faithfulness.verdict == "worse"
    assert any(f.startswith("faithfulness") and "sign test over cases" in f for f in failed.gate_failures)


def _flaky_candidate(samples: int) -> RunResults:
    """The candidate regresses telecom-outage-email on odd samples only: that case is unstable (50%)."""
    good, bad = make_results("candidate", "v2", BASE_TEXTS, samples), make_results("candidate", "v2", CANDIDATE_TEXTS, samples)
    bad_odd = {(r.case_id, r.sample) for r in bad.records if r.sample % 2}
    good.records = [
        next(b for b in bad.records if (b.case_id, b.sample) == (r.case_id, r.sample)) if (r.case_id, r.sample) in bad_odd else r
        for r in good.records
    ]
    return good


def test_pass_rate_thresholds_over_repeats_gate_the_candidate() -> None:
    base, flaky = make_results("production", "v1", BASE_TEXTS, 4), _flaky_candidate(4)
    assert compare(base, flaky).gate_passed  # today's gate: no threshold, one flaky case of three proves nothing
    unstable = compare(base, flaky).case_rates[0]
    assert (unstable.case_id, unstable.candidate_pass, unstable.unstable) == ("telecom-outage-email", 0.5, True)
    assert compare(base, flaky, gate=GateConfig(min_case_pass_rate=0.5)).gate_passed
    per_case = compare(base, flaky, gate=GateConfig(min_case_pass_rate=0.75))
    assert per_case.gate_failures == [
        "1 case(s) pass less often than the required 75%: telecom-outage-email (50% of 4)"
    ]
    overall = compare(base, flaky, gate=GateConfig(min_pass_rate=0.9))
    assert overall.metric("overall").candidate_pass == pytest.approx(5 / 6)
    assert overall.gate_failures == ["overall pass rate 83% is below the required 90%"]
    report = render_markdown(per_case)
    assert "| telecom-outage-email | 100% | 50% | 4 / 4 | unstable |" in report and "**Verdict: FAIL.**" in report
    assert "<h2>Cases over repeats</h2>" in render_html(per_case)


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
