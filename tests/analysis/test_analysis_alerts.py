"""Change, trend and alert rules: a constructed rise fires, noise does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import make_cfg

from sentiment.analysis.alerts import evaluate_alerts, send_alerts
from sentiment.analysis.change import mann_kendall, trends, wave_changes
from sentiment.analysis.config import AlertConfig, AlertRule

ORDER = ["W1", "W2"]
INDEX_RULE = AlertRule("naik", "tension_index", {"rise_at_least": 5.0, "ci_excludes_zero": True,
                                                 "min_n": 10},
                       "{group} {side} naik {diff:+.1f} ({prev_wave}→{wave})",
                       "{group} {side} up {diff:+.1f} ({prev_wave}→{wave})")
BRAWL_RULE = AlertRule("brawl", "mean_brawls", {"ratio_at_least": 2.0, "rise_at_least": 1.0},
                       "tawuran {previous:.1f}→{value:.1f}", "brawls {previous:.1f}→{value:.1f}")
TOPIC_RULE = AlertRule("topik", "topic_negative_share", {"ratio_at_least": 2.0, "min_n": 10},
                       "{topic} {previous:.0%}→{value:.0%}", "{topic} {previous:.0%}→{value:.0%}",
                       topics=("tawuran_kekerasan",))
LABELS = {"side": {"barat": "sisi barat"}, "group": {"remaja": "remaja"}}


def _respondents(mean_w1: float, mean_w2: float, seed: int, n: int = 80) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [{"wave_id": w, "side": "barat", "respondent_group": "remaja", "respondent_key": f"{w}{i}",
             "tension_index": float(v)}
            for w, m in (("W1", mean_w1), ("W2", mean_w2)) for i, v in enumerate(rng.normal(m, 12, n))]
    return pd.DataFrame(rows)


def _index_alerts(resp: pd.DataFrame) -> pd.DataFrame:
    changes = wave_changes(resp, make_cfg(), ORDER)
    return evaluate_alerts(pd.DataFrame(), changes, None,
                           AlertConfig((INDEX_RULE,), labels=LABELS), order=ORDER)


def test_constructed_rise_fires_in_every_cell():
    fired = _index_alerts(_respondents(40, 52, seed=1))
    # one side and one group: the cell and its three totals are the same 80 respondents
    assert len(fired) == 4
    row = fired.set_index(["side", "respondent_group"]).loc[("barat", "remaja")]
    assert row["wave_id"] == "W2" and row["prev_wave_id"] == "W1"
    assert row["diff"] > 5 and row["threshold"] == 5.0
    assert row["message"] == f"remaja sisi barat naik {row['diff']:+.1f} (W1→W2)"
    # no English labels configured here: codes are used as they are
    assert row["message_en"] == f"remaja barat up {row['diff']:+.1f} (W1→W2)"


@pytest.mark.parametrize("seed", [2, 3, 4, 5, 6])
def test_noise_does_not_fire(seed):
    assert _index_alerts(_respondents(40, 40, seed=seed)).empty


def test_rise_inside_the_noise_does_not_fire():
    # a 3-point rise is below the 5-point threshold even when it is "significant"
    resp = _respondents(40, 43, seed=9, n=2000)
    changes = wave_changes(resp, make_cfg(resamples=500), ORDER)
    assert (changes["ci_low"] > 0).all()
    assert evaluate_alerts(pd.DataFrame(), changes, None, AlertConfig((INDEX_RULE,)),
                           order=ORDER).empty


def test_ci_condition_blocks_an_uncertain_jump():
    changes = pd.DataFrame([{"wave_id": "W2", "prev_wave_id": "W1", "side": "barat",
                             "respondent_group": "remaja", "previous": 40.0, "value": 48.0,
                             "diff": 8.0, "ci_low": -1.0, "ci_high": 17.0, "p_value": 0.08,
                             "n_prev": 12, "n": 12}])
    rule = AlertConfig((INDEX_RULE,))
    assert evaluate_alerts(pd.DataFrame(), changes, None, rule, order=ORDER).empty
    assert len(evaluate_alerts(pd.DataFrame(), changes.assign(ci_low=1.0), None, rule,
                               order=ORDER)) == 1


def _cells(brawls_w1: float, brawls_w2: float, suppressed_w2: bool = False) -> pd.DataFrame:
    return pd.DataFrame([
        {"wave_id": "W1", "side": "timur", "respondent_group": "semua", "mean_brawls": brawls_w1,
         "n_brawls": 50, "suppressed": False},
        {"wave_id": "W2", "side": "timur", "respondent_group": "semua", "mean_brawls": brawls_w2,
         "n_brawls": 50, "suppressed": suppressed_w2},
    ])


def test_brawls_doubling_needs_a_real_rise():
    cfg = AlertConfig((BRAWL_RULE,))
    run = lambda cells: evaluate_alerts(cells, pd.DataFrame(), None, cfg, order=ORDER)  # noqa: E731
    assert len(run(_cells(1.0, 2.5))) == 1  # ×2.5 and +1.5
    assert run(_cells(0.3, 0.9)).empty  # ×3 but only +0.6
    assert run(_cells(2.0, 3.5)).empty  # +1.5 but ×1.75
    assert run(_cells(1.0, 2.5, suppressed_w2=True)).empty  # a withheld cell never alerts


def test_topic_negative_share_doubles_with_enough_answers():
    def table(n_topic: int) -> pd.DataFrame:
        return pd.DataFrame([
            {"wave_id": w, "side": "semua", "respondent_group": "semua", "topic": t,
             "negative_share": s, "n_topic": n_topic, "suppressed": False}
            for w, s in (("W1", 0.2), ("W2", 0.5))
            for t in ("tawuran_kekerasan", "kegiatan_pemuda")])
    cfg = AlertConfig((TOPIC_RULE,))
    fired = evaluate_alerts(pd.DataFrame(), pd.DataFrame(), table(30), cfg, order=ORDER)
    assert fired["topic"].tolist() == ["tawuran_kekerasan"]  # kegiatan_pemuda not in the rule
    assert fired["message"].iloc[0] == "Tawuran dan kekerasan 20%→50%"  # label from topics.yaml
    assert evaluate_alerts(pd.DataFrame(), pd.DataFrame(), table(8), cfg, order=ORDER).empty
    withheld = table(30).assign(negative_suppressed=True)
    assert evaluate_alerts(pd.DataFrame(), pd.DataFrame(), withheld, cfg, order=ORDER).empty


def test_wave_filter():
    fired = evaluate_alerts(_cells(1.0, 2.5), pd.DataFrame(), None, AlertConfig((BRAWL_RULE,)),
                            wave="W1", order=ORDER)
    assert fired.empty


def test_send_is_a_no_op_without_block():
    fired = evaluate_alerts(_cells(1.0, 2.5), pd.DataFrame(), None, AlertConfig((BRAWL_RULE,)),
                            order=ORDER)
    assert len(fired) == 1
    assert send_alerts(fired, None) == 0


def test_mann_kendall_detects_monotone_series():
    result = mann_kendall([30.0, 31.5, 33.0, 32.9, 36.0, 38.0, 39.5, 41.0])
    assert result["trend"] == "increasing" and result["p_value"] < 0.01
    # Sen's slope = median of pairwise slopes of a straight line 2i + 1 = 2
    assert mann_kendall([1, 3, 5, 7, 9, 11])["sen_slope"] == pytest.approx(2.0)
    assert mann_kendall([5, 4.9, 5.2, 4.8, 5.1, 5.0])["trend"] == "no trend"


def test_four_waves_cannot_reach_five_percent():
    # S = 6 (all 6 pairs rise), var(S) = 4·3·13/18 = 8.667, z = (6 − 1)/2.944 = 1.698,
    # p = 2·(1 − Φ(1.698)) = 0.0894: document, don't over-read, a 4-wave "trend"
    result = mann_kendall([10, 20, 30, 40])
    assert result["p_value"] == pytest.approx(0.0894, abs=1e-4)
    assert result["mk_s"] == 6 and result["trend"] == "no trend"


def test_trends_skip_short_series():
    cells = pd.DataFrame([{"wave_id": w, "side": "barat", "respondent_group": "g",
                           "tension_index": v} for w, v in (("W1", 50), ("W2", 45), ("W3", 40))]
                         + [{"wave_id": "W1", "side": "timur", "respondent_group": "g",
                             "tension_index": 30.0}])
    out = trends(cells, make_cfg(), order=["W1", "W2", "W3"])
    assert out["side"].tolist() == ["barat"]
    assert out["sen_slope"].iloc[0] == pytest.approx(-5.0)
