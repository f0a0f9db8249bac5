"""Schemathesis against the app's own OpenAPI document: every operation, valid and invalid input, and
stateful sequences. No 5xx from the service itself, every response conforms to the schema, and (through the
CLI, `--checks all`) a request that fits the schema is accepted and one that does not is refused.

The app runs under uvicorn on 127.0.0.1 with the loopback upstream behind it, as in production.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode

from service.app import create_app
from tests.conftest import remote_settings
from tests.fake_upstream import FakeUpstream
from tests.servers import serving

EXAMPLES_PER_OPERATION = 40


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with FakeUpstream() as upstream:
        # Anonymous callers as admins, so the review routes are exercised too (decisions need a reviewer).
        settings = remote_settings(
            upstream, rate_limit="1000000/minute", max_concurrent_drafts=64, anonymous_role="admin"
        )
        with serving(create_app(settings)) as url:
            yield url


@pytest.fixture(scope="module")
def api_schema(base_url: str) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    schema.config.update(base_url=base_url)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES_PER_OPERATION
    )
    return schema


def test_every_operation_conforms_and_never_fails_with_a_5xx(api_schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck)
        )
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate()

        conforms()


def test_stateful_sequences_conform(api_schema: schemathesis.BaseSchema) -> None:
    machine = api_schema.as_state_machine()
    machine.run(
        settings=hypothesis_settings(
            max_examples=15, stateful_step_count=4, deadline=None, suppress_health_check=list(HealthCheck)
        )
    )


def test_the_schema_declares_every_status_a_route_returns(base_url: str) -> None:
    document = httpx.get(f"{base_url}/openapi.json").json()
    drafts = document["paths"]["/v1/drafts"]["post"]["responses"]
    assert {"200", "400", "401", "413", "422", "429", "502", "503", "504"} <= set(drafts)
    for status in ("400", "422", "429", "503"):
        assert "application/problem+json" in drafts[status]["content"]


def test_the_cli_with_every_check_finds_nothing(base_url: str, tmp_path: Path) -> None:
    """`schemathesis run --checks all`, as a user would run it from the repository (schemathesis.toml applies)."""
    cli = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [str(cli), "run", f"{base_url}/openapi.json", "--checks", "all", "--max-examples", "60", "--seed", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parent.parent,
        env={"PATH": str(cli.parent), "HOME": str(tmp_path), "SCHEMATHESIS_HOOKS": ""},
    )
    assert result.returncode == 0, result.stdout[-4000:]
    # No failure; a warning may remain (schemathesis cannot reach every stored draft's id by itself).
    summary = result.stdout.strip().splitlines()[-1]
    assert "failed" not in summary and "error" not in summary, result.stdout[-4000:]
