"""Metrics at /metrics, request ids in and out, JSON logs that carry the id and never the facts."""

from __future__ import annotations

import io
import json
import logging
import re
import time

from fastapi.testclient import TestClient

from service.app import create_app
from service.logging import JsonFormatter, redact
from tests.conftest import example_facts, remote_settings
from tests.fake_upstream import FakeUpstream, Fault

FACTS = example_facts("telecom-outage")
BODY = {"strategy": "reactive", "channel": "email", "facts": FACTS}


def _metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{labels} not in /metrics")


def test_metrics_count_requests_model_calls_retries_and_tokens(upstream: FakeUpstream) -> None:
    upstream.script(Fault("status", 500))  # one retry, then success
    with TestClient(create_app(remote_settings(upstream)), raise_server_exceptions=False) as client:
        assert client.post("/v1/drafts", json=BODY).status_code == 200
        client.post("/v1/drafts", json={"strategy": "nope"})
        response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert _metric(text, "trustdraft_requests_total", route="/v1/drafts", status="200") == 1
    assert _metric(text, "trustdraft_requests_total", route="/v1/drafts", status="422") == 1
    assert _metric(text, "trustdraft_model_call_seconds_count", model="openai/fake-model", outcome="ok") == 1
    assert _metric(text, "trustdraft_model_call_seconds_count", model="openai/fake-model", outcome="error") == 1
    assert _metric(text, "trustdraft_model_retries_total", model="openai/fake-model") == 1
    assert _metric(text, "trustdraft_tokens_total", model="openai/fake-model", kind="completion") > 10
    assert _metric(text, "trustdraft_drafts_in_flight") == 0


def test_two_apps_keep_separate_metrics(upstream: FakeUpstream) -> None:
    with TestClient(create_app(remote_settings(upstream))) as first:
        first.post("/v1/drafts", json=BODY)
    with TestClient(create_app(remote_settings(upstream))) as second:
        assert 'route="/v1/drafts"' not in second.get("/metrics").text


def test_request_ids_go_in_and_out_and_unsafe_ones_are_replaced(upstream: FakeUpstream) -> None:
    with TestClient(create_app(remote_settings(upstream))) as client:
        assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
        fresh = client.get("/healthz", headers={"X-Request-ID": "bad id\r\nx: y"}).headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", fresh)


def test_logs_are_json_with_the_request_id_and_no_facts_at_info(upstream: FakeUpstream) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    try:
        with TestClient(create_app(remote_settings(upstream))) as client:
            client.post("/v1/drafts", json=BODY, headers={"X-Request-ID": "log-check-1"})
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "trustdraft.access"]
    assert access and access[-1]["request_id"] == "log-check-1" and access[-1]["status"] == 200
    everything = stream.getvalue()
    for secret in (str(FACTS["summary"]), str(FACTS["cause"]), "Daniel Reyes", "configuration change"):
        assert secret not in everything


def test_redaction_masks_emails_phones_and_card_numbers() -> None:
    line = redact("mail jo.smith@example.co.uk, call +44 20 7946 0958, card 4111 1111 1111 1111, 12 users")
    assert "example.co.uk" not in line and "7946" not in line and "4111" not in line
    assert "[email]" in line and "[phone]" in line and "[card]" in line and "12 users" in line


def test_the_overhead_header_is_request_time_minus_model_time(upstream: FakeUpstream) -> None:
    upstream.delay_s = 0.3
    with TestClient(create_app(remote_settings(upstream))) as client:
        started = time.perf_counter()
        response = client.post("/v1/drafts", json=BODY)
        wall_ms = (time.perf_counter() - started) * 1000
        health = client.get("/healthz")
    overhead = float(response.headers["x-trustdraft-overhead-ms"])
    app_ms, model_ms = (float(part.split("dur=")[1]) for part in response.headers["server-timing"].split(","))
    assert model_ms >= 290 and app_ms >= model_ms and abs(app_ms - model_ms - overhead) < 0.2
    assert 0 < overhead < wall_ms - 290  # the 300 ms upstream delay is the model's, not the service's
    assert float(health.headers["x-trustdraft-overhead-ms"]) >= 0  # no model call: all of it is ours
