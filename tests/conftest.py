"""Shared fixtures: a loopback OpenAI-compatible upstream, settings pointing at it, and app clients."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# Drafts the tests store go to a scratch SQLite file, never to the checkout's var/.
os.environ.setdefault("TRUSTDRAFT_DATABASE_PATH", str(Path(tempfile.mkdtemp(prefix="trustdraft-tests-")) / "db.sqlite3"))

from service.app import create_app
from service.settings import Settings
from tests.databases import database_url, postgres  # noqa: F401  (fixtures)
from tests.fake_upstream import FakeUpstream

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
REMOTE_MODEL = "openai/fake-model"


def example_facts(name: str) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((ROOT / "examples" / f"{name}.yaml").read_text())
    return data


@pytest.fixture
def upstream() -> Iterator[FakeUpstream]:
    with FakeUpstream() as server:
        yield server


def remote_settings(upstream: FakeUpstream, **overrides: object) -> Settings:
    """Settings that send every model call to the loopback upstream, with fast retries."""
    values: dict[str, object] = {
        "default_model": REMOTE_MODEL,
        "api_base": upstream.base_url,
        "model_api_key": "sk-loopback",
        "request_timeout_s": 10.0,  # generous on a loaded 2-core machine; tests of timeouts set their own
        "retry_attempts": 3,
        "retry_initial_wait_s": 0.01,
        "retry_max_wait_s": 0.05,
        "load_local_model": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def remote_client(upstream: FakeUpstream) -> Iterator[TestClient]:
    with TestClient(create_app(remote_settings(upstream)), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="session")
def local_client() -> Iterator[TestClient]:
    """The app on the embedded model, loaded once for the whole session."""
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as client:
        yield client
