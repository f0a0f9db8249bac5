"""Every verdict the rubric gives on the project's texts, as one JSON file: a refactor of the graders must
leave it byte-identical.

    .venv/bin/python -m bench.verdict_snapshot OUT.json          # write the snapshot
    .venv/bin/python -m bench.verdict_snapshot OUT.json --check  # compare with an earlier one

The texts: every calibration draft (all groups, holdout included: compared, never read for tuning), every
real statement, the labelled follow-ups (graded with their earlier commitments) and the eval cases' earlier
messages. Each text is graded as written and under every other strategy and channel, and the calibration
drafts also cut or repeated to 100, 300 and 1,000 words (the benchmark's drafts), so more of each grader's
branches are reached than the labelled combinations alone reach.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from evals.calibration_set import load_calibration
from evals.cases import load_cases
from evals.statements import load_statements
from service.facts import Channel, EarlierMessage, Facts, Strategy
from service.rubric import Commitment, commitments_in, grade

ROOT = Path(__file__).resolve().parent.parent
LENGTHS = (100, 300, 1000)
Item = tuple[str, str, Facts, Strategy, Channel, list[Commitment] | None]


def texts() -> Iterator[Item]:
    """(key, text, facts, strategy, channel, earlier commitments) for every text graded as written."""
    for case in load_calibration("all"):
        yield f"calibration/{case.group}/{case.id}", case.text, case.facts, case.strategy, case.channel, None
    for statement in load_statements():
        yield f"statements/{statement.id}", statement.text, statement.facts, statement.strategy, statement.channel, None
    yield from _followups()
    for eval_case in load_cases():
        for index, message in enumerate(eval_case.earlier_messages):
            key = f"cases/{eval_case.id}/earlier-{index}"
            yield key, message.text, eval_case.facts, eval_case.strategy, eval_case.channel, None


def _followups() -> Iterator[Item]:
    labelled = yaml.safe_load((ROOT / "evals" / "followups" / "labelled.yaml").read_text(encoding="utf-8"))
    for draft in labelled["drafts"]:
        scenario = labelled["scenarios"][draft["scenario"]]
        facts = scenario.get("facts") or yaml.safe_load(
            (ROOT / "examples" / f"{scenario['facts_example']}.yaml").read_text(encoding="utf-8")
        )
        earlier = commitments_in([EarlierMessage.model_validate(m) for m in scenario["earlier"]])
        strategy, channel = Strategy(scenario["strategy"]), Channel(scenario["channel"])
        yield f"followups/{draft['id']}", draft["text"], Facts.model_validate(facts), strategy, channel, earlier


def variants(item: Item) -> Iterator[tuple[str, Item]]:
    """The text as written, then under every other strategy and channel (without earlier commitments)."""
    key, text, facts, strategy, channel, _earlier = item
    yield key, item
    for other_strategy in Strategy:
        for other_channel in Channel:
            if (other_strategy, other_channel) != (strategy, channel):
                yield f"{key}@{other_strategy.value}/{other_channel.value}", (
                    key, text, facts, other_strategy, other_channel, None,
                )


def resized() -> Iterator[tuple[str, Item]]:
    """Calibration drafts cut or repeated to the benchmark's lengths (bench/bench_graders.py builds them so)."""
    for case in load_calibration("all"):
        tokens = case.text.split(" ")
        for words in LENGTHS:
            text = " ".join((tokens * (words // max(1, len(tokens)) + 1))[:words])
            key = f"calibration/{case.group}/{case.id}~{words}"
            yield key, (key, text, case.facts, case.strategy, case.channel, None)


def snapshot() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for item in texts():
        for key, (_, text, facts, strategy, channel, earlier) in variants(item):
            results[key] = grade(text, facts, strategy, channel, earlier=earlier).model_dump(mode="json")
    for key, (_, text, facts, strategy, channel, earlier) in resized():
        results[key] = grade(text, facts, strategy, channel, earlier=earlier).model_dump(mode="json")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = parser.parse_args(argv)
    encoded = json.dumps(snapshot(), indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
    digest = hashlib.sha256(encoded).hexdigest()
    if not args.check:
        args.out.write_bytes(encoded)
        print(f"wrote {args.out}: {len(encoded)} bytes, sha256 {digest}")
        return 0
    before = args.out.read_bytes()
    if before == encoded:
        print(f"identical: sha256 {digest}")
        return 0
    old, new = json.loads(before), json.loads(encoded)
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    print(f"DIFFERENT: sha256 {digest}; {len(changed)} verdicts differ, first: {changed[:10]}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
