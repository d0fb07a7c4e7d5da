"""Reference data the validator checks against: areas and waves (windows and/or a period rule)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sentiment.config import TIMEZONE, load_yaml
from sentiment.errors import SentimentError

PERIODS = ("month", "quarter")
_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember")


@dataclass(frozen=True)
class Wave:
    wave_id: str
    label: str
    start: dt.date
    end: dt.date  # inclusive


def load_areas() -> dict[str, str]:
    """Area code → side, from the programme's `areas.yaml`."""
    from sentiment.study import areas

    return areas().side_of


class Waves(tuple):
    """The declared wave windows (a tuple of `Wave`), plus the optional period rule.

    `period` (`month` or `quarter`) places any date outside every window in the wave of its
    calendar month (`2025-08`) or quarter (`2025Q3`), so no date is left without a wave.
    """

    period: str | None

    def __new__(cls, windows: tuple[Wave, ...] = (), period: str | None = None) -> Waves:
        waves = super().__new__(cls, windows)
        waves.period = period
        return waves


def load_waves() -> Waves:
    """Wave windows from `waves.yaml`, in file order, and its `period:` rule if any."""
    data = load_yaml("waves.yaml") or {}
    period = data.get("period")
    if period is not None and period not in PERIODS:
        raise SentimentError(f"waves.yaml: period must be one of {', '.join(PERIODS)} (got {period!r})")
    windows = tuple(
        Wave(str(w["wave_id"]), str(w.get("label", "")), _as_date(w["start"]), _as_date(w["end"]))
        for w in data.get("waves") or []
    )
    return Waves(windows, period)


def period_wave_id(day: dt.date, period: str) -> str:
    """`2025-08` for a month, `2025Q3` for a quarter."""
    if period == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def period_wave(wave_id: str) -> Wave:
    """The `Wave` (label in Bahasa Indonesia, first and last day) of a period wave id."""
    if "Q" in wave_id:
        year, quarter = (int(x) for x in wave_id.split("Q"))
        start = dt.date(year, 3 * quarter - 2, 1)
        label = f"Triwulan {quarter} {year}"
        last_month = 3 * quarter
    else:
        year, month = (int(x) for x in wave_id.split("-"))
        start, label, last_month = dt.date(year, month, 1), f"{_MONTHS_ID[month - 1]} {year}", month
    following = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
    return Wave(wave_id, label, start, following - dt.timedelta(days=1))


def waves_timezone() -> str:
    """The time zone wave dates are counted in: waves.yaml's, else programme.yaml's."""
    from sentiment.study import programme

    return str(load_yaml("waves.yaml").get("timezone") or programme().timezone or TIMEZONE)


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def assign_waves(dates: pd.Series, waves: tuple[Wave, ...]) -> pd.Series:
    """The wave id whose window holds each date (datetime64 at midnight, NaT), else the period
    wave when `waves` carries a period rule, else None."""
    stamps = pd.to_datetime(dates)
    out = pd.Series(None, index=dates.index, dtype=object)
    for wave in waves:
        inside = (stamps >= pd.Timestamp(wave.start)) & (stamps <= pd.Timestamp(wave.end))
        # First matching window wins, so overlapping windows resolve in file order.
        out = out.where(out.notna() | ~inside, wave.wave_id)
    period = getattr(waves, "period", None)
    if period:
        rest = out.isna() & stamps.notna()
        if period == "quarter":
            ids = stamps.dt.year.astype("Int64").astype(str) + "Q" + stamps.dt.quarter.astype("Int64").astype(str)
        else:
            ids = stamps.dt.strftime("%Y-%m")
        out = out.where(~rest, ids)
    return out


def local_dates(stamps: pd.Series, timezone: str) -> pd.Series:
    """Timezone-aware (or naive UTC) timestamps → local calendar days (naive datetime64, NaT)."""
    values = pd.to_datetime(stamps, errors="coerce", utc=True)
    return values.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()
