"""Eval runs indexed by prompt: one row per prompt a run asked for (label or version), and per prompt id and
version it drafted, so `eval history --prompt` and `eval trend` find a prompt's runs in the database instead of
reading every run's summary (bench/bench_history.py: 1,000 runs). Existing runs are indexed here.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "eval_run_prompts",
        sa.Column("run_id", sa.String(40), sa.ForeignKey("eval_runs.id"), primary_key=True),
        sa.Column("prompt", sa.String(150), primary_key=True),
    )
    op.create_index("ix_eval_run_prompts_prompt", "eval_run_prompts", ["prompt", "run_id"])
    runs = sa.table("eval_runs", sa.column("id"), sa.column("prompts", sa.JSON), sa.column("summary", sa.JSON))
    found = op.get_bind().execute(sa.select(runs.c.id, runs.c.prompts, runs.c.summary)).all()
    rows = [{"run_id": run_id, "prompt": name} for run_id, prompts, summary in found
            for name in _names(prompts, summary)]
    if rows:
        op.bulk_insert(table, rows)


def _names(prompts: list[str] | None, summary: dict | None) -> set[str]:  # type: ignore[type-arg]
    """What the run asked for, and the versions it drafted with their prompt ids (as service.store.eval_runs)."""
    versions = list(((summary or {}).get("prompt_versions") or {}).values())
    return {*(prompts or []), *versions, *(ref.split("@")[0] for ref in versions)}


def downgrade() -> None:
    op.drop_index("ix_eval_run_prompts_prompt", "eval_run_prompts")
    op.drop_table("eval_run_prompts")
