"""Drafts, revisions, reviews and the append-only audit trail.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("lock_version", sa.Integer, nullable=False),
        sa.Column("strategy", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("prompt_id", sa.String(100), nullable=False),
        sa.Column("prompt_version", sa.String(50), nullable=False),
        sa.Column("prompt_sha256", sa.String(64), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("request_id", sa.String(128)),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("pack_id", sa.String(40)),
        sa.Column("score", sa.Float),
        sa.Column("passed", sa.Boolean),
        sa.Column("unsupported", sa.Integer, nullable=False),
        sa.Column("injection_followed", sa.Boolean),
        sa.Column("current_revision", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(20)),
        sa.Column("edit_distance", sa.Float),
        sa.Column("decided_at", TZ),
        sa.Column("published_at", TZ),
        sa.Column("purged_at", TZ),
        sa.Column("facts", sa.JSON),
        sa.Column("request", sa.JSON),
        sa.Column("response", sa.JSON),
    )
    op.create_index("ix_drafts_created", "drafts", ["created_at", "id"])
    op.create_index("ix_drafts_prompt_model", "drafts", ["prompt_id", "prompt_version", "model"])
    op.create_index("ix_drafts_state", "drafts", ["state", "created_at"])
    op.create_table(
        "revisions",
        sa.Column("draft_id", sa.String(40), sa.ForeignKey("drafts.id"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("passed", sa.Boolean),
        sa.Column("edit_distance", sa.Float, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("subject", sa.Text),
        sa.Column("headline", sa.Text),
        sa.Column("checks", sa.JSON),
        sa.Column("diff", sa.JSON),
    )
    op.create_table(
        "reviews",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.String(40), sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("override", sa.Boolean, nullable=False),
        sa.Column("criteria", sa.JSON, nullable=False),
        sa.Column("comment", sa.Text),
    )
    op.create_index("ix_reviews_draft_id", "reviews", ["draft_id"])
    op.create_table(
        "events",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_events_draft_id", "events", ["draft_id"])
    _append_only("events")


def _append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on `table` in the database itself, whoever connects."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{table} are append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
        )


def downgrade() -> None:
    for table in ("events", "reviews", "revisions", "drafts"):
        op.drop_table(table)
