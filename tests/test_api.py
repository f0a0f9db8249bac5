"""The HTTP API against the loopback upstream: the contract, and clear problem+json for bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from tests.conftest import REMOTE_MODEL, ROOT, example_facts, remote_settings
from tests.fake_upstream import FakeUpstream, Fault

PROBLEM = "application/problem+json"


def _request(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "strategy": "reactive",
        "channel": "email",
        "facts": example_facts("telecom-outage"),
        "options": {"checks": False},
    }
    body.update(overrides)
    return body


def test_health_and_readiness(remote_client: TestClient) -> None:
    assert remote_client.get("/healthz").json() == {"status": "ok"}
    ready = remote_client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["default_model"] == REMOTE_MODEL and ready["prompts"] >= 3


def test_prompts_list_versions_labels_and_hashes(remote_client: TestClient) -> None:
    listed = remote_client.get("/v1/prompts").json()["prompts"]
    assert {p["id"] for p in listed} >= {"reactive", "preemptive", "proactive"}
    one = remote_client.get("/v1/prompts/reactive").json()
    assert one["labels"]["production"] in [v["version"] for v in one["versions"]]
    assert all(len(v["sha256"]) == 64 for v in one["versions"])
    missing = remote_client.get("/v1/prompts/nope")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM


def test_a_draft_carries_prompt_model_usage_latency_and_the_request_id(
    remote_client: TestClient, upstream: FakeUpstream
) -> None:
    response = remote_client.post("/v1/drafts", json=_request(), headers={"X-Request-ID": "req-123"})
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == "req-123"
    draft = response.json()
    assert draft["subject"] == "We are sorry: our outage on 12 March"
    assert draft["text"].startswith("On 12 March") and "Subject:" not in draft["text"]
    production = remote_client.get("/v1/prompts/reactive").json()["labels"]["production"]
    assert draft["prompt"]["id"] == "reactive" and draft["prompt"]["version"] == production
    assert len(draft["prompt"]["sha256"]) == 64
    assert draft["model"] == REMOTE_MODEL and draft["usage"]["total_tokens"] > 0 and draft["latency_ms"] > 0
    system, user = upstream.requests[0].body["messages"]
    assert "Northwind Mobile" in system["content"] and "<incident_facts>" in user["content"]


def test_a_named_version_and_model_are_used(remote_client: TestClient, upstream: FakeUpstream) -> None:
    response = remote_client.post(
        "/v1/drafts", json=_request(prompt="reactive@v1", model="openai/other-model")
    )
    assert response.status_code == 200 and response.json()["model"] == "openai/other-model"
    assert upstream.requests[0].body["model"] == "other-model"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"strategy": "apologetic"}, "strategy"),
        ({"surprise": 1}, "surprise"),
        ({"facts": {"organization": "Acme", "summary": ""}}, "facts.summary"),
        ({"facts": {"organization": "Acme", "summary": "   "}}, "facts.summary"),
        ({"facts": {"organization": "Acme"}}, "facts.summary"),
        ({"facts": {"organization": "Acme", "summary": "x", "mood": "sad"}}, "facts.mood"),
        ({"facts": {"organization": "Acme", "summary": "bad \u0000 byte"}}, "facts.summary"),
        ({"options": {"temperature": 9}}, "options.temperature"),
        ({"options": {"n": 0}}, "options.n"),
    ],
)
def test_bad_input_names_the_field(
    remote_client: TestClient, overrides: dict[str, object], field: str
) -> None:
    response = remote_client.post("/v1/drafts", json=_request(**overrides))
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"].endswith("/invalid-request") and problem["status"] == 422
    assert field in [e["field"] for e in problem["errors"]] and field in problem["detail"]
    assert problem["request_id"] == response.headers["x-request-id"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_rejected(remote_client: TestClient, literal: str) -> None:
    body = json.dumps(_request()).replace('"checks": false', f'"checks": false, "temperature": {literal}')
    response = remote_client.post("/v1/drafts", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "options.temperature" in response.text


def test_lone_surrogates_are_rejected(remote_client: TestClient) -> None:
    body = json.dumps(_request()).replace("Northwind Mobile", "North\\ud800wind", 1)
    response = remote_client.post("/v1/drafts", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["facts.organization"]
    assert "unicode" in response.json()["detail"]


def test_malformed_json_is_a_400_problem(remote_client: TestClient) -> None:
    response = remote_client.post(
        "/v1/drafts", content=b'{"strategy": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/malformed-body")


def test_a_one_megabyte_body_is_refused_before_parsing(
    remote_client: TestClient, upstream: FakeUpstream
) -> None:
    big = _request(facts={"organization": "Acme", "summary": "x" * 1_000_000})
    response = remote_client.post("/v1/drafts", json=big)
    assert response.status_code == 413 and response.headers["content-type"] == PROBLEM
    assert "limit" in response.json()["detail"] and upstream.calls == 0


def test_an_unknown_prompt_version_is_a_422_naming_it(remote_client: TestClient) -> None:
    response = remote_client.post("/v1/drafts", json=_request(prompt="reactive@v99"))
    assert response.status_code == 422 and "v99" in response.json()["detail"]
    assert response.json()["type"].endswith("/unknown-prompt")
    mismatch = remote_client.post("/v1/drafts", json=_request(prompt="proactive@v1"))
    assert mismatch.status_code == 422 and "strategy" in mismatch.json()["detail"]


def test_an_unknown_model_is_a_422_naming_it(remote_client: TestClient, upstream: FakeUpstream) -> None:
    response = remote_client.post("/v1/drafts", json=_request(model="nonsense-provider/model-x"))
    assert response.status_code == 422 and "nonsense-provider/model-x" in response.json()["detail"]
    assert response.json()["type"].endswith("/unknown-model") and upstream.calls == 0


@pytest.mark.parametrize(
    ("faults", "status", "slug"),
    [
        ([Fault("status", 500)] * 3, 503, "upstream-unavailable"),
        ([Fault("status", 429, retry_after="7")] * 3, 429, "upstream-rate-limited"),
        ([Fault(delay_s=3)] * 3, 504, "upstream-timeout"),
        ([Fault("status", 400)], 502, "upstream-rejected"),
        ([Fault("empty")], 502, "upstream-bad-output"),
    ],
)
def test_upstream_failures_become_clear_problems(
    upstream: FakeUpstream, faults: list[Fault], status: int, slug: str
) -> None:
    settings = remote_settings(upstream, request_timeout_s=0.3, retry_attempts=3, retry_max_wait_s=0.01)
    upstream.script(*faults)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.post("/v1/drafts", json=_request())
        assert response.status_code == status and response.headers["content-type"] == PROBLEM
        assert response.json()["type"].endswith(slug) and "Traceback" not in response.text
        if status == 429:
            assert response.headers["retry-after"] == "7"
        assert client.get("/healthz").status_code == 200


def test_unknown_routes_and_methods_are_problems(remote_client: TestClient) -> None:
    assert remote_client.get("/nope").headers["content-type"] == PROBLEM
    response = remote_client.put("/v1/drafts")  # GET lists stored drafts, POST drafts; nothing else
    assert response.status_code == 405 and response.headers["content-type"] == PROBLEM
    assert response.headers["allow"] == "GET, POST"


def test_every_draft_carries_the_rubric_checks(remote_client: TestClient) -> None:
    draft = remote_client.post("/v1/drafts", json=_request(options={})).json()
    checks = draft["checks"]
    assert {c["criterion"] for c in checks["criteria"]} >= {"acknowledgment", "faithfulness", "strategy_fit"}
    assert 0 <= checks["score"] <= 1 and checks["threshold"] == 0.7
    assert checks["passed"] == (checks["score"] >= 0.7 and not checks["unsupported"])


def test_invented_claims_from_the_model_are_flagged(upstream: FakeUpstream) -> None:
    upstream.reply = lambda request: (
        "Subject: Sorry\n\nOur outage on 12 March was our fault and we are sorry. Every customer gets a $50 "
        "credit and service was back by 11:00.\n\nDaniel Reyes"
    )
    with TestClient(create_app(remote_settings(upstream)), raise_server_exceptions=False) as client:
        draft = client.post("/v1/drafts", json=_request(options={})).json()
    flagged = {c["text"] for c in draft["checks"]["unsupported"]}
    assert "$50" in flagged and "11:00" in flagged and not draft["checks"]["passed"]
    assert any("not supported by the facts" in w for w in draft["warnings"])


def test_a_draft_that_echoes_the_facts_block_is_flagged(upstream: FakeUpstream) -> None:
    def echo(request: dict[str, Any]) -> str:  # the facts block itself, wherever the prompt put it
        sent = "\n".join(str(m["content"]) for m in request["messages"])
        return sent[sent.rindex("<incident_facts>") : sent.rindex("</incident_facts>") + len("</incident_facts>")]

    upstream.reply = echo
    with TestClient(create_app(remote_settings(upstream)), raise_server_exceptions=False) as client:
        draft = client.post("/v1/drafts", json=_request()).json()
    assert any("repeats the prompt's facts block" in w for w in draft["warnings"])


@pytest.mark.parametrize(
    ("path", "route"),
    [("request.json", "/v1/drafts"), ("followup-request.json", "/v1/drafts"), ("pack-request.json", "/v1/drafts/pack")],
)
def test_the_readme_example_bodies_are_accepted(remote_client: TestClient, path: str, route: str) -> None:
    body = json.loads((ROOT / "examples" / path).read_text())
    assert remote_client.post(route, json=body).status_code == 200
