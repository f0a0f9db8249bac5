"""Amends: states the approved remedy from the facts, and never invents one."""

from __future__ import annotations

from service.rubric import faithfulness, lexicon
from service.rubric.base import Context, not_applicable, verdict
from service.rubric.text import best_sentence, quote
from service.rubric.types import Criterion, CriterionResult

REMEDY_SHARE = 0.5
REMEDY_TERMS = 2


def check(ctx: Context) -> CriterionResult:
    """Passes when the facts' remedies are stated; fails on a missing or an invented remedy."""
    if not ctx.wrong_involved:
        return not_applicable(Criterion.amends, "no harm to make amends for in these facts")
    invented = [
        c
        for c in faithfulness.ledger(ctx)
        if c.kind == "promise" and lexicon.REMEDY_WORDS.search(c.text.lower())
    ]
    remedies = ctx.facts.remedies
    if invented:
        return verdict(
            Criterion.amends, False, 0.2, [invented[0].text], "offers a remedy the facts do not approve"
        )
    if not remedies:
        return not_applicable(Criterion.amends, "the facts approve no remedy, and the draft offers none")
    stated = []
    for remedy in remedies:
        sentence, share = best_sentence(ctx.draft.sentences, remedy)
        if sentence is not None and (share >= REMEDY_SHARE or len(sentence.stems & remedy) >= REMEDY_TERMS):
            stated.append(sentence)
    if not stated:
        return verdict(
            Criterion.amends,
            False,
            0.1,
            [f"missing: {ctx.facts.facts.remedy[0]}"],
            "does not state the remedy the facts approve",
        )
    return verdict(
        Criterion.amends,
        True,
        min(1.0, 0.7 + 0.3 * len(stated) / len(remedies)),
        [quote(s) for s in stated[:2]],
        "states the approved remedy",
    )
