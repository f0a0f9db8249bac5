"""Property tests: the graders never raise, score within 0..1, and are deterministic, on any text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.facts import Channel, Strategy
from service.rubric import grade
from tests.conftest import example_facts

FACTS = [example_facts(name) for name in ("telecom-outage", "payroll-underpayment", "factory-transparency")]
words = st.sampled_from(
    ["we", "our", "sorry", "apologise", "outage", "12", "March", "$5m", "48", "hours", "half", "1:05", "pm", "Daniel", "Reyes", "breach", "refund", "credit", "will", "because", "if", "anyone", "affected", "some", "a", "handful", "Subject:", "Headline:", ".", ",", "!", '"', "2,140", "24/7", "step", "1"]
)
texts = st.one_of(st.text(max_size=600), st.lists(words, max_size=120).map(" ".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=texts,
    facts=st.sampled_from(FACTS),
    strategy=st.sampled_from(list(Strategy)),
    channel=st.sampled_from(list(Channel)),
)
def test_grading_never_raises_and_stays_in_range(text: str, facts: dict, strategy: Strategy, channel: Channel) -> None:
    first = grade(text, facts, strategy, channel)
    assert 0.0 <= first.score <= 1.0 and len(first.criteria) == 12
    assert all(0.0 <= c.score <= 1.0 for c in first.criteria)
    for claim in first.unsupported:
        assert 0 <= claim.start <= claim.end <= len(text) and text[claim.start : claim.end] == claim.text
    assert grade(text, facts, strategy, channel) == first


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "text",
    [
        '"' + "word " * 20_000,  # an unclosed quote
        "Subject: " + "1, " * 20_000,  # thousands of figures
        " ".join(["Maria Okafor Jones"] * 8_000),  # runs of capitalised names
        "We will " * 15_000 + "refund",
        "a" * 200_000,  # one long word: an unbounded [\w]+ before "@" once went quadratic here
        "a@" * 60_000,
        "\n" * 50_000 + "sorry.",
        "\n" * 150_000 + "sorry. What went wrong",  # a line-start pattern once read every blank line to the end
    ],
    ids=["unclosed-quote", "figures", "names", "promises", "one-word", "at-signs", "newlines", "blank-lines"],
)
def test_pathological_drafts_are_graded_without_backtracking_blowups(text: str) -> None:
    """Inputs near the body limit that make backtracking regexes blow up: quadratic or worse would take
    minutes here and trip the timeout; linear work takes seconds."""
    result = grade(text, FACTS[0], "reactive", "press_statement")
    assert 0.0 <= result.score <= 1.0
