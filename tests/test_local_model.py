"""Real drafts from the embedded SmolLM2 model, through litellm's custom provider and the API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from service.app import create_app
from service.llm.local_model import MODEL_ID
from service.settings import Settings
from tests.conftest import example_facts

pytestmark = pytest.mark.slow

CASES = [
    ("reactive", "email", "telecom-outage"),
    ("preemptive", "internal_memo", "payroll-underpayment"),
    ("proactive", "social_post", "factory-transparency"),
]


def _request(strategy: str, channel: str, example: str, **options: object) -> dict[str, object]:
    return {
        "strategy": strategy,
        "channel": channel,
        "facts": example_facts(example),
        "options": {"max_words": 40, "checks": False, **options},
    }


@pytest.fixture(scope="module")
async def local_api() -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(Settings())
    async with app.router.lifespan_context(app) as state:
        transport = httpx.ASGITransport(app=_with_state(app, state))
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=300) as client:
            yield client


def _with_state(app: FastAPI, state: object) -> object:
    """ASGITransport does not run the lifespan; hand its state to each request the way uvicorn does."""

    async def asgi(scope: dict[str, object], receive: object, send: object) -> None:
        scope["state"] = dict(state)  # type: ignore[call-overload]
        await app(scope, receive, send)  # type: ignore[arg-type]

    return asgi


@pytest.mark.parametrize(("strategy", "channel", "example"), CASES)
async def test_the_embedded_model_drafts(
    local_api: httpx.AsyncClient, strategy: str, channel: str, example: str
) -> None:
    response = await local_api.post("/v1/drafts", json=_request(strategy, channel, example))
    assert response.status_code == 200, response.text
    draft = response.json()
    assert draft["model"] == MODEL_ID and len(draft["text"].split()) >= 3
    assert draft["usage"]["prompt_tokens"] > 100 and draft["usage"]["completion_tokens"] > 0
    assert draft["prompt"]["id"] == strategy


async def test_temperature_zero_with_a_seed_is_deterministic(local_api: httpx.AsyncClient) -> None:
    body = _request("reactive", "status_page", "telecom-outage", seed=11)
    first, second = [(await local_api.post("/v1/drafts", json=body)).json()["text"] for _ in range(2)]
    assert first == second


async def test_concurrent_requests_do_not_corrupt_each_other(local_api: httpx.AsyncClient) -> None:
    bodies = [_request(*case) for case in CASES]
    sequential = [(await local_api.post("/v1/drafts", json=b)).json()["text"] for b in bodies]
    responses = await asyncio.gather(*(local_api.post("/v1/drafts", json=b) for b in bodies))
    assert [r.json()["text"] for r in responses] == sequential


async def test_health_answers_while_the_model_is_busy(local_api: httpx.AsyncClient) -> None:
    drafting = asyncio.create_task(local_api.post("/v1/drafts", json=_request(*CASES[0])))
    await asyncio.sleep(0.2)
    health = await asyncio.wait_for(local_api.get("/healthz"), timeout=2)
    assert health.status_code == 200 and not drafting.done()
    assert (await drafting).status_code == 200
