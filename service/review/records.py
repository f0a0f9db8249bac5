"""Conversions between what the service returns and what the store keeps, in both directions."""

from __future__ import annotations

from typing import Any

from service.facts import EarlierMessage, Facts
from service.review.rules import State
from service.review.schemas import DraftSummary, ReviewOut, RevisionOut, StoredDraft
from service.rubric import Commitment, RubricResult, commitments_in
from service.schemas import DraftRequest, DraftResponse, PromptRef
from service.store.drafts import NewDraft, as_utc
from service.store.models import DraftRow, ReviewRow, RevisionRow


def new_draft(
    request: DraftRequest,
    response: DraftResponse,
    *,
    facts: Facts,
    actor: str,
    request_id: str | None,
    pack_id: str | None = None,
) -> NewDraft:
    """The row for a draft as returned; `facts` are the ones the model saw (masked when redacting)."""
    checks = response.checks
    return NewDraft(
        id=response.id,
        state=State.draft.value,
        strategy=response.strategy.value,
        channel=response.channel.value,
        prompt_id=response.prompt.id,
        prompt_version=response.prompt.version,
        prompt_sha256=response.prompt.sha256,
        model=response.model,
        created_by=actor,
        facts=facts.model_dump(mode="json", exclude_none=True),
        request=request.model_dump(mode="json", include={"audience", "options", "earlier_messages"}, exclude_none=True),
        response=response.model_dump(mode="json", exclude_none=True),
        text=response.text,
        subject=response.subject,
        headline=response.headline,
        checks=checks.model_dump(mode="json") if checks else None,
        score=checks.score if checks else None,
        passed=checks.passed if checks else None,
        unsupported=len(checks.unsupported) if checks else 0,
        injection_followed=response.injection.followed if response.injection else None,
        request_id=request_id,
        pack_id=pack_id,
    )


def earlier_of(row: DraftRow) -> list[Commitment] | None:
    """The earlier messages' commitments a follow-up was graded on (None: not a follow-up)."""
    messages = (row.request or {}).get("earlier_messages") or []
    return commitments_in([EarlierMessage.model_validate(m) for m in messages]) if messages else None


def checks_of(revision: RevisionRow) -> RubricResult | None:
    return RubricResult.model_validate(revision.checks) if revision.checks else None


def prompt_ref(row: DraftRow) -> PromptRef:
    return PromptRef(id=row.prompt_id, version=row.prompt_version, sha256=row.prompt_sha256)


def stored_draft(
    row: DraftRow, revisions: list[RevisionRow], reviews: list[ReviewRow]
) -> StoredDraft:
    return StoredDraft(
        **_summary_fields(row),
        updated_at=as_utc(row.updated_at),
        request_id=row.request_id,
        pack_id=row.pack_id,
        outcome=row.outcome,
        edit_distance=row.edit_distance,
        facts=row.facts,
        request=row.request,
        draft=row.response,
        revisions=[revision_out(r) for r in revisions],
        reviews=[review_out(r) for r in reviews],
        purged_at=as_utc(row.purged_at) if row.purged_at else None,
    )


def revision_out(r: RevisionRow) -> RevisionOut:
    return RevisionOut(
        number=r.number,
        created_at=as_utc(r.created_at),
        author=r.author,
        text=r.text,
        subject=r.subject,
        headline=r.headline,
        checks=checks_of(r),
        diff=r.diff,
        edit_distance=r.edit_distance,
    )


def review_out(r: ReviewRow) -> ReviewOut:
    return ReviewOut(
        revision=r.revision,
        decision=r.decision,
        author=r.author,
        created_at=as_utc(r.created_at),
        override=r.override,
        criteria=r.criteria,
        comment=r.comment,
    )


def summary(row: DraftRow) -> DraftSummary:
    return DraftSummary(**_summary_fields(row))


def _summary_fields(row: DraftRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "state": State(row.state),
        "created_at": as_utc(row.created_at),
        "strategy": row.strategy,
        "channel": row.channel,
        "prompt": prompt_ref(row),
        "model": row.model,
        "score": row.score,
        "passed": row.passed,
        "unsupported": row.unsupported,
        "injection_followed": row.injection_followed,
        "current_revision": row.current_revision,
        "created_by": row.created_by,
    }
