"""Aggregate figures over decided drafts (they survive retention: no text is needed), and the purge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select, update

from service.store.models import DraftRow, RevisionRow, utcnow

# Upper bounds of the edit-distance buckets (share of words changed).
EDIT_BUCKETS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)


@dataclass
class AcceptanceRow:
    prompt_id: str
    prompt_version: str
    model: str
    accepted: int = 0
    edited: int = 0
    rejected: int = 0
    edit_distances: list[float] = field(default_factory=list)


def acceptance(
    conn: Connection, *, prompt: str | None = None, model: str | None = None, since: datetime | None = None
) -> list[AcceptanceRow]:
    """Decided drafts per prompt version and model: accepted as is, edited, rejected, and how much was edited."""
    query = select(
        DraftRow.prompt_id, DraftRow.prompt_version, DraftRow.model, DraftRow.outcome, DraftRow.edit_distance
    ).where(DraftRow.outcome.is_not(None))
    if prompt is not None:
        prompt_id, _, version = prompt.partition("@")
        query = query.where(DraftRow.prompt_id == prompt_id)
        if version:
            query = query.where(DraftRow.prompt_version == version)
    if model is not None:
        query = query.where(DraftRow.model == model)
    if since is not None:
        query = query.where(DraftRow.decided_at >= since)
    rows: dict[tuple[str, str, str], AcceptanceRow] = {}
    for prompt_id, version, model_name, outcome, distance in conn.execute(query):
        row = rows.setdefault((prompt_id, version, model_name), AcceptanceRow(prompt_id, version, model_name))
        setattr(row, str(outcome), getattr(row, str(outcome)) + 1)
        if outcome == "edited" and distance is not None:
            row.edit_distances.append(distance)
    return [rows[key] for key in sorted(rows)]


def bucket_counts(distances: list[float]) -> list[int]:
    """How many edits fall at or under each bound of EDIT_BUCKETS (and above the one before)."""
    counts = [0] * len(EDIT_BUCKETS)
    for distance in distances:
        index = next(i for i, bound in enumerate(EDIT_BUCKETS) if distance <= bound or bound == EDIT_BUCKETS[-1])
        counts[index] += 1
    return counts


def purge_before(conn: Connection, cutoff: datetime) -> int:
    """Erase facts, texts and checks of drafts created before `cutoff`; states, figures and events stay."""
    due = select(DraftRow.id).where(DraftRow.created_at < cutoff, DraftRow.purged_at.is_(None))
    conn.execute(
        update(RevisionRow)
        .where(RevisionRow.draft_id.in_(due))
        .values(text=None, subject=None, headline=None, checks=None, diff=None)
    )
    result = conn.execute(
        update(DraftRow)
        .where(DraftRow.created_at < cutoff, DraftRow.purged_at.is_(None))
        .values(facts=None, request=None, response=None, purged_at=utcnow())
    )
    return int(result.rowcount)


def count_drafts(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(DraftRow)).scalar_one())
