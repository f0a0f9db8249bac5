"""Best-of-n, critique-and-revise and streaming through POST /v1/drafts, against the loopback upstream.

The upstream's reply depends on the request (the seed, or whether it is a revision prompt), so each test
controls which draft is good and which is not; the rubric graders decide, as in production.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from tests.conftest import example_facts, remote_settings
from tests.fake_upstream import DEFAULT_REPLY, FakeUpstream

BODY: dict[str, Any] = {"strategy": "reactive", "channel": "email", "facts": example_facts("telecom-outage")}
INVENTED = DEFAULT_REPLY.replace(
    "We will publish", "Every customer also gets a $50 refund and a free month. We will publish"
)
WEAK = "Subject: Service update\n\nWe are aware some customers may have experienced issues. Thank you for your patience."


def _is_revision(request: dict[str, Any]) -> bool:
    return any("<draft>" in str(m.get("content", "")) for m in request["messages"])


def _client(upstream: FakeUpstream) -> TestClient:
    return TestClient(create_app(remote_settings(upstream)), raise_server_exceptions=False)


def test_best_of_n_returns_the_best_candidate_first_with_every_candidates_checks(upstream: FakeUpstream) -> None:
    by_seed = {0: INVENTED, 1: DEFAULT_REPLY, 2: WEAK}
    upstream.reply = lambda request: by_seed[request["seed"]]
    with _client(upstream) as client:
        draft = client.post("/v1/drafts", json={**BODY, "options": {"n": 3, "return_candidates": True}}).json()
    assert upstream.calls == 3
    temperatures = sorted(r.body["temperature"] for r in upstream.requests)
    assert temperatures == [0.0, 0.7, 0.7]  # the one-shot draft, and two warm samples to choose from
    assert "configuration change we made" in draft["text"] and draft["checks"]["unsupported"] == []
    seeds = [c["seed"] for c in draft["candidates"]]
    assert seeds[0] == 1 and sorted(seeds) == [0, 1, 2]
    scores = [c["checks"]["score"] for c in draft["candidates"]]
    invented = next(c for c in draft["candidates"] if c["seed"] == 0)
    assert not invented["checks"]["criteria"][[x["criterion"] for x in invented["checks"]["criteria"]].index(
        "faithfulness")]["passed"]
    assert scores[0] >= max(scores[1:]) or draft["candidates"][0]["checks"]["passed"]
    single = sum(len(str(m["content"]).split()) for m in upstream.requests[0].body["messages"])
    assert draft["usage"]["prompt_tokens"] == 3 * single  # usage covers every call made


def test_candidates_are_left_out_unless_asked(upstream: FakeUpstream) -> None:
    with _client(upstream) as client:
        draft = client.post("/v1/drafts", json={**BODY, "options": {"n": 2}}).json()
    assert "candidates" not in draft and upstream.calls == 2


def test_revise_fixes_a_weak_draft_and_returns_the_rounds(upstream: FakeUpstream) -> None:
    upstream.reply = lambda request: DEFAULT_REPLY if _is_revision(request) else WEAK
    with _client(upstream) as client:
        draft = client.post("/v1/drafts", json={**BODY, "options": {"revise": 2}}).json()
    first_round = draft["rounds"][0]
    assert first_round["accepted"] and "concrete_plan" in first_round["feedback"]
    assert draft["text"] in DEFAULT_REPLY and draft["checks"]["score"] == first_round["checks"]["score"]
    revision_prompt = next(r.body for r in upstream.requests if _is_revision(r.body))
    assert WEAK.split("\n\n")[1] in revision_prompt["messages"][-1]["content"]


def test_a_revision_that_invents_a_commitment_is_never_kept(upstream: FakeUpstream) -> None:
    faithful_but_short = DEFAULT_REPLY.split(" We rolled")[0]
    upstream.reply = lambda request: INVENTED if _is_revision(request) else faithful_but_short
    with _client(upstream) as client:
        draft = client.post("/v1/drafts", json={**BODY, "options": {"revise": 1}}).json()
    assert [r["accepted"] for r in draft["rounds"]] == [False]
    assert "$50" not in draft["text"] and draft["checks"]["unsupported"] == []


def _events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for frame in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in frame.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


@pytest.mark.parametrize("how", ["body", "accept"])
def test_a_streamed_draft_ends_with_the_checks(upstream: FakeUpstream, how: str) -> None:
    body, headers = ({**BODY, "stream": True}, {}) if how == "body" else (BODY, {"Accept": "text/event-stream"})
    with _client(upstream) as client:
        response = client.post("/v1/drafts", json=body, headers=headers)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "meta" and kinds[-1] == "done" and kinds.count("delta") > 5
    streamed = "".join(data["text"] for kind, data in events if kind == "delta")
    assert streamed == DEFAULT_REPLY
    done = events[-1][1]
    assert done["checks"]["criteria"] and done["subject"].startswith("We are sorry")


def test_streaming_refuses_options_it_cannot_honour(upstream: FakeUpstream) -> None:
    with _client(upstream) as client:
        response = client.post("/v1/drafts", json={**BODY, "stream": True, "options": {"n": 2}})
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert upstream.calls == 0
