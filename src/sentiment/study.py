"""The programme's areas, sides and age bands, typed, from its folder (areas.yaml,
programme.yaml); nothing here names a programme."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

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


class AgeBand(NamedTuple):
    low: float
    high: float  # inclusive; inf for an open band ("60+")
    label: str


def age_bands() -> dict[str, tuple[AgeBand, ...]]:
    """`programme.yaml` `age_bands:` per respondent group, in order.

    Written as labels: `["12-14", "15-17", "25+"]`; `N+` is open-ended.
    """
    bands: dict[str, tuple[AgeBand, ...]] = {}
    for group, labels in (_programme().get("age_bands") or {}).items():
        parsed = []
        for label in labels:
            match = _BAND.match(str(label))
            if not match:
                raise SentimentError(f"programme.yaml: age band {label!r} of {group} is not "
                                     "like '15-17' or '60+'")
            parsed.append(AgeBand(float(match[1]), float(match[2]) if match[2] else math.inf,
                                  str(label).strip()))
        bands[str(group)] = tuple(parsed)
    return bands


def age_band(group: str, age: float | None, bands: dict[str, tuple[AgeBand, ...]]) -> str | None:
    """The band of `age` for this group; ten-year bands when the programme declares none.
    An age outside every declared band (below the first, in a gap, above the last closed
    one) has none: the views show it as `unknown`."""
    if age is None or (isinstance(age, float) and math.isnan(age)):
        return None
    if group in bands:
        return next((b.label for b in bands[group] if b.low <= age <= b.high), None)
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
