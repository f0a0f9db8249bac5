"""Small, deterministic eval results for tests and golden reports: real cases, canned drafts, real grades."""

from __future__ import annotations

from evals.cases import load_cases
from evals.results import DraftRecord, Params, RunInfo, RunResults
from service.rubric import grade
from service.schemas import PromptRef, Usage

CASE_IDS = ["telecom-outage-email", "meal-kit-price-social", "factory-list-blog"]
BASE_TEXTS = {
    "telecom-outage-email": (
        "Subject: Our outage on 12 March\n\nOn 12 March our network went down across the country for about nine "
        "hours. Around 1.2 million of you could not call, text or use data. I am sorry.\n\nThe cause was a faulty "
        "configuration change we pushed to our core network at 04:10. We rolled it back at 13:05. From 20 March "
        "every core change goes through a staged rollout with automatic rollback.\n\nEvery affected customer gets "
        "a credit of two days of service on the next bill. Our full report will be on our website by 26 March.\n\n"
        "Daniel Reyes\nChief Executive Officer"
    ),
    "meal-kit-price-social": (
        "From 1 Feb our weekly box goes from $59 to $64. Ingredient costs rose 14% this year and we'd rather raise "
        "the price than shrink portions. Annual plans keep their price until renewal. Details: our blog in January."
    ),
    "factory-list-blog": (
        "Headline: Where your jacket was made\n\nWe have published the full list of the 14 factories that make "
        "our jackets and boots, with their 2025 audit results, because customers asked and should not have to "
        "guess. Two factories had overtime findings and are on corrective plans due in June. We will update the "
        "list every quarter; the next update comes in April."
    ),
}
CANDIDATE_TEXTS = {
    **BASE_TEXTS,
    "telecom-outage-email": (
        "Subject: Service update\n\nWe regret any inconvenience caused by a recent issue. A small number of "
        "customers had a brief disruption. Everyone gets a $20 credit.\n\nThe Northwind Team"
    ),
}


def make_results(requested: str, version: str, texts: dict[str, str], samples: int = 1) -> RunResults:
    records = []
    for case in load_cases(",".join(CASE_IDS)):
        text = texts[case.id]
        checks = grade(text, case.facts, case.strategy, case.channel)
        records += [
            DraftRecord(
                key=f"{requested}-{case.id}-{sample}",
                case_id=case.id,
                strategy=case.strategy,
                channel=case.channel,
                industry=case.industry,
                tags=case.tags,
                requested=requested,
                prompt=PromptRef(id=case.strategy.value, version=version, sha256="0" * 64),
                model="fixture/model",
                sample=sample,
                params=Params(temperature=0.0, max_tokens=200, seed=sample, max_words=100),
                text=text,
                checks=checks,
                latency_ms=float(len(text) * 10),  # model time grows with the draft, as it does
                usage=Usage.of(300, len(text.split())),
            )
            for sample in range(samples)
        ]
    info = RunInfo(
        id="fixture",
        started_at="2026-01-01T00:00:00+00:00",
        model="fixture/model",
        prompts=[requested],
        cases=CASE_IDS,
        repeat=1,
        concurrency=1,
        temperature=0.0,
        seed=0,
    )
    return RunResults(run=info, records=records)
