"""The optional LLM judge: its prompt, lenient JSON parsing, and agreement scoring, against a loopback model."""

from __future__ import annotations

import asyncio
import json

from evals.calibrate import judge_agreement
from evals.calibration_set import load_calibration
from evals.judge import Judge, parse_verdict
from evals.runner import eval_drafter
from tests.conftest import remote_settings
from tests.fake_upstream import FakeUpstream


def test_parsing_is_lenient_about_wrapping_and_words() -> None:
    raw = 'Sure! ```json\n{"ownership": {"pass": "no", "reason": "blames the vendor"}, "sincerity": {"pass": true}}```'
    verdict = parse_verdict(raw, ["ownership", "sincerity", "amends"])
    assert verdict.verdicts == {"ownership": False, "sincerity": True}
    assert verdict.reasons["ownership"] == "blames the vendor"
    assert parse_verdict("I cannot judge this.", ["ownership"]).verdicts == {}


def test_the_judge_asks_only_about_applicable_criteria_and_its_agreement_is_scored(
    upstream: FakeUpstream,
) -> None:
    asked: list[str] = []

    def reply(request: dict) -> str:  # type: ignore[type-arg]
        prompt = request["messages"][-1]["content"]
        names = [line[2:].split(":")[0] for line in prompt.splitlines() if line.startswith("- ")]
        asked.append(",".join(names))
        return json.dumps({name: {"pass": name != "faithfulness", "reason": "canned"} for name in names})

    upstream.reply = reply
    judge = Judge(asyncio.run(eval_drafter(remote_settings(upstream))), "openai/judge-model")
    cases = [c for c in load_calibration("dev/original") if c.strategy.value == "proactive"][:4]
    report = asyncio.run(judge_agreement(cases, "dev", judge))
    assert upstream.calls == 4 and all("ownership" not in a for a in asked)
    faithfulness = next(a for a in report.criteria if a.criterion == "faithfulness")
    assert faithfulness.tp + faithfulness.fp == 4  # the canned judge fails faithfulness on every draft
