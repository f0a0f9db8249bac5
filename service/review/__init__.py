"""Review: states and approval rules, edits graded again with word-level diffs, the append-only audit
trail, publishing approved drafts to webhooks, acceptance figures. Beside drafting; below the API."""

from service.review.desk import ReviewDesk
from service.review.publishing import Publisher, load_webhooks
from service.review.rules import ANONYMOUS, Actor, Decision, State

__all__ = ["ANONYMOUS", "Actor", "Decision", "Publisher", "ReviewDesk", "State", "load_webhooks"]
