"""Drafting: the one door every caller drafts through (docs/architecture.md).

`build_drafter(settings)` builds the pipeline; `Drafter.draft()` and `Drafter.stream()` end in the same
response. Best-of-n and revise (refine), packs (several channels at once), follow-up history and the
prompt-injection checks live beside it.
"""

from service.drafting.packs import draft_pack, pack_requests
from service.drafting.pipeline import (
    Delta,
    Drafted,
    Drafter,
    DrafterEvents,
    Failed,
    Finished,
    Started,
    StreamEvent,
    build_drafter,
    grade_request,
)
from service.drafting.plan import DEFAULT_MAX_WORDS, DraftPlan, prompt_variables
from service.drafting.redact import redact_facts

__all__ = [
    "DEFAULT_MAX_WORDS",
    "Delta",
    "DraftPlan",
    "Drafted",
    "Drafter",
    "DrafterEvents",
    "Failed",
    "Finished",
    "Started",
    "StreamEvent",
    "build_drafter",
    "draft_pack",
    "grade_request",
    "pack_requests",
    "prompt_variables",
    "redact_facts",
]
