"""Plain renderings of facts: what a section becomes when the model's text failed its checks after a rewrite,
and the heading a channel puts first. The facts as given, each led by a label that says what it is ("The
cause: ..."); the response marks such a section `fallback: true`, so a reader knows no sentence of it was
written by the model."""

from __future__ import annotations

import re
from itertools import groupby

from service.drafting.sections.content import Fact, SectionSpec

HEADING_WORDS = 12
BARE_APOLOGY = "We are sorry, and this was our fault."
_CLAUSE = re.compile(r"[,;:]\s+|\s+-\s+")
# A section written from one field is led by the section's label; one written from several, field by field.
SECTION_LABEL = {
    "apology": f"{BARE_APOLOGY} Those affected:",
    "impact": "Who this affects:",
    "who": "Who this is for:",
    "cause": "The cause:",
    "why": "Why:",
    "remedy": "What we are offering:",
}
FIELD_LABEL = {
    "actions_taken": "What we have done:",
    "prevention": "What we are changing:",
    "next_update": "Next update:",
    "contact": "Questions:",
}
NOW_LABEL = {"prevention": "What comes next:"}  # proactive: nothing is being fixed


def plain(spec: SectionSpec) -> str:
    """The section's facts, plainly, with their labels."""
    if spec.name == "apology" and spec.facts[0].path == "summary":
        return BARE_APOLOGY
    if spec.name in SECTION_LABEL:
        return f"{SECTION_LABEL[spec.name]} {_listed(spec.facts)}"
    if len({_field(f) for f in spec.facts}) == 1 and _field(spec.facts[0]) not in FIELD_LABEL:
        return _listed(spec.facts)  # what happened, the change, the opening: the summary as it is
    labels = {**FIELD_LABEL, **(NOW_LABEL if spec.name == "now" else {})}
    return " ".join(f"{labels[field]} {_listed(tuple(facts))}" for field, facts in groupby(spec.facts, key=_field))


def heading_from(summary: str) -> str:
    """The summary's first clause, when it says enough on its own; the summary's first words otherwise."""
    first = _CLAUSE.split(_bare(summary), maxsplit=1)[0]
    words = first.split()
    if len(words) < 4:
        words = _bare(summary).split()
    return " ".join(words[:HEADING_WORDS])


def _listed(facts: tuple[Fact, ...]) -> str:
    return "; ".join(_bare(f.text) for f in facts) + "."


def _field(fact: Fact) -> str:
    return fact.path.split("[", 1)[0]


def _bare(text: str) -> str:
    return text.strip().rstrip(".;:,").strip()
