"""Accountable voice: a named senior person from the facts signs or speaks, in the first person."""

from __future__ import annotations

import re

from service.facts import Channel
from service.rubric import lexicon
from service.rubric.base import Context, Score, not_applicable, verdict
from service.rubric.people import known_to
from service.rubric.types import Criterion, CriterionResult

SHORT_CHANNELS = (Channel.social_post, Channel.status_page)
TEAM_SIGNATURE = re.compile(
    r"(?:^|\n)\s*[-—–]?\s*(?:the\s+)?[\w&'’ .]{0,40}?\b(?:team|management|department|family|communications|"
    r"customer (?:care|service|support|experience)|leadership|board|office of the \w+)\s*\.?\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def check(ctx: Context) -> CriterionResult:
    """Passes when the spokesperson from the facts signs or is quoted, and no one else speaks for us."""
    if not ctx.incident:
        return not_applicable(Criterion.accountable_voice, "proactive messages need no accountable signatory")
    strangers = [p.name for p in ctx.draft.people if not known_to(p.name, ctx.facts.text)]
    if strangers:
        return verdict(
            Criterion.accountable_voice,
            False,
            Score.BARELY,
            strangers,
            "speaks through a person the facts do not name",
        )
    first_person = bool(lexicon.FIRST_PERSON.search(ctx.draft.body_lower))
    team = _team_signature(ctx)
    spokesperson = ctx.facts.facts.spokesperson
    if spokesperson and _named(spokesperson.name, ctx):
        return verdict(
            Criterion.accountable_voice,
            True,
            Score.FULL if first_person else Score.QUALIFIED,
            [spokesperson.name],
            "the spokesperson from the facts signs or speaks",
        )
    if team:
        return verdict(Criterion.accountable_voice, False, Score.FLAWED, [team], "signed by an anonymous team")
    if spokesperson and ctx.channel not in SHORT_CHANNELS:
        return verdict(
            Criterion.accountable_voice,
            False,
            Score.LACKING,
            [f"missing: {spokesperson.name}"],
            "the spokesperson in the facts neither signs nor speaks",
        )
    if not first_person:
        return verdict(
            Criterion.accountable_voice,
            False,
            Score.FLAWED,
            ["missing: a first-person voice"],
            "speaks about the organisation in the third person",
        )
    reason = (
        "a short channel in the organisation's own first-person voice"
        if spokesperson
        else "the facts name no spokesperson; speaks as the organisation, in the first person"
    )
    return verdict(Criterion.accountable_voice, True, Score.QUALIFIED, [], reason)


def _named(name: str, ctx: Context) -> bool:
    """The spokesperson appears: full name, surname, or any part of the name in the sign-off."""
    tokens = [t for t in re.findall(r"[A-Za-z][A-Za-z'’-]+", name) if len(t) > 2]
    lowered = ctx.draft.lower
    if name.lower() in lowered or (tokens and re.search(rf"\b{re.escape(tokens[-1].lower())}\b", lowered)):
        return True
    sign_off = " ".join(s.lower for s in ctx.draft.closing(3))
    return any(re.search(rf"\b{re.escape(t.lower())}\b", sign_off) for t in tokens)


def _team_signature(ctx: Context) -> str | None:
    tail = "\n".join(s.text for s in ctx.draft.closing(3))
    match = TEAM_SIGNATURE.search(tail)
    return match.group(0).strip(" -—–\n") if match else None
