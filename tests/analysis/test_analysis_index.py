"""Tension index against a hand calculation (4 respondents × 3 items)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from analysis_fixtures import long_rows, make_cfg

from sentiment.analysis.index import index_cells, item_scores, respondent_scores


def test_item_scores_flip_reverse_items(tiny, cfg):
    items = item_scores(tiny[0], cfg).set_index(["respondent_key", "question_id"])["tension"]
    # calm-worded: (5 − x)/4; tension-worded (reverse): (x − 1)/4
    assert items[("r1", "t.a")] == 0.0  # (5 − 5)/4
    assert items[("r1", "t.b")] == 0.25  # (5 − 4)/4
    assert items[("r1", "t.c")] == 0.0  # (1 − 1)/4
    assert items[("r3", "t.c")] == 1.0  # (5 − 1)/4


def test_respondent_index_by_hand(tiny, cfg):
    resp = respondent_scores(*tiny, cfg).set_index("respondent_key")
    # Likert L = mean item tension:
    #   r1: (0 + 0.25 + 0)/3 = 1/12      r2: (0.5 + 0.5 + 0.5)/3 = 1/2
    #   r3: (1 + 0.75 + 1)/3 = 11/12     r4: (0.25 + 0 + 0.25)/3 = 1/6
    assert resp["likert"].to_dict() == pytest.approx(
        {"r1": 1 / 12, "r2": 0.5, "r3": 11 / 12, "r4": 1 / 6})
    # Brawls B = min(x, 10)/10: r1 0, r2 0.4, r3 min(15, 10)/10 = 1, r4 0.2
    assert resp["brawls"].to_dict() == pytest.approx({"r1": 0.0, "r2": 0.4, "r3": 1.0, "r4": 0.2})
    # Text X = negative-and-on-target / scored texts: r1 1/2, r2 1/1, r3 none, r4 0/2
    # (r4's negative text is on keamanan_lingkungan, not a target topic)
    assert resp.loc[["r1", "r2", "r4"], "text"].tolist() == [0.5, 1.0, 0.0]
    assert math.isnan(resp.loc["r3", "text"])
    # Index = 100 · Σ w·score / Σ w (w = 0.5, 0.25, 0.25; r3 has no text → divide by 0.75)
    #   r1: 100 · (0.5/12 + 0 + 0.25·0.5) = 50/3          = 16.667
    #   r2: 100 · (0.25 + 0.1 + 0.25)                     = 60
    #   r3: 100 · (0.5·11/12 + 0.25·1) / 0.75 = 100·17/18 = 94.444
    #   r4: 100 · (0.5/6 + 0.25·0.2 + 0)     = 40/3       = 13.333
    assert resp["tension_index"].to_dict() == pytest.approx(
        {"r1": 16.6667, "r2": 60.0, "r3": 94.4444, "r4": 13.3333}, abs=1e-4)


def test_cell_is_mean_of_respondents(tiny, cfg):
    cells = index_cells(respondent_scores(*tiny, cfg), cfg)
    # 4 levels of one respondent-group × side: barat/g, barat/semua, semua/g, semua/semua
    assert len(cells) == 4
    assert set(cells["n"]) == {4}
    # (50/3 + 60 + 850/9 + 40/3)/4 = (1660/9)/4 = 415/9 = 46.111
    assert cells["tension_index"].tolist() == pytest.approx([46.1111] * 4, abs=1e-4)
    row = cells.iloc[0]
    assert row["ci_low"] <= row["tension_index"] <= row["ci_high"]
    # components: L mean (1/12 + 1/2 + 11/12 + 1/6)/4 = (20/12)/4 = 5/12 → 41.667
    assert row["likert_component"] == pytest.approx(41.6667, abs=1e-4)
    # raw brawls mean (0 + 4 + 15 + 2)/4 = 5.25 (uncapped), n_text = 3 respondents with text
    assert row["mean_brawls"] == 5.25 and row["n_text"] == 3


def test_min_items_and_weights_from_config(tiny):
    responses, texts = tiny
    # drop two of r2's items: with min_items = 2 r2 is out, with min_items = 1 in
    thin = responses[~((responses["respondent_key"] == "r2") & responses["question_id"].isin(["t.a", "t.b"]))]
    assert "r2" not in set(respondent_scores(thin, texts, make_cfg())["respondent_key"])
    assert "r2" in set(respondent_scores(thin, texts, make_cfg(min_items=1))["respondent_key"])
    # Likert alone: index = 100 · L
    only = respondent_scores(responses, texts, make_cfg(brawls_weight=0.0, text_weight=0.0))
    assert only.set_index("respondent_key").loc["r2", "tension_index"] == pytest.approx(50.0)


def test_totals_pool_sides_and_groups(cfg):
    rows = (long_rows("W1", "barat", "g", "a", {"t.a": 1, "t.b": 1, "t.c": 5})
            + long_rows("W1", "timur", "g", "b", {"t.a": 5, "t.b": 5, "t.c": 1}))
    cells = index_cells(respondent_scores(pd.DataFrame(rows), None, cfg), cfg)
    by = cells.set_index(["side", "respondent_group"])["tension_index"]
    # a: every item at maximum tension → 100; b: none → 0; the totals pool both → 50
    assert by[("barat", "g")] == 100.0 and by[("timur", "g")] == 0.0
    assert by[("semua", "g")] == 50.0 and by[("semua", "semua")] == 50.0
