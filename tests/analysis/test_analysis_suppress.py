"""Small-cell suppression, primary and complementary, on hand-worked tables."""

from __future__ import annotations

import pandas as pd

from sentiment.analysis.suppress import published, suppress

COLS = ["wave_id", "side", "respondent_group"]


def _table(rows):
    return pd.DataFrame(rows, columns=[*COLS, "n"])


def _why(out):
    return {(r.side, r.respondent_group): r.suppression for r in out.itertuples() if r.suppressed}


def test_two_by_two_with_margins():
    #                orang_tua  remaja | semua
    #   barat            30        4*  |  34
    #   timur            25       20   |  45
    #   semua            55       24   |  79
    out = suppress(_table([
        ("W1", "barat", "orang_tua", 30), ("W1", "barat", "remaja", 4), ("W1", "barat", "semua", 34),
        ("W1", "timur", "orang_tua", 25), ("W1", "timur", "remaja", 20), ("W1", "timur", "semua", 45),
        ("W1", "semua", "orang_tua", 55), ("W1", "semua", "remaja", 24), ("W1", "semua", "semua", 79),
    ]), "n", COLS, "semua", threshold=10)
    # barat/remaja 4 < 10: primary.
    # Row total barat (34) − barat/orang_tua would give it back → hide barat/orang_tua (the only other).
    # Column total remaja (24) − timur/remaja would give it back → hide timur/remaja.
    # Now column total orang_tua (55) has one hidden cell (barat/orang_tua) → hide timur/orang_tua.
    # Margins stay: four unknowns, three independent equations, nothing recoverable.
    assert _why(out) == {
        ("barat", "remaja"): "primary",
        ("barat", "orang_tua"): "complementary",
        ("timur", "remaja"): "complementary",
        ("timur", "orang_tua"): "complementary",
    }
    assert len(published(out)) == 5
    assert "suppressed" not in published(out)


def test_next_smallest_cell_is_the_complement():
    # total 55 = 3* + 12 + 40: hiding 3 alone leaves 55 − 12 − 40 = 3; the next smallest (12) goes
    out = suppress(_table([
        ("W1", "a", "semua", 3), ("W1", "b", "semua", 12), ("W1", "c", "semua", 40),
        ("W1", "semua", "semua", 55),
    ]), "n", COLS, "semua", threshold=10)
    assert _why(out) == {("a", "semua"): "primary", ("b", "semua"): "complementary"}


def test_waves_are_separate_breakdowns():
    out = suppress(_table([
        ("W1", "a", "semua", 5), ("W1", "b", "semua", 30), ("W1", "semua", "semua", 35),
        ("W2", "a", "semua", 15), ("W2", "b", "semua", 30), ("W2", "semua", "semua", 45),
    ]), "n", COLS, "semua", threshold=10)
    assert set(out.loc[out["suppressed"], "wave_id"]) == {"W1"}
    assert out["suppressed"].sum() == 2


def test_total_with_a_single_hidden_child_is_hidden_too():
    # only one side present; its cell is withheld because a linked table withheld it
    table = _table([("W1", "a", "semua", 40), ("W1", "semua", "semua", 40)])
    out = suppress(table, "n", COLS, "semua", threshold=10,
                   primary=pd.Series([True, False]))
    assert out["suppressed"].tolist() == [True, True]
    assert out["suppression"].tolist() == ["primary", "complementary"]


def test_without_totals_only_primary():
    out = suppress(_table([("W1", "a", "x", 5), ("W1", "b", "x", 50)]), "n", COLS, None,
                   threshold=10)
    assert out["suppressed"].tolist() == [True, False]


def test_threshold_is_a_parameter():
    table = _table([("W1", "a", "x", 12), ("W1", "b", "x", 50)])
    assert suppress(table, "n", COLS, None, threshold=10)["suppressed"].sum() == 0
    assert suppress(table, "n", COLS, None, threshold=20)["suppressed"].sum() == 1
