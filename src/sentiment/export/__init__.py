"""Exports for sociologists (CSV, Parquet, XLSX, SPSS .sav, Stata .dta) from the analyst views."""

from __future__ import annotations

from typing import Any

__all__ = ["export_dataset", "export_table", "long_frame", "wide_frame"]


def __getattr__(name: str) -> Any:
    # Lazy so that `sentiment.export.names` and `.codebook` load without pandas' writers.
    if name in __all__:
        from sentiment.export import tidy

        return getattr(tidy, name)
    raise AttributeError(name)
