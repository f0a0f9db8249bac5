"""The trend section of report.md and report.html (and of `eval trend`'s own trend.md / trend.html): one
prompt over its last recorded runs."""

from __future__ import annotations

from markupsafe import Markup

from evals.svg import Series, line_chart
from evals.trend import Trend, TrendPoint


def _pct(value: float) -> str:
    return f"{value:.0%}"


def _usd(point: TrendPoint) -> str:
    if point.cost_usd is None:
        return "unknown"
    return f"${point.cost_usd:.4f}" if point.priced else "$0 (embedded)"


def _judge_usd(point: TrendPoint) -> str:
    if point.judge_cost_usd is None:
        return "-"
    return f"${point.judge_cost_usd:.4f}"


def trend_markdown(trend: Trend) -> str:
    """Two tables: per run the headline figures, then the pass rate of each criterion per run."""
    points = trend.points
    lines = [f"#### Trend: `{trend.prompt}` over its last {len(points)} recorded run(s)", ""]
    if not points:
        return "\n".join([*lines, "No finished recorded run drafted it (`eval run --record`).", ""])
    first, latest = points[0], points[-1]
    lines += [
        f"Pass rate {_pct(first.pass_rate)} -> {_pct(latest.pass_rate)}, mean score {first.mean_score:.3f} -> "
        f"{latest.mean_score:.3f} from run `{first.run_id}` to `{latest.run_id}`. Latency is model time per draft.",
        "",
        "| run | started (UTC) | label | versions | drafts | pass | score | unstable | cost | judge cost | p50 ms | p95 ms |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| `{p.run_id}` | {p.started_at} | {p.label or '-'} | {', '.join(p.versions) or '-'} | {p.drafts} | "
        f"{_pct(p.pass_rate)} | {p.mean_score:.3f} | {p.unstable} | {_usd(p)} | {_judge_usd(p)} | "
        f"{p.latency_p50_ms:,.0f} | {p.latency_p95_ms:,.0f} |"
        for p in points
    ]
    criteria = trend.criteria
    lines += ["", "| run | " + " | ".join(criteria) + " |", "|---|" + "---:|" * len(criteria)]
    lines += [
        f"| `{p.run_id}` | " + " | ".join(_pct(p.criteria[c]) if c in p.criteria else "-" for c in criteria) + " |"
        for p in points
    ]
    return "\n".join([*lines, ""])


def trend_charts(trend: Trend) -> dict[str, list[Markup]]:
    """The charts of the HTML trend section: headline figures, then one small chart per criterion."""
    points = trend.points
    labels = [p.started_at[:16].replace("T", " ") for p in points]  # UTC, to the minute
    days = [label[:10] for label in labels]  # the small charts have room for dates only
    headline = [
        line_chart("Pass rate and mean score", labels, [
            Series("pass rate", [p.pass_rate for p in points]), Series("mean score", [p.mean_score for p in points]),
        ], fmt=lambda v: f"{v:.2f}", y_max=1.0),
        line_chart("Model latency per draft (ms)", labels, [
            Series("p50", [p.latency_p50_ms for p in points]), Series("p95", [p.latency_p95_ms for p in points]),
        ], fmt=lambda v: f"{v:,.0f}"),
        line_chart("Cost per run (USD)", labels, [
            Series("drafting", [p.cost_usd for p in points]), Series("judge", [p.judge_cost_usd for p in points]),
        ], fmt=lambda v: f"${v:.4f}"),
    ]
    criteria = [
        line_chart(name, days, [Series("pass rate", [p.criteria.get(name) for p in points])],
                   fmt=_pct, y_max=1.0, size=(280, 130))
        for name in trend.criteria
    ]
    return {"headline": headline, "criteria": criteria}
