"""Internal consistency of the Likert scale per wave × group: Cronbach's alpha and McDonald's omega."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sentiment.analysis.config import IndexConfig
from sentiment.analysis.index import RESPONDENT

RELIABILITY_COLUMNS = ["wave_id", "respondent_group", "alpha", "omega", "n_items", "n", "flag_low"]


def cronbach_alpha(items: np.ndarray) -> float:
    """alpha = k/(k−1) · (1 − Σ var(item) / var(sum)), sample variances (n−1), complete rows only."""
    x = np.asarray(items, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if k < 2 or n < 2:
        return float("nan")
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - x.var(axis=0, ddof=1).sum() / total_var))


def one_factor_ml(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood one-factor model of a correlation matrix: (loadings, uniquenesses).

    The algorithm of R's `factanal` (Jöreskog 1967): for uniquenesses ψ the best loadings are
    the leading eigenvector of Ψ^-½ R Ψ^-½; ψ minimises the ML discrepancy, ψ in [0.005, 1].
    """
    from scipy.optimize import minimize

    k = corr.shape[0]

    def loadings_for(psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scale = 1.0 / np.sqrt(psi)
        values, vectors = np.linalg.eigh(corr * np.outer(scale, scale))
        return values, np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))

    def discrepancy(psi: np.ndarray) -> tuple[float, np.ndarray]:
        values, lam = loadings_for(psi)
        e = values[:-1]  # all but the largest eigenvalue
        # value and gradient as in R's factanal (FAfn, FAgr)
        grad = np.diag(np.outer(lam, lam) + np.diag(psi) - corr) / psi**2
        return float(-(np.sum(np.log(e) - e) - 1 + k)), grad

    start = np.clip((1 - 0.5 / k) / np.diag(np.linalg.inv(corr)), 0.005, 1.0)
    psi = minimize(discrepancy, start, jac=True, method="L-BFGS-B",
                   bounds=[(0.005, 1.0)] * k,
                   options={"ftol": 1e-12, "gtol": 1e-9, "maxiter": 1000}).x
    loadings = loadings_for(psi)[1]
    if loadings.sum() < 0:  # a factor's sign is arbitrary
        loadings = -loadings
    return loadings, psi


def mcdonald_omega(items: np.ndarray) -> float:
    """Omega total of the unit-weighted sum of the raw items under one common factor.

    omega = (Σλ)² / ((Σλ)² + Σψ), λ and ψ the maximum-likelihood loadings and unique variances
    on the items' own scale (standardised solution × item SD), so it is comparable to alpha.
    nan when there are too few complete rows to fit the model.
    """
    x = np.asarray(items, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if k < 3 or n <= k + 1:
        return float("nan")
    sd = x.std(axis=0, ddof=1)
    if np.any(sd == 0):
        return float("nan")
    loadings, psi = one_factor_ml(np.corrcoef(x, rowvar=False))
    common = float((loadings * sd).sum() ** 2)
    return common / (common + float((psi * sd**2).sum()))


def item_matrix(responses: pd.DataFrame, cfg: IndexConfig, group: str) -> pd.DataFrame:
    """Respondents × items of one group, reverse items flipped (min + max − x) to one direction."""
    items = cfg.items_of(group)
    qids = [i.question_id for i in items]
    rows = responses[responses["question_id"].isin(qids) & responses["value_num"].notna()]
    wide = rows.pivot_table(index=RESPONDENT, columns="question_id", values="value_num",
                            aggfunc="mean", observed=True).reindex(columns=qids)
    for item in items:
        if item.reverse:
            wide[item.question_id] = cfg.scale_min + cfg.scale_max - wide[item.question_id]
    return wide


def reliability_table(responses: pd.DataFrame, cfg: IndexConfig) -> pd.DataFrame:
    """alpha, omega, n_items, n (complete rows) and flag_low per wave × respondent group."""
    out = []
    for group in cfg.groups:
        wide = item_matrix(responses[responses["respondent_group"] == group], cfg, group)
        if wide.empty:
            continue
        for wave, block in wide.groupby(level="wave_id", sort=True):
            complete = block.dropna().to_numpy(dtype=float)
            alpha = cronbach_alpha(complete)
            out.append({
                "wave_id": wave, "respondent_group": group, "alpha": alpha,
                "omega": mcdonald_omega(complete), "n_items": block.shape[1],
                "n": int(complete.shape[0]),
                "flag_low": bool(np.isnan(alpha) or alpha < cfg.alpha_floor),
            })
    return pd.DataFrame(out, columns=RELIABILITY_COLUMNS)
