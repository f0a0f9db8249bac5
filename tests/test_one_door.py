"""One drafting door: the same case drafted through the API, the stream, the eval runner (live, then from its
cache) and a real promptfoo run gets the same checks, injection report and warnings every way; a streamed
draft reports usage; and promptfoo's assertion grades a follow-up criterion by criterion as the runner does.

Every model call goes to the loopback OpenAI-compatible upstream, which answers each case with a fixed draft:
for the injection case one that follows the smuggled "50% refund", for the follow-up one that reports on
some of its earlier commitments.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from evals.cases import EvalCase, load_cases
from evals.runner import RunConfig, Runner, eval_drafter
from service.app import create_app
from tests.conftest import ROOT, remote_settings
from tests.fake_upstream import FakeUpstream

INJECTION, FOLLOW_UP = "broadband-injection-email", "telecom-outage-followup-status"
REPLIES = {
    "Corvid Broadband": (
        "Subject: Our fibre cut on 3 June\n\nOn 3 June a fibre cut left about 9,800 homes and businesses in "
        "Eastbrook without internet for 14 hours. We are sorry. Every customer will get a 50% refund. Our "
        "contractor cut a trunk line during roadworks we scheduled; we restored service at 22:40.\n\nRhea Lindqvist"
    ),
    "Northwind Mobile": (
        "Service is restored after the 12 March outage. Every customer gets the two-day credit on their next "
        "bill. We are sorry for the nine hours you could not call, text or use data."
    ),
}


def _reply(request: dict[str, Any]) -> str:
    prompt = "\n".join(str(m.get("content", "")) for m in request.get("messages", []))
    return next(text for organization, text in REPLIES.items() if organization in prompt)


def _same_parts(draft: dict[str, Any]) -> dict[str, Any]:
    return {key: draft.get(key) for key in ("checks", "injection", "warnings")}


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    """Each case drafted every way, as JSON: {way: {case id: draft}}."""
    tmp = tmp_path_factory.mktemp("one-door")
    cases = {c.id: c for c in load_cases(f"{INJECTION},{FOLLOW_UP}")}
    with FakeUpstream(reply=_reply) as upstream:
        settings = remote_settings(upstream)
        ways: dict[str, dict[str, Any]] = {"api": {}, "stream": {}}
        with TestClient(create_app(settings)) as client:
            for case_id, case in cases.items():
                body = _body(case)
                ways["api"][case_id] = client.post("/v1/drafts", json=body).json()
                ways["stream"][case_id] = _done_event(client.post("/v1/drafts", json={**body, "stream": True}).text)
        for way, out in (("runner", "live"), ("runner_cached", "cached")):
            config = RunConfig(prompts=["production"], out=tmp / out, cases=",".join(cases), cache_dir=tmp / "cache")
            results = asyncio.run(Runner(asyncio.run(eval_drafter(settings, config.cache_dir)), config).run())
            ways[way] = {r.case_id: {**r.model_dump(mode="json"), "cached": r.cached} for r in results.records}
        ways["promptfoo"] = _promptfoo(upstream, cases, tmp)
        yield ways


def _body(case: EvalCase) -> dict[str, Any]:
    return case.request("production").model_dump(mode="json", exclude_none=True)


def _done_event(stream: str) -> dict[str, Any]:
    events = [block.split("\n", 1) for block in stream.strip().split("\n\n")]
    done = [json.loads(data.removeprefix("data: ")) for name, data in events if name == "event: done"]
    assert len(done) == 1, stream[-2000:]
    return done[0]


def _promptfoo(upstream: FakeUpstream, cases: dict[str, EvalCase], tmp: Path) -> dict[str, Any]:
    """A real promptfoo run of the cases (pinned Node 22 and promptfoo), the provider drafting through the
    loopback upstream; per case: the production cell's response metadata and its assertion result."""
    out = tmp / "promptfoo.json"
    env = {
        **os.environ,
        "TRUSTDRAFT_DEFAULT_MODEL": "openai/fake-model",
        "TRUSTDRAFT_API_BASE": upstream.base_url,
        "TRUSTDRAFT_MODEL_API_KEY": "sk-loopback",
        "TRUSTDRAFT_LOAD_LOCAL_MODEL": "false",
        "TRUSTDRAFT_EVAL_CACHE": str(tmp / "promptfoo-cache"),
    }
    command = [sys.executable, "-c", "from service.cli import main; main()", "eval", "promptfoo"]
    ran = subprocess.run(
        [*command, "--cases", ",".join(cases), "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert ran.returncode == 0, (ran.stdout + ran.stderr)[-3000:]
    cells = json.loads(out.read_text())["results"]["results"]
    production = [c for c in cells if c["prompt"]["label"] == "production"]
    return {
        c["vars"]["case_id"]: {**c["response"]["metadata"]["response"], "grading": c["gradingResult"]}
        for c in production
    }


@pytest.mark.parametrize("case_id", [INJECTION, FOLLOW_UP])
def test_every_way_in_gets_the_same_checks_injection_report_and_warnings(
    drafted: dict[str, dict[str, Any]], case_id: str
) -> None:
    api = _same_parts(drafted["api"][case_id])
    assert api["checks"] is not None
    for way in ("stream", "runner", "runner_cached", "promptfoo"):
        assert _same_parts(drafted[way][case_id]) == api, way


def test_the_injection_case_is_flagged_the_same_way_everywhere(drafted: dict[str, dict[str, Any]]) -> None:
    for way in ("api", "stream", "runner", "runner_cached", "promptfoo"):
        report = drafted[way][INJECTION]["injection"]
        assert report["followed"] and any("50%" in e for e in report["evidence"]), way
        assert any("do not publish" in w for w in drafted[way][INJECTION]["warnings"]), way


def test_the_cached_run_made_no_model_call_and_the_live_one_did(drafted: dict[str, dict[str, Any]]) -> None:
    assert not any(r["cached"] for r in drafted["runner"].values())
    assert all(r["cached"] for r in drafted["runner_cached"].values())


def test_a_streamed_draft_reports_the_same_usage_as_a_whole_one(drafted: dict[str, dict[str, Any]]) -> None:
    for case_id in (INJECTION, FOLLOW_UP):
        streamed = drafted["stream"][case_id]["usage"]
        assert streamed["total_tokens"] > 0 and streamed == drafted["api"][case_id]["usage"]


def test_promptfoo_grades_a_follow_up_criterion_by_criterion_like_the_runner(
    drafted: dict[str, dict[str, Any]],
) -> None:
    native = {c["criterion"]: c for c in drafted["runner"][FOLLOW_UP]["checks"]["criteria"] if c["applicable"]}
    grading = drafted["promptfoo"][FOLLOW_UP]["grading"]
    assertion = grading["componentResults"][0]
    assert "commitments_kept" in native and assertion["namedScores"] == {k: c["score"] for k, c in native.items()}
    verdicts = {r["reason"].split(":", 1)[0]: r["pass"] for r in assertion["componentResults"]}
    assert verdicts == {k: c["passed"] for k, c in native.items()}
    assert assertion["pass"] == drafted["runner"][FOLLOW_UP]["checks"]["passed"]
