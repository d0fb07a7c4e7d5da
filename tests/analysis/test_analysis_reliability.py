"""Cronbach's alpha by hand; omega on data with an exactly known one-factor structure."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sentiment.analysis.reliability import cronbach_alpha, mcdonald_omega, reliability_table


def test_alpha_by_hand():
    # The tiny fixture in kohesi direction (reverse item t.c flipped: 6 − x):
    #   r1: 5 4 5   r2: 3 3 3   r3: 1 2 1   r4: 4 5 4
    x = np.array([[5, 4, 5], [3, 3, 3], [1, 2, 1], [4, 5, 4]])
    # item variances (n − 1): a 8.75/3, b 5/3, c 8.75/3 → Σ = 22.5/3 = 7.5
    # totals 14 9 4 13, mean 10, squares 16+1+36+9 = 62 → var 62/3
    # alpha = 3/2 · (1 − 7.5/(62/3)) = 3/2 · (1 − 22.5/62) = 59.25/62 = 0.955645
    assert cronbach_alpha(x) == pytest.approx(0.955645, abs=1e-6)


def test_alpha_drops_incomplete_rows_and_needs_two_items():
    x = np.array([[5, 4, 5], [3, 3, 3], [1, 2, 1], [4, 5, 4], [2, np.nan, 2]])
    assert cronbach_alpha(x) == pytest.approx(0.955645, abs=1e-6)
    assert math.isnan(cronbach_alpha(np.array([[1], [2], [3]])))


def test_omega_recovers_known_one_factor_structure():
    # loadings λ = .8 .7 .6 .5, uniquenesses ψ = 1 − λ² = .36 .51 .64 .75
    # omega = (Σλ)² / ((Σλ)² + Σψ) = 2.6² / (6.76 + 2.26) = 6.76/9.02 = 0.749446
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    cov = np.outer(lam, lam) + np.diag(1 - lam**2)
    z = np.random.default_rng(1).normal(size=(300, 4))
    z -= z.mean(axis=0)
    # whiten, then colour: the sample covariance equals `cov` exactly
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False, ddof=0))).T
    x = 3 + z @ np.linalg.cholesky(cov).T
    assert mcdonald_omega(x) == pytest.approx(0.749446, abs=1e-5)
    # flipping an item's sign in the data (a wrongly keyed item) lowers omega
    assert mcdonald_omega(x * np.array([1, 1, 1, -1])) < 0.6


def test_reliability_table_on_fixture(tiny, cfg):
    table = reliability_table(tiny[0], cfg)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["alpha"] == pytest.approx(0.955645, abs=1e-6)
    assert row["n"] == 4 and row["n_items"] == 3 and not row["flag_low"]
    # 4 rows are too few to fit a factor model on 3 items: omega is left empty, not guessed
    assert math.isnan(row["omega"])
