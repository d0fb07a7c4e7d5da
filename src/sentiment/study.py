"""The programme's areas, sides and age bands, typed, from its folder (areas.yaml,
programme.yaml); nothing here names a programme."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sentiment.config import load_yaml
from sentiment.errors import SentimentError
from sentiment.settings import schemas_dir

_BAND = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)|\+)\s*$")


@dataclass(frozen=True)
class Area:
    code: str
    side: str
    label: str


@dataclass(frozen=True)
class Areas:
    sides: dict[str, str]  # side → label
    areas: tuple[Area, ...]

    @property
    def side_of(self) -> dict[str, str]:
        """Area code → side."""
        return {a.code: a.side for a in self.areas}


def areas() -> Areas:
    """`areas.yaml`: sides with labels, and areas (code, side, label); both may be empty."""
    data = load_yaml("areas.yaml") or {}
    sides = {str(k): str((v or {}).get("label", k)) for k, v in (data.get("sides") or {}).items()}
    out = []
    for entry in data.get("areas") or []:
        if "code" not in entry or "side" not in entry:
            raise SentimentError(f"areas.yaml: every area needs `code` and `side` (got {entry})")
        if str(entry["side"]) not in sides:
            raise SentimentError(f"areas.yaml: area {entry['code']} is on side {entry['side']!r}, "
                                 f"which `sides:` does not declare")
        out.append(Area(str(entry["code"]), str(entry["side"]), str(entry.get("label", entry["code"]))))
    return Areas(sides, tuple(out))


def _programme() -> dict:
    return (load_yaml("programme.yaml") or {}) if (schemas_dir() / "programme.yaml").is_file() else {}


def age_bands() -> dict[str, tuple[tuple[float, str], ...]]:
    """`programme.yaml` `age_bands:` per respondent group, as (upper bound, label) in order.

    Written as labels: `["12-14", "15-17", "25+"]`; `N+` is open-ended.
    """
    bands: dict[str, tuple[tuple[float, str], ...]] = {}
    for group, labels in (_programme().get("age_bands") or {}).items():
        parsed = []
        for label in labels:
            match = _BAND.match(str(label))
            if not match:
                raise SentimentError(f"programme.yaml: age band {label!r} of {group} is not "
                                     "like '15-17' or '60+'")
            parsed.append((float(match[2]) if match[2] else math.inf, str(label).strip()))
        bands[str(group)] = tuple(parsed)
    return bands


def age_band(group: str, age: float | None, bands: dict[str, tuple[tuple[float, str], ...]]) -> str | None:
    """The band of `age` for this group; ten-year bands when the programme declares none."""
    if age is None or (isinstance(age, float) and math.isnan(age)):
        return None
    for upper, label in bands.get(group, ()):
        if age <= upper:
            return label
    if group in bands:
        return None  # older than the last closed band and no open band declared
    low = int(age // 10 * 10)
    return f"{low}-{low + 9}"


@dataclass(frozen=True)
class ReportQuestions:
    """`programme.yaml` `report:`: the select_multiple question of programme activities a
    respondent joined, and the Likert item compared between participants and the others.
    Either may be None: the report then leaves that part out."""

    participation: str | None = None
    safety: str | None = None


def report_questions() -> ReportQuestions:
    raw = _programme().get("report") or {}
    return ReportQuestions(raw.get("participation"), raw.get("safety"))


def programme_max_file_mb() -> int | None:
    """`programme.yaml` `max_file_mb`: the largest export file accepted (None: the default)."""
    try:
        value = _programme().get("max_file_mb")
    except SentimentError:  # no programme folder at all: the readers' default applies
        return None
    if value is None:
        return None
    if not isinstance(value, int) or value < 1:
        raise SentimentError(f"programme.yaml: max_file_mb {value!r} is not a positive whole number")
    return value
