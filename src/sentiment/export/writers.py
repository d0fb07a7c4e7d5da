"""Write an export Table as CSV, Parquet, XLSX, SPSS .sav or Stata .dta, labels included."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sentiment.errors import SentimentError
from sentiment.privacy.safe_export import neutralise_frame

FORMATS = ("csv", "parquet", "xlsx", "sav", "dta")
# Format limits in bytes (UTF-8): Stata variable labels 80 and str# values 2045;
# SPSS variable labels 255 (safe for old readers) and value labels 120.
_LIMITS = {
    "dta": {"label": 80, "value_label": 32_000, "text": 2045},
    "sav": {"label": 255, "value_label": 120, "text": 32_767},
}


@dataclass
class Table:
    """A frame ready to write, with SPSS/Stata metadata keyed by column name."""

    frame: pd.DataFrame
    labels: dict[str, str] = field(default_factory=dict)
    # column → {integer code: label}; numeric columns (Likert, dummies, encoded categories)
    value_labels: dict[str, dict[int | float, str]] = field(default_factory=dict)
    # categorical column → {text code: integer}; applied only for .sav/.dta
    codes: dict[str, dict[str, int]] = field(default_factory=dict)
    shape: str = "wide"


def clip_bytes(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes, never inside a character; `…` marks a cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[: limit - len("…".encode())].decode("utf-8", errors="ignore")
    return cut + "…"


def encoded(table: Table) -> tuple[pd.DataFrame, dict[str, dict[float, str]]]:
    """Text categories as integers with value labels (what Stata needs; SPSS too, for labels).

    A code the codebook does not know gets the next free integer and itself as its label.
    """
    frame = table.frame.copy()
    value_labels = {k: dict(v) for k, v in table.value_labels.items()}
    for column, codes in table.codes.items():
        if column not in frame:
            continue
        mapping = dict(codes)
        labels = value_labels.setdefault(column, {})
        observed = sorted(frame[column].dropna().astype(str).unique())
        for code in observed:
            if code not in mapping:
                mapping[code] = max(mapping.values(), default=0) + 1
                labels[mapping[code]] = code
        frame[column] = frame[column].map(mapping, na_action="ignore").astype("float64")
    for column in frame.columns:
        series = frame[column]
        if isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_numeric_dtype(series):
            frame[column] = series.astype("float64")  # nullable ints: readstat writes doubles
    return frame, value_labels


def _readstat_payload(table: Table, fmt: str) -> tuple[pd.DataFrame, dict, dict]:
    limits = _LIMITS[fmt]
    frame, value_labels = encoded(table)
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) or pd.api.types.is_object_dtype(frame[column]):
            frame[column] = frame[column].map(
                lambda v: clip_bytes(str(v), limits["text"]), na_action="ignore"
            ).astype("str")
    column_labels = {
        c: clip_bytes(table.labels[c], limits["label"]) for c in frame.columns if c in table.labels
    }
    labels = {
        c: {float(k) if fmt == "sav" else int(k): clip_bytes(v, limits["value_label"])
            for k, v in vl.items()}
        for c, vl in value_labels.items() if c in frame.columns and vl
    }
    return frame, column_labels, labels


def write_table(table: Table, path: Path, fmt: str) -> None:
    """Write `table` to `path`; CSV/XLSX cells that a spreadsheet would run are neutralised."""
    try:
        if fmt == "csv":
            neutralise_frame(table.frame).to_csv(path, index=False, encoding="utf-8")
        elif fmt == "xlsx":
            _write_xlsx(table, path)
        elif fmt == "parquet":
            _write_parquet(table, path)
        elif fmt in ("sav", "dta"):
            import pyreadstat

            frame, column_labels, value_labels = _readstat_payload(table, fmt)
            writer = pyreadstat.write_sav if fmt == "sav" else pyreadstat.write_dta
            writer(frame, str(path), column_labels=column_labels,
                   variable_value_labels=value_labels)
        else:
            raise SentimentError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    except OSError as exc:
        raise SentimentError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write_xlsx(table: Table, path: Path) -> None:
    variables = pd.DataFrame(
        {"variabel": list(table.frame.columns),
         "label": [table.labels.get(c, "") for c in table.frame.columns]}
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        neutralise_frame(table.frame).to_excel(writer, sheet_name="data", index=False)
        neutralise_frame(variables).to_excel(writer, sheet_name="variabel", index=False)


def _write_parquet(table: Table, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(table.frame, preserve_index=False)
    fields = []
    for f in arrow.schema:
        meta = {}
        if f.name in table.labels:
            meta[b"label"] = table.labels[f.name].encode()
        labels = table.value_labels.get(f.name) or {}
        if f.name in table.codes:  # parquet keeps the text codes: label them by code
            labels = {code: labels.get(num, code) for code, num in table.codes[f.name].items()}
        if labels:
            meta[b"value_labels"] = json.dumps(
                {str(k): v for k, v in labels.items()}, ensure_ascii=False
            ).encode()
        fields.append(f.with_metadata(meta) if meta else f)
    schema = pa.schema(fields, metadata=arrow.schema.metadata)
    pq.write_table(arrow.cast(schema), path)
