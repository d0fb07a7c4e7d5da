"""Prediction-powered estimates on simulated data with a known truth and a biased classifier:
the intervals cover the truth at their nominal rate, the machine share does not, and the
interval narrows as the machine improves (`sentiment estimate` itself: test_analysis_estimate_cli)."""

from __future__ import annotations

import numpy as np

from sentiment.analysis.ppi import classical_mean, ppi_mean, ppi_share

LABELS = np.array(["negatif", "netral", "positif"])


def _population(rng: np.random.Generator, n: int, accuracy: float) -> tuple[np.ndarray, np.ndarray]:
    """True labels (40/25/35) and a classifier that is right with `accuracy` and, when wrong,
    says `netral` (a typical bias: complaints without negative words read as neutral)."""
    truth = rng.choice(LABELS, size=n, p=[0.40, 0.25, 0.35])
    right = rng.random(n) < accuracy
    machine = np.where(right, truth, "netral")
    return truth, machine


def _coverage(accuracy: float, seeds: int = 400, n: int = 300, coded: int = 100,
              superpopulation: bool = False):
    """Over `seeds` draws: how often the PPI interval covers the truth, how often a naive
    interval around the machine share (Wilson, as if the machine labels were the truth) does,
    and the mean PPI width. The truth is the share among the n answers, or with
    `superpopulation` the probability they were drawn with (0.40)."""
    hits_ppi = hits_machine = 0
    widths = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        truth, machine = _population(rng, n, accuracy)
        sample = rng.choice(n, size=coded, replace=False)
        true_share = 0.40 if superpopulation else float((truth == "negatif").mean())
        est = ppi_share(machine, machine[sample], truth[sample], "negatif")
        hits_ppi += est.ci_low <= true_share <= est.ci_high
        _, low, high = classical_mean((machine == "negatif").astype(float), bounds=(0.0, 1.0))
        hits_machine += low <= true_share <= high
        widths.append(est.ci_high - est.ci_low)
    return hits_ppi / seeds, hits_machine / seeds, float(np.mean(widths))


def test_intervals_cover_the_truth_and_the_machine_share_does_not():
    covered, machine_covered, _ = _coverage(accuracy=0.6)
    print(f"\nshare among the 300: PPI 95% coverage {covered:.3f}; "
          f"naive interval around the machine share {machine_covered:.3f}")
    assert covered >= 0.90
    assert machine_covered <= 0.10  # the biased machine share misses the truth


def test_coverage_is_near_nominal_for_the_superpopulation_share():
    """Against the probability the answers were drawn with (no finite-population bonus) the
    95% interval covers close to 95% of the time: not only conservative."""
    covered, machine_covered, _ = _coverage(accuracy=0.6, n=2000, coded=200, superpopulation=True)
    print(f"\nsuperpopulation share: PPI 95% coverage {covered:.3f}; machine {machine_covered:.3f}")
    assert 0.90 <= covered <= 0.99
    assert machine_covered <= 0.05

def test_the_interval_narrows_as_the_machine_improves():
    widths = [_coverage(accuracy, seeds=150)[2] for accuracy in (0.5, 0.7, 0.9)]
    print("mean widths at accuracy 0.5 / 0.7 / 0.9:", [round(w, 3) for w in widths])
    assert widths[0] > widths[1] > widths[2]


def test_a_useless_machine_falls_back_to_the_coded_answers():
    rng = np.random.default_rng(1)
    truth = rng.choice(LABELS, size=300)
    machine = rng.choice(LABELS, size=300)  # unrelated to the truth
    sample = rng.choice(300, size=100, replace=False)
    est = ppi_share(machine, machine[sample], truth[sample], "positif")
    assert est.method == "classical" and est.ci_low <= (truth[sample] == "positif").mean() <= est.ci_high


def test_continuous_mean_is_corrected_by_the_rectifier():
    rng = np.random.default_rng(3)
    truth = rng.normal(50, 10, size=2000)
    machine = truth + 5 + rng.normal(0, 2, size=2000)  # biased by +5 index points
    sample = rng.choice(2000, size=200, replace=False)
    est = ppi_mean(machine, machine[sample], truth[sample])
    assert est.method == "ppi" and est.ci_low <= truth.mean() <= est.ci_high
    assert not est.ci_low <= est.machine <= est.ci_high


def test_too_few_coded_answers_use_the_coded_answers_alone():
    """With one coded answer the rectifier has no spread: a PPI interval would be as narrow as
    the machine's own; below MIN_CODED the Wilson interval of the coded answers is reported."""
    from sentiment.analysis.ppi import MIN_CODED

    machine = np.array(["positif"] * 50 + ["negatif"] * 50)
    est = ppi_share(machine, machine[:1], np.array(["positif"]), "positif")
    assert est.method == "classical" and est.n_coded == 1 and est.ci_high - est.ci_low > 0.5
    sample = np.arange(0, 100, 100 // MIN_CODED)[:MIN_CODED]
    human = machine[sample].copy()
    human[0] = "netral" if human[0] != "netral" else "positif"  # one disagreement: a spread
    assert ppi_share(machine, machine[sample], human, "positif").method == "ppi"


def test_a_label_nobody_used_gets_an_interval_not_a_point():
    """Machine and coders never say `negatif`: the PPI variance is 0 and its interval [0, 0];
    the coded answers' Wilson interval admits a small share instead."""
    machine = np.array(["positif", "netral"] * 150)
    sample = np.arange(0, 300, 3)
    est = ppi_share(machine, machine[sample], machine[sample], "negatif")
    assert est.method == "classical" and est.estimate == 0.0 and 0.02 < est.ci_high < 0.05
