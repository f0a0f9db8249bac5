"""`trustdraft eval trend`: one prompt over its last N recorded runs, oldest first: pass rate, mean score and
pass rate per criterion, cost, p50/p95 model latency, unstable cases. Read from the summaries stored with each
run (no records are loaded), so a trend over a hundred runs is one query."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from service.store import Store
from service.store import eval_runs as repo
from service.store.drafts import as_utc
from service.store.models import EvalRunRow


@dataclass(frozen=True)
class TrendPoint:
    run_id: str
    started_at: str
    label: str | None
    commit: str
    versions: list[str]  # the prompt versions this point's drafts used
    drafts: int
    pass_rate: float
    mean_score: float
    criteria: dict[str, float]  # pass rate per criterion
    cost_usd: float | None  # None: litellm has no price for the model
    priced: bool
    latency_p50_ms: float
    latency_p95_ms: float
    unstable: int
    judge_cost_usd: float | None = None  # the LLM judge's calls, apart; None when no judge ran


@dataclass(frozen=True)
class Trend:
    prompt: str
    points: list[TrendPoint]

    @property
    def criteria(self) -> list[str]:
        return sorted({name for point in self.points for name in point.criteria})


def summary_for(summary: dict[str, Any], prompt: str) -> dict[str, Any] | None:
    """The part of a run's summary about `prompt`: a requested label or version, a version (reactive@v2), or
    a prompt id (reactive: the version the run asked for first, production before candidate)."""
    if prompt in summary.get("prompts", {}):
        return dict(summary["prompts"][prompt])
    by_version: dict[str, dict[str, Any]] = summary.get("by_version", {})
    if prompt in by_version:
        return by_version[prompt]
    return next((entry for ref, entry in by_version.items() if ref.split("@")[0] == prompt), None)


def point_of(run: EvalRunRow, prompt: str) -> TrendPoint | None:
    entry = summary_for(run.summary or {}, prompt)
    if entry is None:
        return None
    judge = entry.get("judge")
    return TrendPoint(
        run_id=run.id,
        started_at=as_utc(run.started_at).isoformat(timespec="minutes"),
        label=run.label,
        commit=(run.git_commit or "")[:10],
        versions=entry.get("versions", []),
        drafts=entry["drafts"],
        pass_rate=entry["pass_rate"],
        mean_score=entry["mean_score"],
        criteria=entry["criteria"],
        cost_usd=entry["cost"]["usd"],
        priced=entry["cost"]["priced"],
        latency_p50_ms=entry["latency_p50_ms"],
        latency_p95_ms=entry["latency_p95_ms"],
        unstable=len(entry["unstable"]),
        judge_cost_usd=judge["cost"]["usd"] if judge else None,
    )


def load_trend(store: Store, prompt: str, last: int) -> Trend:
    """The last `last` finished runs that drafted `prompt`, oldest first."""
    with store.reading() as conn:
        runs = repo.history(conn, repo.RunFilter(prompt=prompt, finished_only=True), last)
    points = [point for run in reversed(runs) if (point := point_of(run, prompt)) is not None]
    return Trend(prompt, points)


def to_json(trend: Trend) -> dict[str, Any]:
    return {"prompt": trend.prompt, "runs": [asdict(point) for point in trend.points]}
