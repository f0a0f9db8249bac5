"""The floor the service is compared with: `litellm.acompletion` called directly, with the exact messages the
service sends for the example request, against the loopback upstream, at a fixed concurrency.

It runs in its own process so a pinned benchmark can put it on the same core the service gets:

    .venv/bin/python -m bench.direct_litellm --port PORT --concurrency 16 --total 192

and prints one JSON object (a LoadResult) on its last line of stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from dataclasses import asdict
from typing import Any

from bench.harness import ROOT, LoadResult, drive

WARMUP = 5


def request_body(checks: bool) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((ROOT / "examples" / "request.json").read_text())
    body["options"] = {"checks": checks}  # the channel's default length: 250 words, max_tokens 460
    return body


def messages() -> list[dict[str, str]]:
    """The exact messages the service sends for the example request, so both paths carry the same payload."""
    from service.drafting import DEFAULT_MAX_WORDS, prompt_variables
    from service.prompts import PromptRegistry
    from service.schemas import DraftRequest
    from service.settings import Settings

    request = DraftRequest.model_validate(request_body(True))
    prompt = PromptRegistry.load(Settings().prompts_dir).resolve(None, default_id=request.strategy.value)
    max_words = request.options.max_words or DEFAULT_MAX_WORDS[request.channel]
    return prompt.render(prompt_variables(request, max_words))


async def direct(port: int, concurrency: int, total: int) -> LoadResult:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from service.llm.runtime import litellm

    lm = litellm()
    sent = messages()
    base = f"http://127.0.0.1:{port}/v1"

    async def call() -> float | None:
        started = asyncio.get_running_loop().time()
        try:
            await lm.acompletion(
                model="openai/fake-model", api_base=base, api_key="sk-bench", messages=sent, temperature=0.0,
                max_tokens=460, seed=0, timeout=30, num_retries=0, max_retries=0,
            )
        except Exception:
            return None
        return (asyncio.get_running_loop().time() - started) * 1000

    for _ in range(WARMUP):  # litellm sets itself up on the first call
        await call()
    cpu_before = time.process_time()
    result = await drive("direct", call, concurrency, total, warmup=0)
    result.extra["cpu_ms_per_request"] = round((time.process_time() - cpu_before) * 1000 / total, 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="the loopback upstream's port")
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--total", type=int, required=True)
    args = parser.parse_args()
    result = asyncio.run(direct(args.port, args.concurrency, args.total))
    print(json.dumps(asdict(result)), flush=True)


if __name__ == "__main__":
    main()
