"""The programme, typed, from its folder: `programme.yaml` (language, time zone, age bands,
report questions, size limit) and `areas.yaml` (sides and areas); nothing here names a
programme."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
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


class AgeBand(NamedTuple):
    low: float
    high: float  # inclusive; inf for an open band ("60+")
    label: str


@dataclass(frozen=True)
class ReportQuestions:
    """`programme.yaml` `report:`: the select_multiple question of programme activities a
    respondent joined, and the Likert item compared between participants and the others.
    Either may be None: the report then leaves that part out."""

    participation: str | None = None
    safety: str | None = None
    # Where and for whom, in the report's own words (Bahasa): "Jembatan Kali Pasir".
    place: str | None = None
    audience: str | None = None  # "Bhabinkamtibmas dan tokoh masyarakat"
    total_side: str = "Semua wilayah"  # the label of the total over sides
    # Capitalised words that are not anybody's name (places, institutions): quotes with them
    # are not held back as possibly naming someone.
    proper_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Programme:
    """`programme.yaml`, typed. Every key is optional (a folder without the file is a
    programme with no declared language, bands, report questions or size limit)."""

    id: str | None = None
    title: str | None = None
    language: str | None = None  # default language of typed-in answers (id, en, ..., none)
    timezone: str | None = None  # waves.yaml's `timezone:` wins when both are given
    age_bands: dict[str, tuple[AgeBand, ...]] = field(default_factory=dict)
    report: ReportQuestions = ReportQuestions()
    max_file_mb: float | None = None

    @property
    def max_file_bytes(self) -> int | None:
        return int(self.max_file_mb * 1024 * 1024) if self.max_file_mb else None


def programme() -> Programme:
    """The programme folder's `programme.yaml`, parsed once per version of the file."""
    path = schemas_dir() / "programme.yaml"
    if not path.is_file():
        return Programme()
    return _parse_programme(str(path), path.stat().st_mtime)


@lru_cache(maxsize=8)
def _parse_programme(path: str, mtime: float) -> Programme:
    raw = load_yaml(path) or {}
    if not isinstance(raw, dict):
        raise SentimentError("programme.yaml: expected `key: value` lines (id, title, language, ...)")
    report = raw.get("report") or {}
    if not isinstance(report, dict):
        raise SentimentError("programme.yaml: `report:` takes `participation:`, `safety:`, "
                             "`place:`, `audience:`, `total_side:` and `proper_words:`")
    size = raw.get("max_file_mb")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int | float) or size <= 0):
        raise SentimentError(f"programme.yaml: max_file_mb must be a positive number of MB (got {size!r})")
    return Programme(
        id=_text(raw.get("id")), title=_text(raw.get("title")),
        language=_text(raw.get("language")), timezone=_text(raw.get("timezone")),
        age_bands=_age_bands(raw.get("age_bands") or {}),
        report=_report(report),
        max_file_mb=float(size) if size is not None else None,
    )


def _report(raw: dict) -> ReportQuestions:
    words = raw.get("proper_words") or []
    if isinstance(words, str) or not isinstance(words, list):
        raise SentimentError("programme.yaml: `report: proper_words:` is a list of words")
    return ReportQuestions(
        participation=_text(raw.get("participation")), safety=_text(raw.get("safety")),
        place=_text(raw.get("place")), audience=_text(raw.get("audience")),
        total_side=_text(raw.get("total_side")) or ReportQuestions.total_side,
        proper_words=tuple(str(w) for w in words))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _age_bands(raw: object) -> dict[str, tuple[AgeBand, ...]]:
    if not isinstance(raw, dict):
        raise SentimentError("programme.yaml: `age_bands:` maps each respondent group to its "
                             'bands, e.g. {warga: ["12-17", "18-29", "30+"]}')
    bands: dict[str, tuple[AgeBand, ...]] = {}
    for group, labels in raw.items():
        parsed = []
        for label in labels if isinstance(labels, list) else [labels]:
            match = _BAND.match(str(label))
            if not match:
                raise SentimentError(f"programme.yaml: age band {label!r} of {group} is not "
                                     "like '15-17' or '60+'")
            parsed.append(AgeBand(float(match[1]), float(match[2]) if match[2] else math.inf,
                                  str(label).strip()))
        bands[str(group)] = tuple(parsed)
    return bands


def age_bands() -> dict[str, tuple[AgeBand, ...]]:
    """`programme.yaml` `age_bands:` per respondent group, in order.

    Written as labels: `["12-14", "15-17", "25+"]`; `N+` is open-ended.
    """
    return programme().age_bands


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


def report_questions() -> ReportQuestions:
    return programme().report
