"""Running a pattern only where a match can start (service/rubric/starts.py) finds exactly what a scan of the
whole text finds: the same spans, the same groups, in the same order, for every pattern the graders use."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import service.rubric
from evals.calibration_set import load_calibration
from evals.statements import load_statements
from service.rubric import quantities, starts
from service.rubric.text import lower


def _rubric_patterns() -> list[re.Pattern[str]]:
    found: dict[int, re.Pattern[str]] = {}
    for info in pkgutil.iter_modules(service.rubric.__path__):
        module = importlib.import_module(f"service.rubric.{info.name}")
        found.update({id(v): v for v in vars(module).values() if isinstance(v, re.Pattern)})
    return list(found.values())


PATTERNS = _rubric_patterns()
PLANNED = [p for p in PATTERNS if starts._plan(p) is not None]
# The tuning sets and the real statements: text written by several hands (the holdout is not read here).
TEXTS = [c.text for c in load_calibration("dev") + load_calibration("second-writer")] + [
    s.text for s in load_statements()
]


def found(matches: object) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in matches]  # type: ignore[attr-defined]


def test_most_of_the_graders_patterns_are_run_only_where_they_can_start() -> None:
    assert len(PATTERNS) > 80
    assert len(PLANNED) >= 0.85 * len(PATTERNS)
    for hot in (quantities.QUANTITY, quantities.TIME, quantities.DATE_MONTH_FIRST, quantities.HARMLESS):
        assert starts._plan(hot) is not None, hot.pattern[:60]


def test_the_same_matches_as_a_scan_on_real_text() -> None:
    compared = 0
    for text in TEXTS:
        for candidate in (text, lower(text)):
            for pattern in PATTERNS:
                expected = found(pattern.finditer(candidate))
                assert found(starts.finditer(pattern, candidate)) == expected, (pattern.pattern[:60], text[:60])
                assert (starts.search(pattern, candidate) is None) == (not expected)
                assert starts.could_start(pattern, candidate) or not expected
                compared += len(expected)
    assert compared > 10_000  # the patterns did match, or this proves nothing


fragments = st.sampled_from(
    ["we", "We", "sorry", "don’t", "one", "one-off", "twenty-five", "a dozen", "an hour and a half", "half",
     "a third", "2,140", "$6", "6 dollar", "£1.50", "88p", "30p in every pound", "1 in 4", "9h25m", "9 hrs 25 mins",
     "May", "may", "May 3", "12th of March", "10 to 14 May", "2024-03-12", "3/4", "1:05 pm", "13:05", "noon",
     "Monday", "because", "vendor", "refund", "Refunds", "K", "\u212a", "ſ", "İ", "é", "_", "x1", "1x", "step 2",
     "\n1. What", "\n", " ", ".", ",", "-", "'", "’", "(", "Dr.", "p.m.", "Maria Okafor", "said", "Subject:"]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(fragments, max_size=40), pattern=st.sampled_from(PLANNED))
def test_the_same_matches_as_a_scan_on_any_text(parts: list[str], pattern: re.Pattern[str]) -> None:
    for candidate in ("".join(parts), " ".join(parts), lower("".join(parts))):
        assert found(starts.finditer(pattern, candidate)) == found(pattern.finditer(candidate))


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (r"\ba+b", "caab aab ab"),  # after a repeat the spelling ends: "aab" starts with "a", not "ab"
        (r"\bone\b|\b1\b", "someone one 1 x1"),
        (r"(?m)^\s*\d\.", "1. a\n  2. b\nx 3. c"),
        (r"\b(?:re)?write\b", "rewrite write overwrite"),
        (r"(?<![\w.])\$?\d+", "a$5 .7 8"),
        (r"\bsteps? \d", "step 1, steps 2, footsteps 3"),
    ],
)
def test_the_same_matches_on_shapes_that_are_easy_to_get_wrong(source: str, text: str) -> None:
    pattern = re.compile(source)
    assert starts._plan(pattern) is not None
    assert found(starts.finditer(pattern, text)) == found(pattern.finditer(text))
    assert found(pattern.finditer(text))  # each case does match somewhere


@pytest.mark.parametrize(
    "source",
    [r"x*", r"\w+ said", r"[a-z]+ing", r"(?a)\bone", r"(?i:one)\b"],
)
def test_doubtful_patterns_are_scanned_as_they_are(source: str) -> None:
    """Could match nothing, start at any letter, read ASCII-only words, or change case mid-way: no plan."""
    assert starts._plan(re.compile(source)) is None
