"""A section's own checks: is it a sentence of a message, faithful to the facts, written from its own facts
only, keeping every figure and date of them, and does it do its job (the rubric criteria it is there for)?

The rubric grades the section on its own (its public `grade`, with the drafting pipeline's injection gate), so
a section passes exactly the tests the whole draft is later graded on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.drafting.injection import check_output, graded
from service.drafting.sections.content import SectionSpec
from service.facts import Channel, Facts, Strategy
from service.schemas import Suspicion

# Figures and dates, as written: "1.2", "04:10", "9,800", "12", "March". Enough to tell what a section kept
# or brought in; the rubric's faithfulness ledger judges every other claim.
_FIGURE = re.compile(
    r"\d+(?:[.,:]\d+)*|\b(?:january|february|march|april|june|july|august|september|october|november|"
    r"december)\b|(?<=\d )may\b|\bmay(?= \d)",  # "may" the month, not the verb
    re.IGNORECASE,
)
TOO_LONG = 2.5  # times the section's word budget
# A section rewrites its own facts: it keeps at least this share of their words, and brings in at most this
# many words of its own (or this share of its words) beyond its instruction's: more is a different statement.
KEPT_SHARE = 0.5
NEW_WORDS, NEW_SHARE = 3, 0.3
_WORD = re.compile(r"[a-z0-9][a-z0-9:.,'-]*[a-z0-9]|[a-z0-9]")
_STOP = frozenset(
    re.findall(
        r"[\w']+",
        "a an the and or but of to in on at by for from with as is are was were be been being it its this that "
        "these those we our us you your they their them i my me he she his her not no so than then there here has "
        "have had do does did will would can could should may might must shall also just all any each every some "
        "more most about into over after before up out if when where which who whom what how why while because "
        "we'll we're we've we'd it's that's there's let's i'm i've",
    )
)


@dataclass(frozen=True)
class SectionContext:
    """What every section of one draft is checked against."""

    facts: Facts
    strategy: Strategy
    channel: Channel
    suspicions: list[Suspicion]
    threshold: float
    words: int = 0  # the section's word budget, set once the plan knows how many sections share the draft


def problems(text: str, spec: SectionSpec, ctx: SectionContext, instruction: str = "") -> list[str]:
    """What is wrong with this section, as feedback a rewrite can act on; empty when it passes."""
    if not text.strip():
        return ["the answer was empty"]
    found = _form(text, ctx) + _figures(text, spec) + _drift(text, spec, instruction)
    checks = graded(text, ctx.facts, ctx.strategy, ctx.channel, threshold=ctx.threshold, suspicions=ctx.suspicions)
    if checks.blocked:
        found.append(f"it {checks.blocked}")
    found += [f'"{c.text}" is not in the facts' for c in checks.unsupported]
    report = check_output(text, ctx.suspicions, checks)
    if report is not None and report.followed:
        found.append("it repeats instruction-like text from the facts")
    for criterion in spec.kind.criteria:
        verdict = checks.criterion(criterion)
        if verdict.applicable and not verdict.passed:
            found.append(f"{criterion.value}: {verdict.reason}")
    return list(dict.fromkeys(found))


def _form(text: str, ctx: SectionContext) -> list[str]:
    words = len(text.split())
    if words > ctx.words * TOO_LONG:
        return [f"{words} words is too long for this part (about {ctx.words})"]
    return []


def _figures(text: str, spec: SectionSpec) -> list[str]:
    """Figures from outside the section's facts, and figures of its facts it dropped."""
    own = _figures_in(" ".join(f.text for f in spec.facts))
    written = _figures_in(text)
    found = [f"{', '.join(sorted(written - own))} is not in this part's facts"] if written - own else []
    if own - written:
        found.append(f"keep {', '.join(sorted(own - written))} from the facts")
    return found


def _figures_in(text: str) -> set[str]:
    return {m.group(0).lower().rstrip(".,:") for m in _FIGURE.finditer(text)}


def _drift(text: str, spec: SectionSpec, instruction: str) -> list[str]:
    """A section that says something else than its facts: too few of their words, or too many of its own."""
    own = _content(" ".join(f.text for f in spec.facts))
    written = _content(text)
    kept = len(own & written) / len(own) if own else 1.0
    new = sorted(written - own - _content(instruction))
    found = []
    if kept < KEPT_SHARE:
        found.append("say what the facts say, in their words")
    if len(new) > max(NEW_WORDS, NEW_SHARE * len(written)):
        found.append(f"add nothing the facts do not say ({', '.join(new[:6])})")
    return found


def _content(text: str) -> set[str]:
    """Content words, crudely stemmed ("restored" and "restoring" are one word)."""
    return {_stem(w) for w in _WORD.findall(text.lower().replace("’", "'")) if w not in _STOP}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
