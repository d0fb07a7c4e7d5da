"""Cells → canonical text: one function per kind of answer, applied once per distinct cell.

Labels become choice values, dates ISO (Excel serial numbers in either date system),
whole numbers lose their `.0`, timestamps become UTC.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from sentiment.forms.model import MEDIA_TYPES, Field, normalise_header

WINDOWS_EPOCH = dt.datetime(1899, 12, 30)  # Excel's 1900 date system, as openpyxl counts it
_INTEGRAL_FLOAT = re.compile(r"^([+-]?\d+)\.0*$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[T ,].*)?$")



def as_object(values: pd.Series) -> pd.Series:
    """An object Series whose missing cells are None (never NaN), as the RawBatch contract says."""
    return pd.Series(np.where(values.isna().to_numpy(), None, values.to_numpy(dtype=object)),
                     index=values.index, dtype=object)


def nulls(index: pd.Index) -> pd.Series:
    """An all-None object Series (`pd.Series(None, dtype=object)` would hold NaN)."""
    return pd.Series([None] * len(index), index=index, dtype=object)


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return value is pd.NaT or value is pd.NA


def cell_text(value: Any) -> str | None:
    """One cell as text: stripped, empty → None; whole floats without `.0`; datetimes ISO."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, list):  # Kobo JSON lists (rare for fields): space-separated
        parts = [cell_text(v) for v in value]
        return " ".join(p for p in parts if p) or None
    return str(value).strip() or None


def _serial_date(number: float, epoch: dt.datetime) -> str | None:
    from openpyxl.utils.datetime import from_excel

    if not 0 < number < 2_958_466:  # Excel's last day is 9999-12-31
        return None
    try:
        return from_excel(number, epoch=epoch).date().isoformat()
    except (ValueError, OverflowError):
        return None


def date_text(value: Any, epoch: dt.datetime = WINDOWS_EPOCH) -> str | None:
    """A date cell as ISO `YYYY-MM-DD`; text we cannot read passes through for validation."""
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return _serial_date(float(value), epoch) or cell_text(value)
    text = cell_text(value)
    if text is None:
        return None
    if _SERIAL.match(text) and 10_000 <= float(text) < 2_958_466:
        return _serial_date(float(text), epoch) or text
    for pattern, order in ((_ISO_DATE, "ymd"), (_YMD_SLASH, "ymd"), (_DMY, "dmy")):
        match = pattern.match(text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            year, month, day = (a, b, c) if order == "ymd" else (c if c > 99 else 2000 + c, b, a)
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                return text
    return text


def _number_text(value: Any) -> str | None:
    text = cell_text(value)
    if text is None:
        return None
    match = _INTEGRAL_FLOAT.match(text)
    return match.group(1) if match else text


def decimal_text(value: Any) -> str | None:
    """A decimal answer to 12 significant digits: an XLSX float (0.30000000000000004) and
    the CSV's printed 0.3 are the same answer, within one file and across files. Text that
    is not a plain number ("2,5", "dua") passes through for validation."""
    text = _number_text(value)
    if text is None or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        return text
    number = float(text)
    if not np.isfinite(number):
        return text
    return _number_text(format(Decimal(f"{number:.12g}"), "f"))  # never an exponent


def choice_lookup(f: Field) -> dict[str, str]:
    """Normalised label or value → choice value (also `5` for `05`, the way Excel drops zeros)."""
    lookup: dict[str, str] = {}
    for choice in f.choices:
        lookup[normalise_header(choice.label)] = choice.value
    for choice in f.choices:
        lookup[normalise_header(choice.value)] = choice.value
        if choice.value.isdigit():
            lookup.setdefault(str(int(choice.value)), choice.value)
    return lookup


def _one_choice(value: Any, lookup: dict[str, str]) -> str | None:
    text = _number_text(value)
    if text is None:
        return None
    return lookup.get(normalise_header(text), text)


def _many_choices(value: Any, lookup: dict[str, str]) -> str | None:
    """Kobo/ODK: values joined by spaces; Google Forms: labels joined by ", "."""
    text = cell_text(value)
    if text is None:
        return None
    whole = lookup.get(normalise_header(text))
    if whole is not None:
        return whole
    if re.search(r"[,;]", text):
        parts = re.split(r"\s*[,;]\s*", text)
    else:  # Kobo label exports join whole labels, spaces and all, with spaces
        parts = _whole_labels(text.split(), lookup) or text.split()
    mapped = [lookup.get(normalise_header(p), p) for p in parts if p.strip()]
    return " ".join(mapped) or None


def _whole_labels(words: list[str], lookup: dict[str, str]) -> list[str] | None:
    """Split space-joined words into known labels or values ("Kerja bakti Pengajian remaja"
    → ["Kerja bakti", "Pengajian remaja"]); None unless every word belongs to one."""
    longest = max((key.count(" ") + 1 for key in lookup), default=1)

    @cache
    def split(start: int) -> tuple[str, ...] | None:
        if start == len(words):
            return ()
        for end in range(min(len(words), start + longest), start, -1):
            piece = " ".join(words[start:end])
            if normalise_header(piece) in lookup and (rest := split(end)) is not None:
                return (piece, *rest)
        return None

    found = split(0)
    return list(found) if found is not None else None


def geo_number(value: Any) -> str | None:
    """One coordinate as text to 12 significant digits (the same point read from an XLSX
    float and from a CSV's printed digits compares equal); other text passes through."""
    text = cell_text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return f"{number:.12g}" if np.isfinite(number) else text


def geopoint_text(value: Any) -> str | None:
    """A location as "latitude longitude [altitude [accuracy]]": Kobo/ODK's one string, a
    GeoJSON point ({"type": "Point", "coordinates": [lon, lat, alt]}, ODK Central adding
    `properties.accuracy`) or its JSON text. Text that is none of these passes through for
    validation to reject."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return value.strip()
    if isinstance(value, dict):
        coordinates = value.get("coordinates")
        if isinstance(coordinates, list) and len(coordinates) >= 2:
            lon, lat, *rest = coordinates
            parts = [lat, lon, *rest[:1]]
            accuracy = (value.get("properties") or {}).get("accuracy")
            if len(parts) == 3 and accuracy is not None:
                parts.append(accuracy)
            return " ".join(geo_number(v) or "?" for v in parts)
        return json.dumps(value, ensure_ascii=False)
    text = cell_text(value)
    if not text:
        return None
    return " ".join(geo_number(part) or part for part in text.replace(",", " ").split())


def media_name(value: Any) -> str | None:
    """An attachment's file name (a URL or path keeps only its last part); never the media."""
    text = cell_text(value)
    return re.split(r"[/\\]", text.split("?", 1)[0])[-1] or None if text else None


def converter(f: Field, epoch: dt.datetime) -> Callable[[Any], str | None]:
    """The cell → canonical text function for one field."""
    if f.type == "geopoint":
        return geopoint_text
    if f.type in MEDIA_TYPES:
        return media_name
    if f.type == "date":
        return lambda v: date_text(v, epoch)
    if f.type in ("select_one", "likert") and f.choices:
        lookup = choice_lookup(f)
        return lambda v: _one_choice(v, lookup)
    if f.type == "select_multiple" and f.choices:
        lookup = choice_lookup(f)
        return lambda v: _many_choices(v, lookup)
    if f.type == "decimal":
        return decimal_text
    if f.type in ("integer", "likert"):
        return _number_text
    return cell_text


def map_unique(values: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """Apply `func` once per distinct cell (answers repeat a lot), as an object Series."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable cells (JSON lists): no shortcut
        return pd.Series([func(v) for v in values], index=values.index, dtype=object)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = func(None)
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def parse_times(text: pd.Series, local_tz: str | None) -> pd.Series:
    """Timestamps → UTC. Naive times are in `local_tz` (None: UTC); day-first like Indonesia."""
    zone = local_tz or "UTC"
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]")
    present = text.notna()
    if not present.any():
        return out
    if local_tz:
        naive = pd.to_datetime(text.where(present), format="%d/%m/%Y %H:%M:%S", errors="coerce")
        ok = naive.notna()
        out[ok] = naive[ok].dt.tz_localize(zone).dt.tz_convert("UTC").dt.as_unit("us")
    else:
        parsed = pd.to_datetime(text.where(present), format="ISO8601", utc=True, errors="coerce")
        out = parsed.dt.as_unit("us")
    rest = present & out.isna()
    if rest.any():
        # typed: a list of only NaT would be inferred as naive datetime64[s] and refused
        out[rest] = pd.Series([_one_time(v, zone) for v in text[rest]], index=text[rest].index,
                              dtype="datetime64[us, UTC]")
    return out


def _one_time(value: str, zone: str) -> pd.Timestamp:
    for kwargs in ({"format": "ISO8601"}, {"dayfirst": True}):
        try:
            stamp = pd.Timestamp(pd.to_datetime(value, **kwargs))
        except (ValueError, TypeError, OverflowError):
            continue
        if stamp is pd.NaT:
            continue
        stamp = stamp.tz_localize(zone) if stamp.tzinfo is None else stamp
        return stamp.tz_convert("UTC")
    return pd.NaT
