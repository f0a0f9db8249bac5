"""Ongoing communication: says when and where the next update comes, or how to reach a person."""

from __future__ import annotations

import re

from service.rubric import lexicon
from service.rubric.base import Context, Score, verdict
from service.rubric.quantities import WHEN_KINDS
from service.rubric.text import Sentence, overlap, quote
from service.rubric.types import Criterion, CriterionResult

NEXT_UPDATE_SHARE = 0.4
NEXT_UPDATE_TERMS = 3


def check(ctx: Context) -> CriterionResult:
    """Passes on the facts' next update, a way to reach someone, or a follow-up with a when or where."""
    sentences = ctx.draft.sentences
    planned = _names_next_update(ctx)
    if planned is not None:
        return verdict(
            Criterion.ongoing_communication, True, Score.FULL, [quote(planned)], "says when the next update comes"
        )
    contacts = ctx.draft.matching(lexicon.CONTACT)
    contact = next(iter(contacts), None) or next((s for s in sentences if _facts_contact(s, ctx)), None)
    follow = ctx.draft.matching(lexicon.FOLLOW_UP)
    timed = next((s for s in follow if _when_or_where(s, ctx)), None)
    if timed is not None or contact is not None:
        chosen = timed or contact
        assert chosen is not None
        return verdict(
            Criterion.ongoing_communication,
            True,
            Score.GOOD,
            [quote(chosen)],
            "commits to a follow-up or gives a way to reach us",
        )
    if follow:
        return verdict(
            Criterion.ongoing_communication,
            False,
            Score.SHORT,
            [quote(follow[0])],
            "promises updates without saying when, where, or how to reach anyone",
        )
    return verdict(
        Criterion.ongoing_communication,
        False,
        Score.NONE,
        ["missing: next update or contact"],
        "a closed message: no follow-up and no way to reach a person",
    )


def _names_next_update(ctx: Context) -> Sentence | None:
    terms = ctx.facts.next_update - ctx.facts.org_stems
    if not terms:
        return None
    for sentence in ctx.draft.sentences:
        found = terms & sentence.stems
        if overlap(terms, found) >= NEXT_UPDATE_SHARE or len(found) >= NEXT_UPDATE_TERMS:
            return sentence
    return None


def _facts_contact(sentence: Sentence, ctx: Context) -> bool:
    """The draft gives the contact from the facts: an address, a number, a link."""
    contact = ctx.facts.facts.contact or ""
    handles = [t.strip(".,;:") for t in contact.split() if re.search(r"[\d@/]|\.\w", t)]
    digits = "".join(re.findall(r"\d", contact))
    return any(h.lower() in sentence.lower for h in handles if len(h) > 3) or (
        len(digits) >= 6 and digits in "".join(re.findall(r"\d", sentence.text))
    )


# Where the update will be: whole words ("happens" has "app" in it, "everywhere" has "here").
_WHERE = re.compile(r"\b(?:page|website|site|blog|app|email|inbox|here)\b")


def _when_or_where(sentence: Sentence, ctx: Context) -> bool:
    kinds = {q.kind for q in ctx.draft.quantities_in(sentence)}
    return bool(kinds & WHEN_KINDS) or bool(_WHERE.search(sentence.lower))
