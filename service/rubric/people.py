"""Named people in a draft: who signs it, who is quoted, and whether the facts know them.

A person is two or three capitalised words starting with a known first name (US census list from
the `names` package), or any capitalised pair in a signature line or a quote attribution
("said Ana Li", "Ana Li, Chief Executive").
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from service.rubric.quantities import MONTHS, WEEKDAYS
from service.rubric.starts import finditer

_NAME_TOKEN = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?"
# Between the words of a name: spaces, never a line break (a heading's last word and the next line's first are
# not a name: "A new approach to China\n\nLike many ...").
_GAP = r"[^\S\r\n]+"
CANDIDATE = re.compile(rf"\b(?P<name>{_NAME_TOKEN}(?:{_GAP}[A-Z]\.)?(?:{_GAP}{_NAME_TOKEN}){{1,2}})\b")
TITLE_WORDS = (
    r"(?:Chief|CEO|CFO|COO|CTO|President|Vice|VP|Director|Head|Founder|Co-founder|Cofounder|Manager|Chair|"
    r"Chairman|Chairwoman|Chairperson|Owner|Partner|Lead|Officer|Executive|General|Managing|Senior|Principal|"
    r"Superintendent|Commissioner|Secretary|Dean|Mayor|Governor)"
)
ATTRIBUTED = re.compile(
    rf"(?:\b(?i:said|says|wrote|explained|added|according to)\s+(?:our\s+)?(?:{TITLE_WORDS}[\w\s-]{{0,40}}?\s)?"
    rf"(?P<after>{_NAME_TOKEN}(?:{_GAP}{_NAME_TOKEN}){{1,2}}))"
    rf"|(?P<before>{_NAME_TOKEN}(?:{_GAP}{_NAME_TOKEN}){{1,2}}),?\s+(?:(?:our|the)\s+)?{TITLE_WORDS}"
    rf"|(?:^|\n)[ \t]*(?:[-—–][ \t]*)?(?P<signed>{_NAME_TOKEN}(?:{_GAP}[A-Z]\.)?(?:{_GAP}{_NAME_TOKEN}){{1,2}})\s*(?:,|\n|$)",
)
_NOT_NAMES = frozenset(
    {*(m.capitalize() for m in MONTHS), *(d.capitalize() for d in WEEKDAYS)}
    | {
        "Dear",
        "Subject",
        "Headline",
        "Hello",
        "Hi",
        "Thank",
        "Thanks",
        "Sincerely",
        "Regards",
        "Best",
        "Team",
        "Customer",
        "Customers",
        "Service",
        "Services",
        "Support",
        "Update",
        "Status",
        "Our",
        "We",
        "The",
        "This",
        "Please",
        "Today",
        "Yesterday",
        "Tomorrow",
        "Statement",
        "Press",
        "Release",
        "Internal",
        "Memo",
        "All",
        "Staff",
        "Everyone",
        "Investigating",
        "Resolved",
        "Monitoring",
        "Identified",
        "Note",
        "From",
        "To",
        "Re",
        "Kind",
        "Warm",
        "With",
        "Yours",
        "Chief",
        "Executive",
        "Officer",
        "Director",
        "Head",
        "Group",
        "Company",
        "Board",
        "Office",
        "Operations",
        "People",
        "Human",
        "Resources",
        "Communications",
        "Media",
        "News",
        "Important",
        "Notice",
        "Recall",
        "Action",
        "What",
        "Why",
        "How",
        "When",
        "Where",
        "Who",
        "Next",
        "Steps",
        "Incident",
        "Report",
        "Apology",
        "An",
        "A",
        "Open",
        "Letter",
        "Questions",
        "Answers",
        "FAQ",
    }
)


# How much may follow a signature: a title, the organisation, an address or a phone number.
CLOSING_CHARS = 300


@dataclass(frozen=True)
class Person:
    name: str
    start: int
    end: int


@cache
def _census(kind: str) -> frozenset[str]:
    spec = importlib.util.find_spec("names")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    folder = Path(next(iter(spec.submodule_search_locations)))
    files = {"first": ("dist.male.first", "dist.female.first")}[kind]
    return frozenset(
        line.split(None, 1)[0].capitalize()
        for file in files
        for line in (folder / file).read_text().splitlines()
        if line.strip()
    )


def _plausible(name: str) -> bool:
    tokens = [t for t in name.split() if not re.fullmatch(r"[A-Z]\.", t)]
    if len(tokens) < 2 or any(t in _NOT_NAMES for t in tokens):
        return False
    # A surname alone is too weak ("New York", "Grand Rapids"); the first token must be a first name.
    return tokens[0] in _census("first")


def people_in(text: str) -> list[Person]:
    """Named people mentioned in `text`, each once, in order of first mention."""
    found: dict[str, Person] = {}
    for match in finditer(ATTRIBUTED, text):
        group = next(g for g in ("after", "before", "signed") if match.group(g))
        name = match.group(group)
        if group == "signed" and not _signs_off(name, len(text) - match.end(group)):
            continue
        if not any(t in _NOT_NAMES for t in name.split()):
            found.setdefault(name, Person(name, match.start(group), match.end(group)))
    for match in finditer(CANDIDATE, text):
        for name, start in _windows(match.group("name"), match.start("name")):
            if _plausible(name) and not any(name in known or known in name for known in found):
                found.setdefault(name, Person(name, start, start + len(name)))
                break
    return sorted(found.values(), key=lambda p: p.start)


def _signs_off(name: str, chars_after: int) -> bool:
    """A line of capitalised words alone is a signature when it is a person's name or it closes the text (a
    title, the organisation, a way to reach them may follow); anywhere else it is a heading ("What's Not
    Changing")."""
    return _plausible(name) or chars_after <= CLOSING_CHARS


def _windows(name: str, start: int) -> list[tuple[str, int]]:
    """The name and its tails: "Said Maria Okafor" -> itself, then "Maria Okafor"."""
    tails = [(name, start)]
    head, _, rest = name.partition(" ")
    if rest.count(" ") >= 1 or (rest and not head[0].isupper()):
        tails.append((rest, start + len(head) + 1))
    return tails


def known_to(person: str, facts_text: str) -> bool:
    """The facts mention this person: their full name, or their surname."""
    lowered = facts_text.lower()
    tokens = [t for t in person.split() if len(t) > 2]
    # From the start of a word: "Hall" is not known from "shall", nor "Lee" from "employee"; "Krebs" is from
    # "KrebsOnSecurity".
    surname = rf"\b{re.escape(tokens[-1].lower())}" if tokens else None
    return person.lower() in lowered or (surname is not None and re.search(surname, lowered) is not None)
