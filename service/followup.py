"""Follow-up updates: the earlier messages of one incident, the commitments they made, and how the prompt
shows them to the model.

A commitment is a sentence of an earlier message that promises something ("we will publish a full
report by 26 March", "our next update comes at 18:00"). A follow-up must report on each one, and must
not quietly contradict it. Earlier messages are untrusted text like the facts: cleaned and delimited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from pydantic import Field

from service.facts import Channel, InputModel, RequiredText, Text
from service.facts_block import clean_value
from service.rubric import lexicon
from service.rubric.quantities import extract_cached
from service.rubric.text import content_stems, split_sentences

MAX_COMMITMENTS = 12
HISTORY_OPEN = "<earlier_messages>"
HISTORY_CLOSE = "</earlier_messages>"
_TIMED = {"date", "numeric_date", "time", "weekday", "duration", "month"}
_NEXT_UPDATE = re.compile(
    r"\bnext (?:update|post|note|message|bulletin)\b|\bupdate (?:you |this page |here )?(?:again )?(?:by|at|on|every|"
    r"within)\b|\bkeep (?:you|everyone) (?:updated|posted|informed) (?:every|by|at)\b|\bpost again\b|\bwrite again\b",
    re.IGNORECASE,
)


class EarlierMessage(InputModel):
    """A message already sent about the same incident."""

    text: RequiredText
    sent_at: Text | None = Field(default=None, description="When it was sent, as written (\"12 March, 10:00\").")
    channel: Channel | None = None


@dataclass(frozen=True)
class Commitment:
    message: int  # 1-based position of the earlier message
    text: str  # the promising sentence, as sent

    @cached_property
    def stems(self) -> frozenset[str]:
        return content_stems(self.text)

    @cached_property
    def timed(self) -> bool:
        return any(q.kind in _TIMED for q in extract_cached(self.text))

    @property
    def is_update_promise(self) -> bool:
        """A promise of the next update (the cadence the follow-up must keep)."""
        return bool(_NEXT_UPDATE.search(self.text))


def commitments_in(messages: list[EarlierMessage]) -> list[Commitment]:
    """Sentences that promise something specific: a "we will" with terms, or an update with a when."""
    found: list[Commitment] = []
    for index, message in enumerate(messages, start=1):
        for sentence in split_sentences(message.text):
            promising = lexicon.PROMISE.search(sentence.lower) or lexicon.FOLLOW_UP.search(sentence.lower)
            generic = lexicon.GENERIC_PROMISE.search(sentence.lower)
            commitment = Commitment(index, " ".join(sentence.text.split()))
            if not promising or (generic and not commitment.timed):
                continue
            # An earlier "next update at 10:00" was kept by the message that followed it; only the
            # latest message's update promise is still open.
            if commitment.is_update_promise and index < len(messages):
                continue
            found.append(commitment)
    return found[:MAX_COMMITMENTS]


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
