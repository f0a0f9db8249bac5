"""report.html: one self-contained page (inline CSS and SVG, no scripts, no external assets) to look at a
comparison: pass rates per criterion, score distributions, and every case with both drafts side by side,
failing evidence highlighted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from evals.compare import CaseDiff, Comparison, Pair
from evals.report_md import repeat_rows, side_rows, verdict_line
from evals.report_trend import trend_charts
from evals.trend import Trend
from service.rubric.types import RubricResult

TEMPLATES = Path(__file__).resolve().parent / "templates"
_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

BAR_WIDTH = 360
BINS = 10


@dataclass(frozen=True)
class Bar:
    label: str
    base: float
    candidate: float
    gated: bool
    verdict: str


def highlight(text: str, checks: RubricResult | None) -> Markup:
    """The draft, escaped, with every failing criterion's quoted evidence and every unsupported claim marked."""
    if checks is None:
        return Markup(escape(text))
    spans = [(c.start, c.end, f"unsupported {c.kind}: {c.reason}") for c in checks.unsupported]
    for result in checks.criteria:
        if result.applicable and not result.passed:
            for quote in result.evidence:
                found = text.find(quote.rstrip("…"))
                if quote and found >= 0:
                    spans.append(
                        (found, found + len(quote.rstrip("…")), f"{result.criterion.value}: {result.reason}")
                    )
    return _marked(text, sorted(spans))


def _marked(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    out, position = [], 0
    for start, end, title in spans:
        if start < position:
            continue  # overlapping evidence: the first span wins
        out.append(escape(text[position:start]))
        out.append(Markup('<mark title="{}">{}</mark>').format(title, text[start:end]))
        position = end
    out.append(escape(text[position:]))
    return Markup("").join(out)


def histogram(scores: list[float]) -> list[int]:
    counts = [0] * BINS
    for score in scores:
        counts[min(BINS - 1, int(score * BINS))] += 1
    return counts


def failing(checks: RubricResult | None) -> list[str]:
    if checks is None:
        return []
    return [f"{c.criterion.value}: {c.reason}" for c in checks.criteria if c.applicable and not c.passed]


def _anchor(pair: Pair) -> str:
    return re.sub(r"[^a-z0-9-]", "-", pair.label.lower())


def render_html(comparison: Comparison, trend: Trend | None = None) -> str:
    bars = [Bar(m.name, m.base_pass, m.candidate_pass, m.gated, m.verdict) for m in comparison.metrics]
    diffs: list[CaseDiff] = comparison.cases
    base_scores = [d.pair.base.checks.score for d in diffs if d.pair.base.checks]
    candidate_scores = [d.pair.candidate.checks.score for d in diffs if d.pair.candidate.checks]
    template = _env.get_template("report.html.j2")
    return template.render(
        c=comparison,
        verdict=Markup(_bold(verdict_line(comparison))),
        bars=bars,
        bar_width=BAR_WIDTH,
        hist_base=histogram(base_scores),
        hist_candidate=histogram(candidate_scores),
        diffs=diffs,
        drafts=side_rows(*comparison.sides) if comparison.sides else [],
        highlight=highlight,
        failing=failing,
        anchor=_anchor,
        repeat_rows=repeat_rows(comparison),
        trend=trend,
        trend_charts=trend_charts(trend) if trend else None,
    )


def render_trend_html(trend: Trend) -> str:
    """`eval trend`'s own page: the trend section alone."""
    return _env.get_template("trend.html.j2").render(trend=trend, trend_charts=trend_charts(trend))


def _bold(markdown_line: str) -> Markup:
    """The one bit of Markdown the verdict uses: **bold**."""
    escaped = str(escape(markdown_line))
    return Markup(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped))
