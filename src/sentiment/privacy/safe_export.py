"""Neutralise spreadsheet formula injection in cells we write to CSV/XLSX exports."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula
# (OWASP "CSV injection"), including their full-width forms.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def neutralise_formula(value: Any) -> Any:
    """Prefix `'` to a text cell that a spreadsheet would run as a formula.

    Non-text values and plain signed numbers ("-5", "+3.5") are returned unchanged.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell and column title neutralised."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(neutralise_formula, na_action="ignore")
    out.columns = [neutralise_formula(c) for c in out.columns]
    return out
