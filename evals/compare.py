"""`trustdraft eval compare`: is the candidate prompt better or worse than the baseline, where, and is it real?

Drafts are paired by (case, sample). Per criterion and overall: pass rates, mean scores, the paired
mean score delta with a bootstrap interval, and an exact McNemar test on pass/fail flips. The gate
(evals/gate.yaml) fails when the candidate is significantly worse on a gated criterion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from evals.results import DraftRecord, RunResults
from evals.stats import bootstrap_mean_ci, mcnemar_exact, mean, median
from service.rubric.types import RUBRIC_CRITERIA, Criterion

GATE_FILE = Path(__file__).resolve().parent / "gate.yaml"
OVERALL = "overall"


class GateConfig(BaseModel):
    alpha: float = Field(default=0.05, gt=0, lt=1)
    confidence: float = Field(default=0.95, gt=0, lt=1)
    bootstrap_resamples: int = Field(default=2000, ge=100)
    max_score_drop: float = Field(default=0.05, ge=0)
    min_pairs: int = Field(
        default=10, ge=1, description="Fewer pairs than this: the interval rule is not applied."
    )
    gated: list[str] = Field(default_factory=lambda: [OVERALL, Criterion.faithfulness.value])


def load_gate(path: Path = GATE_FILE) -> GateConfig:
    return GateConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


@dataclass
class Pair:
    base: DraftRecord
    candidate: DraftRecord

    @property
    def label(self) -> str:
        return f"{self.base.case_id}#{self.base.sample}"


@dataclass
class MetricComparison:
    name: str
    pairs: int
    base_pass: float
    candidate_pass: float
    base_mean: float
    candidate_mean: float
    mean_delta: float
    ci: tuple[float, float]
    regressions: int  # pairs where only the baseline passed
    improvements: int  # pairs where only the candidate passed
    p_value: float
    verdict: str  # better | worse | no significant difference
    gated: bool


@dataclass
class GroupRow:
    group: str
    pairs: int
    base_pass: float
    candidate_pass: float
    base_mean: float
    candidate_mean: float


@dataclass
class CaseDiff:
    pair: Pair
    delta: float
    flipped: list[str]  # criteria that passed in the baseline and fail in the candidate


@dataclass
class Side:
    """What one prompt's drafts did beyond the rubric's criteria: drafts that cannot pass (copies of the prompt,
    followed injections), model time and tokens per draft, and for a sectioned prompt who wrote its sections."""

    drafts: int
    copied: int  # copies the facts block or the prompt's instructions
    followed: int  # follows instruction-like text from the facts
    p50_ms: float  # model time per draft, median
    mean_tokens: float
    sections: dict[str, int] = field(default_factory=dict)  # model / rewritten / plain rendering

    @classmethod
    def of(cls, records: list[DraftRecord]) -> Side:
        graded = [r for r in records if r.checks is not None]
        sections = [s for r in graded for s in r.sections or []]
        written = {
            "model": sum(not s.rewritten and not s.fallback for s in sections),
            "rewritten": sum(s.rewritten and not s.fallback for s in sections),
            "plain": sum(s.fallback for s in sections),
        }
        return cls(
            drafts=len(graded),
            copied=sum(bool(r.checks and r.checks.blocked and r.checks.blocked.startswith("repeats")) for r in graded),
            followed=sum(bool(r.injection and r.injection.followed) for r in graded),
            p50_ms=median([r.latency_ms for r in graded]),
            mean_tokens=mean([float(r.usage.total_tokens) for r in graded]),
            sections=written if sections else {},
        )


@dataclass
class Comparison:
    base_label: str
    candidate_label: str
    metrics: list[MetricComparison]
    by_strategy: list[GroupRow]
    by_channel: list[GroupRow]
    regressions: list[CaseDiff]
    improvements: list[CaseDiff]
    unpaired: int
    cases: list[CaseDiff] = field(default_factory=list)  # every pair, worst change first
    gate_failures: list[str] = field(default_factory=list)
    sides: tuple[Side, Side] | None = None  # baseline, candidate

    @property
    def gate_passed(self) -> bool:
        return not self.gate_failures

    def metric(self, name: str) -> MetricComparison:
        return next(m for m in self.metrics if m.name == name)


def records_for(results: RunResults, requested: str | None) -> tuple[str, list[DraftRecord]]:
    """The records of one prompt in a run: the one asked for, or the only one there is."""
    versions = results.versions()
    if requested is None:
        if len(versions) != 1:
            raise ValueError(
                f"the run has several prompts ({', '.join(versions)}); say which with --base/--candidate"
            )
        requested = versions[0]
    if requested not in versions:
        raise ValueError(f"prompt {requested!r} is not in this run; it has: {', '.join(versions)}")
    return requested, [r for r in results.records if r.requested == requested]


def pair_up(base: list[DraftRecord], candidate: list[DraftRecord]) -> tuple[list[Pair], int]:
    """Pairs of graded drafts of the same case and sample, and how many drafts found no partner."""
    index = {(r.case_id, r.sample): r for r in candidate if r.checks is not None}
    pairs = [
        Pair(r, index[(r.case_id, r.sample)])
        for r in base
        if r.checks is not None and (r.case_id, r.sample) in index
    ]
    return pairs, len(base) + len(candidate) - 2 * len(pairs)


def _outcome(record: DraftRecord, name: str) -> tuple[bool, float] | None:
    """(passed, score) for a criterion or overall; None when the criterion does not apply (or, like
    commitments_kept outside follow-ups, was not graded)."""
    assert record.checks is not None
    if name == OVERALL:
        return record.checks.passed, record.checks.score
    verdict = next((c for c in record.checks.criteria if c.criterion == name), None)
    return (verdict.passed, verdict.score) if verdict is not None and verdict.applicable else None


def compare_metric(name: str, pairs: list[Pair], gate: GateConfig) -> MetricComparison:
    outcomes = [
        (b, c) for p in pairs for b, c in [(_outcome(p.base, name), _outcome(p.candidate, name))] if b and c
    ]
    deltas = [c[1] - b[1] for b, c in outcomes]
    regressions = sum(b[0] and not c[0] for b, c in outcomes)
    improvements = sum(c[0] and not b[0] for b, c in outcomes)
    p_value = mcnemar_exact(regressions, improvements)
    ci = bootstrap_mean_ci(deltas, resamples=gate.bootstrap_resamples, confidence=gate.confidence)
    # A bootstrap interval from a handful of pairs is meaningless; below min_pairs only McNemar counts.
    enough = len(deltas) >= gate.min_pairs
    worse = (regressions > improvements and p_value < gate.alpha) or (enough and ci[1] < -gate.max_score_drop)
    better = (improvements > regressions and p_value < gate.alpha) or (enough and ci[0] > gate.max_score_drop)
    return MetricComparison(
        name=name,
        pairs=len(outcomes),
        base_pass=mean([float(b[0]) for b, _ in outcomes]),
        candidate_pass=mean([float(c[0]) for _, c in outcomes]),
        base_mean=mean([b[1] for b, _ in outcomes]),
        candidate_mean=mean([c[1] for _, c in outcomes]),
        mean_delta=mean(deltas),
        ci=ci,
        regressions=regressions,
        improvements=improvements,
        p_value=p_value,
        verdict="worse" if worse else "better" if better else "no significant difference",
        gated=name in gate.gated,
    )


def group_rows(pairs: list[Pair], key: str) -> list[GroupRow]:
    groups: dict[str, list[Pair]] = {}
    for pair in pairs:
        groups.setdefault(str(getattr(pair.base, key).value), []).append(pair)
    return [
        GroupRow(
            group=name,
            pairs=len(members),
            base_pass=mean([float(p.base.checks.passed) for p in members if p.base.checks]),
            candidate_pass=mean([float(p.candidate.checks.passed) for p in members if p.candidate.checks]),
            base_mean=mean([p.base.checks.score for p in members if p.base.checks]),
            candidate_mean=mean([p.candidate.checks.score for p in members if p.candidate.checks]),
        )
        for name, members in sorted(groups.items())
    ]


def case_diffs(pairs: list[Pair]) -> list[CaseDiff]:
    diffs = []
    for pair in pairs:
        assert pair.base.checks and pair.candidate.checks
        flipped = [
            b.criterion.value
            for b, c in zip(pair.base.checks.criteria, pair.candidate.checks.criteria, strict=True)
            if b.applicable and c.applicable and b.passed and not c.passed
        ]
        diffs.append(CaseDiff(pair, pair.candidate.checks.score - pair.base.checks.score, flipped))
    return diffs


def compare(
    base: RunResults,
    candidate: RunResults,
    *,
    base_prompt: str | None = None,
    candidate_prompt: str | None = None,
    gate: GateConfig | None = None,
) -> Comparison:
    gate = gate or load_gate()
    base_label, base_records = records_for(base, base_prompt)
    candidate_label, candidate_records = records_for(candidate, candidate_prompt)
    pairs, unpaired = pair_up(base_records, candidate_records)
    if not pairs:
        raise ValueError(
            "no draft of the baseline has a graded partner in the candidate (same case and sample)"
        )
    graded = {c.criterion for p in pairs for c in p.base.checks.criteria}  # type: ignore[union-attr]
    names = [OVERALL, *(c.value for c in Criterion if c in RUBRIC_CRITERIA or c in graded)]
    metrics = [compare_metric(name, pairs, gate) for name in names]
    diffs = case_diffs(pairs)
    comparison = Comparison(
        base_label=base_label,
        candidate_label=candidate_label,
        metrics=metrics,
        by_strategy=group_rows(pairs, "strategy"),
        by_channel=group_rows(pairs, "channel"),
        regressions=sorted(
            (d for d in diffs if d.delta < 0 or d.flipped), key=lambda d: (d.delta, d.pair.label)
        ),
        improvements=sorted((d for d in diffs if d.delta > 0), key=lambda d: (-d.delta, d.pair.label)),
        unpaired=unpaired,
        cases=sorted(diffs, key=lambda d: (d.delta, d.pair.label)),
        sides=(Side.of(base_records), Side.of(candidate_records)),
    )
    comparison.gate_failures = [
        f"{m.name}: significantly worse (pass {m.base_pass:.0%} -> {m.candidate_pass:.0%}, "
        f"mean score delta {m.mean_delta:+.3f} [{m.ci[0]:+.3f}, {m.ci[1]:+.3f}], McNemar p={m.p_value:.3g})"
        for m in metrics
        if m.gated and m.verdict == "worse"
    ]
    return comparison


def to_json(comparison: Comparison) -> dict[str, Any]:
    """A plain summary for machines (CI, dashboards)."""
    return {
        "base": comparison.base_label,
        "candidate": comparison.candidate_label,
        "gate_passed": comparison.gate_passed,
        "gate_failures": comparison.gate_failures,
        "unpaired": comparison.unpaired,
        "drafts": {"base": comparison.sides[0].__dict__, "candidate": comparison.sides[1].__dict__}
        if comparison.sides
        else None,
        "metrics": [
            {**{k: v for k, v in m.__dict__.items() if k != "ci"}, "ci_low": m.ci[0], "ci_high": m.ci[1]}
            for m in comparison.metrics
        ],
        "regressions": [
            {"case": d.pair.label, "delta": round(d.delta, 4), "flipped": d.flipped}
            for d in comparison.regressions
        ],
    }
