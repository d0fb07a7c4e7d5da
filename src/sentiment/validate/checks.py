"""The checks a form implies, and the frame Great Expectations evaluates them on.

Every check is derived from the form definition (plus areas and waves); GX only ever sees
columns that hold no personal data: sensitive fields reach it as pass/fail booleans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from sentiment.forms.model import GEOPOINT_PARTS, Condition, Field, Form
from sentiment.validate.reference import Wave, assign_waves, local_dates

Kind = Literal["not_null", "in_set", "regex", "between", "true"]

ROW = "_row"  # positional row id GX reports failures by
WAVE_OK = "_wave__ok"
INTEGER_RE = r"^[+-]?\d+$"
DECIMAL_RE = r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
_NUMBER = r"[+-]?\d+(?:\.\d+)?"
GEOPOINT_RE = rf"^{_NUMBER} {_NUMBER}(?: {_NUMBER}){{0,2}}$"  # lat lon [alt [accuracy]]
_SHAPE = {"integer": INTEGER_RE, "decimal": DECIMAL_RE, "date": DATE_RE, "datetime": DATETIME_RE}


@dataclass(frozen=True)
class Check:
    """One expectation: `kind` applied to `source`, reported against `field` under `rule`."""

    field: str
    rule: str
    kind: Kind
    source: str
    params: dict[str, Any] = field(default_factory=dict)
    sensitive: bool = False  # GX gets a derived pass/fail column, never the values
    description: str = ""

    @property
    def column(self) -> str:
        """The column GX evaluates."""
        return f"{self.field}__{self.rule}_ok" if self.sensitive else self.source

    @property
    def gx_kind(self) -> Kind:
        return "true" if self.sensitive else self.kind


def is_sensitive(f: Field) -> bool:
    """PII and typed-in text may hold personal data: never echoed by GX or in quarantine."""
    return f.pii or f.type in ("text", "free_text")


def num_column(name: str) -> str:
    return f"{name}__num"


def date_column(name: str) -> str:
    return f"{name}__date"


def rule_column(rule_id: str) -> str:
    return f"_rule__{rule_id}"


def tokens_regex(values: list[str]) -> str:
    """Space-separated tokens, each one of `values`."""
    one = "(?:" + "|".join(re.escape(v) for v in values) + ")"
    return f"^{one}(?: {one})*$"


def form_checks(form: Form, areas: dict[str, str]) -> list[Check]:
    """Every check the form definition implies, in form order."""
    checks: list[Check] = []
    for f in form.fields:
        checks += _field_checks(f)
    area = form.role("area")
    if area and areas:  # a programme that lists no areas yet accepts any area answer
        checks.append(
            Check(
                area,
                "area",
                "in_set",
                area,
                {"value_set": sorted(areas)},
                is_sensitive(form.field(area)),
                "area listed in the programme's areas.yaml",
            )
        )
    for rule in form.rules:
        checks.append(
            Check(
                rule.require.field,
                rule.id,
                "true",
                rule_column(rule.id),
                description=rule.description,
            )
        )
    wave_field = form.role("interview_date") or "_submitted_at"
    checks.append(
        Check(
            wave_field,
            "wave",
            "true",
            WAVE_OK,
            description="interview date inside a wave of the programme's waves.yaml",
        )
    )
    return checks


def _field_checks(f: Field) -> list[Check]:
    s = is_sensitive(f)
    out: list[Check] = []
    if f.required:
        out.append(Check(f.name, "required", "not_null", f.name, sensitive=s))
    if f.type in ("select_one", "likert") and f.choices:
        out.append(Check(f.name, "in_set", "in_set", f.name, {"value_set": f.choice_values}, s))
    elif f.type == "select_multiple" and f.choices:
        out.append(
            Check(f.name, "in_set", "regex", f.name, {"regex": tokens_regex(f.choice_values)}, s)
        )
    elif f.type in _SHAPE:
        out.append(Check(f.name, f.type, "regex", f.name, {"regex": _SHAPE[f.type]}, s))
    if f.type in ("integer", "decimal") and f.constraints:
        bounds = {"min_value": f.constraints.get("min"), "max_value": f.constraints.get("max")}
        out.append(Check(f.name, "between", "between", num_column(f.name), bounds, s))
    if f.type == "date":
        # The regex passes 2025-02-30; a calendar check on the parsed value catches it.
        out.append(Check(f.name, "date", "true", f"{f.name}__calendar_ok"))
    if f.type == "geopoint":
        out.append(Check(f.name, "geopoint", "regex", f.name, {"regex": GEOPOINT_RE}, s))
        for part, (low, high) in GEOPOINT_PARTS.items():
            if low is not None or high is not None:
                out.append(Check(f.name, part, "between", num_column(f"{f.name}_{part}"),
                                 {"min_value": low, "max_value": high}, s,
                                 f"{part} between {low} and {high}"))
    return out


def clean_text(series: pd.Series) -> pd.Series:
    """Strings stripped, empty → NA, as pandas' nullable `string` dtype (vectorised regexes)."""
    text = series.astype("string").str.strip()
    return text.mask(text == "")


def to_object(series: pd.Series) -> pd.Series:
    """Object column with None for missing: what the stage contract promises for text."""
    return series.astype(object).where(series.notna(), None)


def prepare(
    frame: pd.DataFrame, form: Form, areas: dict[str, str], waves: tuple[Wave, ...], timezone: str
) -> pd.DataFrame:
    """Normalised field values plus every derived column the checks and the typed output need.

    Holds raw PII: internal only; `gx_frame` selects what GX may see.
    """
    cols: dict[str, pd.Series] = {ROW: pd.Series(range(len(frame)), index=frame.index)}
    for f in form.fields:
        raw = frame[f.name] if f.name in frame else pd.Series(None, index=frame.index, dtype=object)
        text = clean_text(raw)
        if f.type == "select_multiple":
            text = text.str.replace(r"[ \t\r\n]+", " ", regex=True)  # `\s` runs in Python
        cols[f.name] = text
        if f.type in ("integer", "decimal", "likert"):
            # Cast only what has the right shape: a plain cast is 5× faster than to_numeric.
            shaped = _fullmatch(text, DECIMAL_RE if f.type == "decimal" else INTEGER_RE)
            digits = text.str.replace(",", ".", regex=False) if f.type == "decimal" else text
            cols[num_column(f.name)] = digits.where(shaped).astype("float64")
        elif f.type == "geopoint":
            parts = text.where(_fullmatch(text, GEOPOINT_RE)).str.split(" ", expand=True)
            for k, part in enumerate(GEOPOINT_PARTS):
                column = parts[k] if k in parts.columns else pd.Series(None, index=text.index)
                cols[num_column(f"{f.name}_{part}")] = pd.to_numeric(column, errors="coerce")
        elif f.type == "date":
            shaped = _fullmatch(text, DATE_RE)
            parsed = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce")
            cols[date_column(f.name)] = parsed
            ok = pd.Series(None, index=frame.index, dtype=object)
            cols[f"{f.name}__calendar_ok"] = ok.mask(shaped, parsed.notna())
    out = pd.DataFrame(cols, index=frame.index)
    for rule in form.rules:
        applies = _holds(out, form, rule.when)
        out[rule_column(rule.id)] = ~applies | _holds(out, form, rule.require)
    out = out.join(_wave_columns(frame, out, form, waves, timezone))
    out["_side"] = to_object(pd.Series(_sides(out, form, areas), index=out.index, dtype=object))
    return out


def _sides(prepared: pd.DataFrame, form: Form, areas: dict[str, str]) -> pd.Series | None:
    """The side of each row: the form's side question if it has one, else its area's side
    (None where neither is known: the views show 'unknown')."""
    side, area = form.role("side"), form.role("area")
    if side and side in prepared:
        return prepared[side].astype(object)
    if area and area in prepared:
        return prepared[area].astype(object).map(areas)
    return None


def _fullmatch(text: pd.Series, regex: str) -> pd.Series:
    return text.astype("string").str.fullmatch(regex).fillna(False).astype(bool)


def _holds(prepared: pd.DataFrame, form: Form, cond: Condition) -> pd.Series:
    """Whether a rule condition holds per row; a missing value never satisfies it."""
    holds = pd.Series(True, index=prepared.index)
    if cond.lt is not None or cond.gt is not None:
        num = prepared.get(num_column(cond.field))
        if num is None:
            num = pd.to_numeric(prepared[cond.field], errors="coerce")
        if cond.lt is not None:
            holds &= (num < cond.lt).fillna(False)
        if cond.gt is not None:
            holds &= (num > cond.gt).fillna(False)
    if cond.equals is not None:
        holds &= (prepared[cond.field] == cond.equals).fillna(False)
    return holds.astype(bool)


def _wave_columns(
    frame: pd.DataFrame, prepared: pd.DataFrame, form: Form, waves: tuple[Wave, ...], timezone: str
) -> pd.DataFrame:
    """`_wave_date` (datetime64), `_wave_id`, `_wave__ok` (None: interview date unusable)."""
    submitted = (
        frame["_submitted_at"] if "_submitted_at" in frame else pd.Series(None, index=frame.index)
    )
    fallback = local_dates(submitted, timezone)
    interview = form.role("interview_date")
    if interview:
        given = prepared[interview].notna()
        wave_date = prepared[date_column(interview)].where(given, fallback)
        # A present but malformed interview date is reported by the date check, not here.
        undecided = given & prepared[date_column(interview)].isna()
    else:
        wave_date = fallback
        undecided = pd.Series(False, index=frame.index)
    wave_id = assign_waves(wave_date, waves)
    ok = wave_id.notna().astype(object).mask(undecided, None)
    return pd.DataFrame({"_wave_date": wave_date, "_wave_id": wave_id, WAVE_OK: ok})


def passes(check: Check, prepared: pd.DataFrame) -> pd.Series:
    """The check evaluated in pandas: True/False, None where GX would skip the row (null)."""
    values = prepared[check.source]
    present = values.notna()
    if check.kind == "not_null":
        return present.astype(object)
    if check.kind == "in_set":
        result = values.isin(check.params["value_set"])
    elif check.kind == "regex":
        result = _fullmatch(values.astype(object).where(present, None), check.params["regex"])
    elif check.kind == "between":
        lo, hi = check.params.get("min_value"), check.params.get("max_value")
        result = pd.Series(True, index=values.index)
        if lo is not None:
            result &= values >= lo
        if hi is not None:
            result &= values <= hi
    else:
        result = values == True  # noqa: E712  (object column of True/False/None)
    return result.astype(object).where(present, None)


def gx_frame(prepared: pd.DataFrame, checks: list[Check]) -> pd.DataFrame:
    """The only frame GX sees: checked columns, sensitive fields as booleans, indexed by `_row`."""
    cols: dict[str, pd.Series] = {}
    for check in checks:
        if check.column not in cols:
            cols[check.column] = (
                passes(check, prepared) if check.sensitive else prepared[check.source]
            )
    frame = pd.DataFrame(cols, index=prepared.index)
    frame.index = pd.Index(prepared[ROW].to_numpy(), name=ROW)
    return frame
