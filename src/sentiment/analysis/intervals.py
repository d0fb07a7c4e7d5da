"""Confidence intervals: percentile bootstrap over respondents (seeded) and Wilson for shares."""

from __future__ import annotations

import zlib

import numpy as np
from scipy import stats

_MAX_DRAWS = 2_000_000


def cell_rng(seed: int, key: str) -> np.random.Generator:
    """A generator fixed by the configured seed and the cell's name, not by computation order."""
    return np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])


def bootstrap_means(values: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Means of `resamples` resamples (with replacement, same size) of `values`."""
    values = np.asarray(values, dtype=float)
    # Blocks of resamples keep the index matrix near 2 million entries, whatever the n.
    block = max(1, _MAX_DRAWS // max(values.size, 1))
    means = [values[rng.integers(0, values.size, size=(min(block, resamples - start), values.size))]
             .mean(axis=1) for start in range(0, resamples, block)]
    return np.concatenate(means)


def _percentiles(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(draws, [tail, 1.0 - tail])
    return float(low), float(high)


def bootstrap_mean_ci(values: np.ndarray, *, resamples: int, rng: np.random.Generator,
                      confidence: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean; (nan, nan) without data."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return float("nan"), float("nan")
    return _percentiles(bootstrap_means(values, resamples, rng), confidence)


def bootstrap_diff_ci(before: np.ndarray, after: np.ndarray, *, resamples: int,
                      rng: np.random.Generator, confidence: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of mean(after) − mean(before), waves resampled independently.

    Panel respondents answering in both waves are treated as independent; with positive
    within-person correlation this makes the interval wider (conservative), not narrower.
    """
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    if before.size == 0 or after.size == 0:
        return float("nan"), float("nan")
    draws = bootstrap_means(after, resamples, rng) - bootstrap_means(before, resamples, rng)
    return _percentiles(draws, confidence)


def welch_p(before: np.ndarray, after: np.ndarray) -> float:
    """Two-sided Welch t-test p-value for a difference in means (nan when undefined)."""
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    if before.size < 2 or after.size < 2:
        return float("nan")
    if np.ptp(before) == 0 and np.ptp(after) == 0:
        return 1.0 if before[0] == after[0] else 0.0
    return float(stats.ttest_ind(after, before, equal_var=False).pvalue)


def wilson_interval(k: np.ndarray | int, n: np.ndarray | int,
                    confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (no continuity correction) for k successes in n; nan where n = 0.

    (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n), Wilson (1927), Newcombe (1998).
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(1.0 - (1.0 - confidence) / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high
