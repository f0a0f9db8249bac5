"""The content plan of a sectioned draft, chosen in code: which sections, in the order the channel shows them,
each fed only the facts it needs, from the strategy, the channel and the facts present.

A fact is fed as cleaned data (service/facts_block.py), with any sentence the injection scan reads as an
instruction cut out: neither the model nor a plain rendering ever sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from service.facts import Channel, Facts, Strategy
from service.facts_block import clean_value
from service.rubric import context_for
from service.rubric.types import Criterion
from service.schemas import Suspicion

C = Criterion


@dataclass(frozen=True)
class Fact:
    path: str  # where it came from: summary, actions_taken[0], ...
    text: str  # cleaned, instruction-like text cut out


@dataclass(frozen=True)
class Kind:
    """What a section is for: the facts fields it is written from (the first field present, or all of them) and
    the rubric criteria it must pass on its own."""

    fields: tuple[str, ...]
    criteria: tuple[Criterion, ...] = ()
    every_field: bool = False  # written from all of `fields`, not the first one present


KINDS: dict[str, Kind] = {
    "what_happened": Kind(("summary",), (C.acknowledgment,)),
    "change": Kind(("summary",), (C.acknowledgment,)),
    "opening": Kind(("summary",)),
    "apology": Kind(("affected", "summary"), (C.sincerity, C.ownership)),
    "impact": Kind(("affected",), (C.impact_empathy,)),
    "who": Kind(("affected",), (C.impact_empathy,)),
    "cause": Kind(("cause",), (C.explanation,)),
    "why": Kind(("reasoning", "cause"), (C.explanation,)),
    "fixed": Kind(("actions_taken", "prevention"), (), every_field=True),
    "now": Kind(("actions_taken", "prevention"), (), every_field=True),
    "remedy": Kind(("remedy",), (C.amends,)),
    "next_update": Kind(("next_update", "contact"), (C.ongoing_communication,), every_field=True),
}

# The sections of each strategy in reading order (the content plans); `apology` replaces `impact`
# in a preemptive message when the facts show a wrong to own.
ORDER: dict[Strategy, tuple[str, ...]] = {
    Strategy.reactive: ("what_happened", "apology", "cause", "fixed", "remedy", "next_update"),
    Strategy.preemptive: ("change", "apology", "impact", "why", "fixed", "remedy", "next_update"),
    Strategy.proactive: ("opening", "who", "why", "now", "next_update"),
}
# A social post carries what fits in 280 characters: these, in this order (the assembly drops from the end).
SOCIAL: dict[Strategy, tuple[str, ...]] = {
    Strategy.reactive: ("what_happened", "apology", "next_update", "remedy"),
    Strategy.preemptive: ("change", "apology", "impact", "next_update", "remedy", "why"),
    Strategy.proactive: ("opening", "why", "next_update"),
}
QUOTED = ("apology", "why")  # a press statement quotes the spokesperson: the first of these present


@dataclass(frozen=True)
class SectionSpec:
    name: str
    facts: tuple[Fact, ...]
    quoted: bool = False  # a press statement's quote from the spokesperson

    @property
    def kind(self) -> Kind:
        return KINDS[self.name]

    @property
    def sources(self) -> list[str]:
        return [f.path for f in self.facts]


def section_names(strategy: Strategy) -> set[str]:
    """Every section a plan of this strategy may hold (a sectioned prompt instructs each)."""
    return {*ORDER[strategy], *SOCIAL[strategy]}


def content_plan(
    facts: Facts, strategy: Strategy, channel: Channel, suspicions: list[Suspicion]
) -> list[SectionSpec]:
    """The sections this draft needs, in the order the channel shows them, each with only its facts."""
    available = _facts_by_field(facts, suspicions)
    names = [n for n in _names(facts, strategy, channel) if n not in _unwanted(facts, strategy)]
    specs = [SectionSpec(name, _facts_for(KINDS[name], available)) for name in names]
    specs = [s for s in specs if s.facts]
    if channel is Channel.press_statement:  # the quote closes the statement, before the next update
        quote = next((s for s in specs if s.name in QUOTED), None)
        if quote is not None:
            specs.remove(quote)
            specs.insert(len(specs) - (specs[-1].name == "next_update"), replace(quote, quoted=True))
    return specs


def _names(facts: Facts, strategy: Strategy, channel: Channel) -> list[str]:
    return list(SOCIAL[strategy] if channel is Channel.social_post else ORDER[strategy])


def _unwanted(facts: Facts, strategy: Strategy) -> set[str]:
    """A preemptive message apologises only when the facts show a wrong (the rubric's own test); then the
    apology names who is affected, in place of `impact`."""
    if strategy is not Strategy.preemptive:
        return set()
    wrong = context_for("", facts, strategy, Channel.email).wrong_involved
    return {"impact"} if wrong else {"apology"}


def _facts_for(kind: Kind, available: dict[str, list[Fact]]) -> tuple[Fact, ...]:
    if kind.every_field:
        return tuple(f for field in kind.fields for f in available.get(field, []))
    return next((tuple(available[f]) for f in kind.fields if available.get(f)), ())


def _facts_by_field(facts: Facts, suspicions: list[Suspicion]) -> dict[str, list[Fact]]:
    """Every fact as (path, cleaned text), by field; lists item by item."""
    found: dict[str, list[Fact]] = {}
    for field in Facts.model_fields:
        value = getattr(facts, field)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if not isinstance(item, str):
                continue
            path = f"{field}[{index}]" if isinstance(value, list) else field
            text = _without_instructions(item, [s for s in suspicions if s.field == path])
            if text:
                found.setdefault(field, []).append(Fact(path, text))
    return found


def _without_instructions(value: str, suspicions: list[Suspicion]) -> str:
    """The value cleaned, with each sentence read as an instruction cut out; when one cannot be found as it
    was quoted (folded look-alikes), the whole value is dropped: better a missing fact than an obeyed one."""
    text = value
    for suspicion in suspicions:
        if suspicion.reason.startswith("carries invisible"):
            continue  # cleaning below removes those characters
        if suspicion.text not in text:
            return ""
        text = text.replace(suspicion.text, " ")
    return " ".join(clean_value(text).split())
