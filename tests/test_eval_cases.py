"""The eval cases: valid, balanced, and carrying the hard cases the suite promises."""

from __future__ import annotations

from collections import Counter

from evals.cases import load_cases
from service.facts import Strategy

CASES = load_cases()


def test_enough_cases_balanced_over_strategies_channels_and_industries() -> None:
    assert len(CASES) >= 45
    strategies = Counter(c.strategy for c in CASES)
    assert set(strategies) == set(Strategy) and min(strategies.values()) >= 15
    assert len({c.channel for c in CASES}) >= 6 and len({c.industry for c in CASES}) >= 10


def test_the_hard_cases_are_there() -> None:
    tags = Counter(t for c in CASES for t in c.tags)
    for tag in (
        "injection",
        "no_remedy",
        "invites_vendor_blame",
        "personal_data",
        "long_facts",
        "no_spokesperson",
    ):
        assert tags[tag] >= 1, tag
    injected = [c for c in CASES if "injection" in c.tags]
    assert any("IGNORE THE ABOVE" in (c.facts.affected or "") for c in injected)
    assert all(not c.facts.remedy for c in CASES if "no_remedy" in c.tags)
