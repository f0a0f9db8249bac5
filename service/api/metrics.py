"""Prometheus metrics, one registry per app instance (no import-time globals for tests to patch)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from service.llm.gateway import GatewayEvents
from service.review.schemas import AcceptanceOut

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "trustdraft_requests_total",
            "HTTP requests by route template and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "trustdraft_request_seconds",
            "HTTP request duration by route template.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.model_seconds = Histogram(
            "trustdraft_model_call_seconds",
            "Model call latency by model and outcome.",
            ["model", "outcome"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.retries = Counter(
            "trustdraft_model_retries_total", "Model calls retried.", ["model"], registry=self.registry
        )
        self.fallbacks = Counter(
            "trustdraft_model_fallbacks_total",
            "Fallbacks from one model to the next.",
            ["from_model", "to_model"],
            registry=self.registry,
        )
        self.tokens = Counter(
            "trustdraft_tokens_total",
            "Tokens used, by model and kind (prompt, completion).",
            ["model", "kind"],
            registry=self.registry,
        )
        self.grader_failures = Counter(
            "trustdraft_grader_failures_total", "Drafts whose grading raised.", registry=self.registry
        )
        self.injection_flags = Counter(
            "trustdraft_injection_flags_total",
            "Drafts whose facts carried instruction-like text, by whether it was followed.",
            ["followed"],
            registry=self.registry,
        )
        self.drafts_in_flight = Gauge(
            "trustdraft_drafts_in_flight", "Drafts being written now.", registry=self.registry
        )
        self.review_drafts = Gauge(
            "trustdraft_review_drafts",
            "Decided drafts by prompt version, model and outcome (accepted as is, edited, rejected).",
            ["prompt", "model", "outcome"],
            registry=self.registry,
        )
        self.review_edit_distance = Gauge(
            "trustdraft_review_edit_distance_drafts",
            "Edited drafts whose share of words changed is at most `le` (cumulative).",
            ["prompt", "model", "le"],
            registry=self.registry,
        )

    def acceptance(self, rows: list[AcceptanceOut]) -> None:
        """Reviewers' decisions per prompt version and model, as stored (the same figures as
        GET /v1/stats/acceptance, read from the database at scrape time, so every replica agrees)."""
        self.review_drafts.clear()
        self.review_edit_distance.clear()
        for row in rows:
            labels = (f"{row.prompt_id}@{row.prompt_version}", row.model)
            for outcome, count in (("accepted", row.accepted_as_is), ("edited", row.edited), ("rejected", row.rejected)):
                self.review_drafts.labels(*labels, outcome).set(count)
            running = 0
            for bucket in row.edit_distance:
                running += bucket.count
                self.review_edit_distance.labels(*labels, str(bucket.le)).set(running)

    def gateway_events(self) -> GatewayEvents:
        return GatewayEvents(
            on_call=lambda model, seconds, outcome: self.model_seconds.labels(model, outcome).observe(
                seconds
            ),
            on_retry=lambda model: self.retries.labels(model).inc(),
            on_fallback=lambda source, target: self.fallbacks.labels(source, target).inc(),
            on_tokens=self._tokens,
        )

    def _tokens(self, model: str, prompt: int, completion: int) -> None:
        self.tokens.labels(model, "prompt").inc(prompt)
        self.tokens.labels(model, "completion").inc(completion)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.request_seconds.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
