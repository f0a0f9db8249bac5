"""Sectioned drafting: a content plan chosen in code from the strategy, the channel and the facts present; each
section written by the model from only the facts it needs, checked on its own, rewritten once, then rendered
plainly from its facts (marked as such) if it still fails; the channel's shape assembled in code.

`plan_sections` decides everything before a call; `draft_sections` yields the text as it becomes final, then
the draft with its sections and their sources. The drafting pipeline (`Drafter`) is the only caller.
"""

from service.drafting.sections.checks import SectionContext
from service.drafting.sections.draft import SectionedDraft, SectionedPlan, draft_sections, plan_sections

__all__ = ["SectionContext", "SectionedDraft", "SectionedPlan", "draft_sections", "plan_sections"]
