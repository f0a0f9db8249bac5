"""report.md: a comparison that fits in a pull-request comment."""

from __future__ import annotations

from evals.compare import CaseRate, Comparison, GroupRow, MetricComparison, Side
from evals.report_trend import trend_markdown
from evals.trend import Trend

MAX_REGRESSIONS = 5
MAX_CASE_ROWS = 10


def verdict_line(comparison: Comparison) -> str:
    if comparison.gate_passed:
        better = [m.name for m in comparison.metrics if m.verdict == "better"]
        extra = f"; significantly better on {', '.join(better)}" if better else ""
        return f"**Verdict: pass.** No gated metric is significantly worse{extra}."
    return "**Verdict: FAIL.** " + " ".join(f"{failure}." for failure in comparison.gate_failures)


def _pct(value: float) -> str:
    return f"{value:.0%}"


def _metric_row(m: MetricComparison) -> str:
    name = f"**{m.name}**" if m.gated else m.name
    marker = {"worse": "worse", "better": "better"}.get(m.verdict, "")
    delta_pass = (m.candidate_pass - m.base_pass) * 100
    return (
        f"| {name} | {m.pairs} | {_pct(m.base_pass)} | {_pct(m.candidate_pass)} | {delta_pass:+.0f} pts | "
        f"{m.mean_delta:+.3f} [{m.ci[0]:+.3f}, {m.ci[1]:+.3f}] | {m.regressions} / {m.improvements} | "
        f"{m.p_value:.3g} | {marker} |"
    )


def _group_table(title: str, rows: list[GroupRow], base: str, candidate: str) -> list[str]:
    lines = [
        f"#### By {title}",
        "",
        f"| {title} | pairs | pass {base} | pass {candidate} | score {base} | score {candidate} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.group} | {r.pairs} | {_pct(r.base_pass)} | {_pct(r.candidate_pass)} | {r.base_mean:.3f} | "
        f"{r.candidate_mean:.3f} |"
        for r in rows
    ]
    return [*lines, ""]


def side_rows(base: Side, candidate: Side) -> list[tuple[str, str, str]]:
    """(what, baseline, candidate) for the drafts table, in both reports."""
    ratio = f" ({candidate.p50_ms / base.p50_ms:.2f}x)" if base.p50_ms else ""
    rows = [
        ("drafts", str(base.drafts), str(candidate.drafts)),
        ("copy the facts block or the prompt's instructions (never pass)", str(base.copied), str(candidate.copied)),
        ("follow instruction-like text from the facts (never pass)", str(base.followed), str(candidate.followed)),
        ("model time per draft, median", f"{base.p50_ms / 1000:.1f} s", f"{candidate.p50_ms / 1000:.1f} s{ratio}"),
        ("tokens per draft, mean", f"{base.mean_tokens:,.0f}", f"{candidate.mean_tokens:,.0f}"),
    ]
    if base.sections or candidate.sections:
        rows.append(
            ("sections: by the model / rewritten / plain renderings of their facts", _sections(base), _sections(candidate))
        )
    return rows


def _sections(side: Side) -> str:
    return " / ".join(str(side.sections[k]) for k in ("model", "rewritten", "plain")) if side.sections else "-"


def _drafts_table(comparison: Comparison) -> list[str]:
    if comparison.sides is None:
        return []
    base, candidate = comparison.base_label, comparison.candidate_label
    lines = ["#### Drafts", "", f"| | {base} | {candidate} |", "|---|---:|---:|"]
    lines += [f"| {what} | {b} | {c} |" for what, b, c in side_rows(*comparison.sides)]
    return [*lines, ""]


def pairing_line(comparison: Comparison) -> str:
    """What was paired and how it was tested: drafts with one sample per case, cases over their samples."""
    pairs, unpaired = comparison.metric("overall").pairs, comparison.unpaired
    if not comparison.repeated:
        return (
            f"{pairs} paired drafts; {unpaired} without a partner. Bold metrics are gated "
            "(evals/gate.yaml). Flips = pairs passing only in the baseline / only in the candidate; p is an exact "
            "McNemar test on those flips; the interval is a paired bootstrap 95% CI of the score change."
        )
    base, candidate = comparison.drafts
    return (
        f"{pairs} cases paired over their samples ({base} baseline and {candidate} candidate drafts); {unpaired} "
        "drafts without a partner case. Bold metrics are gated (evals/gate.yaml). Each case's samples are pooled "
        "into its pass rate and mean score; flips = cases whose pass rate went down / up; p is an exact sign test "
        "on those cases; the interval is a paired bootstrap 95% CI of the per-case score change."
    )


def repeat_rows(comparison: Comparison) -> list[CaseRate]:
    """Cases worth a look over repeats: unstable in the candidate, or passing more or less often than before."""
    return [r for r in comparison.case_rates if r.unstable or r.candidate_pass != r.base_pass]


def _repeats_table(comparison: Comparison) -> list[str]:
    if not comparison.repeated:
        return []
    rows = repeat_rows(comparison)
    base, candidate = comparison.base_label, comparison.candidate_label
    lines = ["#### Cases over repeats", ""]
    if not rows:
        return [*lines, "Every case passes or fails on all its samples, as in the baseline.", ""]
    lines += [f"| case | pass {base} | pass {candidate} | samples | |", "|---|---:|---:|---:|---|"]
    lines += [
        f"| {r.case_id} | {_pct(r.base_pass)} | {_pct(r.candidate_pass)} | {r.base_samples} / {r.candidate_samples} "
        f"| {'unstable' if r.unstable else ''} |"
        for r in rows[:MAX_CASE_ROWS]
    ]
    if len(rows) > MAX_CASE_ROWS:
        lines.append(f"\n... and {len(rows) - MAX_CASE_ROWS} more (see comparison.json)")
    return [*lines, ""]


def render_markdown(comparison: Comparison, trend: Trend | None = None) -> str:
    base, candidate = comparison.base_label, comparison.candidate_label
    lines = [
        f"### trustdraft eval: `{candidate}` vs `{base}`",
        "",
        verdict_line(comparison),
        "",
        pairing_line(comparison),
        "",
        f"| metric | pairs | {base} | {candidate} | pass change | score change [95% CI] | flips (-/+) | p | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        *(_metric_row(m) for m in comparison.metrics),
        "",
        *_drafts_table(comparison),
        *_repeats_table(comparison),
        *_group_table("strategy", comparison.by_strategy, base, candidate),
        *_group_table("channel", comparison.by_channel, base, candidate),
        "#### Top regressions",
        "",
    ]
    if not comparison.regressions:
        lines.append("None: no case scored lower or lost a criterion.")
    for diff in comparison.regressions[:MAX_REGRESSIONS]:
        base_checks, cand_checks = diff.pair.base.checks, diff.pair.candidate.checks
        assert base_checks and cand_checks
        lost = ", ".join(diff.flipped) or "no criterion flipped"
        lines.append(
            f"- `{diff.pair.label}` ({diff.pair.base.strategy.value}, {diff.pair.base.channel.value}): "
            f"score {base_checks.score:.2f} -> {cand_checks.score:.2f}; lost: {lost}"
        )
    if len(comparison.regressions) > MAX_REGRESSIONS:
        lines.append(f"- ... and {len(comparison.regressions) - MAX_REGRESSIONS} more (see report.html)")
    if trend is not None:
        lines += ["", trend_markdown(trend).rstrip("\n")]
    return "\n".join(lines) + "\n"
