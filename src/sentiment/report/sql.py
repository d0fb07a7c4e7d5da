"""Small helpers for reading the warehouse: a query into a DataFrame, NULL-safe numbers."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine


def read_sql(engine: Engine, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql_query(sa.text(sql), conn, params=params or {})


def num(value: Any) -> float | None:
    """A float, or None for NULL / NaN."""
    if value is None or pd.isna(value):
        return None
    return float(value)
