"""Channel fit: length and form suit the channel (a tweet fits in 280 characters, an email has a subject,
a press statement a headline and a quote, a memo tells staff what to do, a status update stays factual)."""

from __future__ import annotations

import re
from collections.abc import Callable

from service.facts import Channel
from service.facts_block import echoes_block
from service.rubric import lexicon
from service.rubric.base import Context, Score, verdict
from service.rubric.text import scan
from service.rubric.types import Criterion, CriterionResult

SOCIAL_MAX_CHARS = 280
MAX_WORDS = {
    Channel.status_page: 200,
    Channel.email: 600,
    Channel.press_statement: 800,
    Channel.internal_memo: 700,
    Channel.blog_post: 1500,
}
BLOG_MIN_WORDS = 60
# A quotation: text between quote marks (no nested quantifiers: an unclosed quote must not backtrack).
QUOTE = re.compile(r"[\"“”]([^\"“”]{1,600})[\"“”]")
QUOTE_MIN_WORDS = 4

Check = Callable[[Context], str | None]  # returns the problem, or None when the form is right


def check(ctx: Context) -> CriterionResult:
    """Passes when every form rule of the channel holds; the score is the share that hold."""
    if echoes_block(ctx.draft.text):
        return verdict(
            Criterion.channel_fit, False, Score.NONE, ["<incident_facts> ..."], "repeats the facts block instead of a message"
        )
    rules = [_length, *_RULES.get(ctx.channel, [])]
    problems = [p for p in (rule(ctx) for rule in rules) if p]
    if not problems:
        return verdict(Criterion.channel_fit, True, Score.FULL, [], f"fits a {ctx.channel.value.replace('_', ' ')}")
    score = 1 - len(problems) / len(rules)
    return verdict(Criterion.channel_fit, False, min(score, Score.HALF), problems, "; ".join(problems))


def _length(ctx: Context) -> str | None:
    if ctx.channel is Channel.social_post:
        chars = len(ctx.draft.text.strip())
        return (
            f"{chars} characters; a social post must fit in {SOCIAL_MAX_CHARS}"
            if chars > SOCIAL_MAX_CHARS
            else None
        )
    limit = MAX_WORDS[ctx.channel]
    words = ctx.draft.word_count
    return (
        f"{words} words; too long for a {ctx.channel.value.replace('_', ' ')} (max {limit})"
        if words > limit
        else None
    )


def _subject(ctx: Context) -> str | None:
    return None if ctx.draft.heading else "an email needs a subject line"


def _headline(ctx: Context) -> str | None:
    return None if ctx.draft.heading else f"a {ctx.channel.value.replace('_', ' ')} needs a headline"


def _quote(ctx: Context) -> str | None:
    quoted = any(len(m.group(1).split()) >= QUOTE_MIN_WORDS for m in QUOTE.finditer(ctx.draft.body))
    return None if quoted else "a press statement needs a quote from a named person"


def _factual(ctx: Context) -> str | None:
    hype = [m.group(0) for m in scan(lexicon.HYPE, ctx.draft.lower)] + [
        m.group(0) for m in scan(lexicon.CELEBRATORY, ctx.draft.lower)
    ]
    if hype or ctx.draft.text.count("!") > 1:
        return f"a status update should be plain and factual, not marketing ({', '.join(hype[:3]) or '!'})"
    return None


def _speaks_to_staff(ctx: Context) -> str | None:
    if not lexicon.STAFF_ADDRESS.search(ctx.draft.body_lower):
        return "an internal memo should speak to staff"
    if not lexicon.STAFF_DIRECTIVE.search(ctx.draft.body_lower):
        return "an internal memo should tell staff what to do or say"
    return None


def _substantial(ctx: Context) -> str | None:
    words = ctx.draft.word_count
    return f"{words} words is thin for a blog post" if words < BLOG_MIN_WORDS else None


_RULES: dict[Channel, list[Check]] = {
    Channel.email: [_subject],
    Channel.press_statement: [_headline, _quote],
    Channel.blog_post: [_headline, _substantial],
    Channel.status_page: [_factual],
    Channel.internal_memo: [_speaks_to_staff],
}
