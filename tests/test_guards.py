"""Auth, rate limits, the draft concurrency bound, deadlines, CORS: against the app, no patched internals."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from service.api.guards import MovingWindow, RateLimit, hash_key
from service.app import create_app
from service.errors import RateLimited
from tests.conftest import example_facts, remote_settings
from tests.fake_upstream import FakeUpstream, Fault

BODY = {"strategy": "reactive", "channel": "email", "facts": example_facts("telecom-outage"),
        "options": {"checks": False}}


def client_for(upstream: FakeUpstream, **overrides: object) -> TestClient:
    return TestClient(create_app(remote_settings(upstream, **overrides)), raise_server_exceptions=False)


def test_without_configured_keys_no_key_is_needed(upstream: FakeUpstream) -> None:
    with client_for(upstream) as client:
        assert client.post("/v1/drafts", json=BODY).status_code == 200


def test_keys_are_checked_hashed_or_plain_and_health_stays_open(upstream: FakeUpstream) -> None:
    keys = f"{hash_key('team-a-key')},plain-key-b"
    with client_for(upstream, api_keys=keys) as client:
        missing = client.post("/v1/drafts", json=BODY)
        assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
        assert missing.json()["type"].endswith("/unauthorized") and missing.json()["request_id"]
        wrong = client.post("/v1/drafts", json=BODY, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and "not valid" in wrong.json()["detail"]
        assert client.post("/v1/drafts", json=BODY, headers={"Authorization": "Bearer team-a-key"}).status_code == 200
        assert client.get("/v1/prompts", headers={"X-API-Key": "plain-key-b"}).status_code == 200
        assert client.get("/v1/prompts").status_code == 401
        assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200
    assert upstream.calls == 1


def test_the_rate_limit_answers_429_with_retry_after_per_key(upstream: FakeUpstream) -> None:
    with client_for(upstream, api_keys="k1,k2", rate_limit="3/minute") as client:
        statuses = [client.get("/v1/prompts", headers={"X-API-Key": "k1"}).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/v1/prompts", headers={"X-API-Key": "k1"})
        assert limited.json()["type"].endswith("/rate-limited") and int(limited.headers["retry-after"]) >= 1
        assert client.get("/v1/prompts", headers={"X-API-Key": "k2"}).status_code == 200  # its own budget


def test_the_moving_window_frees_a_slot_as_the_oldest_hit_leaves_it() -> None:
    now = [100.0]
    window = MovingWindow(2, 60, clock=lambda: now[0])
    assert window.hit("a") is None
    now[0] = 130.0
    assert window.hit("a") is None
    assert window.hit("a") == pytest.approx(30.0)  # full until the hit at 100 s is a minute old
    assert window.hit("b") is None  # each identity has its own window
    now[0] = 160.0
    assert window.hit("a") is None and window.hit("a") == pytest.approx(30.0)


def test_the_moving_window_forgets_idle_identities() -> None:
    now = [0.0]
    window = MovingWindow(5, 10, clock=lambda: now[0])
    for caller in range(100):
        window.hit(f"ip:{caller}")
    now[0] = 25.0
    window.hit("ip:late")
    assert len(window) == 1


def test_an_in_memory_rate_limit_starts_no_thread_per_request() -> None:
    """limits' memory storage started a timer thread per hit, and the event loop waited for each."""
    limit = RateLimit("1000/minute", "memory://")
    before = threading.active_count()
    for _ in range(50):
        limit.hit("ip:127.0.0.1")
        time.sleep(0.011)  # past limits' 10 ms timer, which would start the next thread
    assert threading.active_count() == before
    limited = RateLimit("1/minute", "memory://")
    limited.hit("x")
    with pytest.raises(RateLimited) as refused:
        limited.hit("x")
    assert refused.value.retry_after == 60


@pytest.fixture
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh dev installs it as root)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([server, "--port", str(port), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(5)


def test_two_app_instances_share_one_budget_through_redis(upstream: FakeUpstream, redis_url: str) -> None:
    first, second = client_for(upstream, rate_limit="2/minute", redis_url=redis_url), client_for(
        upstream, rate_limit="2/minute", redis_url=redis_url
    )
    with first, second:
        codes = [first.get("/v1/prompts").status_code, second.get("/v1/prompts").status_code,
                 first.get("/v1/prompts").status_code]
    assert codes == [200, 200, 429]


def test_past_the_concurrency_bound_a_draft_is_refused_at_once(upstream: FakeUpstream) -> None:
    upstream.delay_s = 1.5
    with client_for(upstream, max_concurrent_drafts=1, request_timeout_s=5) as client, ThreadPoolExecutor(1) as pool:
        first = pool.submit(client.post, "/v1/drafts", json=BODY)
        time.sleep(0.5)  # the first draft is now waiting on the slow upstream
        started = time.monotonic()
        refused = client.post("/v1/drafts", json=BODY)
        refused_in = time.monotonic() - started
        done = first.result()
        after = client.post("/v1/drafts", json=BODY)  # the slot is free again
    assert done.status_code == 200 and after.status_code == 200
    assert refused.status_code == 503 and refused.json()["type"].endswith("/overloaded")
    assert refused.headers["retry-after"] == "1" and refused_in < 0.5  # refused at once, not queued


def test_the_request_timeout_header_lowers_the_deadline(upstream: FakeUpstream) -> None:
    upstream.script(Fault("hang"))
    with client_for(upstream, request_timeout_s=30, retry_attempts=1) as client:
        started = time.monotonic()
        response = client.post("/v1/drafts", json=BODY, headers={"X-Request-Timeout": "1"})
        elapsed = time.monotonic() - started
        assert response.status_code == 504 and elapsed < 2.0
        bad = client.post("/v1/drafts", json=BODY, headers={"X-Request-Timeout": "soon"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"].lower().endswith("x-request-timeout")
        assert client.get("/healthz").status_code == 200


def test_no_cors_unless_configured(upstream: FakeUpstream) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    with client_for(upstream) as closed:
        assert "access-control-allow-origin" not in closed.options("/v1/drafts", headers=preflight).headers
    with client_for(upstream, cors_origins="https://app.example") as opened:
        allowed = opened.options("/v1/drafts", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"


def test_a_malformed_rate_limit_fails_at_start_up(upstream: FakeUpstream) -> None:
    with pytest.raises(ValueError, match="not a rate limit"):
        remote_settings(upstream, rate_limit="lots")
