"""Everything the wave report shows, read from the warehouse's published views."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from sentiment.config import load_yaml
from sentiment.errors import SentimentError
from sentiment.forms.model import load_registry
from sentiment.report.participation import (
    ANY_ACTIVITY,
    ParticipationCell,
    SafetyRow,
    cell_sizes,
    participation,
    safety,
)
from sentiment.report.quotes import Quote, pick_quotes, publishable_cells
from sentiment.report.sql import num, read_sql
from sentiment.study import ReportQuestions, report_questions
from sentiment.warehouse import views

MAX_TOPICS = 6
STATUSES = ("membaik", "tetap", "memburuk")


class ReportError(SentimentError):
    """The report cannot be built (no such wave, no published results)."""


@dataclass(frozen=True)
class Wave:
    wave_id: str
    label: str
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class SideHeadline:
    """One side of the bridge this wave: the index (all respondents) and its change."""

    side: str
    label: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    previous: float | None = None
    diff: float | None = None
    diff_low: float | None = None
    diff_high: float | None = None
    status: str | None = None  # membaik / tetap / memburuk; None: nothing to compare


@dataclass(frozen=True)
class TopicRow:
    """A topic's share of free-text answers (both sides) per group, now and last wave."""

    topic: str
    label: str
    share: dict[str, float | None]
    ci_low: dict[str, float | None]
    ci_high: dict[str, float | None]
    previous: dict[str, float | None]
    # True where the share is corrected by human-coded answers (v_text_estimates, ppi or
    # classical); False: the machine's figure, "perkiraan mesin, belum diperiksa manusia"
    corrected: dict[str, bool] = field(default_factory=dict)


@dataclass
class ReportData:
    wave: Wave
    previous_wave: Wave | None
    waves: list[Wave]
    side_labels: dict[str, str]
    group_labels: dict[str, str]
    min_n: int
    total: str
    headline: list[SideHeadline]
    tension: pd.DataFrame  # v_tension_by_wave, all waves (wave_id, side, respondent_group, …)
    topics: list[TopicRow]
    topic_n: dict[str, int]
    participation: list[ParticipationCell]
    safety: list[SafetyRow]
    activity_labels: dict[str, str]
    quotes: list[Quote]
    alerts: list[str]
    reliability: list[dict[str, Any]]
    suppressed: list[str] = field(default_factory=list)
    # programme.yaml `report:` (place, audience, the total's label) and the Bahasa wording of
    # the safety question, so no report text names a programme
    report: ReportQuestions = field(default_factory=ReportQuestions)
    safety_label: str | None = None
    n_coded: int = 0  # coded answers that corrected this wave's text figures (all cells)
    n_training: int = 0  # coded answers left out: a model was trained on them

    @property
    def total_side_label(self) -> str:
        return self.report.total_side


# ----------------------------------------------------------------------------------------------
# Reading


def read_view(engine: Engine, name: str) -> pd.DataFrame:
    """All rows of a published view (a missing one is a one-line error naming it)."""
    with engine.connect() as conn:
        return views.read_view(conn, name)


def respondent_groups() -> tuple[str, ...]:
    """The programme's respondent groups, in the order its forms are declared."""
    return load_registry().respondent_groups


# ----------------------------------------------------------------------------------------------
# Configuration (schemas/)


def wave_catalogue(engine: Engine) -> list[Wave]:
    """Waves in fieldwork order: `schemas/waves.yaml`; labels and dates from `dim_wave` if there."""
    waves = {
        str(w["wave_id"]): Wave(
            str(w["wave_id"]),
            str(w.get("label", w["wave_id"])),
            str(w.get("start") or "") or None,
            str(w.get("end") or "") or None,
        )
        for w in load_yaml("waves.yaml").get("waves") or []
    }
    dim = read_sql(engine, "SELECT wave_id, label, fieldwork_start, fieldwork_end FROM dim_wave")
    for row in dim.to_dict("records"):
        wid = str(row["wave_id"])
        base = waves.get(wid, Wave(wid, wid))
        waves[wid] = Wave(
            wid,
            str(row["label"] or base.label),
            str(row["fieldwork_start"])[:10] if row["fieldwork_start"] else base.start,
            str(row["fieldwork_end"])[:10] if row["fieldwork_end"] else base.end,
        )
    return sorted(waves.values(), key=lambda w: (w.start or "", w.wave_id))


UNKNOWN_SIDE = "unknown"


def _question_label(name: str | None) -> str | None:
    """A question's label in Bahasa Indonesia (else its default label)."""
    field_ = next((f for form in load_registry().forms for f in form.fields
                   if name and f.name == name), None)
    if field_ is None:
        return None
    labels = getattr(field_, "labels", None) or {}
    return str(labels.get("id") or field_.label)


def _labels() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    areas = load_yaml("areas.yaml")
    sides = {k: str(v.get("label", k)) for k, v in areas["sides"].items()}
    alerts = load_yaml("alerts.yaml").get("labels", {})
    named = alerts.get("group") or {}
    groups = {g: str(named.get(g) or g.replace("_", " ")) for g in respondent_groups()}
    groups = {k: v[:1].upper() + v[1:] for k, v in groups.items()}
    topics = {
        code: str(spec.get("label", code))
        for code, spec in load_yaml("topics.yaml")["codes"].items()
    }
    question = report_questions().participation
    field = next((f for form in load_registry().forms for f in form.fields
                  if question and f.name == question), None)
    activities = {c.value: c.label for c in (field.choices if field else ())}
    return sides, groups, topics, activities


# ----------------------------------------------------------------------------------------------
# Pure pieces


def traffic_light(diff: float | None, ci_low: float | None, ci_high: float | None) -> str | None:
    """membaik / tetap / memburuk from the change of the index and the interval of that change.

    The index measures tension, so a rise is worse. Only a change whose interval excludes zero
    counts; anything else is `tetap` (no clear change). None when there is nothing to compare.
    """
    if diff is None or ci_low is None or ci_high is None:
        return None
    if diff > 0 and ci_low > 0:
        return "memburuk"
    if diff < 0 and ci_high < 0:
        return "membaik"
    return "tetap"


def resolve_wave(requested: str, tension: pd.DataFrame, catalogue: Sequence[Wave]) -> Wave:
    """The wave asked for; `latest` = the newest wave with published index rows."""
    present = set(tension["wave_id"].astype(str))
    ordered = [w for w in catalogue if w.wave_id in present]
    ordered += [Wave(w, w) for w in sorted(present - {w.wave_id for w in catalogue})]
    if not ordered:
        raise ReportError("v_tension_by_wave has no published rows: nothing to report")
    if requested == "latest":
        return ordered[-1]
    for wave in ordered:
        if wave.wave_id == requested:
            return wave
    raise ReportError(
        f"wave {requested!r} has no published results; available: "
        f"{', '.join(w.wave_id for w in ordered)}"
    )


def _cell(tension: pd.DataFrame, wave: str, side: str, group: str) -> dict[str, Any] | None:
    hit = tension[
        (tension["wave_id"] == wave)
        & (tension["side"] == side)
        & (tension["respondent_group"] == group)
    ]
    return None if hit.empty else hit.iloc[0].to_dict()


def headlines(
    tension: pd.DataFrame,
    changes: pd.DataFrame | None,
    wave: str,
    prev: str | None,
    sides: dict[str, str],
    total: str,
) -> list[SideHeadline]:
    """Per side (all respondents): the index from v_tension_by_wave, the change and its interval
    from the analysis change table, and the traffic light from those."""
    out = []
    for side, label in sides.items():
        now = _cell(tension, wave, side, total)
        before = _cell(tension, prev, side, total) if prev else None
        change = None
        if changes is not None and prev and now is not None and before is not None:
            hit = changes[
                (changes["wave_id"] == wave)
                & (changes["side"] == side)
                & (changes["respondent_group"] == total)
            ]
            if "prev_wave_id" in hit:
                hit = hit[hit["prev_wave_id"].astype(str) == prev]
            change = None if hit.empty else hit.iloc[0].to_dict()
        diff = num(change.get("diff")) if change else None
        low = num(change.get("ci_low")) if change else None
        high = num(change.get("ci_high")) if change else None
        status = None
        if change:
            stated = change.get("status") or change.get("direction")
            status = str(stated) if stated in STATUSES else traffic_light(diff, low, high)
        out.append(
            SideHeadline(
                side=side,
                label=label,
                value=num(now["tension_index"]) if now else None,
                ci_low=num(now["ci_low"]) if now else None,
                ci_high=num(now["ci_high"]) if now else None,
                n=int(now["n"]) if now else None,
                previous=num(before["tension_index"]) if before else None,
                diff=diff,
                diff_low=low,
                diff_high=high,
                status=status,
            )
        )
    return out


def topic_rows(
    shares: pd.DataFrame,
    wave: str,
    prev: str | None,
    total: str,
    labels: dict[str, str],
    limit: int = MAX_TOPICS,
) -> tuple[list[TopicRow], dict[str, int]]:
    """The wave's main topics (both sides), share per group now and last wave, from the view."""
    groups = (*respondent_groups(), total)
    part = shares[(shares["side"] == total) & shares["wave_id"].isin([wave, prev])]
    now = part[part["wave_id"] == wave]
    if now.empty:
        return [], {}
    ranking = now[now["respondent_group"] == total]
    if ranking.empty:
        ranking = now
    order = (
        ranking.groupby("topic")["share"]
        .max()
        .sort_values(ascending=False, kind="stable")
        .head(limit)
        .index.tolist()
    )

    cells = {
        (str(r["wave_id"]), str(r["respondent_group"]), str(r["topic"])): r
        for r in part.to_dict("records")
    }

    def pick(w: str | None, g: str, t: str, col: str) -> float | None:
        row = cells.get((str(w), g, t))
        return None if row is None else num(row.get(col))

    rows = [
        TopicRow(
            t,
            labels.get(t, t),
            {g: pick(wave, g, t, "share") for g in groups},
            {g: pick(wave, g, t, "ci_low") for g in groups},
            {g: pick(wave, g, t, "ci_high") for g in groups},
            {g: pick(prev, g, t, "share") for g in groups},
        )
        for t in order
    ]
    n_col = now.drop_duplicates("respondent_group").set_index("respondent_group")["n"]
    return rows, {g: int(n) for g, n in n_col.items() if pd.notna(n)}


def corrected_topics(rows: list[TopicRow], estimates: pd.DataFrame, wave: str,
                     total: str) -> list[TopicRow]:
    """The topic shares of `wave` replaced by their corrected estimate (and interval) where
    the wave's coded answers correct them; the others stay the machine's figure."""
    part = estimates[(estimates["wave_id"] == wave) & (estimates["side"] == total)
                     & (estimates["measure"] == "topic")
                     & estimates["method"].isin(["ppi", "classical"])]
    fixed = {(str(r["respondent_group"]), str(r["label"])): r for r in part.to_dict("records")}
    out = []
    for row in rows:
        share, low, high = dict(row.share), dict(row.ci_low), dict(row.ci_high)
        corrected = {g: False for g in share}
        for g in share:
            hit = fixed.get((g, row.topic))
            if hit is not None and share[g] is not None:
                share[g], low[g], high[g] = num(hit["estimate"]), num(hit["ci_low"]), num(hit["ci_high"])
                corrected[g] = True
        out.append(TopicRow(row.topic, row.label, share, low, high, row.previous, corrected))
    return out


# ----------------------------------------------------------------------------------------------
# Assembly


def _texts(engine: Engine, wave: str) -> pd.DataFrame:
    frame = read_view(engine, "v_text_scores")
    return frame[frame["wave_id"] == wave]


def _alert_messages(engine: Engine, wave: str) -> list[str]:
    table = read_view(engine, "v_alerts")
    table = table[table["wave_id"] == wave]
    return [" ".join(str(m).split()) for m in table["message"].dropna().drop_duplicates()]


def _reliability(engine: Engine, wave: str) -> list[dict[str, Any]]:
    rel = read_view(engine, "v_scale_reliability")
    rel = rel[rel["wave_id"] == wave]
    return [
        {
            "respondent_group": str(r["respondent_group"]),
            "alpha": num(r["alpha"]),
            "n": int(r["n"]) if pd.notna(r["n"]) else None,
        }
        for r in rel.to_dict("records")
    ]


def build_report_data(engine: Engine, wave: str = "latest") -> ReportData:
    """Every figure of the report for `wave` (`latest`: the newest published wave)."""
    index_cfg = load_yaml("index.yaml")
    min_n, total = int(index_cfg["cells"]["min_n"]), str(index_cfg["cells"]["total"])
    sides, groups, topic_labels, activity_labels = _labels()
    activity_labels = {ANY_ACTIVITY: "Ikut kegiatan apa pun", **activity_labels}
    catalogue = wave_catalogue(engine)

    tension = read_view(engine, "v_tension_by_wave")
    if (tension["side"] == UNKNOWN_SIDE).any():  # a form without an area question
        sides.setdefault(UNKNOWN_SIDE, "Wilayah tidak tercatat")
    current = resolve_wave(wave, tension, catalogue)
    present = [w for w in catalogue if w.wave_id in set(tension["wave_id"])]
    rank = {w.wave_id: i for i, w in enumerate(present)}
    earlier = [w for w in present if rank[w.wave_id] < rank[current.wave_id]]
    previous = earlier[-1] if earlier else None
    prev_id = previous.wave_id if previous else None

    changes = read_view(engine, "v_tension_change")
    heads = headlines(tension, changes, current.wave_id, prev_id, sides, total)

    shares = read_view(engine, "v_topic_share_by_wave")
    topics, topic_n = topic_rows(shares, current.wave_id, prev_id, total, topic_labels)
    estimates = read_view(engine, "v_text_estimates")
    topics = corrected_topics(topics, estimates, current.wave_id, total)
    overall = estimates[(estimates["wave_id"] == current.wave_id) & (estimates["side"] == total)
                        & (estimates["respondent_group"] == total)
                        & (estimates["measure"] == "sentiment")]
    n_coded = int(overall["n_coded"].max()) if not overall.empty else 0
    n_training = int(overall["n_training"].max()) if not overall.empty else 0

    now = tension[tension["wave_id"] == current.wave_id]
    cell_rows = [
        (str(r.side), str(r.respondent_group), int(r.n))
        for r in now.itertuples()
        if r.side != total and r.respondent_group != total
    ]
    open_cells = publishable_cells(cell_rows, min_n)
    suppressed = [f"index:{s}:{g}" for s in sides for g in groups if (s, g) not in open_cells]

    asked = report_questions()
    activities = {a: label for a, label in activity_labels.items() if a != ANY_ACTIVITY}
    cells, notes = participation(engine, current.wave_id, min_n, activities, asked.participation,
                                 open_cells)
    suppressed += [n for n in notes if f"index:{n.split(':', 1)[1]}" not in suppressed]
    safe_rows = safety(
        engine,
        current.wave_id,
        min_n,
        activity_labels,
        {(c.side, c.respondent_group) for c in cells},
        asked.participation,
        asked.safety,
    )

    # Quotes carry no numbers, so a cell withheld only as a complement may still be quoted;
    # a cell with fewer than min_n respondents never is.
    quote_cells = publishable_cells(cell_sizes(engine, current.wave_id), min_n)
    texts = _texts(engine, current.wave_id)
    quotes: list[Quote] = []
    if not texts.empty:
        keep = [
            (s, g) in quote_cells
            for s, g in zip(texts["side"], texts["respondent_group"], strict=True)
        ]
        quotes = pick_quotes(texts[keep], [t.topic for t in topics], topic_labels, text_col="text_redacted")

    return ReportData(
        wave=current,
        previous_wave=previous,
        waves=present,
        side_labels=sides,
        group_labels=groups,
        min_n=min_n,
        total=total,
        headline=heads,
        tension=tension,
        topics=topics,
        topic_n=topic_n,
        participation=cells,
        safety=safe_rows,
        activity_labels=activity_labels,
        quotes=quotes,
        alerts=_alert_messages(engine, current.wave_id),
        reliability=_reliability(engine, current.wave_id),
        suppressed=suppressed,
        report=asked,
        safety_label=_question_label(asked.safety),
        n_coded=n_coded,
        n_training=n_training,
    )
