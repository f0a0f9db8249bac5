"""No Docker engine runs here, so run what the image runs: its CMD, ENV and HEALTHCHECK, from its layout."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _instruction(name: str) -> str:
    """The last instruction `name` (continuation lines joined), as Docker reads it."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    found = re.findall(rf"^{name}\s+(.+)$", joined, flags=re.M)
    assert found, f"Dockerfile has no {name}"
    return found[-1].strip()


def _exec_form(text: str) -> list[str]:
    return list(json.loads(text[text.index("[") :]))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_image_is_slim_non_root_and_checks_health() -> None:
    assert re.search(r"^FROM python:3\.11-slim\s*$", DOCKERFILE, flags=re.M)
    assert _instruction("USER") != "root"
    assert "/healthz" in _instruction("HEALTHCHECK")
    assert _exec_form(_instruction("CMD"))[:2] == ["trustdraft", "serve"]


@pytest.mark.slow
def test_the_cmd_serves_and_the_healthcheck_passes(tmp_path: Path) -> None:
    app_dir = tmp_path / "app"
    shutil.copytree(ROOT / "prompts", app_dir / "prompts")  # the image's COPY prompts ./prompts
    env = dict(os.environ)
    for pair in re.findall(r"(\w+)=(\S+)", _instruction("ENV")):
        env[pair[0]] = pair[1]
    env["TRUSTDRAFT_PROMPTS_DIR"] = str(app_dir / "prompts")  # /app/prompts in the image
    port = _free_port()
    command = [a.replace("8000", str(port)) for a in _exec_form(_instruction("CMD"))]
    command[0] = str(Path(sys.executable).with_name(command[0]))
    server = subprocess.Popen(command, cwd=app_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_until_ready(port, server)
        health = [
            a.replace("8000", str(port)) for a in _exec_form(_instruction("HEALTHCHECK").split("CMD", 1)[1])
        ]
        health[0] = sys.executable
        assert subprocess.run(health, timeout=10).returncode == 0
        body = json.loads((ROOT / "examples" / "request.json").read_text())
        body["options"] = {"max_words": 25, "checks": False}
        draft = httpx.post(f"http://127.0.0.1:{port}/v1/drafts", json=body, timeout=120)
        assert draft.status_code == 200 and draft.json()["text"]
    finally:
        server.terminate()
        server.wait(10)


def _wait_until_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"server exited: {server.stdout.read().decode() if server.stdout else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError("server did not become ready")
