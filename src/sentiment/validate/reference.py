"""Reference data the validator checks against: RW areas and wave windows from `schemas/`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sentiment.config import TIMEZONE, load_yaml


@dataclass(frozen=True)
class Wave:
    wave_id: str
    label: str
    start: dt.date
    end: dt.date  # inclusive


def load_areas() -> dict[str, str]:
    """RW code → side of the bridge, from `schemas/areas.yaml`."""
    data = load_yaml("areas.yaml")
    return {str(a["rw"]): str(a["side"]) for a in data["areas"]}


def load_waves() -> tuple[Wave, ...]:
    """Wave windows from `schemas/waves.yaml`, in file order."""
    data = load_yaml("waves.yaml")
    return tuple(
        Wave(str(w["wave_id"]), str(w.get("label", "")), _as_date(w["start"]), _as_date(w["end"]))
        for w in data["waves"]
    )


def waves_timezone() -> str:
    return str(load_yaml("waves.yaml").get("timezone") or TIMEZONE)


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def assign_waves(dates: pd.Series, waves: tuple[Wave, ...]) -> pd.Series:
    """The wave id whose window holds each date (datetime64 at midnight, NaT), else None."""
    stamps = pd.to_datetime(dates)
    out = pd.Series(None, index=dates.index, dtype=object)
    for wave in waves:
        inside = (stamps >= pd.Timestamp(wave.start)) & (stamps <= pd.Timestamp(wave.end))
        # First matching window wins, so overlapping windows resolve in file order.
        out = out.where(out.notna() | ~inside, wave.wave_id)
    return out


def local_dates(stamps: pd.Series, timezone: str) -> pd.Series:
    """Timezone-aware (or naive UTC) timestamps → local calendar days (naive datetime64, NaT)."""
    values = pd.to_datetime(stamps, errors="coerce", utc=True)
    return values.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()
