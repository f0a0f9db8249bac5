"""What the facts imply without stating it, so a draft that does the arithmetic is not accused of inventing:
how long between two of their dates, years or times (a timeline's "06:12 ... 15:37" is nine hours and
twenty-five minutes), the days inside a period the summary states, the difference between two amounts one
fact gives ("from $9.99 to $12.99" is three dollars more), and one figure as a share of another in the same
fact ("2.9% of the 9% fee" is about a third of it).

Arithmetic stays inside one fact (a sentence, a list item, a timeline entry, or the timeline as a whole): any
pair of figures anywhere in the facts would make almost every number look supported.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import combinations

from service.facts import Facts
from service.rubric.quantities import Quantity, QuantityKind, extract

_DAY_HOURS = 24
_YEAR_HOURS = 8760
_LONGEST_PERIOD_DAYS = 31
_SHARE_KINDS = (QuantityKind.percent, QuantityKind.number, QuantityKind.money)


def field_texts(facts: Facts) -> list[str]:
    """Each fact on its own: every text field, every list item, every timeline entry."""
    singles = [
        facts.summary,
        facts.affected,
        facts.cause,
        facts.discovered_by,
        facts.reasoning,
        facts.next_update,
        facts.contact,
    ]
    items = [*facts.actions_taken, *facts.prevention, *facts.remedy]
    timeline = [f"{entry.when}: {entry.what}" for entry in facts.timeline]
    return [t for t in (*singles, *items, *timeline) if t]


def derived_quantities(facts: Facts, quantities: list[Quantity]) -> tuple[Quantity, ...]:
    fields = [extract(text) for text in field_texts(facts)]
    derived = _calendar_spans(quantities) + _days_in_period(extract(facts.summary))
    derived += _time_spans(facts, fields) + _list_counts(facts)
    for found in fields:
        derived += _differences(found) + _shares(found)
    return tuple(derived)


def _calendar_spans(quantities: list[Quantity]) -> list[Quantity]:
    """How long between two dates, or two years, the facts give."""
    days = [_day(q) for q in quantities if q.kind == QuantityKind.date]
    years = sorted(
        {int(q.value[0]) for q in quantities if q.kind == QuantityKind.year}
        | {int(q.value[2]) for q in quantities if q.kind == QuantityKind.date and q.value[2]}
        | {int(q.value[1]) for q in quantities if q.kind == QuantityKind.month and q.value[1]}
    )
    spans = [_made(QuantityKind.duration, float(abs((b - a).days) * _DAY_HOURS)) for a, b in combinations(days, 2)]
    return spans + [_made(QuantityKind.duration, float((b - a) * _YEAR_HOURS)) for a, b in combinations(years, 2)]


def _days_in_period(summary: list[Quantity]) -> list[Quantity]:
    """ "On 21 December ... over three days" covers 22 and 23 December."""
    periods = [round(float(q.value[0]) / _DAY_HOURS) for q in summary if q.kind == QuantityKind.duration]
    derived = []
    for start in (_day(q) for q in summary if q.kind == QuantityKind.date):
        for length in (p for p in periods if 1 < p <= _LONGEST_PERIOD_DAYS):
            days = (start + timedelta(n) for n in range(1, length))
            derived += [_made(QuantityKind.date, (d.month, d.day, 0)) for d in days]
    return derived


def _time_spans(facts: Facts, fields: list[list[Quantity]]) -> list[Quantity]:
    """Hours between two times: within one fact (same day), and across the timeline, each entry on the date it
    names or the last date named before it."""
    moments = _timeline_moments(facts)
    spans = [abs((b - a).total_seconds()) / 3600 for a, b in combinations(moments, 2)]
    for found in fields:
        minutes = [float(q.value[0]) for q in found if q.kind == QuantityKind.time]
        spans += [abs(b - a) / 60 for a, b in combinations(minutes, 2)]
    return [_made(QuantityKind.duration, round(h, 3)) for h in spans if 0 < h <= _LONGEST_PERIOD_DAYS * _DAY_HOURS]


def _timeline_moments(facts: Facts) -> list[datetime]:
    moments, day = [], None
    for entry in facts.timeline:
        found = extract(entry.when)
        dates = [q for q in found if q.kind == QuantityKind.date]
        day = _day(dates[0]) if dates else day
        times = [q for q in found if q.kind == QuantityKind.time]
        if day is not None and times:
            minutes = int(times[0].value[0])
            moments.append(datetime(day.year, day.month, day.day, minutes // 60, minutes % 60))
    return moments


def _list_counts(facts: Facts) -> list[Quantity]:
    """How many actions, prevention steps and remedies the facts list ("we have made two changes")."""
    counts = {len(facts.actions_taken), len(facts.prevention), len(facts.remedy), len(facts.actions_taken) + len(facts.prevention)}
    return [_made(QuantityKind.number, float(n)) for n in counts if n > 1]


def _differences(found: list[Quantity]) -> list[Quantity]:
    """ "from $9.99 to $12.99": three dollars more."""
    amounts = [float(q.value[0]) for q in found if q.kind == QuantityKind.money]
    return [_made(QuantityKind.money, round(abs(a - b), 2)) for a, b in combinations(amounts, 2) if a != b]


def _shares(found: list[Quantity]) -> list[Quantity]:
    """One figure as a share of a larger one of the same kind ("2.9% of the 9%": about a third)."""
    shares = []
    for kind in _SHARE_KINDS:
        values = [float(q.value[0]) for q in found if q.kind == kind]
        shares += [_made(QuantityKind.percent, round(a / b * 100, 2)) for a, b in _ordered_pairs(values)]
    return shares


def _ordered_pairs(values: list[float]) -> list[tuple[float, float]]:
    return [(min(a, b), max(a, b)) for a, b in combinations(values, 2) if 0 < min(a, b) < max(a, b)]


def _day(q: Quantity) -> date:
    """The day of the year (one fixed year: most dates in facts give none)."""
    return date(2001, int(q.value[0]), min(int(q.value[1]), 28 if int(q.value[0]) == 2 else 30))


def _made(kind: QuantityKind, value: float | tuple[int, int, int]) -> Quantity:
    return Quantity(kind, value if isinstance(value, tuple) else (value,), "(derived)", 0, 0)

