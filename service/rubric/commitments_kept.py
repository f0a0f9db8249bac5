"""Commitments kept (follow-up updates): the new draft reports on every commitment an earlier message
made (done, on track, or changed with a reason), never silently moves a promised date, and keeps the
promised update cadence by saying when the next update comes."""

from __future__ import annotations

import re

from service.rubric import lexicon
from service.rubric.base import Context, Score, verdict
from service.rubric.commitments import Commitment
from service.rubric.quantities import WHEN_KINDS, Quantity, extract_cached
from service.rubric.text import Sentence, content_stems, overlap, quote
from service.rubric.types import Criterion, CriterionResult

# A report on a commitment shares this much of its content (or its date and one more term).
REPORT_SHARE = 0.5
_NOISE = content_stems(
    "will going promise commit share publish post send update updates next give provide customers customer "
    "everyone affected you your our team full"
)
_CHANGE = re.compile(
    r"\b(?:moved|moving|delay(?:ed|ing)?|postpon\w+|push(?:ed|ing) back|reschedul\w+|instead|changed?|revis\w+|"
    r"later than|no longer|earlier than|brought forward)\b",
    re.I,
)
_REASON = re.compile(r"\b(?:because|as|since|due to|so that|so we|owing to|after|to allow|while)\b", re.I)


def check(ctx: Context) -> CriterionResult:
    """Passes when every earlier commitment is reported on, no date moved silently, and the cadence kept."""
    commitments = list(ctx.earlier or ())
    if not commitments:
        return verdict(Criterion.commitments_kept, True, Score.FULL, [], "the earlier messages made no specific commitment")
    missing, moved, reported = [], [], []
    # A promised update is kept by this message itself; it only sets the cadence checked below.
    for commitment in (c for c in commitments if not c.is_update_promise):
        sentence = _report_on(commitment, ctx)
        if sentence is None:
            missing.append(commitment)
        elif _silently_moved(commitment, sentence, ctx):
            moved.append((commitment, sentence))
        else:
            reported.append(sentence)
    cadence_kept = _cadence_kept(commitments, ctx)
    share = 1 - (len(missing) + len(moved)) / max(1, len(commitments))
    score = share * (1.0 if cadence_kept else 0.7)
    passed = not missing and not moved and cadence_kept
    evidence = (
        [f"not reported on: {c.text}" for c in missing]
        + [f"date changed without a reason: {quote(s)}" for _, s in moved]
        + ([] if cadence_kept else ["missing: when the next update comes, as earlier messages promised"])
        + [quote(s) for s in reported]
    )
    if passed:
        reason = f"reports on all {len(commitments)} earlier commitment(s)"
    elif missing or moved:
        reason = f"{len(missing)} earlier commitment(s) not reported on, {len(moved)} changed without a reason"
    else:
        reason = "earlier messages promised updates; this one does not say when the next comes"
    return verdict(Criterion.commitments_kept, passed, score, evidence, reason)


def _report_on(commitment: Commitment, ctx: Context) -> Sentence | None:
    """The draft's sentence that speaks to the commitment: most of its terms, or its date and a term."""
    terms = commitment.stems - _NOISE - ctx.facts.org_stems
    dates = {q.value for q in _timed(commitment.text)}
    best: tuple[float, Sentence | None] = (0.0, None)
    for sentence in ctx.draft.sentences:
        share = overlap(terms, sentence.stems)
        same_date = bool(dates & {q.value for q in ctx.draft.quantities_in(sentence) if q.kind in WHEN_KINDS})
        reports = share >= REPORT_SHARE or (same_date and terms & sentence.stems)
        if reports and (best[1] is None or share > best[0]):
            best = (share, sentence)
    return best[1]


def _silently_moved(commitment: Commitment, sentence: Sentence, ctx: Context) -> bool:
    """The report gives a different date than was promised, without saying it changed and why."""
    promised = {q.value for q in _timed(commitment.text)}
    stated = {q.value for q in ctx.draft.quantities_in(sentence) if q.kind in WHEN_KINDS}
    if not promised or not stated or promised & stated:
        return False
    return not (_CHANGE.search(sentence.text) and _REASON.search(sentence.text))


def _cadence_kept(commitments: list[Commitment], ctx: Context) -> bool:
    if not any(c.is_update_promise for c in commitments):
        return True
    for sentence in ctx.draft.matching(lexicon.FOLLOW_UP):
        if any(q.kind in WHEN_KINDS for q in ctx.draft.quantities_in(sentence)):
            return True
    return ctx.facts.facts.next_update is not None and any(
        overlap(ctx.facts.next_update - ctx.facts.org_stems, s.stems) >= 0.4 for s in ctx.draft.sentences
    )


def _timed(text: str) -> list[Quantity]:
    return [q for q in extract_cached(text) if q.kind in WHEN_KINDS]
