"""Commitments in earlier messages: the sentences that promised something a follow-up must report on.

A commitment is a sentence of an earlier message that promises something specific ("we will publish a
full report by 26 March", "our next update comes at 18:00"). Finding them is text analysis, so it lives
with the graders: `commitments_kept` grades a follow-up against them, and the drafting prompt lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from service.facts import EarlierMessage
from service.rubric import lexicon
from service.rubric.quantities import WHEN_KINDS, extract_cached
from service.rubric.text import content_stems, split_sentences

MAX_COMMITMENTS = 12
_NEXT_UPDATE = re.compile(
    r"\bnext (?:update|post|note|message|bulletin)\b|\bupdate (?:you |this page |here )?(?:again )?(?:by|at|on|every|"
    r"within)\b|\bkeep (?:you|everyone) (?:updated|posted|informed) (?:every|by|at)\b|\bpost again\b|\bwrite again\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Commitment:
    message: int  # 1-based position of the earlier message
    text: str  # the promising sentence, as sent

    @cached_property
    def stems(self) -> frozenset[str]:
        return content_stems(self.text)

    @cached_property
    def timed(self) -> bool:
        return any(q.kind in WHEN_KINDS for q in extract_cached(self.text))

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
