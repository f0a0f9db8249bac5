"""Real published statements with documented reception: well formed, sourced, balanced, and measured."""

from __future__ import annotations

from collections import Counter

import pytest

from evals.calibration_set import load_calibration
from evals.statements import (
    LABELLED_SPLITS,
    STATEMENT_SETS,
    STATEMENTS_DEV_DIR,
    auc,
    auc_interval,
    labels_score,
    load_statements,
    measure,
)

STATEMENTS = load_statements()


def test_at_least_forty_statements_with_sources_and_both_receptions() -> None:
    receptions = Counter(s.reception for s in STATEMENTS)
    assert len(STATEMENTS) >= 40 and min(receptions.values()) >= 15
    assert {s.strategy for s in STATEMENTS} == {"reactive", "preemptive", "proactive"}
    assert all(s.text_source.startswith("http") and s.reception_evidence for s in STATEMENTS)
    assert len({s.id for s in STATEMENTS}) == len(STATEMENTS)


def test_auc_is_the_chance_a_praised_score_beats_a_criticized_one() -> None:
    assert auc([0.9, 0.8], [0.1, 0.2]) == 1.0 and auc([0.1], [0.9]) == 0.0 and auc([0.5], [0.5]) == 0.5


def test_the_report_separates_each_criterion() -> None:
    report = measure(STATEMENTS)
    assert report.praised + report.criticized == len(STATEMENTS) and 0.0 <= report.auc <= 1.0
    assert len(report.criteria) == 12 and all(s.praised_n + s.criticized_n > 0 for s in report.criteria)


def test_the_auc_interval_is_seeded_and_narrows_to_a_point_when_the_groups_never_overlap() -> None:
    assert auc_interval([0.9, 0.8, 0.95], [0.1, 0.2], rounds=200) == (1.0, 1.0)
    praised, criticized = [0.2, 0.6, 0.7, 0.4, 0.9], [0.3, 0.5, 0.1, 0.65, 0.8]
    low, high = auc_interval(praised, criticized, rounds=500, seed=3)
    assert 0.0 <= low < auc(praised, criticized) < high <= 1.0
    assert auc_interval(praised, criticized, rounds=500, seed=3) == (low, high)


@pytest.mark.parametrize("tuning_set", sorted(LABELLED_SPLITS))
def test_the_tuning_sets_are_about_other_events_than_the_validation_set(tuning_set: str) -> None:
    """Tuning on statements-dev must not be tuning on the validation set by another name."""
    dev = load_statements(STATEMENT_SETS[tuning_set])
    assert len(dev) >= 20 and {s.reception for s in dev} == {"praised", "criticized"}
    assert not {s.id for s in dev} & {s.id for s in STATEMENTS}
    assert not {s.text_source for s in dev} & {s.text_source for s in STATEMENTS}
    assert not {(s.organization, s.year) for s in dev} & {(s.organization, s.year) for s in STATEMENTS}


def test_the_tuning_sets_do_not_repeat_a_statement() -> None:
    ids = [s.id for name in LABELLED_SPLITS for s in load_statements(STATEMENT_SETS[name])]
    sources = [s.text_source for name in LABELLED_SPLITS for s in load_statements(STATEMENT_SETS[name])]
    assert len(ids) == len(set(ids)) and len(sources) == len(set(sources))


def test_the_labelled_tuning_set_says_how_far_the_rubric_itself_separates_the_statements() -> None:
    dev, labelled = load_statements(STATEMENTS_DEV_DIR), load_calibration(LABELLED_SPLITS["dev"])
    report = measure(dev, labelled=labelled)
    assert report.labels_auc is not None and 0.5 < report.labels_auc <= 1.0
    assert measure(STATEMENTS).labels_auc is None and "labels_auc" not in measure(STATEMENTS).to_json()
    case = labelled[0].model_copy(update={"labels": {**labelled[0].labels}})
    case.labels.update({c: None for c in list(case.labels)[:9]})
    case.labels.update(dict(zip(list(case.labels)[9:], [True, True, False], strict=True)))
    assert labels_score(case) == 2 / 3  # n/a is left out, not counted as a pass or a fail
