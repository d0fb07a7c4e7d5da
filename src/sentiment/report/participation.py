"""Programme participation per cell and feeling safe at night, by SQL over `v_responses_long`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from sentiment.report.sql import num, read_sql


@dataclass(frozen=True)
class ParticipationCell:
    side: str
    respondent_group: str
    n: int
    shares: dict[str, float]  # activity → share of the cell's respondents joining it


@dataclass(frozen=True)
class SafetyRow:
    """Mean of the safety item (the programme's `report: safety`) among participants of an
    activity and among the others."""

    activity: str
    label: str
    n_part: int
    mean_part: float | None
    n_other: int
    mean_other: float | None


_CELL_SQL = """
SELECT side, respondent_group, COUNT(DISTINCT respondent_key) AS n
FROM v_responses_long WHERE wave_id = :wave GROUP BY side, respondent_group
"""
_JOIN_SQL = """
SELECT side, respondent_group, option AS activity, COUNT(DISTINCT respondent_key) AS joined
FROM v_responses_long
WHERE wave_id = :wave AND question_id LIKE :kegiatan AND option IS NOT NULL AND option <> ''
GROUP BY side, respondent_group, option
"""
# Per respondent: mean feeling safe at night, and whether they joined each activity; then per
# activity the mean among participants and among the others (both sides and groups together).
_SAFETY_SQL = """
WITH people AS (
  SELECT respondent_key, AVG(value_num) AS aman
  FROM v_responses_long
  WHERE wave_id = :wave AND question_id LIKE :aman AND value_num IS NOT NULL AND ({cells})
  GROUP BY respondent_key
), joined AS (
  SELECT DISTINCT respondent_key, option AS activity
  FROM v_responses_long
  WHERE wave_id = :wave AND question_id LIKE :kegiatan AND option IS NOT NULL AND option <> ''
), activities AS (
  SELECT DISTINCT activity FROM joined
  UNION SELECT 'semua_kegiatan'
), flags AS (
  SELECT a.activity, p.respondent_key, p.aman,
         CASE WHEN EXISTS (SELECT 1 FROM joined j WHERE j.respondent_key = p.respondent_key
                           AND (j.activity = a.activity OR a.activity = 'semua_kegiatan'))
              THEN 1 ELSE 0 END AS took_part
  FROM activities a CROSS JOIN people p
)
SELECT activity,
       SUM(took_part) AS n_part,
       AVG(CASE WHEN took_part = 1 THEN aman END) AS mean_part,
       SUM(1 - took_part) AS n_other,
       AVG(CASE WHEN took_part = 0 THEN aman END) AS mean_other
FROM flags GROUP BY activity
"""
ANY_ACTIVITY = "semua_kegiatan"


def cell_sizes(engine: Engine, wave: str) -> list[tuple[str, str, int]]:
    """(side, group, respondents) of every cell of the wave in `v_responses_long`."""
    sizes = read_sql(engine, _CELL_SQL, {"wave": wave})
    return [(str(r.side), str(r.respondent_group), int(r.n)) for r in sizes.itertuples()]


def _like(question: str) -> str:
    # In LIKE, `_` matches any one character, so "%.name_x" also matches itself.
    return f"%.{question}"


def participation(
    engine: Engine, wave: str, min_n: int, activities: dict[str, str], question: str | None,
    cells: set[tuple[str, str]] | None = None,
) -> tuple[list[ParticipationCell], list[str]]:
    """Share joining each activity per side × group cell; cells under `min_n` are left out
    (returned as suppression notes). `cells`: also leave out cells the index view withheld.
    `question`: the programme's activities question (None: nothing to show)."""
    if question is None:
        return [], []
    params = {"wave": wave, "kegiatan": _like(question)}
    sizes = read_sql(engine, _CELL_SQL, params)
    joined = read_sql(engine, _JOIN_SQL, params)
    out, notes = [], []
    for row in sizes.sort_values(["side", "respondent_group"]).itertuples(index=False):
        key = (str(row.side), str(row.respondent_group))
        if int(row.n) < min_n or (cells is not None and key not in cells):
            notes.append(f"participation:{key[0]}:{key[1]}")
            continue
        mine = joined[(joined["side"] == key[0]) & (joined["respondent_group"] == key[1])]
        counts = dict(zip(mine["activity"].astype(str), mine["joined"].astype(int), strict=True))
        out.append(
            ParticipationCell(
                key[0], key[1], int(row.n), {a: counts.get(a, 0) / int(row.n) for a in activities}
            )
        )
    return out, notes


def safety(
    engine: Engine, wave: str, min_n: int, labels: dict[str, str], cells: set[tuple[str, str]],
    activity_question: str | None, safety_question: str | None,
) -> list[SafetyRow]:
    """Feeling safe at night among participants vs the others, per activity, over the published
    `cells` only (counts over all cells minus published ones would reveal a withheld cell);
    a mean resting on fewer than `min_n` people is withheld (None)."""
    if not cells or activity_question is None or safety_question is None:
        return []
    params: dict[str, Any] = {"wave": wave, "kegiatan": _like(activity_question),
                              "aman": _like(safety_question)}
    where = []
    for i, (side, group) in enumerate(sorted(cells)):
        where.append(f"(side = :s{i} AND respondent_group = :g{i})")
        params |= {f"s{i}": side, f"g{i}": group}
    frame = read_sql(engine, _SAFETY_SQL.format(cells=" OR ".join(where)), params)
    rows = []
    for activity in (ANY_ACTIVITY, *(a for a in labels if a != ANY_ACTIVITY)):
        hit = frame[frame["activity"] == activity]
        if hit.empty:
            continue
        r = hit.iloc[0]
        n_part, n_other = int(r["n_part"] or 0), int(r["n_other"] or 0)
        rows.append(
            SafetyRow(
                activity,
                labels.get(activity, activity),
                n_part,
                num(r["mean_part"]) if n_part >= min_n else None,
                n_other,
                num(r["mean_other"]) if n_other >= min_n else None,
            )
        )
    return rows
