"""Earlier messages of a follow-up, shown to the model as data: delimited and cleaned like the facts, with the
commitments they made listed so the draft can report on each."""

from __future__ import annotations

from service.facts import EarlierMessage
from service.facts_block import clean_value
from service.rubric import commitments_in

HISTORY_OPEN = "<earlier_messages>"
HISTORY_CLOSE = "</earlier_messages>"


def history_block(messages: list[EarlierMessage]) -> str:
    """The earlier messages and their commitments, between delimiters; empty when there are none."""
    if not messages:
        return ""
    lines = [HISTORY_OPEN]
    for index, message in enumerate(messages, start=1):
        about = ", ".join(clean_value(p) for p in (message.sent_at, message.channel and message.channel.value) if p)
        lines.append(f"message {index}{f' ({about})' if about else ''}: {' '.join(clean_value(message.text).split())}")
    commitments = commitments_in(messages)
    if commitments:
        lines.append("commitments made:")
        lines += [f"  - {clean_value(c.text)}" for c in commitments]
    lines.append(HISTORY_CLOSE)
    return "\n".join(lines)
