"""Warehouse side of the analysis: read the views, compute, write idempotently; store and send alerts."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sentiment.analysis import models as am
from sentiment.analysis.alerts import FIRING_COLUMNS, evaluate_alerts, send_alerts
from sentiment.analysis.change import wave_order
from sentiment.analysis.config import (
    AlertConfig,
    IndexConfig,
    load_alert_config,
    load_index_config,
)
from sentiment.analysis.pipeline import Analysis, analyse
from sentiment.analysis.topics import topic_codes
from sentiment.errors import SentimentError

log = logging.getLogger(__name__)

RESPONSES_SQL = """
SELECT wave_id, side, respondent_group, respondent_key, question_id, value_num
FROM v_responses_long
WHERE value_num IS NOT NULL
"""
# v_text_scores has no respondent key; the text component is per respondent, so join it back
# through fact_text (inside the warehouse; the key never leaves it).
TEXTS_SQL = """
SELECT v.text_id, v.wave_id, v.side, v.respondent_group, r.respondent_key, v.question_id,
       v.sentiment, v.topics, v.scorer
FROM v_text_scores v
JOIN fact_text t ON t.text_id = v.text_id
JOIN fact_response r ON r.response_id = t.response_id
WHERE v.sentiment IS NOT NULL
"""

# Human codes (each coder's rows; the latest per coder and answer counts) and the answers a
# model was trained on (never used for the correction).
CODES_SQL = "SELECT text_id, coder, label, topics, coded_at, coding_id FROM coding"
TRAINED_SQL = "SELECT DISTINCT text_id FROM coding_training"


@dataclass
class AnalysisSummary:
    """What `compute_all` wrote (counts) and what a reader should know first."""

    waves: list[str]
    method_version: str
    cells: int = 0
    cells_suppressed: int = 0
    reliability: int = 0
    reliability_low: list[str] = field(default_factory=list)  # "wave/group" with alpha < floor
    changes: int = 0
    trends: int = 0
    topic_rows: int = 0
    respondents: int = 0
    text_estimate_rows: int = 0
    text_estimates_corrected: int = 0  # rows with method ppi or classical
    coded_used: int = 0  # coded answers of these waves used for the correction
    coded_training: int = 0  # coded answers of these waves left out: a model was trained on them

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_inputs(conn: Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two view-shaped frames the pure analysis works on."""
    responses = pd.read_sql_query(sa.text(RESPONSES_SQL), conn)
    texts = pd.read_sql_query(sa.text(TEXTS_SQL), conn)
    responses["value_num"] = responses["value_num"].astype(float)
    return responses, texts


def read_codes(conn: Connection) -> tuple[pd.DataFrame, set[int]]:
    """The coders' rows and the text_ids a model was trained on (empty before migration 0010)."""
    tables = set(sa.inspect(conn).get_table_names())
    codes = (pd.read_sql_query(sa.text(CODES_SQL), conn) if "coding" in tables
             else pd.DataFrame(columns=["text_id", "coder", "label", "topics"]))
    trained = ({int(t) for t in conn.execute(sa.text(TRAINED_SQL)).scalars()}
               if "coding_training" in tables else set())
    return codes, trained


def _records(frame: pd.DataFrame, columns: list[str], stamp: dict[str, Any]) -> list[dict]:
    """Rows for insertion: NaN → NULL, numpy scalars → Python."""
    part = frame[columns].astype(object).where(frame[columns].notna(), None)
    return [{**{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}, **stamp}
            for row in part.to_dict(orient="records")]


def _columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns if c.name not in ("computed_at", "method_version")]


def _replace(conn: Connection, table: sa.Table, frame: pd.DataFrame, waves: list[str] | None,
             stamp: dict[str, Any]) -> int:
    """Delete the rows of these waves (all rows when None) and insert the new ones."""
    if waves is None:
        conn.execute(table.delete())
    else:
        conn.execute(table.delete().where(table.c.wave_id.in_(waves)))
        frame = frame[frame["wave_id"].isin(waves)]
    rows = _records(frame, _columns(table), stamp)
    if rows:
        conn.execute(table.insert(), rows)
    return len(rows)


def _replace_changes(conn: Connection, changes: pd.DataFrame, waves: list[str],
                     stamp: dict[str, Any]) -> int:
    """Changes into and out of these waves: new data in wave W also moves the change W → W+1."""
    table = am.TensionChange.__table__
    conn.execute(table.delete().where(table.c.wave_id.in_(waves) | table.c.prev_wave_id.in_(waves)))
    part = changes[changes["wave_id"].isin(waves) | changes["prev_wave_id"].isin(waves)]
    rows = _records(part, _columns(table), stamp)
    if rows:
        conn.execute(table.insert(), rows)
    return len(rows)


def as_engine(engine: Engine | str) -> Engine:
    """An engine as given, or one for a database URL (migrated to the newest revision)."""
    if isinstance(engine, str):
        from sentiment.warehouse.db import ensure_schema, get_engine

        engine = get_engine(engine)
        ensure_schema(engine)
    return engine


def compute_all(engine: Engine | str, wave: str | None = None, *,
                config: IndexConfig | None = None,
                topics: list[str] | None = None) -> AnalysisSummary:
    """Compute index, reliability, change, trend and topic shares; write them in one transaction.

    Reads every wave (change and trend need the neighbours) and replaces the stored rows of
    `wave` (or of every wave with data when None), including the change out of `wave`.
    Re-running gives the same rows: the bootstrap is seeded per cell. The trend table is
    rebuilt whole. `engine` may be a database URL.
    """
    engine = as_engine(engine)
    cfg = config or load_index_config()
    known = wave_order()
    if wave is not None and wave not in known:
        raise SentimentError(f"unknown wave {wave!r}; waves in the programme's waves.yaml: {', '.join(known)}")
    with engine.connect() as conn:
        responses, texts = read_inputs(conn)
        codes, trained = read_codes(conn)
    result = analyse(responses, texts, cfg, topics or topic_codes(), known, codes, trained)
    waves = [wave] if wave is not None else sorted(set(result.cells["wave_id"]), key=_rank(known))
    stamp = {"computed_at": datetime.now(UTC), "method_version": cfg.method_version}
    with engine.begin() as conn:
        summary = _write(conn, result, waves, stamp, cfg)
    log.info("analysis written for %s: %s", ", ".join(waves) or "no wave", summary.as_dict())
    return summary


def _rank(order: list[str]):
    return lambda w: (order.index(w) if w in order else len(order), w)


def _write(conn: Connection, result: Analysis, waves: list[str], stamp: dict[str, Any],
           cfg: IndexConfig) -> AnalysisSummary:
    cells = result.cells[result.cells["wave_id"].isin(waves)]
    rel = result.reliability[result.reliability["wave_id"].isin(waves)]
    summary = AnalysisSummary(waves=waves, method_version=cfg.method_version)
    summary.cells = _replace(conn, am.TensionIndex.__table__, result.cells, waves, stamp)
    summary.cells_suppressed = int(cells["suppressed"].sum())
    summary.reliability = _replace(conn, am.ScaleReliability.__table__, result.reliability,
                                   waves, stamp)
    summary.reliability_low = [f"{r.wave_id}/{r.respondent_group}" for r in rel.itertuples()
                               if r.flag_low]
    summary.changes = _replace_changes(conn, result.changes, waves, stamp)
    summary.trends = _replace(conn, am.TensionTrend.__table__, result.trends, None, stamp)
    summary.topic_rows = _replace(conn, am.TopicShare.__table__, result.topics, waves, stamp)
    summary.respondents = int(result.respondents["wave_id"].isin(waves).sum())
    est = result.text_estimates
    summary.text_estimate_rows = _replace(conn, am.TextEstimate.__table__, est, waves, stamp)
    mine = est[est["wave_id"].isin(waves)]
    summary.text_estimates_corrected = int(mine["method"].isin(["ppi", "classical"]).sum())
    totals = mine[(mine["side"] == cfg.total) & (mine["respondent_group"] == cfg.total)
                  & (mine["measure"] == "sentiment")].drop_duplicates("wave_id")
    summary.coded_used = int(totals["n_coded"].sum())
    summary.coded_training = int(totals["n_training"].sum())
    return summary


def stored_tables(conn: Connection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Index cells, changes and topic shares as stored (with their `suppressed` flags)."""
    def read(table: sa.Table) -> pd.DataFrame:
        return pd.read_sql_query(sa.select(table), conn)

    cells = read(am.TensionIndex.__table__)
    changes = read(am.TensionChange.__table__)
    topics = read(am.TopicShare.__table__)
    for frame in (cells, changes, topics):
        frame["suppressed"] = frame["suppressed"].astype(bool)
    return cells, changes, topics


def run_alerts(engine: Engine | str, wave: str | None = None, *, dry_run: bool = False,
               config: AlertConfig | None = None) -> pd.DataFrame:
    """Evaluate the rules on the stored analysis; unless `dry_run`, store new firings and send
    the unsent ones through the configured Prefect notification block.

    Returns the firings with `new` (not stored before) and `sent` columns. A firing already
    stored is never stored or sent twice; a failed send leaves it unsent for the next run.
    `engine` may be a database URL.
    """
    engine = as_engine(engine)
    rules = config or load_alert_config()
    with engine.connect() as conn:
        cells, changes, topics = stored_tables(conn)
        table = am.Alert.__table__
        stored = pd.read_sql_query(sa.select(table.c.rule_id, table.c.wave_id, table.c.side,
                                             table.c.respondent_group, table.c.topic,
                                             table.c.sent), conn)
    firings = evaluate_alerts(cells, changes, topics, rules, wave=wave)
    key = ["rule_id", "wave_id", "side", "respondent_group", "topic"]
    firings["topic"] = firings["topic"].fillna("")
    merged = firings.merge(stored.assign(_stored=True), on=key, how="left")
    firings["new"] = merged["_stored"].isna().to_numpy()
    firings["sent"] = merged["sent"].fillna(False).astype(bool).to_numpy()
    if dry_run:
        return firings
    now = datetime.now(UTC)
    with engine.begin() as conn:
        fresh = firings[firings["new"]]
        cols = [c for c in FIRING_COLUMNS if c not in ("diff",)]
        rows = [{**r, "fired_at": now, "sent": False} for r in _records(fresh, cols, {})]
        if rows:
            conn.execute(table.insert(), rows)
    unsent = firings[~firings["sent"]]
    if rules.notify_block and not unsent.empty:
        count = send_alerts(unsent, rules.notify_block)
        with engine.begin() as conn:
            for r in unsent.itertuples():
                conn.execute(table.update().where(
                    (table.c.rule_id == r.rule_id) & (table.c.wave_id == r.wave_id)
                    & (table.c.side == r.side) & (table.c.respondent_group == r.respondent_group)
                    & (table.c.topic == r.topic)).values(sent=True, sent_at=now))
        firings.loc[~firings["sent"], "sent"] = count > 0
    return firings
