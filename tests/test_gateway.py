"""The LLM gateway through litellm's real HTTP path (`openai/...` + api_base) against a loopback server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from service import errors
from service.llm.gateway import LLMGateway, Sampling
from tests.conftest import REMOTE_MODEL, remote_settings
from tests.fake_upstream import FakeUpstream, Fault

MESSAGES = [{"role": "user", "content": "Draft an apology."}]


async def test_success_records_usage_latency_and_one_attempt(upstream: FakeUpstream) -> None:
    result = await LLMGateway(remote_settings(upstream)).complete(MESSAGES, sampling=Sampling(seed=7))
    assert result.text.startswith("Subject:") and result.model == REMOTE_MODEL
    assert result.prompt_tokens > 0 and result.completion_tokens > 0 and result.latency_ms > 0
    assert result.attempts == 1 and upstream.calls == 1
    sent = upstream.requests[0].body
    assert sent["seed"] == 7 and sent["temperature"] == 0.0 and sent["max_tokens"] == 600


async def test_429_is_retried_honouring_retry_after(upstream: FakeUpstream) -> None:
    upstream.script(Fault("status", 429, retry_after="0.3"))
    started = time.monotonic()
    result = await LLMGateway(remote_settings(upstream)).complete(MESSAGES)
    assert result.attempts == 2 and upstream.calls == 2
    assert time.monotonic() - started >= 0.3


async def test_persistent_500s_give_up_after_the_configured_attempts(upstream: FakeUpstream) -> None:
    upstream.script(*[Fault("status", 500)] * 5)
    with pytest.raises(errors.UpstreamUnavailable) as caught:
        await LLMGateway(remote_settings(upstream, retry_attempts=3)).complete(MESSAGES)
    assert upstream.calls == 3 and caught.value.status == 503


@pytest.mark.parametrize(("status", "kind"), [(400, errors.UpstreamRejected), (401, errors.UpstreamRejected)])
async def test_client_errors_are_never_retried(
    upstream: FakeUpstream, status: int, kind: type[Exception]
) -> None:
    upstream.script(Fault("status", status))
    with pytest.raises(kind):
        await LLMGateway(remote_settings(upstream)).complete(MESSAGES)
    assert upstream.calls == 1


async def test_context_window_errors_are_not_retried(upstream: FakeUpstream) -> None:
    body = {
        "error": {
            "message": "This model's maximum context length is 8192 tokens",
            "type": "invalid_request_error",
            "code": "context_length_exceeded",
        }
    }
    upstream.script(Fault("status", 400, body=body))
    with pytest.raises(errors.ContextWindowExceeded):
        await LLMGateway(remote_settings(upstream)).complete(MESSAGES)
    assert upstream.calls == 1


async def test_a_slow_upstream_times_out_within_the_timeout(upstream: FakeUpstream) -> None:
    upstream.script(*[Fault(delay_s=5)] * 3)
    started = time.monotonic()
    with pytest.raises(errors.UpstreamTimeout):
        await LLMGateway(remote_settings(upstream, request_timeout_s=0.4, retry_attempts=2)).complete(
            MESSAGES
        )
    assert time.monotonic() - started < 2.0


async def test_the_deadline_bounds_retries_and_fallbacks_together(upstream: FakeUpstream) -> None:
    upstream.script(*[Fault("hang")] * 10)
    settings = remote_settings(
        upstream, request_timeout_s=5, retry_attempts=5, fallback_models=["openai/other"]
    )
    started = time.monotonic()
    with pytest.raises(errors.UpstreamTimeout):
        await LLMGateway(settings).complete(MESSAGES, deadline=time.monotonic() + 0.8)
    assert time.monotonic() - started < 1.2


async def test_a_fallback_model_answers_when_the_first_gives_up(upstream: FakeUpstream) -> None:
    upstream.script(Fault("status", 503), Fault("status", 503))
    settings = remote_settings(upstream, retry_attempts=2, fallback_models=["openai/backup-model"])
    result = await LLMGateway(settings).complete(MESSAGES)
    assert result.model == "openai/backup-model"
    assert [r.body["model"] for r in upstream.requests] == ["fake-model", "fake-model", "backup-model"]
    assert any("fell back" in w for w in result.warnings)


async def test_finish_reason_length_is_a_warning(upstream: FakeUpstream) -> None:
    upstream.script(Fault("length"))
    result = await LLMGateway(remote_settings(upstream)).complete(MESSAGES)
    assert result.finish_reason == "length" and any("token limit" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (Fault("empty"), errors.UpstreamBadOutput),
        (Fault("content_filter"), errors.ContentPolicy),
    ],
)
async def test_unusable_output_is_a_clear_error(
    upstream: FakeUpstream, fault: Fault, kind: type[Exception]
) -> None:
    upstream.script(fault)
    with pytest.raises(kind):
        await LLMGateway(remote_settings(upstream)).complete(MESSAGES)


@pytest.mark.parametrize("model", ["no-such-provider/x", "local/gpt-9", "gpt-unknown-model-xyz"])
def test_models_litellm_cannot_route_are_rejected_up_front(upstream: FakeUpstream, model: str) -> None:
    with pytest.raises(errors.UnknownModel):
        LLMGateway(remote_settings(upstream)).validate_model(model)


def test_the_eval_cache_makes_one_call_for_two_drafts_asking_the_same_at_once(upstream: FakeUpstream, tmp_path: Path) -> None:
    """Two labels that resolve to one prompt ask for the same output at the same moment: one model call, and
    the second answer comes from the cache the first filled."""
    import asyncio

    from service.llm.cache import CachingGateway

    upstream.delay_s = 0.3
    gateway = CachingGateway(LLMGateway(remote_settings(upstream)), tmp_path / "cache")
    messages = [{"role": "user", "content": "Write one sentence."}]

    async def twice() -> list[bool]:
        both = await asyncio.gather(*(gateway.complete(messages, model=REMOTE_MODEL) for _ in range(2)))
        return [c.cached for c in both]

    assert sorted(asyncio.run(twice())) == [False, True] and upstream.calls == 1
