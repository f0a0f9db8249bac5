"""One drafting door: the same case drafted through the API, the stream, the eval runner (live, then from its
cache) and a real promptfoo run gets the same checks, injection report and warnings every way, with the
production prompt (one shot) and the candidate (sectioned, with the same sections every way); a streamed draft
reports usage; promptfoo's assertion grades a follow-up criterion by criterion as the runner does; and a
draft that cannot pass (it follows injected text, or copies the facts block) fails the same way everywhere.

Every model call goes to the loopback OpenAI-compatible upstream, which answers each case with a fixed draft:
for the injection case one that follows the smuggled "50% refund", for the follow-up one that reports on
some of its earlier commitments, for the copy case the facts block it was sent.
"""

from __future__ import annotations

import asyncio
import itertools
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

INJECTION, FOLLOW_UP, COPY = "broadband-injection-email", "telecom-outage-followup-status", "coffee-prices-social"
CASES = (INJECTION, FOLLOW_UP, COPY)
LABELS = ("production", "candidate")
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
    if "Ridgeline Coffee" in prompt:  # the copy case: the facts block it was sent, as the embedded model did
        return prompt[prompt.rindex("<incident_facts>\n") : prompt.rindex("</incident_facts>") + len("</incident_facts>")]
    return next(text for organization, text in REPLIES.items() if organization in prompt)


def _same_parts(draft: dict[str, Any]) -> dict[str, Any]:
    """What must be the same every way, as the API sends it (a field that is null is left out)."""
    return {key: _without_nulls(draft.get(key)) for key in ("checks", "injection", "warnings", "sections")}


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


Drafts = dict[str, dict[tuple[str, str], dict[str, Any]]]


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drafts]:
    """Each case drafted every way with each label, as JSON: {way: {(case id, label): draft}}."""
    tmp = tmp_path_factory.mktemp("one-door")
    cases = {c.id: c for c in load_cases(",".join(CASES))}
    with FakeUpstream(reply=_reply) as upstream:
        settings = remote_settings(upstream)
        ways: Drafts = {"api": {}, "stream": {}}
        with TestClient(create_app(settings)) as client:
            for (case_id, case), label in itertools.product(cases.items(), LABELS):
                body = _body(case, label)
                ways["api"][case_id, label] = client.post("/v1/drafts", json=body).json()
                stream = client.post("/v1/drafts", json={**body, "stream": True}).text
                ways["stream"][case_id, label] = _done_event(stream)
        for way, out in (("runner", "live"), ("runner_cached", "cached")):
            config = RunConfig(prompts=list(LABELS), out=tmp / out, cases=",".join(cases), cache_dir=tmp / "cache")
            results = asyncio.run(Runner(asyncio.run(eval_drafter(settings, config.cache_dir)), config).run())
            ways[way] = {
                (r.case_id, r.requested): {**r.model_dump(mode="json"), "cached": r.cached} for r in results.records
            }
        ways["promptfoo"] = _promptfoo(upstream, cases, tmp)
        yield ways


def _body(case: EvalCase, label: str) -> dict[str, Any]:
    return case.request(label).model_dump(mode="json", exclude_none=True)


def _done_event(stream: str) -> dict[str, Any]:
    events = [block.split("\n", 1) for block in stream.strip().split("\n\n")]
    done = [json.loads(data.removeprefix("data: ")) for name, data in events if name == "event: done"]
    assert len(done) == 1, stream[-2000:]
    return done[0]


def _promptfoo(upstream: FakeUpstream, cases: dict[str, EvalCase], tmp: Path) -> dict[str, Any]:
    """A real promptfoo run of the cases (pinned Node 22 and promptfoo), the provider drafting through the
    loopback upstream; per case and label: the cell's response metadata and its assertion result."""
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
    return {
        (c["vars"]["case_id"], c["prompt"]["label"]): {
            **c["response"]["metadata"]["response"],
            "grading": c["gradingResult"],
        }
        for c in cells
    }


WAYS = ("stream", "runner", "runner_cached", "promptfoo")


@pytest.mark.parametrize(("case_id", "label"), list(itertools.product(CASES, LABELS)))
def test_every_way_in_gets_the_same_checks_injection_report_warnings_and_sections(
    drafted: Drafts, case_id: str, label: str
) -> None:
    api = _same_parts(drafted["api"][case_id, label])
    assert api["checks"] is not None and (api["sections"] is not None) == (label == "candidate")
    for way in WAYS:
        assert _same_parts(drafted[way][case_id, label]) == api, way


def test_the_injection_case_is_flagged_and_fails_the_same_way_everywhere(drafted: Drafts) -> None:
    for way in ("api", *WAYS):
        draft = drafted[way][INJECTION, "production"]
        report = draft["injection"]
        assert report["followed"] and any("50%" in e for e in report["evidence"]), way
        assert any("do not publish" in w for w in draft["warnings"]), way
        assert not draft["checks"]["passed"] and "instruction-like text" in draft["checks"]["blocked"], way
    assert all(not drafted["promptfoo"][c, "production"]["grading"]["pass"] for c in (INJECTION, COPY))


def test_a_copied_facts_block_fails_the_same_way_everywhere(drafted: Drafts) -> None:
    for way in ("api", *WAYS):
        checks = drafted[way][COPY, "production"]["checks"]
        assert not checks["passed"] and "facts block" in checks["blocked"], way


def test_the_sectioned_candidate_never_echoes_or_follows_what_the_model_sends_back(drafted: Drafts) -> None:
    for case_id in CASES:
        draft = drafted["api"][case_id, "candidate"]
        assert draft["prompt"]["id"].endswith("-sections") and not draft["checks"].get("blocked")
        assert all(s["fallback"] for s in draft["sections"])  # every section the model answered was wrong
        assert "50%" not in draft["text"] and "<incident_facts>" not in draft["text"]


def test_the_cached_run_made_no_model_call_and_the_live_one_did(drafted: Drafts) -> None:
    assert not any(r["cached"] for r in drafted["runner"].values())
    assert all(r["cached"] for r in drafted["runner_cached"].values())


def test_a_streamed_draft_reports_the_same_usage_as_a_whole_one(drafted: Drafts) -> None:
    for key, draft in drafted["api"].items():
        streamed = drafted["stream"][key]["usage"]
        assert streamed["total_tokens"] > 0 and streamed == draft["usage"], key


def test_promptfoo_grades_a_follow_up_criterion_by_criterion_like_the_runner(drafted: Drafts) -> None:
    for label in LABELS:
        runner = drafted["runner"][FOLLOW_UP, label]
        native = {c["criterion"]: c for c in runner["checks"]["criteria"] if c["applicable"]}
        assertion = drafted["promptfoo"][FOLLOW_UP, label]["grading"]["componentResults"][0]
        assert "commitments_kept" in native and assertion["namedScores"] == {k: c["score"] for k, c in native.items()}
        verdicts = {r["reason"].split(":", 1)[0]: r["pass"] for r in assertion["componentResults"]}
        assert verdicts == {k: c["passed"] for k, c in native.items()}
        assert assertion["pass"] == runner["checks"]["passed"]
