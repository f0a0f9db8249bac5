"""The statistics a prompt comparison needs: paired bootstrap intervals and the exact McNemar test."""

from __future__ import annotations

import random
import statistics
from math import comb


def mcnemar_exact(base_only: int, candidate_only: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs.

    base_only: pairs where only the baseline passed; candidate_only: only the candidate passed. Under
    the null each discordant pair is a fair coin, so this is a two-sided binomial test at p = 0.5.
    """
    n = base_only + candidate_only
    if n == 0:
        return 1.0
    k = min(base_only, candidate_only)
    tail = sum(comb(n, i) for i in range(k + 1)) / 2**n
    return float(min(1.0, 2 * tail))


def bootstrap_mean_ci(
    deltas: list[float], *, resamples: int = 2000, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval for the mean of paired deltas (deterministic for a given seed)."""
    if not deltas:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(deltas)
    means = sorted(sum(rng.choices(deltas, k=n)) / n for _ in range(resamples))
    low = means[int((1 - confidence) / 2 * resamples)]
    high = means[min(resamples - 1, int((1 + confidence) / 2 * resamples))]
    return (low, high)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
