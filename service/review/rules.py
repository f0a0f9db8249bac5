"""The review workflow's rules, pure: states, what each decision leads to, who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from service import errors
from service.rubric.types import FOLLOWS_INJECTION
from service.settings import Role

ANONYMOUS = "anonymous"


class State(StrEnum):
    draft = "draft"  # as the model wrote it
    in_review = "in_review"  # edited since: waiting for a decision
    changes_requested = "changes_requested"
    approved = "approved"  # final: no more edits or decisions
    rejected = "rejected"  # final
    published = "published"  # approved and delivered to the channel's webhook


class Decision(StrEnum):
    approve = "approve"
    reject = "reject"
    request_changes = "request_changes"


OPEN_STATES = (State.draft, State.in_review, State.changes_requested)
AWAITING_REVIEW = (State.draft, State.in_review)
AFTER: dict[Decision, State] = {
    Decision.approve: State.approved,
    Decision.reject: State.rejected,
    Decision.request_changes: State.changes_requested,
}


@dataclass(frozen=True)
class Actor:
    """Who is calling: an API key id (`key:<16 hex>`) or `anonymous`, and its role."""

    id: str
    role: Role

    @property
    def anonymous(self) -> bool:
        return self.id == ANONYMOUS


def require_role(actor: Actor, needed: Role, doing: str) -> None:
    if not actor.role.allows(needed):
        raise errors.Forbidden(f"{doing} needs the {needed} role; this key is a {actor.role}")


def require_open(state: State, doing: str) -> None:
    if state not in OPEN_STATES:
        raise errors.Conflict(f"the draft is {state}: it can no longer be {doing}")


def check_decision(
    actor: Actor, decision: Decision, created_by: str, *, allow_self_approval: bool
) -> None:
    """Only reviewers decide; a key does not approve its own draft unless configured to (anonymous callers
    cannot be told apart, so the rule cannot apply to them)."""
    require_role(actor, Role.reviewer, f"{decision.value.replace('_', ' ')}")
    own = actor.id == created_by and not actor.anonymous
    if decision is Decision.approve and own and not allow_self_approval:
        raise errors.Forbidden("a key does not approve its own draft (TRUSTDRAFT_ALLOW_SELF_APPROVAL)")


def override_reasons(unsupported: int, injection_followed: bool, blocked: str | None = None) -> list[str]:
    """Why approving this text needs an explicit override (empty: it does not)."""
    reasons = []
    if unsupported:
        reasons.append(f"{unsupported} claim(s) the facts do not support")
    if injection_followed:
        reasons.append("the draft appears to follow instructions injected in the facts")
    if blocked and not (injection_followed and blocked.startswith(FOLLOWS_INJECTION)):
        reasons.append(f"the checks never pass it: {blocked}")
    return reasons
