"""Acceptance per prompt version and model: how many decided drafts were approved as the model wrote
them, approved after edits, or rejected, and how much the edited ones changed."""

from __future__ import annotations

from statistics import median

from service.review.schemas import AcceptanceOut, AcceptanceStats, EditDistanceBucket
from service.store.stats import EDIT_BUCKETS, AcceptanceRow, bucket_counts


def acceptance_stats(rows: list[AcceptanceRow]) -> AcceptanceStats:
    return AcceptanceStats(rows=[_row(r) for r in rows])


def _row(row: AcceptanceRow) -> AcceptanceOut:
    decided = row.accepted + row.edited + row.rejected
    return AcceptanceOut(
        prompt_id=row.prompt_id,
        prompt_version=row.prompt_version,
        model=row.model,
        decided=decided,
        accepted_as_is=row.accepted,
        edited=row.edited,
        rejected=row.rejected,
        accepted_as_is_rate=round(row.accepted / decided, 4) if decided else 0.0,
        edited_rate=round(row.edited / decided, 4) if decided else 0.0,
        rejected_rate=round(row.rejected / decided, 4) if decided else 0.0,
        edit_distance=[
            EditDistanceBucket(le=bound, count=count)
            for bound, count in zip(EDIT_BUCKETS, bucket_counts(row.edit_distances), strict=True)
        ],
        median_edit_distance=round(median(row.edit_distances), 4) if row.edit_distances else None,
    )
