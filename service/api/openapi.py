"""The OpenAPI document says exactly what a draft request may hold, so a request that fits the schema is
accepted (RFC-style contract testing with schemathesis `--checks all` finds nothing).

pydantic describes each field on its own; three rules cross fields or depend on configuration, and are
added here: which prompt references exist for each strategy (and which of them take earlier messages),
which model strings the gateway can route, and that a body asking to stream cannot also ask for
best-of-n or revise rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service import errors
from service.drafting.plan import misfit
from service.facts import Strategy
from service.llm.gateway import model_pattern
from service.prompts import PromptRegistry
from service.settings import Settings


def refine_openapi(generate: Callable[[], dict[str, Any]], settings: Settings) -> Callable[[], dict[str, Any]]:
    """Wrap FastAPI's generator: the same document, with the request rules added once."""
    refined: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not refined:
            document = generate()
            registry = PromptRegistry.load(settings.prompts_dir)
            for name, streams in (("DraftRequest", True), ("PackRequest", False)):
                schema = document["components"]["schemas"].get(name)
                if schema is not None:
                    _describe(schema, registry, model_pattern(settings), streams=streams)
            refined.update(document)
        return refined

    return openapi


def _describe(schema: dict[str, Any], registry: PromptRegistry, models: str, *, streams: bool) -> None:
    properties = schema["properties"]
    properties["model"]["anyOf"][0]["pattern"] = models
    branches = [
        _prompt_branch(registry, strategy, follow_up)
        for strategy in Strategy
        for follow_up in (False, True)
    ]
    properties["prompt"]["anyOf"][0]["enum"] = sorted(
        {ref for branch in branches for option in branch["properties"]["prompt"]["anyOf"] for ref in option.get("enum", [])}
    )
    rules: list[dict[str, Any]] = [{"anyOf": [b for b in branches if b["properties"]["prompt"]["anyOf"]]}]
    if streams:  # a stream is one draft as it is written: no candidates, no revisions
        rules.append(
            {
                "anyOf": [
                    {"properties": {"stream": {"const": False}}},
                    {"properties": {"options": {"properties": {"n": {"const": 1}, "revise": {"const": 0}}}}},
                ]
            }
        )
    schema["allOf"] = rules


def _prompt_branch(registry: PromptRegistry, strategy: Strategy, follow_up: bool) -> dict[str, Any]:
    """Requests of this strategy, with or without earlier messages, and the prompt references they may name
    (null when the default label fits)."""
    refs = [ref for ref in _references(registry) if _fits(registry, ref, strategy, follow_up)]
    prompt: list[dict[str, Any]] = [{"type": "string", "enum": refs}] if refs else []
    if _fits(registry, None, strategy, follow_up):
        prompt.append({"type": "null"})
    history = {"minItems": 1} if follow_up else {"maxItems": 0}
    return {
        "required": ["strategy", "earlier_messages"] if follow_up else ["strategy"],
        "properties": {"strategy": {"const": strategy.value}, "earlier_messages": history, "prompt": {"anyOf": prompt}},
    }


def _references(registry: PromptRegistry) -> list[str]:
    """Every way to name a prompt version: `id@version`, `id@label`, and a bare version or label."""
    refs: set[str] = set()
    for prompt_id in registry.ids():
        names = [v.version for v in registry.versions(prompt_id)] + list(registry.labels(prompt_id))
        refs.update(names)
        refs.update(f"{prompt_id}@{name}" for name in names)
    return sorted(refs)


def _fits(registry: PromptRegistry, ref: str | None, strategy: Strategy, follow_up: bool) -> bool:
    try:
        prompt = registry.resolve(ref, default_id=strategy.value)
    except errors.PromptNotFound:
        return False
    return misfit(prompt, strategy, follow_up=follow_up) is None
