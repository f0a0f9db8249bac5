"""Eval runs in the same database as the drafts: start, finish (with records and a summary), history,
baselines pinned per prompt id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from service.store.drafts import rows
from service.store.models import EvalBaselineRow, EvalRecordRow, EvalRunPromptRow, EvalRunRow, utcnow

INSERT_RECORD = insert(EvalRecordRow.__table__)  # type: ignore[arg-type]


def start_run(
    conn: Connection, run_id: str, *, model: str, prompts: list[str], config: dict[str, Any],
    label: str | None, git_commit: str | None,
) -> None:
    conn.execute(
        insert(EvalRunRow).values(
            id=run_id, started_at=utcnow(), status="running", label=label, model=model,
            git_commit=git_commit, prompts=prompts, config=config,
        )
    )
    _index_prompts(conn, run_id, set(prompts))


def _index_prompts(conn: Connection, run_id: str, names: set[str]) -> None:
    """Add what the run concerns to the prompt index (rows already there are kept)."""
    have = set(conn.execute(select(EvalRunPromptRow.prompt).where(EvalRunPromptRow.run_id == run_id)).scalars())
    if names - have:
        conn.execute(insert(EvalRunPromptRow), [{"run_id": run_id, "prompt": n} for n in sorted(names - have)])


def prompt_names(summary: dict[str, Any]) -> set[str]:
    """The versions a run drafted (reactive@v2) and their prompt ids (reactive)."""
    versions = list((summary.get("prompt_versions") or {}).values())
    return {*versions, *(ref.split("@")[0] for ref in versions)}


def finish_run(conn: Connection, run_id: str, records: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    """Records, summary and `finished` in one transaction: a run is finished whole or not at all."""
    if records:
        conn.execute(INSERT_RECORD, [{"run_id": run_id, "position": i, "record": r} for i, r in enumerate(records)])
    conn.execute(
        update(EvalRunRow).where(EvalRunRow.id == run_id).values(status="finished", finished_at=utcnow(), summary=summary)
    )
    _index_prompts(conn, run_id, prompt_names(summary))


@dataclass(frozen=True)
class RunFilter:
    prompt: str | None = None  # a prompt id or a requested prompt (label or version) in the run
    model: str | None = None
    label: str | None = None
    since: datetime | None = None
    finished_only: bool = False


def history(conn: Connection, where: RunFilter, limit: int = 50) -> Sequence[EvalRunRow]:
    """Newest first; the prompt filter matches what was asked for, the versions drafted and their prompt ids
    (through the eval_run_prompts index: no summary is read for a run that does not match)."""
    query = select(EvalRunRow).order_by(EvalRunRow.started_at.desc(), EvalRunRow.id.desc())
    if where.model is not None:
        query = query.where(EvalRunRow.model == where.model)
    if where.label is not None:
        query = query.where(EvalRunRow.label == where.label)
    if where.since is not None:
        query = query.where(EvalRunRow.started_at >= where.since)
    if where.finished_only:
        query = query.where(EvalRunRow.status == "finished")
    if where.prompt is not None:
        runs_of = select(EvalRunPromptRow.run_id).where(EvalRunPromptRow.prompt == where.prompt)
        query = query.where(EvalRunRow.id.in_(runs_of))
    return rows(conn, query.limit(limit))


def get_run(conn: Connection, run_id: str) -> EvalRunRow | None:
    found = rows(conn, select(EvalRunRow).where(EvalRunRow.id == run_id))
    return found[0] if found else None


def run_records(conn: Connection, run_id: str) -> list[dict[str, Any]]:
    query = select(EvalRecordRow.record).where(EvalRecordRow.run_id == run_id).order_by(EvalRecordRow.position)
    return [record for (record,) in conn.execute(query)]


def pin_baseline(conn: Connection, prompt_id: str, run_id: str) -> None:
    conn.execute(delete(EvalBaselineRow).where(EvalBaselineRow.prompt_id == prompt_id))
    conn.execute(insert(EvalBaselineRow).values(prompt_id=prompt_id, run_id=run_id, pinned_at=utcnow()))


def pinned_run(conn: Connection, prompt_id: str) -> str | None:
    found = conn.execute(select(EvalBaselineRow.run_id).where(EvalBaselineRow.prompt_id == prompt_id)).first()
    return found[0] if found else None
