"""`trustdraft eval compare`: is the candidate prompt better or worse than the baseline, where, and is it real?

The unit of the statistics is the case: with `--repeat k` a case's samples are pooled into its pass rate and
mean score on each side (samples of one case are not independent evidence), and cases are paired. Per
criterion and overall: pass rates, mean scores, the paired mean score delta with a bootstrap interval over
cases, and an exact sign test on the cases whose pass rate went down or up (McNemar's test when there is one
sample per case). The gate (evals/gate.yaml) fails when the candidate is significantly worse on a gated
criterion, and, when set, when its overall pass rate or any case's pass rate over its samples is below a
threshold. Drafts are still shown side by side per (case, sample).
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
    min_pass_rate: float | None = Field(
        default=None, ge=0, le=1, description="The candidate's overall pass rate must reach this (None: no rule)."
    )
    min_case_pass_rate: float | None = Field(
        default=None, ge=0, le=1, description="Every case's candidate pass rate over its samples must reach this."
    )


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
class CasePair:
    """One case's graded drafts on each side, every sample of it."""

    case_id: str
    base: list[DraftRecord]
    candidate: list[DraftRecord]


@dataclass(frozen=True)
class CaseRate:
    """A case's pass rate over its samples on each side; unstable when the candidate's verdict flips."""

    case_id: str
    base_pass: float
    candidate_pass: float
    base_samples: int
    candidate_samples: int

    @property
    def unstable(self) -> bool:
        return 0 < self.candidate_pass < 1


@dataclass
class MetricComparison:
    name: str
    pairs: int  # paired cases
    base_pass: float
    candidate_pass: float
    base_mean: float
    candidate_mean: float
    mean_delta: float
    ci: tuple[float, float]
    regressions: int  # cases whose pass rate went down (one sample: passed only in the baseline)
    improvements: int  # cases whose pass rate went up
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
    unpaired: int  # drafts whose case has no graded draft on the other side
    cases: list[CaseDiff] = field(default_factory=list)  # every pair, worst change first
    case_rates: list[CaseRate] = field(default_factory=list)  # per case over its samples, lowest candidate first
    drafts: tuple[int, int] = (0, 0)  # graded drafts in the paired cases: baseline, candidate
    gate_failures: list[str] = field(default_factory=list)
    sides: tuple[Side, Side] | None = None  # baseline, candidate

    @property
    def gate_passed(self) -> bool:
        return not self.gate_failures

    @property
    def repeated(self) -> bool:
        return any(r.base_samples > 1 or r.candidate_samples > 1 for r in self.case_rates)

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


def pair_cases(base: list[DraftRecord], candidate: list[DraftRecord]) -> list[CasePair]:
    """Graded drafts grouped by case, for the cases both sides graded, whatever their samples."""
    def by_case(records: list[DraftRecord]) -> dict[str, list[DraftRecord]]:
        grouped: dict[str, list[DraftRecord]] = {}
        for record in records:
            if record.checks is not None:
                grouped.setdefault(record.case_id, []).append(record)
        return grouped

    base_cases, candidate_cases = by_case(base), by_case(candidate)
    return [CasePair(case, base_cases[case], candidate_cases[case]) for case in base_cases if case in candidate_cases]


def _pooled(records: list[DraftRecord], name: str) -> tuple[float, float] | None:
    """(pass rate, mean score) of a criterion or overall over a case's samples; None where it never applies."""
    outcomes = [o for o in (_outcome(r, name) for r in records) if o is not None]
    if not outcomes:
        return None
    return mean([float(passed) for passed, _ in outcomes]), mean([score for _, score in outcomes])


def _outcome(record: DraftRecord, name: str) -> tuple[bool, float] | None:
    """(passed, score) for a criterion or overall; None when the criterion does not apply (or, like
    commitments_kept outside follow-ups, was not graded)."""
    assert record.checks is not None
    if name == OVERALL:
        return record.checks.passed, record.checks.score
    verdict = next((c for c in record.checks.criteria if c.criterion == name), None)
    return (verdict.passed, verdict.score) if verdict is not None and verdict.applicable else None


def compare_metric(name: str, cases: list[CasePair], gate: GateConfig) -> MetricComparison:
    outcomes = [
        (b, c) for p in cases for b, c in [(_pooled(p.base, name), _pooled(p.candidate, name))] if b and c
    ]
    deltas = [c[1] - b[1] for b, c in outcomes]
    regressions = sum(c[0] < b[0] for b, c in outcomes)
    improvements = sum(c[0] > b[0] for b, c in outcomes)
    p_value = mcnemar_exact(regressions, improvements)
    ci = bootstrap_mean_ci(deltas, resamples=gate.bootstrap_resamples, confidence=gate.confidence)
    # A bootstrap interval from a handful of cases is meaningless; below min_pairs only the sign test counts.
    enough = len(deltas) >= gate.min_pairs
    worse = (regressions > improvements and p_value < gate.alpha) or (enough and ci[1] < -gate.max_score_drop)
    better = (improvements > regressions and p_value < gate.alpha) or (enough and ci[0] > gate.max_score_drop)
    return MetricComparison(
        name=name,
        pairs=len(outcomes),
        base_pass=mean([b[0] for b, _ in outcomes]),
        candidate_pass=mean([c[0] for _, c in outcomes]),
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
    cases = pair_cases(base_records, candidate_records)
    if not cases:
        raise ValueError("no case of the baseline has a graded draft in the candidate")
    pairs, _ = pair_up(base_records, candidate_records)
    graded = {c.criterion for p in cases for r in p.base for c in r.checks.criteria}  # type: ignore[union-attr]
    names = [OVERALL, *(c.value for c in Criterion if c in RUBRIC_CRITERIA or c in graded)]
    metrics = [compare_metric(name, cases, gate) for name in names]
    drafts = (sum(len(p.base) for p in cases), sum(len(p.candidate) for p in cases))
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
        unpaired=len(base_records) + len(candidate_records) - sum(drafts),
        cases=sorted(diffs, key=lambda d: (d.delta, d.pair.label)),
        sides=(Side.of(base_records), Side.of(candidate_records)),
        case_rates=case_rates(cases),
        drafts=drafts,
    )
    comparison.gate_failures = gate_failures(comparison, gate)
    return comparison


def _pass_rate(records: list[DraftRecord]) -> float:
    return mean([float(bool(r.checks and r.checks.passed)) for r in records])


def case_rates(cases: list[CasePair]) -> list[CaseRate]:
    rates = [
        CaseRate(p.case_id, _pass_rate(p.base), _pass_rate(p.candidate), len(p.base), len(p.candidate))
        for p in cases
    ]
    return sorted(rates, key=lambda r: (r.candidate_pass, r.candidate_pass - r.base_pass, r.case_id))


def gate_failures(comparison: Comparison, gate: GateConfig) -> list[str]:
    """Gated metrics significantly worse, then the pass-rate thresholds (when set)."""
    test = "McNemar" if not comparison.repeated else "sign test over cases"
    failures = [
        f"{m.name}: significantly worse (pass {m.base_pass:.0%} -> {m.candidate_pass:.0%}, "
        f"mean score delta {m.mean_delta:+.3f} [{m.ci[0]:+.3f}, {m.ci[1]:+.3f}], {test} p={m.p_value:.3g})"
        for m in comparison.metrics
        if m.gated and m.verdict == "worse"
    ]
    overall = comparison.metric(OVERALL).candidate_pass
    if gate.min_pass_rate is not None and overall < gate.min_pass_rate:
        failures.append(f"overall pass rate {overall:.0%} is below the required {gate.min_pass_rate:.0%}")
    if gate.min_case_pass_rate is not None:
        below = [r for r in comparison.case_rates if r.candidate_pass < gate.min_case_pass_rate]
        if below:
            listed = ", ".join(f"{r.case_id} ({r.candidate_pass:.0%} of {r.candidate_samples})" for r in below)
            failures.append(f"{len(below)} case(s) pass less often than the required {gate.min_case_pass_rate:.0%}: {listed}")
    return failures


def to_json(comparison: Comparison) -> dict[str, Any]:
    """A plain summary for machines (CI, dashboards)."""
    return {
        "base": comparison.base_label,
        "candidate": comparison.candidate_label,
        "gate_passed": comparison.gate_passed,
        "gate_failures": comparison.gate_failures,
        "unpaired": comparison.unpaired,
        "paired_drafts": {"base": comparison.drafts[0], "candidate": comparison.drafts[1]},
        "case_pass_rates": [
            {**r.__dict__, "unstable": r.unstable} for r in comparison.case_rates
        ],
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
