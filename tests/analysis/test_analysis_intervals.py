"""Wilson interval against Newcombe (1998); seeded bootstrap; Welch p-value."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sentiment.analysis.intervals import (
    bootstrap_diff_ci,
    bootstrap_mean_ci,
    cell_rng,
    welch_p,
    wilson_interval,
)


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    # Newcombe RG (1998), Stat Med 17:857–872, Table I, method 3 (Wilson score, no correction)
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_textbook(k, n, low, high):
    got_low, got_high = wilson_interval(k, n)
    assert round(float(got_low), 4) == low and round(float(got_high), 4) == high


def test_wilson_vectorised_and_empty():
    low, high = wilson_interval(np.array([0, 5]), np.array([0, 10]))
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert low[1] < 0.5 < high[1]


def test_bootstrap_is_deterministic_per_seed_and_cell():
    values = np.array([10.0, 20.0, 35.0, 40.0, 55.0, 70.0, 71.0, 90.0])
    a = bootstrap_mean_ci(values, resamples=2000, rng=cell_rng(1, "W1|barat|remaja"))
    b = bootstrap_mean_ci(values, resamples=2000, rng=cell_rng(1, "W1|barat|remaja"))
    c = bootstrap_mean_ci(values, resamples=2000, rng=cell_rng(1, "W1|timur|remaja"))
    assert a == b
    assert a != c
    assert a[0] < values.mean() < a[1]


def test_bootstrap_degenerate_cases():
    assert bootstrap_mean_ci(np.array([42.0, 42.0, 42.0]), resamples=100,
                             rng=cell_rng(1, "x")) == (42.0, 42.0)
    assert all(np.isnan(bootstrap_mean_ci(np.array([]), resamples=100, rng=cell_rng(1, "x"))))


def test_bootstrap_diff_interval_covers_shift():
    rng = np.random.default_rng(3)
    before, after = rng.normal(40, 10, 200), rng.normal(50, 10, 200)
    low, high = bootstrap_diff_ci(before, after, resamples=2000, rng=cell_rng(1, "d"))
    diff = after.mean() - before.mean()
    assert 0 < low < diff < high
    # a normal-theory interval of the same difference is close (within 0.5 points each side)
    se = np.sqrt(before.var(ddof=1) / 200 + after.var(ddof=1) / 200)
    assert low == pytest.approx(diff - 1.96 * se, abs=0.5)
    assert high == pytest.approx(diff + 1.96 * se, abs=0.5)


def test_welch_p_by_hand():
    # a = 1 2 3, b = 4 5 6: means 2 and 5, variances 1 and 1
    # t = 3 / sqrt(1/3 + 1/3) = 3.6742; Welch df = (2/3)² / (2 · (1/3)²/2) = 4
    expected = 2 * stats.t.sf(3 / np.sqrt(2 / 3), df=4)  # = 0.02131
    assert welch_p(np.array([1, 2, 3]), np.array([4, 5, 6])) == pytest.approx(expected)
    assert expected == pytest.approx(0.02131, abs=1e-5)


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 1), (3, 10), (7, 12), (50, 100), (99, 100)])
def test_wilson_agrees_with_scipy(k, n):
    expected = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson_interval(k, n)
    assert float(low) == pytest.approx(expected.low, abs=1e-12)
    assert float(high) == pytest.approx(expected.high, abs=1e-12)
