"""A reviewer's edit against the model's text: the graded text, a word-level diff and how much changed."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from service.facts import Channel

_WORDS = re.compile(r"\S+")


def graded_text(channel: Channel | str, body: str, subject: str | None, headline: str | None) -> str:
    """One string as the rubric grades it: the heading line the channel has, then the body."""
    channel = Channel(channel)
    if channel is Channel.email and subject:
        return f"Subject: {subject}\n\n{body}"
    if channel in (Channel.press_statement, Channel.blog_post) and headline:
        return f"Headline: {headline}\n\n{body}"
    return body


def word_diff(before: str, after: str) -> list[dict[str, Any]]:
    """Operations turning `before` into `after`, word by word: equal, insert, delete, replace."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    return [
        {"op": tag, "before": " ".join(old[i1:i2]), "after": " ".join(new[j1:j2])}
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def edit_distance(diff: list[dict[str, Any]]) -> float:
    """Share of words changed: words inserted, deleted or replaced (the larger side of a replacement)
    over the words of the longer text; 0 is untouched, 1 rewritten."""
    changed = longer_before = longer_after = 0
    for op in diff:
        before, after = len(op["before"].split()), len(op["after"].split())
        longer_before += before
        longer_after += after
        if op["op"] != "equal":
            changed += max(before, after)
    longest = max(longer_before, longer_after)
    return round(changed / longest, 4) if longest else 0.0
