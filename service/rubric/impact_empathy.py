"""Impact and empathy: says who was affected and how, with the specifics the facts give (docs/rubric.md).

An impact statement is a sentence (read with the one after it) that names the people affected and what
happened to them: the facts' count of them, or the particular harm in the facts' own terms; for a proactive
post, whom the change matters to and why. Empathy that names no one, hedged numbers ("some customers",
"those who may have been affected") and sentences that only offer a remedy or a contact are not one.
"""

from __future__ import annotations

import re

from service.facts import Channel, Strategy
from service.rubric import lexicon
from service.rubric.base import GREETING, Context, Score, verdict
from service.rubric.quantities import QuantityKind, extract_cached
from service.rubric.text import Sentence, content_stems, quote
from service.rubric.types import Criterion, CriterionResult

HARM_TERMS = 2  # the facts' own terms for what happened to people, in the sentence or the next
# A reader told what to do about the specific thing ("Stop riding it", "Do not eat it", "Return it").
_INSTRUCTION = re.compile(
    r"(?:^|[.;:!] )(?:please )?(?:do not|don['’]t|stop|return|take|check|throw|bring|avoid|keep|switch off)\b"
)
# Sentences that only offer something, give a contact or promise a next step say nothing of the harm.
_NOT_ABOUT_HARM = re.compile(
    r"\b(?:refund\w*|credit(?:ed|s)?|voucher|reimburs\w+|compensat\w+|questions?|contact|call us|email us|"
    r"write to|next update|we will|we['’]ll|will be (?:refunded|credited|paid|sent))\b|@|\bhttps?://"
)
_MATTERS = re.compile(
    r"\b(?:matters? to|for you|so (?:that )?you can|helps? you|lets? you|you can now|you['’]ll (?:be able|see|know)|"
    r"means for you|you (?:have |['’]ve |keep |often )?(?:ask|asked|told us)|(?:people|customers|readers|staff) "
    r"(?:keep |often |have )?ask(?:ed)?|asked us|because you|you should(?:n['’]t)? (?:be able|have to|know))\b"
)
_AFFECTED = content_stems("affected impacted")
_CALENDAR = content_stems(
    "january february march april may june july august september october november december week weeks day days "
    "month months year years today yesterday morning afternoon evening night"
)


def check(ctx: Context) -> CriterionResult:
    """Passes when the draft names the people affected and states what happened to them specifically, without
    hedging it (and, proactive, says why it matters to them)."""
    said = [s for s in ctx.draft.sentences if not GREETING.match(s.lower.strip())]
    # What the facts say of the affected, worked out once for all the sentences read against it.
    counted_in = _sentences_giving_count(ctx)
    harm = _harm_terms(ctx)
    people = [s for s in said if _names_people(s, ctx)]
    harm_stated = [s for s in said if _harm_stated(s, ctx, harm, counted_in)]
    counted = any(s.index in counted_in for s in said)
    hedged = next((s for s in people if _hedged(s, ctx, counted_in)), None)
    if hedged is not None and not counted:
        return verdict(
            Criterion.impact_empathy,
            False,
            Score.FLAWED,
            [quote(hedged)],
            "hedges who was affected ('some', 'a number of', 'may have') where the facts are specific",
        )
    if not people:
        return verdict(
            Criterion.impact_empathy, False, Score.NONE, ["missing: who is affected"], "never mentions the people affected"
        )
    if not harm_stated:
        return verdict(
            Criterion.impact_empathy,
            False,
            Score.LACKING,
            [quote(people[0])],
            "mentions people only in general terms, not who was affected or how",
        )
    if ctx.strategy is Strategy.proactive and not _says_why_it_matters(ctx):
        return verdict(
            Criterion.impact_empathy,
            False,
            Score.HALF,
            [quote(harm_stated[0])],
            "gives the figures but never says why they matter to the people they are about",
        )
    return verdict(
        Criterion.impact_empathy,
        True,
        Score.FULL if counted else Score.QUALIFIED,
        [quote(harm_stated[0])],
        "says who is affected and how, specifically",
    )


# "Everyone" and "anyone" name no one in particular.
_NO_ONE_IN_PARTICULAR = frozenset({"everyone", "anyone", "the public"})


def _names_people(sentence: Sentence, ctx: Context) -> bool:
    named = {m.group(0) for m in lexicon.PEOPLE.finditer(sentence.lower)} - _NO_ONE_IN_PARTICULAR
    if ctx.channel is Channel.internal_memo:  # in a memo "you" are the staff it is written to
        named -= {"you", "your"}
    return bool(named or sentence.stems & ctx.facts.people_stems or _INSTRUCTION.search(sentence.lower))


def _harm_stated(sentence: Sentence, ctx: Context, harm: frozenset[str], counted_in: frozenset[int]) -> bool:
    """States what happened to people in the facts' own terms (or their number); an offer, a contact or a
    next step does not, nor does a hedged or conditional line."""
    if _hedged(sentence, ctx, counted_in) or lexicon.CONDITIONAL_HARM.search(sentence.lower):
        return False
    if sentence.index in counted_in:
        return True
    if _INSTRUCTION.search(sentence.lower):  # "Do not eat it" about the named product tells buyers what to do
        window = [s for s in ctx.draft.sentences if abs(s.index - sentence.index) <= 1]
        return bool(frozenset().union(*(s.stems for s in window)) & harm)
    if _NOT_ABOUT_HARM.search(sentence.lower) and "affected" not in sentence.lower:
        return False
    return len(sentence.stems & harm) >= HARM_TERMS


def _says_why_it_matters(ctx: Context) -> bool:
    """A proactive post says why the reader should care: in so many words, or with the facts' own reasons."""
    facts = ctx.facts
    reasons = facts.key_terms(facts.reasoning) - facts.key_terms(facts.summary)
    return bool(ctx.draft.matching(_MATTERS)) or any(
        s.stems & reasons and _names_people(s, ctx) for s in ctx.draft.sentences
    )


def _hedged(sentence: Sentence, ctx: Context, counted_in: frozenset[int]) -> bool:
    return ctx.hedged_phrase(sentence) is not None and sentence.index not in counted_in


def _sentences_giving_count(ctx: Context) -> frozenset[int]:
    """The sentences that give the facts' number of people (or accounts, households, passengers...) affected."""
    counts = _affected_counts(ctx)
    return frozenset(
        sentence.index
        for sentence in ctx.draft.sentences
        if any(q.kind == QuantityKind.number and _near(float(q.value[0]), counts) for q in ctx.draft.quantities_in(sentence))
    )


def _near(value: float, counts: set[float]) -> bool:
    return any(abs(value - count) <= 0.2 * count for count in counts)


def _affected_counts(ctx: Context) -> set[float]:
    """How many people the facts say were affected: any number in the affected field, and numbers in the
    summary that count people ("2,310 people", "612 pensioners"), not schools or notices."""
    facts = ctx.facts.facts
    counts = {float(q.value[0]) for q in extract_cached(facts.affected or "") if q.kind == QuantityKind.number}
    summary = facts.summary.lower()
    counts |= {
        float(q.value[0])
        for q in extract_cached(facts.summary)
        if q.kind == QuantityKind.number and _counts_people(summary[q.end : q.end + 40])
    }
    return {c for c in counts if c >= 2}


def _counts_people(after: str) -> bool:
    """The words after a number name people, within three of them ("2,140 store and warehouse staff")."""
    words = " ".join(re.findall(r"[a-z][a-z'-]*", after)[:4])
    return bool(lexicon.PEOPLE.search(words))


def _harm_terms(ctx: Context) -> frozenset[str]:
    """What happened to people, in the facts' words: the affected field and the summary's opening sentence
    (what happened; a long summary goes on to the event's background and aftermath, none of it a harm),
    without the people themselves, the calendar, or the cause (naming the cause is explanation, not impact)."""
    facts = ctx.facts
    terms = facts.key_terms(facts.affected, facts.what_happened)
    if ctx.strategy is Strategy.proactive:
        terms |= facts.key_terms(facts.reasoning)
    terms = terms - _CALENDAR - facts.people_words - (facts.cause - facts.affected)
    return terms | _AFFECTED  # "affected customers", "everyone affected": the harm named as such
