"""Every upstream fault, through the API: the status the client gets, how long it takes, and that the
service still answers afterwards. The upstream is a real OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from tests.conftest import example_facts, remote_settings
from tests.fake_upstream import DEFAULT_REPLY, FakeUpstream, Fault

PROBLEM = "application/problem+json"
BODY = {"strategy": "reactive", "channel": "email", "facts": example_facts("telecom-outage")}
DEADLINE_S = 3.0
CONTEXT_WINDOW = {
    "error": {
        "message": "This model's maximum context length is 8192 tokens. However, your messages resulted in "
        "9000 tokens.",
        "type": "invalid_request_error",
        "code": "context_length_exceeded",
    }
}

# fault scripted for every attempt -> (status, problem slug or None for success)
MATRIX = {
    "latency": ([Fault(delay_s=0.4)], 200, None),
    "rate_limited_with_retry_after": ([Fault("status", 429, retry_after="11")] * 3, 429, "upstream-rate-limited"),
    "server_error": ([Fault("status", 500)] * 3, 503, "upstream-unavailable"),
    "connection_reset": ([Fault("reset")] * 3, 503, "upstream-unavailable"),
    "hang": ([Fault("hang")] * 3, 504, "upstream-timeout"),
    "truncated_body": ([Fault("truncated")] * 3, 503, "upstream-unavailable"),  # a cut connection: retried
    "malformed_json": ([Fault("malformed")] * 3, 502, None),
    "empty_choices": ([Fault("empty")], 502, "upstream-bad-output"),
    "content_filter": ([Fault("content_filter")], 422, "content-policy"),
    "context_window": ([Fault("status", 400, body=CONTEXT_WINDOW)], 413, "context-window-exceeded"),
    "one_500_then_ok": ([Fault("status", 500)], 200, None),
    "one_reset_then_ok": ([Fault("reset")], 200, None),
}


@pytest.fixture
def client(upstream: FakeUpstream) -> TestClient:
    settings = remote_settings(
        upstream, request_timeout_s=1.0, request_deadline_s=DEADLINE_S, retry_attempts=3, retry_max_wait_s=0.05
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client  # type: ignore[misc]


@pytest.mark.parametrize("name", list(MATRIX))
def test_each_upstream_fault_gets_a_clear_answer_within_the_deadline(
    client: TestClient, upstream: FakeUpstream, name: str
) -> None:
    faults, status, slug = MATRIX[name]
    upstream.script(*faults)
    started = time.monotonic()
    response = client.post("/v1/drafts", json=BODY, headers={"X-Request-ID": f"fault-{name}"})
    elapsed = time.monotonic() - started

    assert response.status_code == status, response.text
    assert elapsed < DEADLINE_S + 0.5, f"{name} took {elapsed:.2f}s"
    assert response.headers["x-request-id"] == f"fault-{name}"
    if status == 200:
        assert response.json()["text"]
    else:
        problem = response.json()
        assert response.headers["content-type"] == PROBLEM and "Traceback" not in response.text
        assert problem["status"] == status and problem["request_id"] == f"fault-{name}"
        assert problem["type"].startswith("https://") and problem["title"] and problem["detail"]
        if slug:
            assert problem["type"].endswith("/" + slug)
        if status in (429, 503):
            assert int(response.headers["retry-after"]) >= 1
        if name == "rate_limited_with_retry_after":
            assert response.headers["retry-after"] == "11"  # passed on from the provider
    # healthy after: the next request, with a well-behaved upstream, drafts normally
    upstream.reset()
    assert client.get("/healthz").status_code == 200
    assert client.post("/v1/drafts", json=BODY).status_code == 200


def test_client_errors_are_not_retried_but_server_errors_are(client: TestClient, upstream: FakeUpstream) -> None:
    upstream.script(Fault("status", 400, body=CONTEXT_WINDOW))
    client.post("/v1/drafts", json=BODY)
    assert upstream.calls == 1
    upstream.reset()
    upstream.script(Fault("status", 500), Fault("status", 500))
    assert client.post("/v1/drafts", json=BODY).status_code == 200
    assert upstream.calls == 3


def test_a_slow_upstream_never_holds_a_request_past_the_deadline(upstream: FakeUpstream) -> None:
    upstream.delay_s = 0.9  # each attempt is inside the per-call timeout, but retries would not be
    upstream.script(*[Fault("status", 500, delay_s=0.9)] * 5)
    settings = remote_settings(
        upstream, request_timeout_s=5.0, request_deadline_s=1.5, retry_attempts=5, retry_max_wait_s=0.01
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        started = time.monotonic()
        response = client.post("/v1/drafts", json=BODY)
        elapsed = time.monotonic() - started
    assert response.status_code in (503, 504) and elapsed < 2.0


def test_a_stream_cut_half_way_ends_with_an_error_event_not_done(upstream: FakeUpstream) -> None:
    upstream.script(Fault("cut"))
    with TestClient(create_app(remote_settings(upstream)), raise_server_exceptions=False) as client:
        response = client.post("/v1/drafts", json={**BODY, "stream": True})
    events = [line.removeprefix("event: ") for line in response.text.splitlines() if line.startswith("event: ")]
    assert response.status_code == 200 and events[0] == "meta" and events[-1] == "error"
    assert "done" not in events and DEFAULT_REPLY.split()[0] in response.text
    error = json.loads(response.text.strip().split("\n\n")[-1].split("data: ", 1)[1])
    assert error["complete"] is False and error["received_chars"] > 0


def test_a_stream_that_stalls_ends_with_a_timeout_event_at_the_deadline(upstream: FakeUpstream) -> None:
    upstream.script(Fault("hang"))
    settings = remote_settings(upstream, request_timeout_s=30, retry_attempts=1)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        started = time.monotonic()
        response = client.post("/v1/drafts", json={**BODY, "stream": True}, headers={"X-Request-Timeout": "1"})
        elapsed = time.monotonic() - started
    last = response.text.strip().split("\n\n")[-1]
    assert last.startswith("event: error") and "upstream-timeout" in last and elapsed < 2.0
