"""Publishing approved drafts to a real local receiver: signed with HMAC-SHA256, retried with backoff
when the receiver fails and then recovers, every attempt in the audit trail, never for unapproved drafts."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from tests.conftest import example_facts, remote_settings
from tests.fake_upstream import FakeUpstream

SECRET = "whsec-test"
KEYS = "d-key,reviewer:r-key"


class Receiver:
    """An HTTP server that answers with the scripted statuses (then 200) and keeps what it received."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/email"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def client(upstream: FakeUpstream, receiver: Receiver, tmp_path: Path) -> Iterator[TestClient]:
    settings = remote_settings(
        upstream,
        api_keys=KEYS,
        database_path=tmp_path / "db.sqlite3",
        webhooks={"email": {"url": receiver.url, "secret": SECRET}},
        webhook_attempts=3,
        webhook_initial_wait_s=0.01,
        webhook_max_wait_s=0.05,
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def approved_draft(client: TestClient, channel: str = "email") -> str:
    body = {"strategy": "reactive", "channel": channel, "facts": example_facts("telecom-outage")}
    draft_id: str = client.post("/v1/drafts", json=body, headers={"X-API-Key": "d-key"}).json()["id"]
    decided = client.post(f"/v1/drafts/{draft_id}/reviews", json={"decision": "approve"}, headers={"X-API-Key": "r-key"})
    assert decided.status_code == 200, decided.text
    return draft_id


def settled(client: TestClient, draft_id: str) -> list[dict[str, Any]]:
    """The audit trail once publishing has ended (published or publish_failed)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        events: list[dict[str, Any]] = client.get(f"/v1/drafts/{draft_id}/events", headers={"X-API-Key": "d-key"}).json()["events"]
        if events[-1]["kind"] in ("published", "publish_failed"):
            return events
        time.sleep(0.05)
    raise AssertionError("publishing did not settle")


def test_a_receiver_that_fails_then_recovers_gets_one_signed_draft(client: TestClient, receiver: Receiver) -> None:
    receiver.statuses = [503, 500]
    draft_id = approved_draft(client)
    events = settled(client, draft_id)
    attempts = [e["detail"]["status"] for e in events if e["kind"] == "publish_attempt"]
    assert attempts == [503, 500, 200] and events[-1]["kind"] == "published"
    assert client.get(f"/v1/drafts/{draft_id}", headers={"X-API-Key": "d-key"}).json()["state"] == "published"
    headers, body = receiver.received[-1]
    signed = hmac.new(SECRET.encode(), headers["X-Trustdraft-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert hmac.compare_digest(headers["X-Trustdraft-Signature"], "sha256=" + signed.hexdigest())
    assert headers["X-Trustdraft-Delivery"] == draft_id
    payload = json.loads(body)
    assert payload["id"] == draft_id and payload["text"].startswith("On 12 March") and payload["approved_by"].startswith("key:")


def test_a_receiver_that_keeps_failing_leaves_the_draft_approved_until_published_again(
    client: TestClient, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500, 500]
    draft_id = approved_draft(client)
    events = settled(client, draft_id)
    assert [e["kind"] for e in events][-4:] == ["publish_attempt"] * 3 + ["publish_failed"]
    assert client.get(f"/v1/drafts/{draft_id}", headers={"X-API-Key": "d-key"}).json()["state"] == "approved"
    assert client.post(f"/v1/drafts/{draft_id}/publish", headers={"X-API-Key": "d-key"}).status_code == 403
    again = client.post(f"/v1/drafts/{draft_id}/publish", headers={"X-API-Key": "r-key"})
    assert again.status_code == 200 and again.json()["state"] == "published"
    assert client.post(f"/v1/drafts/{draft_id}/publish", headers={"X-API-Key": "r-key"}).status_code == 409


def test_a_refusal_is_not_retried_and_unapproved_drafts_are_never_sent(client: TestClient, receiver: Receiver) -> None:
    receiver.statuses = [400]
    draft_id = approved_draft(client)
    events = settled(client, draft_id)
    assert [e["kind"] for e in events][-2:] == ["publish_attempt", "publish_failed"] and len(receiver.received) == 1
    body = {"strategy": "reactive", "channel": "email", "facts": example_facts("telecom-outage")}
    pending = client.post("/v1/drafts", json=body, headers={"X-API-Key": "d-key"}).json()["id"]
    client.post(f"/v1/drafts/{pending}/reviews", json={"decision": "reject"}, headers={"X-API-Key": "r-key"})
    assert client.post(f"/v1/drafts/{pending}/publish", headers={"X-API-Key": "r-key"}).status_code == 409
    social = approved_draft(client, channel="social_post")  # no webhook for this channel: stays approved
    time.sleep(0.2)
    assert len(receiver.received) == 1
    assert client.get(f"/v1/drafts/{social}", headers={"X-API-Key": "d-key"}).json()["state"] == "approved"


def test_a_webhook_without_a_secret_fails_at_start_up(upstream: FakeUpstream, tmp_path: Path) -> None:
    settings = remote_settings(upstream, database_path=tmp_path / "db.sqlite3", webhooks={"email": {"url": "http://127.0.0.1:9/x"}})
    with pytest.raises(ValueError, match="no secret"), TestClient(create_app(settings)):
        pass


def test_publishing_in_flight_when_the_service_stops_resumes_at_the_next_start(
    upstream: FakeUpstream, receiver: Receiver, tmp_path: Path
) -> None:
    """The first service stops between retries (its drain gives up); the next one publishes the draft, once
    more, with the same delivery id. A draft approved while its channel had no webhook is left alone."""
    def settings(**extra: Any) -> Any:
        return remote_settings(upstream, api_keys=KEYS, database_path=tmp_path / "db.sqlite3", webhook_attempts=5,
                               webhook_initial_wait_s=30, webhook_max_wait_s=30, **extra)

    with TestClient(create_app(settings())) as first:
        unhooked = approved_draft(first)  # no webhooks at all yet
    receiver.statuses = [503]
    with TestClient(create_app(settings(webhooks={"email": {"url": receiver.url, "secret": SECRET}}))) as second:
        draft_id = approved_draft(second)
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(receiver.received) == 1  # the first attempt failed; the retry waits 30 s; the service stopped
    with TestClient(create_app(settings(webhooks={"email": {"url": receiver.url, "secret": SECRET}}))) as third:
        events = settled(third, draft_id)
        assert events[-1]["kind"] == "published" and events[-1]["actor"] == "system:resume"
        assert third.get(f"/v1/drafts/{unhooked}", headers={"X-API-Key": "d-key"}).json()["state"] == "approved"
    assert [h["X-Trustdraft-Delivery"] for h, _ in receiver.received] == [draft_id, draft_id]
