"""Eval runs: the run, its records, and the baseline pinned per prompt id.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "eval_runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("label", sa.String(100)),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("git_commit", sa.String(64)),
        sa.Column("prompts", sa.JSON, nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("summary", sa.JSON),
    )
    op.create_index("ix_eval_runs_started", "eval_runs", ["started_at"])
    op.create_table(
        "eval_records",
        sa.Column("run_id", sa.String(40), sa.ForeignKey("eval_runs.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_table(
        "eval_baselines",
        sa.Column("prompt_id", sa.String(100), primary_key=True),
        sa.Column("run_id", sa.String(40), sa.ForeignKey("eval_runs.id"), nullable=False),
        sa.Column("pinned_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in ("eval_baselines", "eval_records", "eval_runs"):
        op.drop_table(table)
