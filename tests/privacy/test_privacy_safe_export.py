"""Formula-injection neutraliser used by every CSV/XLSX export."""

from __future__ import annotations

import pandas as pd
import pytest

from sentiment.privacy.safe_export import neutralise_formula, neutralise_frame


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
        "＝1+1",
        '=HYPERLINK("x")',
    ],
)
def test_formula_starts_get_a_quote(value):
    assert neutralise_formula(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["halo", "", "-5", "+3.5", "-1.000,50", "a=b", " =x", 12, None, 3.5]
)
def test_plain_values_are_unchanged(value):
    assert neutralise_formula(value) == value


def test_frame_cells_and_headers_are_neutralised_without_touching_numbers():
    frame = pd.DataFrame({"=bad": ["=1+1", "ok", None], "n": [-1, 2, 3]}).astype({"=bad": "str"})
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=bad", "n"]
    assert out["'=bad"].tolist()[:2] == ["'=1+1", "ok"]
    assert pd.isna(out["'=bad"].iloc[2])
    assert out["n"].tolist() == [-1, 2, 3]
    assert frame.iloc[0, 0] == "=1+1"  # input untouched
