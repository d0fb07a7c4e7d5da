"""Wave-over-wave change of the index (bootstrap CI of the difference, Welch p) and Mann–Kendall trends."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sentiment.analysis.config import IndexConfig
from sentiment.analysis.index import with_totals
from sentiment.analysis.intervals import bootstrap_diff_ci, cell_rng, welch_p
from sentiment.config import load_yaml

CHANGE_COLUMNS = ["wave_id", "prev_wave_id", "side", "respondent_group", "previous", "value",
                  "diff", "ci_low", "ci_high", "p_value", "n_prev", "n"]
TREND_COLUMNS = ["side", "respondent_group", "first_wave", "last_wave", "n_waves", "trend",
                 "mk_tau", "mk_s", "p_value", "sen_slope"]


def wave_order() -> list[str]:
    """Wave ids in fieldwork order (`schemas/waves.yaml`)."""
    return [str(w["wave_id"]) for w in load_yaml("waves.yaml").get("waves") or []]


def ordered_waves(present: Sequence[str], order: Sequence[str]) -> list[str]:
    """The waves present, in `order`; unknown ones after, by name."""
    known = [w for w in order if w in set(present)]
    return known + sorted(set(present) - set(known))


def wave_changes(resp: pd.DataFrame, cfg: IndexConfig,
                 order: Sequence[str] | None = None) -> pd.DataFrame:
    """Change of the cell index from each wave to the next wave with data, for every cell.

    diff = mean(index, wave) − mean(index, previous wave); ci_low/ci_high: percentile bootstrap
    of that difference (respondents resampled within each wave, seeded per cell); p_value:
    two-sided Welch t-test on the respondent indexes.
    """
    waves = ordered_waves(resp["wave_id"].unique().tolist(), order or wave_order())
    expanded = with_totals(resp, cfg.total)
    cells = {key: g["tension_index"].to_numpy(dtype=float)
             for key, g in expanded.groupby(["wave_id", "side", "respondent_group"])}
    rows = []
    pairs = {(side, group) for _, side, group in cells}
    for prev, wave in zip(waves, waves[1:], strict=False):
        for side, group in sorted(pairs):
            before, after = cells.get((prev, side, group)), cells.get((wave, side, group))
            if before is None or after is None:
                continue
            rng = cell_rng(cfg.seed, f"diff|{prev}|{wave}|{side}|{group}")
            low, high = bootstrap_diff_ci(before, after, resamples=cfg.resamples, rng=rng,
                                          confidence=cfg.confidence)
            rows.append({
                "wave_id": wave, "prev_wave_id": prev, "side": side, "respondent_group": group,
                "previous": float(before.mean()), "value": float(after.mean()),
                "diff": float(after.mean() - before.mean()), "ci_low": low, "ci_high": high,
                "p_value": welch_p(before, after), "n_prev": int(before.size), "n": int(after.size),
            })
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def mann_kendall(values: Sequence[float]) -> dict[str, float | str]:
    """Mann–Kendall test (pymannkendall.original_test) and Sen's slope per wave step.

    With 4 waves the smallest possible two-sided p is about 0.09: a trend cannot be
    'significant' at 0.05 before the fifth wave; read the direction and slope, not p.
    """
    import pymannkendall as mk

    result = mk.original_test(np.asarray(values, dtype=float))
    return {"trend": result.trend, "mk_tau": float(result.Tau), "mk_s": float(result.s),
            "p_value": float(result.p), "sen_slope": float(result.slope)}


def trends(cells: pd.DataFrame, cfg: IndexConfig, order: Sequence[str] | None = None,
           min_waves: int = 3) -> pd.DataFrame:
    """Mann–Kendall trend of the cell index across waves, per side × group (incl. totals).

    `cells` should hold only published cells: a suppressed wave is left out of the series.
    """
    waves = ordered_waves(cells["wave_id"].unique().tolist(), order or wave_order())
    rank = {w: i for i, w in enumerate(waves)}
    rows = []
    for (side, group), part in cells.groupby(["side", "respondent_group"], sort=True):
        part = part.assign(_r=part["wave_id"].map(rank)).sort_values("_r")
        if len(part) < min_waves:
            continue
        rows.append({"side": side, "respondent_group": group,
                     "first_wave": part["wave_id"].iloc[0], "last_wave": part["wave_id"].iloc[-1],
                     "n_waves": len(part), **mann_kendall(part["tension_index"].tolist())})
    return pd.DataFrame(rows, columns=TREND_COLUMNS)
