"""Channel packs: one fact set drafted for several channels at once, and checked for consistency.

Drafts of one incident must not disagree: the same remedy, the same next update, the same plan, and
nothing one of them invents. Each draft is graded on its own; this module compares the verdicts across
channels and reports where they part ways (a short social post may leave out the plan, nothing else).
"""

from __future__ import annotations

import asyncio

from service.drafting.pipeline import Drafter
from service.facts import Channel
from service.rubric.types import Criterion
from service.schemas import (
    ConsistencyIssue,
    DraftRequest,
    DraftResponse,
    PackConsistency,
    PackRequest,
    PackResponse,
)

# What every draft of a pack should carry alike, and the channels allowed to leave it out for length.
SHARED: dict[Criterion, tuple[str, frozenset[Channel]]] = {
    Criterion.amends: ("remedy", frozenset()),
    Criterion.ongoing_communication: ("next update", frozenset()),
    Criterion.concrete_plan: ("plan", frozenset({Channel.social_post})),
}


def pack_requests(pack: PackRequest) -> list[DraftRequest]:
    """One draft request per channel of the pack, every one graded."""
    return [
        DraftRequest(
            strategy=pack.strategy,
            channel=channel,
            facts=pack.facts,
            audience=pack.audience,
            prompt=pack.prompt,
            model=pack.model,
            options=pack.options.model_copy(update={"checks": True}),
            earlier_messages=pack.earlier_messages,
        )
        for channel in pack.channels
    ]


async def draft_pack(drafter: Drafter, pack: PackRequest, deadline: float | None = None) -> PackResponse:
    requests = pack_requests(pack)
    for request in requests:
        drafter.plan(request)  # a bad prompt or model fails the pack before any model call
    drafts = await asyncio.gather(*(drafter.draft(r, deadline=deadline) for r in requests))
    return PackResponse(drafts=list(drafts), consistency=consistency(list(drafts)))


def consistency(drafts: list[DraftResponse]) -> PackConsistency:
    issues = []
    blocked = [d for d in drafts if d.checks and d.checks.blocked]
    if blocked:
        issues.append(
            ConsistencyIssue(
                kind="not_a_message",
                detail="drafts that cannot pass, whatever the others say: "
                + "; ".join(f"{d.channel.value} {d.checks.blocked}" for d in blocked if d.checks),
                channels=[d.channel for d in blocked],
            )
        )
    inventing = [d for d in drafts if d.checks and d.checks.unsupported]
    if inventing:
        claims = sorted({c.text for d in inventing for c in d.checks.unsupported if d.checks})[:5]  # type: ignore[union-attr]
        issues.append(
            ConsistencyIssue(
                kind="unsupported_claim",
                detail="claims the facts (and so the other drafts) do not carry: " + "; ".join(claims),
                channels=[d.channel for d in inventing],
            )
        )
    for criterion, (name, may_omit) in SHARED.items():
        verdicts = {
            d.channel: d.checks.criterion(criterion)
            for d in drafts
            if d.checks and d.channel not in may_omit and d.checks.criterion(criterion).applicable
        }
        carrying = [c for c, v in verdicts.items() if v.passed]
        missing = [c for c, v in verdicts.items() if not v.passed]
        if carrying and missing:
            issues.append(
                ConsistencyIssue(
                    kind=name,
                    detail=f"the {name} appears in {', '.join(carrying)} but not in {', '.join(missing)}",
                    channels=missing,
                )
            )
    return PackConsistency(consistent=not issues, issues=issues)
