"""Quarantine rows: one per failed check, with a readable reason and no personal data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sentiment.forms.model import GEOPOINT_PARTS, Condition, Field, Form, Rule
from sentiment.validate.checks import ROW, Check, num_column

COLUMNS = ["source_file", "source_row", "submission_id", "field", "rule", "value", "reason"]
PII_MASK = "[disamarkan]"


def empty(with_position: bool = False) -> pd.DataFrame:
    """An empty quarantine frame (with the internal `_row` position column if asked)."""
    cols = [*COLUMNS, ROW] if with_position else COLUMNS
    return pd.DataFrame(
        {c: pd.Series(dtype="Int64" if c in ("source_row", ROW) else object) for c in cols}
    )


def _field(form: Form, name: str) -> Field | None:
    try:
        return form.field(name)
    except KeyError:
        return None


def _plain(value: Any) -> Any:
    """None for any missing marker (None, NaN, NA, NaT)."""
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def mask(f: Field | None, value: Any) -> str | None:
    """A value fit to store and show: PII hidden, typed-in text reduced to its length."""
    value = _plain(value)
    if value is None:
        return None
    if f is not None and f.pii:
        return PII_MASK
    if f is not None and f.type in ("text", "free_text"):
        return f"[{len(str(value))} karakter]"
    return _num(value) if isinstance(value, float) else str(value)


def _num(x: Any) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _cond_text(cond: Condition) -> str:
    parts = []
    if cond.lt is not None:
        parts.append(f"< {_num(cond.lt)}")
    if cond.gt is not None:
        parts.append(f"> {_num(cond.gt)}")
    if cond.equals is not None:
        parts.append(f"= {cond.equals}")
    return " and ".join(parts)


def reason(check: Check, form: Form, shown: str | None, context: dict[str, Any]) -> str:
    """English, names the field, the value (masked) and the rule that failed.

    `context` holds the row's prepared values the message needs (see `_context_columns`).
    """
    name, f = check.field, _field(form, check.field)
    it = f"{name}={shown}" if shown is not None else name
    if check.rule == "required":
        return f"{name} is required but missing"
    if check.rule == "in_set" and f is not None and f.type == "select_multiple":
        if check.sensitive or shown is None:
            return f"{name} has an option outside the form's choices"
        bad = [t for t in str(context[name]).split() if t not in f.choice_values]
        return f"{it}: unknown option(s) {', '.join(bad)}; allowed: {', '.join(f.choice_values)}"
    if check.rule == "in_set":
        return f"{it} is not one of {', '.join(check.params['value_set'])}"
    if check.rule == "area":
        return f"{it} is not an area listed in the programme's areas.yaml ({', '.join(check.params['value_set'])})"
    if check.rule in ("integer", "decimal", "datetime"):
        noun = {"integer": "a whole number", "decimal": "a number", "datetime": "an ISO date-time"}
        return f"{it} is not {noun[check.rule]}"
    if check.rule == "date":
        if check.kind == "true":
            return f"{it} is not a real calendar date"
        return f"{it} is not a date written YYYY-MM-DD"
    if f is not None and f.type == "geopoint" and check.rule in GEOPOINT_PARTS:
        return _geopoint_reason(check, shown)
    if check.rule == "geopoint":
        return f"{it} is not a location written 'latitude longitude [altitude [accuracy]]'"
    if check.rule == "between":
        lo, hi = check.params.get("min_value"), check.params.get("max_value")
        if lo is not None and hi is not None:
            return f"{it} outside {_num(lo)}–{_num(hi)}"
        return f"{it} below {_num(lo)}" if lo is not None else f"{it} above {_num(hi)}"
    if check.rule == "wave":
        if shown is None:
            return "no interview date or submission time to place the response in a wave"
        return f"{name} date {shown} is outside every wave window in the programme's waves.yaml"
    rule = _rule(form, check.rule)
    if rule is not None:
        when = rule.when
        num = _plain(context.get(num_column(when.field)))
        when_value = mask(
            _field(form, when.field), num if num is not None else context.get(when.field)
        )
        got = shown if shown is not None else "nothing"
        return (
            f"{when.field}={when_value} ({_cond_text(when)}) requires {name} "
            f"{_cond_text(rule.require)}, got {got} (rule {rule.id})"
        )
    return f"{it} failed {check.rule}"


def _geopoint_reason(check: Check, shown: str | None) -> str:
    """`titik: latitude 96.5 outside -90–90` (the part's own value, not the whole point)."""
    lo, hi = check.params.get("min_value"), check.params.get("max_value")
    allowed = (f"outside {_num(lo)}–{_num(hi)}" if lo is not None and hi is not None
               else f"below {_num(lo)}" if lo is not None else f"above {_num(hi)}")
    parts = str(shown).split() if shown is not None else []
    position = list(GEOPOINT_PARTS).index(check.rule)
    value = f" {parts[position]}" if position < len(parts) else ""
    return f"{check.field}: {check.rule}{value} {allowed}"


def _rule(form: Form, rule_id: str) -> Rule | None:
    return next((r for r in form.rules if r.id == rule_id), None)


def _context_columns(check: Check, form: Form) -> list[str]:
    rule = _rule(form, check.rule)
    if rule is None:
        return [check.field]
    return [check.field, rule.when.field, num_column(rule.when.field)]


def _shown(
    check: Check, form: Form, raw: pd.DataFrame, prepared: pd.DataFrame, positions: np.ndarray
) -> list[str | None]:
    """The value to store for each failing row: masked as the field requires."""
    if check.rule == "wave":
        dates = prepared["_wave_date"].iloc[positions]
        return [d.date().isoformat() if _plain(d) is not None else None for d in dates]
    if check.field not in raw:
        return [None] * len(positions)
    f = _field(form, check.field)
    return [mask(f, v) for v in raw[check.field].iloc[positions].to_numpy(dtype=object)]


def failure_rows(
    failures: list[tuple[Check, list[int]]], form: Form, raw: pd.DataFrame, prepared: pd.DataFrame
) -> pd.DataFrame:
    """Quarantine rows for GX's failing row ids (`_row`: positions in `raw` / `prepared`)."""
    parts = []
    for check, rows in failures:
        positions = np.asarray(rows, dtype=int)
        shown = _shown(check, form, raw, prepared, positions)
        cols = [c for c in _context_columns(check, form) if c in prepared]
        context = {c: prepared[c].iloc[positions].to_numpy(dtype=object) for c in cols}
        reasons = [
            reason(check, form, value, {c: context[c][i] for c in cols})
            for i, value in enumerate(shown)
        ]
        parts.append(_records(raw, positions, check.field, check.rule, shown, reasons))
    return pd.concat(parts, ignore_index=True) if parts else empty(True)


def _records(
    raw: pd.DataFrame,
    positions: np.ndarray,
    field: str,
    rule: str,
    values: list[str | None],
    reasons: list[str],
) -> pd.DataFrame:
    def meta(column: str) -> list[Any]:
        return [_plain(v) for v in raw[column].iloc[positions].to_numpy(dtype=object)]

    return pd.DataFrame(
        {
            "source_file": pd.Series(meta("_source_file"), dtype=object),
            "source_row": pd.array(meta("_source_row"), dtype="Int64"),
            "submission_id": pd.Series(meta("_submission_id"), dtype=object),
            "field": field,
            "rule": rule,
            "value": pd.Series(values, dtype=object),
            "reason": pd.Series(reasons, dtype=object),
            ROW: positions,
        }
    )


def conflict_rows(raw: pd.DataFrame, conflicts: pd.Series) -> pd.DataFrame:
    """Rows reusing an earlier row's submission id with different answers."""
    first = raw.drop_duplicates("_submission_id").set_index("_submission_id")["_source_row"]
    positions = conflicts.to_numpy(dtype=bool).nonzero()[0]
    ids = [str(v) for v in raw["_submission_id"].iloc[positions].to_numpy(dtype=object)]
    reasons = [
        f"_submission_id={sid} repeats row {_plain(first.get(sid))} with different answers"
        for sid in ids
    ]
    return _records(raw, positions, "_submission_id", "conflict", list(ids), reasons)
