"""The one analysis of a draft: each expensive extraction runs once per graded draft, whichever graders ask and
in whatever order, and the scan gates never skip a pattern that would have matched."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evals.calibration_set import load_calibration
from service.rubric import GRADERS, context_for, faithfulness, grade, lexicon, message, quantities, text
from service.rubric.gating import could_match
from tests.conftest import example_facts

FACTS = example_facts("telecom-outage")
# Long enough that every grader reads many sentences, with figures, a person, hedges and a remedy in it.
DRAFT = (
    "Subject: Our outage on 12 March\n\n"
    "On 12 March some customers lost calls and mobile data for 9 hours because we pushed a faulty change. "
    "That is on us, and I am sorry. 2,140 customers may have been affected, and a handful could not call 999. "
    "We rolled the change back at 13:05. Every affected customer gets a credit of two days of service. "
    "We will post the next update by 18:00 on our status page. Maria Okafor, our head of networks, said it "
    "should never have happened.\n\nDaniel Reyes, Chief Executive"
)


def counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, calls: Counter[str]) -> None:
    """Replace module.name by a wrapper that counts its calls by first argument."""
    original: Callable[..., Any] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[f"{name}:{args[0] if args and isinstance(args[0], str) else ''}"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


def test_each_extraction_runs_once_per_graded_draft(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()
    # The draft's own extractions, as service.rubric.text (the Draft) calls them.
    for name in ("extract", "people_in", "split_sentences", "split_heading"):
        counting(monkeypatch, text, name, calls)
    original_find = faithfulness._find
    ledgers: list[int] = []
    monkeypatch.setattr(faithfulness, "_find", lambda ctx: ledgers.append(1) or original_find(ctx))
    result = grade(DRAFT, FACTS, "reactive", "email")
    assert result.unsupported  # the ledger found something, so the graders that read it had work to do
    assert calls == {f"{name}:{DRAFT}": 1 for name in ("extract", "people_in", "split_sentences", "split_heading")}
    assert len(ledgers) == 1  # faithfulness, explanation, amends and the result's ledger share one


def test_each_phrase_pattern_scans_the_draft_at_most_once(monkeypatch: pytest.MonkeyPatch) -> None:
    scans: Counter[re.Pattern[str]] = Counter()
    original_scan = text.scan

    def counted(pattern: re.Pattern[str], lowered: str) -> Iterator[re.Match[str]]:
        scans[pattern] += lowered == text.lower(DRAFT)
        return original_scan(pattern, lowered)

    monkeypatch.setattr(text, "scan", counted)
    ctx = context_for(DRAFT, FACTS, "reactive", "email")
    for grader in GRADERS.values():
        grader(ctx)
    for pattern in (lexicon.APOLOGY, lexicon.HEDGE, lexicon.REMEDY_WORDS, lexicon.FOLLOW_UP, lexicon.CAUSAL):
        ctx.draft.matching(pattern)
    assert scans and max(scans.values()) == 1, [p.pattern[:40] for p, n in scans.items() if n > 1]


@pytest.mark.parametrize("strategy", ["reactive", "preemptive", "proactive"])
def test_verdicts_do_not_depend_on_which_grader_reads_the_analysis_first(strategy: str) -> None:
    forward = context_for(DRAFT, FACTS, strategy, "email")
    backward = context_for(DRAFT, FACTS, strategy, "email")
    first = {criterion: grader(forward) for criterion, grader in GRADERS.items()}
    last = {criterion: grader(backward) for criterion, grader in reversed(GRADERS.items())}
    assert first == last
    assert faithfulness.ledger(forward) == faithfulness.ledger(backward)


def test_the_sentence_index_of_figures_matches_a_scan_of_each_sentence() -> None:
    draft = context_for(DRAFT, FACTS, "reactive", "email").draft
    for sentence in draft.sentences:
        expected = [q for q in draft.quantities if sentence.start <= q.start < sentence.start + len(sentence.text)]
        assert draft.quantities_in(sentence) == expected
    assert sum(len(draft.quantities_in(s)) for s in draft.sentences) >= 6


# --- the gates: skipping a scan must never change what it finds ---

PATTERNS = [
    value
    for module in (lexicon, quantities, message)
    for value in vars(module).values()
    if isinstance(value, re.Pattern)
]
CALIBRATION_TEXTS = [case.text for case in load_calibration("dev")]
fragments = st.sampled_from(
    ["we", "sorry", "don’t", "don't", "with “we”", "step 2", " and 3 only", "in 80 words", "the facts", "say sorry",
     "K", "\u212a", "ſ", "İ", "May 3", "12 March", "1:05 pm", "half", "a third", "2,140", "because of", "vendor",
     "\n1. What", "Refund", "REPLY WITH THE MESSAGE", "Follow this order", " ", ".", "\n"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(fragments, max_size=30), pattern=st.sampled_from(PATTERNS))
def test_a_gated_pattern_never_matches(parts: list[str], pattern: re.Pattern[str]) -> None:
    for candidate in ("".join(parts), text.lower("".join(parts))):
        if not could_match(pattern, candidate):
            assert pattern.search(candidate) is None


def test_gates_agree_with_the_scans_on_the_calibration_drafts() -> None:
    skipped = 0
    for draft in CALIBRATION_TEXTS:
        for candidate in (draft, text.lower(draft)):
            for pattern in PATTERNS:
                if not could_match(pattern, candidate):
                    skipped += 1
                    assert pattern.search(candidate) is None, (pattern.pattern[:60], candidate[:80])
    assert skipped > len(CALIBRATION_TEXTS) * 10  # the gates do skip scans, or this proves nothing


def test_a_case_blind_gate_keeps_letters_that_fold_to_ascii() -> None:
    """Ignoring case, "ſ" (long s) matches "s" though "ſ".lower() is itself: a gate that lower-cased the text and
    looked for "step" would wrongly skip it."""
    pattern = re.compile(r"\bkeep steps? \d", re.IGNORECASE)
    assert pattern.search("Keep ſtep 2") is not None
    assert could_match(pattern, "Keep ſtep 2")
    assert not could_match(pattern, "Keep stop 2")
