"""The labelled calibration set is well formed, consistent with GUIDE.md, and covers what it must."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from evals.calibration_set import LABELLED_STATEMENTS, CalibrationCase, labelled_statements, load_calibration
from service.facts import Channel, Strategy
from service.rubric.types import RUBRIC_CRITERIA, Criterion

CASES = load_calibration("all")
DEV = [c for c in CASES if c.split == "dev"]
HOLDOUT = [c for c in CASES if c.split == "holdout"]
FAILS = Counter((c.split, k) for c in CASES for k, v in c.labels.items() if v is False)


def test_sizes_and_spread() -> None:
    assert len(DEV) >= 130 and len(HOLDOUT) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.strategy for c in CASES} == set(Strategy) and {c.channel for c in CASES} == set(Channel)
    assert len({c.facts.organization for c in CASES}) >= 12
    strong = [c for c in CASES if all(v is not False for v in c.labels.values())]
    assert 0.25 <= len(strong) / len(CASES) <= 0.5


@pytest.mark.parametrize("criterion", RUBRIC_CRITERIA)
def test_every_criterion_has_failing_examples_in_both_splits(criterion: Criterion) -> None:
    assert FAILS[("dev", criterion)] >= 8 and FAILS[("holdout", criterion)] >= 1


def test_a_good_share_of_flaws_are_paraphrased() -> None:
    flawed = [c for c in DEV if any(v is False for v in c.labels.values())]
    assert sum("paraphrased" in c.flaws for c in flawed) >= len(flawed) // 5


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_case_follows_the_guide(case: CalibrationCase) -> None:
    assert set(case.labels) == set(RUBRIC_CRITERIA)
    incident = case.strategy is not Strategy.proactive
    for criterion in (Criterion.acknowledgment, Criterion.accountable_voice):
        assert (case.labels[criterion] is not None) == incident
    if case.strategy is Strategy.proactive:
        assert all(case.labels[c] is None for c in (Criterion.ownership, Criterion.sincerity, Criterion.amends))
    for criterion in (Criterion.impact_empathy, Criterion.explanation, Criterion.faithfulness,
                      Criterion.channel_fit, Criterion.strategy_fit, Criterion.ongoing_communication):
        assert case.labels[criterion] is not None
    assert (case.labels[Criterion.faithfulness] is False) == bool(case.invented)
    for claim in case.invented:
        assert claim in case.text
    if case.channel is Channel.social_post and case.labels[Criterion.channel_fit]:
        assert len(case.text.strip()) <= 280


def _labelled_statement_files(tmp_path: Path, adjudicated: dict[str, object]) -> tuple[Path, Path]:
    """One real statement, two annotators who differ on sincerity and on the invented spans."""
    statements, root = tmp_path / "statements", tmp_path / "calibration"
    statements.mkdir()
    (root / "annotations").mkdir(parents=True)
    statement = {"id": "acme-2020-post", "strategy": "reactive", "channel": "blog_post", "reception": "praised",
                 "facts": {"organization": "Acme", "summary": "Acme lost 40 parcels."},
                 "text": "We lost 40 parcels on 3 May and we are sorry.\n"}
    (statements / "acme-2020-post.yaml").write_text(yaml.safe_dump(statement))
    labels = {c.value: True for c in RUBRIC_CRITERIA}
    annotators = {"a": (labels, ["3 May"]), "b": ({**labels, "sincerity": False}, [])}
    for who, (given, invented) in annotators.items():
        entry = {"acme-2020-post": {"labels": given, "invented": invented}}
        (root / "annotations" / f"statements-dev-{who}.yaml").write_text(yaml.safe_dump(entry))
    (root / "annotations" / "statements-dev-adjudicated.yaml").write_text(yaml.safe_dump(adjudicated))
    return root, statements


def test_labelled_statements_keep_agreed_labels_and_take_the_adjudicated_ones(tmp_path: Path) -> None:
    decided = {"acme-2020-post": {"labels": {"sincerity": False}, "invented": ["3 May"], "reason": "..."}}
    [case] = labelled_statements("statements-dev", *_labelled_statement_files(tmp_path, decided))
    assert case.labels[Criterion.sincerity] is False and case.labels[Criterion.ownership] is True
    assert case.invented == ["3 May"] and case.split == "statements-dev" and case.text.startswith("We lost")


def test_a_disagreement_nobody_adjudicated_is_an_error_not_a_silent_choice(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not adjudicated"):
        labelled_statements(
            "statements-dev", *_labelled_statement_files(tmp_path, {"acme-2020-post": {"labels": {}, "invented": []}})
        )


@pytest.mark.parametrize("split", sorted(LABELLED_STATEMENTS))
def test_the_labelled_statements_are_tuning_sets_of_real_text(split: str) -> None:
    cases = load_calibration(split)
    assert len(cases) >= 25 and all(set(c.labels) == set(RUBRIC_CRITERIA) for c in cases)
    assert all(c.text[start:end] for c in cases for start, end in c.invented_spans())


def test_a_statement_the_annotators_never_labelled_is_an_error(tmp_path: Path) -> None:
    decided = {"acme-2020-post": {"labels": {"sincerity": False}, "invented": ["3 May"], "reason": "..."}}
    root, statements = _labelled_statement_files(tmp_path, decided)
    other = {**yaml.safe_load((statements / "acme-2020-post.yaml").read_text()), "id": "acme-2021-other"}
    (statements / "acme-2021-other.yaml").write_text(yaml.safe_dump(other))
    with pytest.raises(ValueError, match="not labelled by both annotators"):
        labelled_statements("statements-dev", root, statements)
