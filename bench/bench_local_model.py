"""The embedded model: llama-cpp-python called directly vs the same prompt through the service, same run.

    .venv/bin/python -m bench.bench_local_model [--runs 3]

Direct: llama_cpp.Llama.create_chat_completion (streamed, for time to first token) on the exact
messages the service renders for examples/request.json. Service: `trustdraft serve` in its own
process, POST /v1/drafts with the same request (streamed when the API supports it). Both greedy
(temperature 0, same seed, same max_tokens), so they generate the same tokens. Also reports RSS.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import httpx

from bench.harness import ROOT, rss_mb, service_process, write_results

MAX_WORDS = 120


def _request() -> dict[str, Any]:
    body: dict[str, Any] = json.loads((ROOT / "examples" / "request.json").read_text())
    body["options"] = {"checks": False, "max_words": MAX_WORDS, "seed": 0, "temperature": 0.0}
    return body


def _plan() -> Any:
    from service.drafting import Drafter
    from service.llm.gateway import LLMGateway
    from service.prompts import PromptRegistry
    from service.schemas import DraftRequest
    from service.settings import Settings

    settings = Settings(load_local_model=False)
    drafter = Drafter(PromptRegistry.load(settings.prompts_dir), LLMGateway(settings), settings)
    return drafter.plan(DraftRequest.model_validate(_request()))


def direct_runs(runs: int) -> tuple[list[dict[str, float]], float, float]:
    """Stream from llama.cpp directly; returns per-run figures, load seconds and RSS after load."""
    from service.llm.local_model import REPEAT_PENALTY, LocalModel

    plan = _plan()
    started = time.perf_counter()
    model = LocalModel()
    load_s = time.perf_counter() - started
    rss = rss_mb(__import__("os").getpid())
    figures = []
    for _ in range(runs):
        model._llama.reset()
        model._llama.set_seed(plan.sampling.seed)
        began = time.perf_counter()
        first = None
        tokens = 0
        for chunk in model._llama.create_chat_completion(
            messages=plan.messages,
            temperature=plan.sampling.temperature,
            max_tokens=plan.sampling.max_tokens,
            seed=plan.sampling.seed,
            repeat_penalty=REPEAT_PENALTY,
            stream=True,
        ):
            if chunk["choices"][0]["delta"].get("content"):
                first = first or time.perf_counter()
                tokens += 1
        total = time.perf_counter() - began
        figures.append(_figures(tokens, total, (first or began) - began))
    return figures, load_s, rss


def _figures(tokens: int, total_s: float, ttft_s: float) -> dict[str, float]:
    decode_s = max(total_s - ttft_s, 1e-9)
    return {
        "completion_tokens": tokens,
        "total_s": round(total_s, 3),
        "ttft_ms": round(ttft_s * 1000, 1),
        "tokens_per_s": round(tokens / total_s, 2),
        "decode_tokens_per_s": round(max(tokens - 1, 0) / decode_s, 2),
    }


def service_runs(runs: int) -> tuple[list[dict[str, float]], float]:
    figures = []
    with service_process({"TRUSTDRAFT_DEFAULT_MODEL": "local/smollm2-135m-instruct"}) as (base, pid):
        with httpx.Client(base_url=base, timeout=600) as client:
            client.post("/v1/drafts", json=_request())  # warm-up, as the direct side's first call is
            for _ in range(runs):
                figures.append(_one_service_run(client))
        rss = rss_mb(pid)
    return figures, rss


def _one_service_run(client: httpx.Client) -> dict[str, float]:
    """Stream when the service supports it (SSE), else time the whole call."""
    began = time.perf_counter()
    first = None
    tokens = 0
    with client.stream(
        "POST", "/v1/drafts", json=_request(), headers={"accept": "text/event-stream"}
    ) as response:
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            for line in response.iter_lines():
                if line.startswith("event: delta"):  # one delta per generated token, as on the direct side
                    first = first or time.perf_counter()
                    tokens += 1
        else:
            body = json.loads(response.read())
            tokens = body["usage"]["completion_tokens"]
    total = time.perf_counter() - began
    return _figures(tokens, total, (first - began) if first else float("nan"))


def summarise(figures: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(statistics.median(f[key] for f in figures), 3) for key in figures[0]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    direct, load_s, direct_rss = direct_runs(args.runs)
    service, service_rss = service_runs(args.runs)
    d, s = summarise(direct), summarise(service)
    ratio = round(s["tokens_per_s"] / d["tokens_per_s"], 3)
    print(f"direct  : {d}  (load {load_s:.2f}s, RSS {direct_rss:.0f} MB)")
    print(f"service : {s}  (RSS {service_rss:.0f} MB)")
    print(f"service/direct tokens per second: {ratio}")
    path = write_results(
        "local_model",
        {
            "runs": args.runs,
            "max_words": MAX_WORDS,
            "direct": direct,
            "service": service,
            "direct_median": d,
            "service_median": s,
            "tokens_per_s_ratio": ratio,
            "direct_load_s": round(load_s, 3),
            "direct_rss_mb": round(direct_rss, 1),
            "service_rss_mb": round(service_rss, 1),
        },
    )
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
