"""Concurrency targets against a real server (uvicorn on loopback, real threads and sockets): two approvals
of one draft at the same moment on SQLite and PostgreSQL; 200 drafts at once on SQLite; a service killed
with SIGKILL in the middle of writes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.app import create_app
from tests.conftest import REMOTE_MODEL, example_facts, remote_settings
from tests.fake_upstream import FakeUpstream, Fault
from tests.servers import serving

KEYS = "d-key,reviewer:r1-key,reviewer:r2-key"
BODY = {"strategy": "reactive", "channel": "status_page", "facts": example_facts("telecom-outage")}
RACES = 12


def _post(base: str, path: str, key: str, body: dict[str, Any]) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=60) as http:
        return http.post(path, json=body, headers={"X-API-Key": key})


def _at_once(*calls: Callable[[], httpx.Response]) -> list[int]:
    """Run the calls in threads released by one barrier; their statuses, sorted."""
    barrier = threading.Barrier(len(calls))
    results: list[int] = []

    def run(call: Callable[[], httpx.Response]) -> None:
        barrier.wait()
        results.append(call().status_code)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(results)


def test_two_approvals_at_the_same_moment_exactly_one_wins(database_url: str, upstream: FakeUpstream) -> None:
    settings = remote_settings(upstream, api_keys=KEYS, database_url=database_url, rate_limit="100000/minute")
    with serving(create_app(settings)) as base:
        ids = [_post(base, "/v1/drafts", "d-key", BODY).json()["id"] for _ in range(RACES)]
        for draft_id in ids:
            path = f"/v1/drafts/{draft_id}/reviews"
            statuses = _at_once(
                lambda path=path: _post(base, path, "r1-key", {"decision": "approve"}),  # type: ignore[misc]
                lambda path=path: _post(base, path, "r2-key", {"decision": "approve", "text": "We are sorry."}),  # type: ignore[misc]
            )
            assert statuses == [200, 409], statuses
        with httpx.Client(base_url=base, headers={"X-API-Key": "d-key"}) as http:
            for draft_id in ids:
                stored = http.get(f"/v1/drafts/{draft_id}").json()
                events = [e["kind"] for e in http.get(f"/v1/drafts/{draft_id}/events").json()["events"]]
                assert stored["state"] == "approved" and len(stored["reviews"]) == 1
                assert events.count("approved") == 1
                # the loser's edit left no revision behind
                assert len(stored["revisions"]) == stored["current_revision"] + 1


def test_200_drafts_at_once_on_sqlite_every_200_has_its_row_and_nothing_else(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    # One upstream call in five fails with a 500 and is not retried, so some requests must leave no row.
    with FakeUpstream(fault_rate=0.2, random_faults=[Fault("status", 500)], seed=7) as upstream:
        settings = remote_settings(
            upstream, database_path=database, retry_attempts=1, request_timeout_s=20, rate_limit="100000/minute",
            max_concurrent_drafts=256,
        )
        with serving(create_app(settings)) as base, ThreadPoolExecutor(max_workers=200) as pool:
            responses = list(pool.map(lambda _: _post(base, "/v1/drafts", "", BODY), range(200)))
    answered = {r.json()["id"] for r in responses if r.status_code == 200}
    failed = [r for r in responses if r.status_code != 200]
    assert failed and answered and len(answered) + len(failed) == 200
    assert {r.status_code for r in failed} <= {502, 503, 504}  # upstream errors, and timeouts under load
    with sqlite3.connect(database) as db:
        stored = {row[0] for row in db.execute("SELECT id FROM drafts")}
        created = {row[0] for row in db.execute("SELECT draft_id FROM events WHERE kind = 'created'")}
    assert stored == answered == created


def _serve(port: int, upstream: FakeUpstream, database: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TRUSTDRAFT_DEFAULT_MODEL": REMOTE_MODEL,
        "TRUSTDRAFT_API_BASE": upstream.base_url,
        "TRUSTDRAFT_MODEL_API_KEY": "sk-loopback",
        "TRUSTDRAFT_LOAD_LOCAL_MODEL": "false",
        "TRUSTDRAFT_DATABASE_PATH": str(database),
        "TRUSTDRAFT_API_KEYS": KEYS,
        "TRUSTDRAFT_RATE_LIMIT": "100000/minute",
        "TRUSTDRAFT_MAX_CONCURRENT_DRAFTS": "64",
        "TRUSTDRAFT_ANONYMOUS_ROLE": "drafter",
    }
    command = [str(Path(sys.executable).parent / "trustdraft"), "serve", "--port", str(port)]
    log = (database.parent / "service.log").open("wb")  # a file: a full pipe would block the service
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the service did not start")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_service_killed_mid_write_leaves_no_half_written_draft(upstream: FakeUpstream, tmp_path: Path) -> None:
    database, port = tmp_path / "db.sqlite3", _free_port()
    process = _serve(port, upstream, database)
    base = f"http://127.0.0.1:{port}"
    answered: list[str] = []
    stop = threading.Event()

    def keep_writing() -> None:  # drafts and approvals, back to back, until the process dies
        while not stop.is_set():
            try:
                made = _post(base, "/v1/drafts", "d-key", BODY)
                if made.status_code == 200:
                    answered.append(made.json()["id"])
                    _post(base, f"/v1/drafts/{made.json()['id']}/reviews", "r1-key", {"decision": "approve", "text": "Sorry."})
            except httpx.HTTPError:
                return

    workers = [threading.Thread(target=keep_writing) for _ in range(16)]
    for worker in workers:
        worker.start()
    while len(answered) < 60:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    stop.set()
    for worker in workers:
        worker.join(30)
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        drafts = {row[0]: row[1:] for row in db.execute("SELECT id, state, current_revision FROM drafts")}
        revisions = set(db.execute("SELECT draft_id, number FROM revisions"))
        events = list(db.execute("SELECT draft_id, kind FROM events"))
        reviews = list(db.execute("SELECT draft_id, revision, decision FROM reviews"))
    assert set(answered) <= set(drafts)  # every draft answered with 200 is there
    for draft_id, (state, current) in drafts.items():
        assert (draft_id, 0) in revisions and (draft_id, current) in revisions
        kinds = [kind for owner, kind in events if owner == draft_id]
        assert kinds[:2] == ["created", "graded"]
        assert (state == "approved") == ("approved" in kinds) == any(r[0] == draft_id for r in reviews)
    assert {owner for owner, _ in events} <= set(drafts) and {r[0] for r in revisions} <= set(drafts)
