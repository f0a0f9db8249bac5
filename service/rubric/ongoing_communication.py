"""Ongoing communication: says when and where the next update comes, or how to reach a person."""

from __future__ import annotations

from service.rubric import lexicon
from service.rubric.base import Context, verdict
from service.rubric.text import Sentence, overlap, quote
from service.rubric.types import Criterion, CriterionResult

NEXT_UPDATE_SHARE = 0.4


def check(ctx: Context) -> CriterionResult:
    """Passes on the facts' next update, a way to reach someone, or a follow-up with a when or where."""
    sentences = ctx.draft.sentences
    planned = _names_next_update(ctx)
    if planned is not None:
        return verdict(
            Criterion.ongoing_communication, True, 1.0, [quote(planned)], "says when the next update comes"
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
            0.85,
            [quote(chosen)],
            "commits to a follow-up or gives a way to reach us",
        )
    if follow:
        return verdict(
            Criterion.ongoing_communication,
            False,
            0.45,
            [quote(follow[0])],
            "promises updates without saying when, where, or how to reach anyone",
        )
    return verdict(
        Criterion.ongoing_communication,
        False,
        0.0,
        ["missing: next update or contact"],
        "a closed message: no follow-up and no way to reach a person",
    )


def _names_next_update(ctx: Context) -> Sentence | None:
    terms = ctx.facts.next_update - ctx.facts.org_stems
    if not terms:
        return None
    for sentence in ctx.draft.sentences:
        if overlap(terms, sentence.stems) >= NEXT_UPDATE_SHARE:
            return sentence
    return None


def _facts_contact(sentence: Sentence, ctx: Context) -> bool:
    contact = ctx.facts.facts.contact
    return bool(contact) and any(
        token.lower() in sentence.lower for token in contact.split() if len(token) > 5
    )


def _when_or_where(sentence: Sentence, ctx: Context) -> bool:
    kinds = {q.kind for q in ctx.draft.quantities_in(sentence)}
    where = any(
        w in sentence.lower for w in ("page", "website", "site", "blog", "app", "email", "inbox", "here")
    )
    return bool(kinds & {"date", "numeric_date", "time", "weekday", "duration", "month"}) or where
