"""Stage 3: pseudonymise respondents, redact free text, drop PII columns."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sentiment.forms.model import Form
from sentiment.forms.readers import EXTRA_PREFIX
from sentiment.privacy.pseudonym import identity_kind, respondent_keys
from sentiment.privacy.redact import parts_per_row, redact_series_with_parts, redact_text

RESPONDENT_KEY_COLUMN = "_respondent_key"


def name_fields(form: Form) -> list[str]:
    """The identity fields that hold the respondent's name (their parts are redacted in text)."""
    return [f for f in form.identity_fields if identity_kind(f) == "name"]


def _names_per_row(frame: pd.DataFrame, form: Form) -> list[list[str]] | None:
    columns = [c for c in name_fields(form) if c in frame.columns]
    if not columns:
        return None
    values = frame[columns].astype(object).where(frame[columns].notna(), None)
    return [[v for v in row if isinstance(v, str) and v] for row in values.itertuples(index=False)]


def protect_frame(frame: pd.DataFrame, form: Form, key: bytes) -> pd.DataFrame:
    """Rows safe to store: `_respondent_key` added, free text redacted, PII columns dropped.

    Free text is also cleaned of the respondent's own name parts (from the name field).
    """
    out = frame.copy()
    keys = respondent_keys(frame, form, key) if len(frame) else pd.Series([], dtype=object)
    names = _names_per_row(frame, form)
    parts = parts_per_row(names) if names is not None else None
    for field in form.free_text_fields:
        if field.name in out.columns:
            out[field.name] = redact_series_with_parts(out[field.name], parts)
    # Columns no form declares may hold anything (a new name or phone question): redacted
    # like free text before they are stored.
    short_text = [f.name for f in form.fields_of("text") if not f.pii and f.name in out.columns]
    for column in [*short_text, *(c for c in out.columns if str(c).startswith(EXTRA_PREFIX))]:
        out[column] = redact_series_with_parts(out[column], parts)
    pii = [f.name for f in form.pii_fields if f.name in out.columns]
    out = out.drop(columns=pii)
    out.insert(0, RESPONDENT_KEY_COLUMN, keys.to_numpy() if len(frame) else [])
    return out


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _json_value(value.item())
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def protect_record_json(row: Mapping[str, Any] | pd.Series, form: Form) -> str:
    """JSON of one (rejected) row for the quarantine table: no PII, no personal data in text.

    PII fields and columns that are neither form fields nor meta columns are dropped; every
    remaining text value is redacted, since a rejected row may hold a phone number or a
    name in the wrong field.
    """
    record = dict(row.items())
    fields = {f.name for f in form.fields}
    pii = {f.name for f in form.pii_fields}
    names = [record[f] for f in name_fields(form) if isinstance(record.get(f), str) and record[f]]
    clean: dict[str, Any] = {}
    for column, raw in record.items():
        column = str(column)
        if column in pii or not (column in fields or column.startswith("_")):
            continue
        value = _json_value(raw)
        clean[column] = redact_text(value, names) if isinstance(value, str) else value
    return json.dumps(clean, ensure_ascii=False, sort_keys=True)
