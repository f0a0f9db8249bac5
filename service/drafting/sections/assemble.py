"""Channel assembly, in code: the sections placed in the shape of the channel. An email gets its subject line and
sign-off, a press statement its headline and the spokesperson's quote, a blog post its headline, an internal
memo its address to staff and what to tell customers and what not to promise; a status page stays plain; a
social post keeps the sections that fit in 280 characters.

The shape is a layout decided before any section is written (fixed text and section slots), so a stream can
send each part as soon as the section it waits for is final; only a social post waits for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from service.drafting.sections.content import SectionSpec
from service.drafting.sections.plain import BARE_APOLOGY, heading_from
from service.drafting.sections.write import Written
from service.facts import Channel, Facts

SOCIAL_MAX_CHARS = 280
PARAGRAPH = {
    **dict.fromkeys(("what_happened", "change", "opening", "apology", "impact", "who"), 1),
    **dict.fromkeys(("cause", "why"), 2),
    **dict.fromkeys(("fixed", "now"), 3),
    "remedy": 4,
    "next_update": 5,
}
HEADING_LABEL = {Channel.email: "Subject: ", Channel.press_statement: "Headline: ", Channel.blog_post: "Headline: "}
MEMO_OPENING = "To all staff:\n\n"
MEMO_GUIDANCE = (
    "What to tell customers: only what this memo says, in its words.\n"
    "What not to promise: anything this memo does not say."
)

Layout = list[str | SectionSpec]


@dataclass(frozen=True)
class Shape:
    """What the channel adds around the sections: for the heading, the summary as the sections see it (cleaned,
    injected text cut out)."""

    channel: Channel
    facts: Facts
    summary: str

    @property
    def streamable(self) -> bool:
        """A social post is cut to fit once every section is known; every other channel is fixed up front."""
        return self.channel is not Channel.social_post


def layout(specs: list[SectionSpec], shape: Shape) -> Layout:
    """Fixed text and section slots, in reading order."""
    items: Layout = []
    if shape.channel in HEADING_LABEL:
        items.append(f"{HEADING_LABEL[shape.channel]}{heading_from(shape.summary)}\n\n")
    if shape.channel is Channel.internal_memo:
        items.append(MEMO_OPENING)
    previous: SectionSpec | None = None
    for spec in specs:
        items += _before(spec, previous, shape)
        items.append(spec)
        items += _after(spec, shape)
        previous = spec
    items += _closing(shape)
    return items


def fill(items: Layout, written: dict[str, Written]) -> str:
    return "".join(item if isinstance(item, str) else written[item.name].text for item in items)


def fit_social(sections: list[Written]) -> list[Written]:
    """The sections that fit in a social post, in order: each is kept if it still fits, else left out; a plain
    apology is cut to its bare first sentence when that lets more sections fit; a first section too long on its
    own is cut at a word."""
    first = sections[0]
    if len(first.text) > SOCIAL_MAX_CHARS:
        first = replace(first, text=first.text[: SOCIAL_MAX_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…")
    whole = _greedy([first, *sections[1:]])
    short = _greedy([first, *(_bare_apology(s) for s in sections[1:])])
    return short if len(short) > len(whole) else whole


def _greedy(sections: list[Written]) -> list[Written]:
    kept: list[Written] = []
    for section in sections:
        if not kept or len(" ".join(w.text for w in [*kept, section])) <= SOCIAL_MAX_CHARS:
            kept.append(section)
    return kept


def _bare_apology(section: Written) -> Written:
    """A plain apology without the list of who was affected (its sources go with it)."""
    if section.spec.name != "apology" or not section.fallback:
        return section
    return replace(section, spec=replace(section.spec, facts=()), text=BARE_APOLOGY)


def _before(spec: SectionSpec, previous: SectionSpec | None, shape: Shape) -> list[str]:
    if previous is None:
        return []
    if spec.quoted:
        return ["\n\n\u201c"]
    if previous.quoted or PARAGRAPH[spec.name] != PARAGRAPH[previous.name]:
        return ["\n\n"]
    return [" "]


def _after(spec: SectionSpec, shape: Shape) -> list[str]:
    if not spec.quoted:
        return []
    person = shape.facts.spokesperson
    who = ", ".join(p for p in (person.name, person.title) if p) if person else f"a spokesperson for {shape.facts.organization}"
    return [f"\u201d said {who}."]


def _closing(shape: Shape) -> list[str]:
    closing = []
    if shape.channel is Channel.internal_memo:
        closing.append("\n\n" + MEMO_GUIDANCE)
    signature = _signature(shape)
    if signature:
        closing.append("\n\n" + signature)
    return closing


def _signature(shape: Shape) -> str:
    person, organization = shape.facts.spokesperson, shape.facts.organization
    if shape.channel is Channel.email:
        return f"{person.name}\n{person.title + ', ' if person.title else ''}{organization}" if person else organization
    if shape.channel in (Channel.blog_post, Channel.internal_memo):
        return ", ".join(p for p in (person.name, person.title) if p) if person else organization
    return ""
