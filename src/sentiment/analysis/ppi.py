"""Prediction-powered estimates (Angelopoulos et al., Science 2023): the machine scores every
answer, people code a random subset, and the subset corrects the machine's aggregate with an
interval that includes the machine's errors.

For a mean of Y (a share is the mean of a 0/1 indicator) with machine values f on all N
answers and human values y on n randomly coded ones:

    estimate = mean(f over N) + mean(y - f over n)          (the rectifier corrects the bias)
    variance = var(f over N) / N + var(y - f over n) / n

and a normal interval. When the machine adds nothing (the interval is not narrower than the
plain human one), or the rectifier's spread is not measured (fewer than MIN_CODED coded
answers, or all rectifiers equal, e.g. no coder disagreed with the machine about this label:
the normal interval would be too narrow, down to [0, 0] for a label nobody used), the
classical estimate from the coded answers alone is reported instead. The one assumption: the coded answers are a simple random sample of
the scored ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

# Below this many coded answers the rectifier's variance is too poorly known for a normal
# interval (with one coded answer it is zero): the coded answers alone are used.
MIN_CODED = 10


@dataclass(frozen=True)
class Estimate:
    estimate: float
    ci_low: float
    ci_high: float
    machine: float  # the plain machine figure over all scored answers
    n_scored: int
    n_coded: int
    method: str  # "ppi" or "classical"


def _z(alpha: float) -> float:
    return NormalDist().inv_cdf(1 - alpha / 2)


def ppi_mean(machine_all: np.ndarray, machine_coded: np.ndarray, human_coded: np.ndarray,
             alpha: float = 0.05, bounds: tuple[float, float] | None = None) -> Estimate:
    """Prediction-powered mean; `bounds` clips the interval (a share: (0, 1))."""
    f_all = np.asarray(machine_all, dtype=float)
    f_n, y_n = np.asarray(machine_coded, dtype=float), np.asarray(human_coded, dtype=float)
    big_n, n = len(f_all), len(y_n)
    if n == 0 or big_n == 0:
        raise ValueError("a prediction-powered estimate needs scored and coded answers")
    if len(f_n) != n:
        raise ValueError("machine and human values of the coded answers differ in length")
    rectifier = y_n - f_n
    machine = float(f_all.mean())
    classical = Estimate(*classical_mean(y_n, alpha, bounds), machine, big_n, n, "classical")
    if n < MIN_CODED or np.ptp(rectifier) == 0:
        return classical  # the rectifier's spread is not measured: no honest PPI interval
    estimate = machine + float(rectifier.mean())
    var_all = f_all.var(ddof=1) if big_n > 1 else 0.0
    half = _z(alpha) * math.sqrt(var_all / big_n + rectifier.var(ddof=1) / n)
    low, high = estimate - half, estimate + half
    if bounds:
        estimate = min(max(estimate, bounds[0]), bounds[1])
        low, high = max(low, bounds[0]), min(high, bounds[1])
    if high - low >= classical.ci_high - classical.ci_low:
        return classical  # the machine adds nothing
    return Estimate(estimate, low, high, machine, big_n, n, "ppi")


def classical_mean(values: np.ndarray, alpha: float = 0.05,
                   bounds: tuple[float, float] | None = None) -> tuple[float, float, float]:
    """The coded answers alone: a Wilson interval for a 0/1 share, else a normal one."""
    y = np.asarray(values, dtype=float)
    n, mean = len(y), float(y.mean())
    z = _z(alpha)
    if bounds == (0.0, 1.0) and set(np.unique(y)) <= {0.0, 1.0}:
        centre = (mean + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(mean * (1 - mean) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return mean, max(0.0, centre - half), min(1.0, centre + half)
    half = z * (y.std(ddof=1) / math.sqrt(n) if n > 1 else math.inf)
    low, high = mean - half, mean + half
    if bounds:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return mean, low, high


def ppi_share(machine_labels: np.ndarray, coded_machine: np.ndarray, coded_human: np.ndarray,
              label: str, alpha: float = 0.05) -> Estimate:
    """The share of answers with `label`, corrected by the coded subset."""
    return ppi_mean(np.asarray(machine_labels) == label, np.asarray(coded_machine) == label,
                    np.asarray(coded_human) == label, alpha, bounds=(0.0, 1.0))
