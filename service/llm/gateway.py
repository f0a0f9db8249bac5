"""The LLM gateway: the one place model calls happen.

Every call goes through `litellm.acompletion` with an explicit timeout, the SDK's own retries turned
off, and one tenacity loop that retries only retryable errors (429, 5xx, timeouts, connection
errors). When a model gives up, the next fallback model is tried. A deadline bounds it all.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import anyio
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from service import errors
from service.llm.errors import is_retryable, retry_after_seconds, to_domain_error
from service.llm.local_model import MODEL_ID as LOCAL_MODEL_ID
from service.llm.local_model import PROVIDER as LOCAL_PROVIDER
from service.llm.runtime import litellm
from service.settings import Settings
from service.timing import record_model_call

# Seconds kept back from the deadline so the service can still answer in time.
DEADLINE_MARGIN_S = 0.05


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.0
    max_tokens: int = 600
    seed: int = 0
    stop: tuple[str, ...] = ()  # the answer ends before any of these (a section is one paragraph)


@dataclass
class Completion:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float
    finish_reason: str | None
    attempts: int
    warnings: list[str] = field(default_factory=list)
    cached: bool = False  # served from a completion cache (the eval suite's), not by the model


@dataclass
class GatewayEvents:
    """Hooks for metrics; each defaults to doing nothing."""

    on_call: Callable[[str, float, str], None] = lambda model, seconds, outcome: None
    on_retry: Callable[[str], None] = lambda model: None
    on_fallback: Callable[[str, str], None] = lambda from_model, to_model: None
    on_tokens: Callable[[str, int, int], None] = lambda model, prompt, completion: None


# A JSON schema the answer must follow (structured output), as litellm's `response_format` carries it.
JsonSchema = dict[str, Any]


class Gateway(Protocol):
    """What the drafting pipeline needs from a model gateway (LLMGateway, or a wrapper around one)."""

    def validate_model(self, model: str) -> str: ...

    def supports_json_schema(self, model: str) -> bool: ...

    async def complete(
        self,
        messages: list[dict[str, str]],
        *,
        model: str | None = None,
        sampling: Sampling = ...,
        deadline: float | None = None,
        json_schema: JsonSchema | None = None,
    ) -> Completion: ...

    def stream(
        self, messages: list[dict[str, str]], *, model: str | None = None, sampling: Sampling = ...
    ) -> AsyncIterator[str | Completion]: ...


class LLMGateway:
    def __init__(self, settings: Settings, events: GatewayEvents | None = None) -> None:
        self.settings = settings
        self.events = events or GatewayEvents()

    def validate_model(self, model: str) -> str:
        """Fail fast, as a 4xx, on a model string litellm cannot route (the OpenAPI document gives the same
        rule as a pattern)."""
        if model.startswith(LOCAL_PROVIDER + "/"):
            if model != LOCAL_MODEL_ID:
                raise errors.UnknownModel(
                    f"unknown local model {model!r}; the embedded model is {LOCAL_MODEL_ID!r}"
                )
            if not self.settings.serves_local_model:
                raise errors.UnknownModel(
                    f"{model!r} is not loaded in this service (it loads when it is the default or a fallback)"
                )
            return model
        if not re.fullmatch(model_pattern(self.settings), model):
            raise errors.UnknownModel(
                f"litellm cannot route model {model!r}: give it as provider/model, e.g. openai/gpt-4o-mini"
            )
        return model

    def supports_json_schema(self, model: str) -> bool:
        """Whether to ask this model for JSON that follows a schema: as configured, or (`auto`) as litellm knows
        the model (the embedded model and models litellm does not know answer in plain text)."""
        if self.settings.structured_output != "auto":
            return self.settings.structured_output == "on"
        if model.startswith(LOCAL_PROVIDER + "/"):
            return False
        try:
            return bool(litellm().supports_response_schema(model=model))
        except Exception:  # litellm raises for a provider it cannot map; then it is not known to support it
            return False

    async def complete(
        self,
        messages: list[dict[str, str]],
        *,
        model: str | None = None,
        sampling: Sampling = Sampling(),
        deadline: float | None = None,
        json_schema: JsonSchema | None = None,
    ) -> Completion:
        """One completion, retried and falling back as configured, finished before `deadline`; with
        `json_schema`, the provider is asked for JSON that follows it."""
        primary = self.validate_model(model or self.settings.default_model)
        chain = [primary, *(m for m in self.settings.fallback_models if m != primary)]
        deadline = deadline or time.monotonic() + self.settings.request_timeout_s * len(chain) * 2
        warnings: list[str] = []
        last: errors.UpstreamError | None = None
        for index, candidate in enumerate(chain):
            if index:
                self.events.on_fallback(chain[index - 1], candidate)
                warnings.append(
                    f"fell back from {chain[index - 1]} to {candidate}: {last.detail if last else ''}"
                )
            try:
                result = await self._with_retries(candidate, messages, sampling, deadline, json_schema)
            except errors.UpstreamError as exc:
                last = exc
                if not _worth_falling_back(exc) or _remaining(deadline) <= 0:
                    raise
                continue
            result.warnings[:0] = warnings
            return result
        assert last is not None
        raise last

    async def _with_retries(
        self,
        model: str,
        messages: list[dict[str, str]],
        sampling: Sampling,
        deadline: float,
        json_schema: JsonSchema | None = None,
    ) -> Completion:
        retrying = AsyncRetrying(
            retry=retry_if_exception(is_retryable),
            stop=stop_after_attempt(self.settings.retry_attempts) | _StopBefore(deadline),
            wait=self._wait,
            before_sleep=lambda state: self.events.on_retry(model),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    result = await self._call_once(model, messages, sampling, deadline, json_schema)
                    result.attempts = attempt.retry_state.attempt_number
                    return result
        except errors.UpstreamError:
            raise
        except Exception as exc:
            raise to_domain_error(exc, model) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _wait(self, state: RetryCallState) -> float:
        """Honour the provider's Retry-After; otherwise exponential backoff with full jitter."""
        exc = state.outcome.exception() if state.outcome else None
        hinted = retry_after_seconds(exc) if exc else None
        if hinted is not None:
            return hinted
        ceiling = min(
            self.settings.retry_max_wait_s,
            self.settings.retry_initial_wait_s * 2 ** (state.attempt_number - 1),
        )
        return random.uniform(0, ceiling)

    async def _call_once(
        self,
        model: str,
        messages: list[dict[str, str]],
        sampling: Sampling,
        deadline: float,
        json_schema: JsonSchema | None = None,
    ) -> Completion:
        timeout = min(self.settings.request_timeout_s, _remaining(deadline))
        if timeout <= 0:
            raise errors.UpstreamTimeout(f"{model}: the request deadline passed", model=model)
        started = time.perf_counter()
        outcome = "error"
        try:
            with anyio.fail_after(timeout):
                args = self._call_args(model, messages, sampling, timeout)
                if json_schema is not None:
                    args["response_format"] = {
                        "type": "json_schema",
                        "json_schema": {"name": "draft", "schema": json_schema, "strict": True},
                    }
                response = await litellm().acompletion(**args)
            outcome = "ok"
        except TimeoutError as exc:
            outcome = "timeout"
            raise litellm().Timeout(
                message=f"no answer within {timeout:.1f}s", model=model, llm_provider=model.split("/")[0]
            ) from exc
        finally:
            ended = time.perf_counter()
            record_model_call(started, ended)
            self.events.on_call(model, ended - started, outcome)
        return self._to_completion(model, response, (time.perf_counter() - started) * 1000)

    def _call_args(
        self, model: str, messages: list[dict[str, str]], sampling: Sampling, timeout: float
    ) -> dict[str, Any]:
        args: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "temperature": sampling.temperature,
            "max_tokens": sampling.max_tokens,
            "seed": sampling.seed,
            **({"stop": list(sampling.stop)} if sampling.stop else {}),
            "timeout": timeout,
            "num_retries": 0,  # one retry loop only: ours
            "max_retries": 0,
        }
        if self.settings.api_base and not model.startswith(LOCAL_PROVIDER + "/"):
            args["api_base"] = self.settings.api_base
        if self.settings.model_api_key is not None:
            args["api_key"] = self.settings.model_api_key.get_secret_value()
        return args

    def _to_completion(self, model: str, response: Any, latency_ms: float) -> Completion:
        choices = getattr(response, "choices", None) or []
        if not choices:
            raise errors.UpstreamBadOutput(f"{model}: the response had no choices", model=model)
        choice = choices[0]
        text = getattr(choice.message, "content", None) or ""
        usage = getattr(response, "usage", None)
        return self._completion(model, text, usage, getattr(choice, "finish_reason", None), latency_ms)

    def _completion(self, model: str, text: str, usage: Any, finish: str | None, latency_ms: float) -> Completion:
        """A finished answer, whether it came whole or streamed: refused, empty or cut off says so."""
        if finish == "content_filter":
            raise errors.ContentPolicy(
                f"{model}: the provider's content filter stopped the draft", model=model
            )
        text = text.strip()
        if not text:
            raise errors.UpstreamBadOutput(f"{model}: the model returned an empty draft", model=model)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        self.events.on_tokens(model, prompt_tokens, completion_tokens)
        warnings = []
        if finish == "length":
            warnings.append(
                "the model stopped at its token limit (finish_reason=length); the draft may be cut off"
            )
        return Completion(text, model, prompt_tokens, completion_tokens, latency_ms, finish, 1, warnings)

    async def stream(
        self, messages: list[dict[str, str]], *, model: str | None = None, sampling: Sampling = Sampling()
    ) -> AsyncIterator[str | Completion]:
        """Text deltas from one model as they arrive, then one Completion: the whole text with its usage (the
        provider's, asked for with include_usage; litellm counts the tokens when a provider sends none).
        No retries once text has started to flow."""
        chosen = self.validate_model(model or self.settings.default_model)
        args = self._call_args(chosen, messages, sampling, self.settings.request_timeout_s)
        started = time.perf_counter()
        pieces: list[str] = []
        usage: Any = None
        finish: str | None = None
        outcome = "error"
        try:
            response = await litellm().acompletion(**args, stream=True, stream_options={"include_usage": True})
            async for chunk in response:
                usage = getattr(chunk, "usage", None) or usage
                choice = chunk.choices[0] if chunk.choices else None
                finish = (choice.finish_reason if choice else None) or finish
                delta = choice.delta.content if choice else None
                if delta:
                    pieces.append(delta)
                    yield delta
            outcome = "ok"
        except errors.UpstreamError:
            raise
        except Exception as exc:
            raise to_domain_error(exc, chosen) from exc
        finally:
            ended = time.perf_counter()
            record_model_call(started, ended)
            self.events.on_call(chosen, ended - started, outcome)
        yield self._completion(chosen, "".join(pieces), usage, finish, (ended - started) * 1000)

# A model's own name: ASCII, as providers spell them ("meta-llama/Llama-3.1-8B", "llama3:8b", "...-v1:0").
_MODEL_NAME = r"[A-Za-z0-9._:/@+~-]+"
# Providers that speak the OpenAI wire format: the only ones a TRUSTDRAFT_API_BASE server can answer for.
OPENAI_COMPATIBLE = ("openai", "hosted_vllm", "custom_openai", "lm_studio", "llamafile", "litellm_proxy")


def model_pattern(settings: Settings) -> str:
    """The model strings this gateway routes, as a regex (the OpenAPI document carries the same one):
    `provider/name` for a provider litellm knows (only OpenAI-compatible ones when every call goes to one
    `api_base`), and the embedded model when this service loads it. Checked by prefix, without litellm's
    own lookup (for a few providers that lookup goes out to the network to log in)."""
    return _pattern(settings.serves_local_model, settings.api_base is not None)


@cache
def _pattern(local: bool, one_base: bool) -> str:
    known = OPENAI_COMPATIBLE if one_base else [str(p.value) for p in litellm().provider_list]
    providers = "|".join(sorted((re.escape(p) for p in known), key=len, reverse=True))
    embedded = f"{re.escape(LOCAL_MODEL_ID)}|" if local else ""
    return rf"^(?:{embedded}(?:{providers})/{_MODEL_NAME})$"


class _StopBefore:
    """Stop retrying when the next sleep would run past the deadline."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, state: RetryCallState) -> bool:
        return time.monotonic() + state.upcoming_sleep + DEADLINE_MARGIN_S >= self.deadline


def _remaining(deadline: float) -> float:
    return deadline - time.monotonic() - DEADLINE_MARGIN_S


def _worth_falling_back(exc: errors.UpstreamError) -> bool:
    return isinstance(exc, errors.UpstreamUnavailable | errors.UpstreamTimeout | errors.UpstreamRateLimited)
