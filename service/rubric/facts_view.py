"""The facts, analysed once per fact set: key terms per field, figures, people, and what kind of
situation they describe (is a wrong involved? did harm occur?). Cached, because eval runs and
best-of-n grade many drafts against the same facts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.facts import Facts
from service.rubric import lexicon
from service.rubric.derived import derived_quantities, field_texts
from service.rubric.quantities import WHEN_KINDS, Quantity, extract
from service.rubric.text import content_stems, split_sentences, stem

# Words in the facts that say something went wrong (as stems).
_WRONG_WORDS = frozenset(
    stem(w)
    for w in [
        "underpaid",
        "underpay",
        "underpayment",
        "overcharged",
        "overcharge",
        "overbilled",
        "error",
        "errors",
        "mistake",
        "mistakes",
        "failed",
        "failure",
        "fault",
        "faulty",
        "incorrect",
        "incorrectly",
        "wrong",
        "wrongly",
        "breach",
        "leak",
        "leaked",
        "exposed",
        "exposure",
        "missed",
        "defect",
        "defective",
        "contaminated",
        "contamination",
        "recall",
        "recalled",
        "bug",
        "outage",
        "outages",
        "delay",
        "delayed",
        "late",
        "lost",
        "loss",
        "misclassified",
        "discrimination",
        "unfair",
        "shortfall",
        "owed",
        "owe",
        "cancelled",
        "canceled",
        "stranded",
        "broken",
        "broke",
        "glitch",
        "mislabelled",
        "mislabeled",
        "undercooked",
        "injured",
        "injury",
        "harm",
        "harmed",
        "crash",
        "crashed",
        "corrupted",
        "deleted",
        "unavailable",
        "down",
        "disrupted",
        "disruption",
        "complaint",
        "complaints",
        "overdraft",
        "duplicate",
        "double-charged",
    ]
)
# Words that name a change people may dislike (for preemptive changes with no wrong).
_CHANGE_WORDS = frozenset(
    stem(w)
    for w in [
        "price",
        "prices",
        "rise",
        "rises",
        "raise",
        "increase",
        "fee",
        "fees",
        "charge",
        "charges",
        "cost",
        "costs",
        "close",
        "closing",
        "closure",
        "cut",
        "cuts",
        "reduce",
        "reduction",
        "end",
        "ending",
        "stop",
        "stopping",
        "change",
        "changes",
        "policy",
        "new",
        "move",
        "moving",
    ]
)
@dataclass(frozen=True)
class FactsView:
    facts: Facts
    text: str
    lower: str
    stems: frozenset[str]
    org_stems: frozenset[str]
    summary: frozenset[str]
    what_happened: frozenset[str]  # the summary's opening sentence: what happened, before what was done about it
    affected: frozenset[str]
    cause: frozenset[str]
    reasoning: frozenset[str]
    actions: tuple[frozenset[str], ...]
    prevention: tuple[frozenset[str], ...]
    remedies: tuple[frozenset[str], ...]
    next_update: frozenset[str]
    quantities: tuple[Quantity, ...]
    summary_quantities: tuple[Quantity, ...]
    derived: tuple[Quantity, ...]  # figures that follow from the facts: spans between dates, days in a range
    wrong_involved_preemptive: bool
    event_terms: frozenset[str]
    wrong_terms: frozenset[str]  # what went wrong, when the summary says (a wrong found, not just a change)
    plan_has_timing: bool
    people_stems: frozenset[str]
    # Each clause of the facts (split at ; . and line breaks) with its content stems: a hedge the facts use
    # about the same thing is not one (base.Context.hedged_phrase).
    clauses: tuple[tuple[str, frozenset[str]], ...]
    # Stems of the words that name people anywhere in the facts ("customers", "staff"), so a harm is not the
    # people themselves (impact_empathy).
    people_words: frozenset[str]

    def key_terms(self, *fields: frozenset[str]) -> frozenset[str]:
        """Content stems of the given fields, without the organisation's own name."""
        return frozenset().union(*fields) - self.org_stems

    @property
    def has_plan(self) -> bool:
        return bool(self.actions or self.prevention)

    def contains_figure(self, written: str) -> bool:
        """The facts contain this figure as written, as a whole figure ("$2" is not in "$24.00")."""
        return _contains_figure(self.lower, written)


@lru_cache(maxsize=4096)
def _contains_figure(facts_lower: str, written: str) -> bool:
    # Cached: every figure of every draft graded against these facts asks, and drafts repeat their figures.
    return bool(re.search(rf"(?<![\w.]){re.escape(written)}(?![\w]|[.,]\d)", facts_lower))



def all_text(facts: Facts) -> str:
    """The organisation, every fact on its own line, then the spokesperson."""
    parts = [facts.organization, *field_texts(facts)]
    if facts.spokesperson:
        parts += [facts.spokesperson.name, facts.spokesperson.title or ""]
    return "\n".join(parts)


@lru_cache(maxsize=512)
def _view(key: str) -> FactsView:
    facts = Facts.model_validate_json(key)
    text = all_text(facts)
    quantities = extract(text)
    org = content_stems(facts.organization)
    situation = " ".join(v for v in (facts.summary, facts.affected, facts.cause, facts.discovered_by) if v)
    wrong = bool(facts.cause) or bool(facts.remedy) or bool(content_stems(situation) & _WRONG_WORDS)
    people = frozenset(
        stem(m.group(0)) for m in lexicon.PEOPLE.finditer(f"{facts.summary} {facts.affected or ''}".lower())
    )
    return FactsView(
        facts=facts,
        text=text,
        lower=text.lower(),
        stems=content_stems(text),
        org_stems=org,
        summary=content_stems(facts.summary) - org,
        what_happened=content_stems(split_sentences(facts.summary)[0].text) - org,
        affected=content_stems(facts.affected or "") - org,
        cause=content_stems(facts.cause or "") - org,
        reasoning=content_stems(facts.reasoning or "") - org,
        actions=tuple(content_stems(a) - org for a in facts.actions_taken),
        prevention=tuple(content_stems(p) - org for p in facts.prevention),
        remedies=tuple(content_stems(r) - org for r in facts.remedy),
        next_update=content_stems(facts.next_update or ""),
        quantities=tuple(quantities),
        summary_quantities=tuple(extract(facts.summary)),
        derived=derived_quantities(facts, quantities),
        wrong_involved_preemptive=wrong,
        event_terms=(content_stems(facts.summary) - org) & (_WRONG_WORDS | _CHANGE_WORDS),
        wrong_terms=(content_stems(facts.summary) - org) & _WRONG_WORDS,
        plan_has_timing=any(
            q.kind in WHEN_KINDS for q in extract(" ".join([*facts.actions_taken, *facts.prevention]))
        ),
        people_stems=people - {stem("you"), stem("everyone")},
        clauses=tuple((clause, content_stems(clause)) for clause in re.split(r"[;.\n]", text.lower())),
        people_words=content_stems(" ".join({m.group(0) for m in lexicon.PEOPLE.finditer(text.lower())})),
    )


def view_of(facts: Facts) -> FactsView:
    return _view(facts.model_dump_json())
