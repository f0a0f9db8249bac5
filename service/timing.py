"""Where a request's time goes: the model's share, so the service can report its own overhead.

The observability middleware opens a ledger per request; the gateway records each model call's
interval in it. Calls that overlap (best-of-n samples them concurrently) count once, so the service's
overhead is the request's wall time minus the union of model intervals.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

OVERHEAD_HEADER = "x-trustdraft-overhead-ms"

_ledger: ContextVar[list[tuple[float, float]] | None] = ContextVar("model_intervals", default=None)


def open_ledger() -> Token[list[tuple[float, float]] | None]:
    return _ledger.set([])


def close_ledger(token: Token[list[tuple[float, float]] | None]) -> None:
    _ledger.reset(token)


def record_model_call(started: float, ended: float) -> None:
    """Called by the gateway with perf_counter() times; a no-op outside a request."""
    intervals = _ledger.get()
    if intervals is not None:
        intervals.append((started, ended))


def model_seconds() -> float:
    """Total time at least one model call was in flight during this request."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(_ledger.get() or []):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total
