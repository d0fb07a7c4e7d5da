"""A read-only browser for analysts on Datasette, over the published aggregate views only.

The views are copied (through a read-only connection, SQLite or PostgreSQL) into a fresh
SQLite file that Datasette serves immutable. That file holds nothing else: no base table, no
quarantine, no respondent-level view, no respondent key; every row in it already passed
small-cell suppression. Arbitrary SQL therefore runs on suppressed figures alone, read-only,
with a time limit; Datasette accepts only one SELECT/WITH statement and no PRAGMA or ATTACH.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sentiment.config import load_yaml
from sentiment.settings import schemas_dir
from sentiment.warehouse.views import VIEWS, read_view

DATABASE = "pulse"
# Aggregates that passed suppression; the respondent-level views stay out of the browser.
BROWSE_VIEWS = ("v_tension_by_wave", "v_tension_change", "v_tension_trend",
                "v_topic_share_by_wave", "v_text_estimates", "v_scale_reliability", "v_alerts")
HIDDEN_COLUMNS = {"respondent_key"}
SQL_TIME_LIMIT_MS = 1000

COLUMN_NOTES = {
    "wave_id": "Survey wave (fieldwork period).",
    "prev_wave_id": "The wave compared with.",
    "side": "Side of the programme area ('{total}': both sides together).",
    "respondent_group": "Respondent group ('{total}': all groups together).",
    "tension_index": "Tension index, 0-100 (higher = more tension).",
    "ci_low": "Lower bound of the 95% interval.",
    "ci_high": "Upper bound of the 95% interval.",
    "n": "Respondents (or answers) in the cell.",
    "n_prev": "Respondents in the cell in the previous wave.",
    "likert_component": "Likert component of the index, 0-100.",
    "brawls_component": "Incidents-seen component of the index, 0-100.",
    "text_component": "Free-text component, 0-100: machine estimate, not checked by people.",
    "mean_brawls": "Mean number of incidents seen (capped).",
    "method_version": "Version of the index method (docs/method.md).",
    "previous": "Index in the previous wave.",
    "value": "Index in this wave (alerts: the metric's value).",
    "diff": "Change since the previous wave, index points.",
    "p_value": "p-value of the change (or of the trend).",
    "topic": "Topic code (topics.yaml).",
    "share": "Share of free-text answers naming the topic (machine estimate).",
    "negative_share": "Share of the topic's answers that are negative (machine estimate).",
    "n_topic": "Answers naming the topic.",
    "alpha": "Cronbach's alpha of the index scale.",
    "omega": "McDonald's omega of the index scale.",
    "n_items": "Items in the scale.",
    "flag_low": "Reliability below the programme's floor.",
    "trend": "Direction over all waves (Mann-Kendall).",
    "mk_tau": "Kendall's tau of the trend.",
    "sen_slope": "Sen slope: index points per wave.",
    "message": "Alert text for leaders (Bahasa Indonesia).",
    "message_en": "Alert text in English.",
    "measure": "Text figure: sentiment share, topic share or the index's text component.",
    "label": "Sentiment label, topic code, or text_component.",
    "estimate": "Figure corrected by the human-coded answers (empty when uncorrected).",
    "machine_share": "The machine's figure over all scored answers (not checked by people).",
    "n_scored": "Scored answers in the cell (text_component: respondents).",
    "n_coded": "Human-coded answers used for the correction.",
    "n_training": "Coded answers left out of the correction: a model was trained on them.",
    "method": "ppi (corrected), classical (coded answers alone) or uncorrected (no coded answer).",
}


def build_database(conn, path: Path) -> dict[str, int]:
    """Copy the browsable views from a (read-only) warehouse connection into a new SQLite
    file at `path`; returns rows per view."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    counts = {}
    with sqlite3.connect(path) as out:
        for name in BROWSE_VIEWS:
            frame = read_view(conn, name)
            frame = frame.drop(columns=[c for c in frame.columns if c in HIDDEN_COLUMNS])
            frame.to_sql(name, out, index=False)
            counts[name] = len(frame)
    return counts


def _programme() -> tuple[str, int, str]:
    """The programme's title, suppression threshold and label of totals."""
    folder = schemas_dir()
    programme = (load_yaml("programme.yaml") or {}) if (folder / "programme.yaml").is_file() else {}
    cells = ((load_yaml("index.yaml") or {}).get("cells") or {}) if (folder / "index.yaml").is_file() else {}
    return (str(programme.get("title") or folder.name), int(cells.get("min_n", 10)),
            str(cells.get("total", "total")))


CANNED = {
    "tension_by_wave_and_side": (
        "Tension by wave and side",
        "SELECT wave_id, side, respondent_group, tension_index, ci_low, ci_high, n "
        "FROM v_tension_by_wave WHERE respondent_group = 'semua' ORDER BY wave_id, side"),
    "change_since_last_wave": (
        "Change since the last wave, with its interval",
        "SELECT wave_id, prev_wave_id, side, respondent_group, previous, value, diff, ci_low, "
        "ci_high, p_value FROM v_tension_change "
        "WHERE wave_id = (SELECT max(wave_id) FROM v_tension_change) ORDER BY side, respondent_group"),
    "topic_shares": (
        "Topic shares, latest wave",
        "SELECT wave_id, side, respondent_group, topic, share, ci_low, ci_high, n "
        "FROM v_topic_share_by_wave WHERE wave_id = (SELECT max(wave_id) FROM v_topic_share_by_wave) "
        "ORDER BY share DESC"),
    "alerts": ("Alerts", "SELECT wave_id, side, respondent_group, topic, rule_id, message "
                         "FROM v_alerts ORDER BY wave_id DESC"),
    "scale_reliability": ("Scale reliability",
                          "SELECT wave_id, respondent_group, alpha, omega, n, flag_low "
                          "FROM v_scale_reliability ORDER BY wave_id, respondent_group"),
}


def _value_labels(total: str) -> dict[str, str]:
    """`code = label` lists for the coded columns, from the programme folder."""
    from sentiment.forms.model import load_registry
    from sentiment.study import areas

    sides = {**areas().sides, total: "all sides together"}
    named = (load_yaml("alerts.yaml") or {}).get("labels", {}).get("group", {}) \
        if (schemas_dir() / "alerts.yaml").is_file() else {}
    groups = {g: str(named.get(g, g)) for g in load_registry().respondent_groups}
    groups[total] = "all respondents"
    topics = {code: str(spec.get("label", code))
              for code, spec in ((load_yaml("topics.yaml") or {}).get("codes") or {}).items()}

    def listing(labels: dict[str, str]) -> str:
        return " Values: " + "; ".join(f"{k} = {v}" for k, v in labels.items()) + "."

    return {"side": listing(sides), "respondent_group": listing(groups), "topic": listing(topics)}


def metadata() -> dict:
    """Datasette metadata: titles and descriptions of every table and column, the method and
    the suppression rule, canned queries, facets."""
    title, min_n, total = _programme()
    rule = (f"Cells with fewer than {min_n} respondents are withheld, with complementary "
            "suppression, before anything reaches this browser. Text figures are machine "
            "estimates (docs/method.md, section 10).")
    values = _value_labels(total)
    tables = {}
    for name in BROWSE_VIEWS:
        view = VIEWS[name]
        columns = [c for c in view.columns if c not in HIDDEN_COLUMNS]
        facets = [c for c in ("wave_id", "side", "respondent_group") if c in columns]
        tables[name] = {
            "title": name, "description": view.description,
            "columns": {c: COLUMN_NOTES.get(c, c).format(total=total) + values.get(c, "")
                        for c in columns},
            **({"facets": facets} if facets else {}),
        }
    return {
        "title": f"{title}: published figures",
        "description": f"Read-only, suppressed aggregates of the warehouse. {rule}",
        "databases": {DATABASE: {
            "description": rule,
            "tables": tables,
            "queries": {key: {"title": t, "sql": sql} for key, (t, sql) in CANNED.items()},
        }},
    }


def prepare(conn, folder: Path) -> tuple[Path, Path]:
    """The database file and metadata.json Datasette serves, written into `folder`."""
    db_path = folder / f"{DATABASE}.db"
    build_database(conn, db_path)
    meta_path = folder / "metadata.json"
    meta_path.write_text(json.dumps(metadata(), ensure_ascii=False, indent=2), encoding="utf-8")
    return db_path, meta_path


def serve_arguments(db_path: Path, meta_path: Path, host: str, port: int) -> list[str]:
    """`datasette serve` arguments: immutable, no database download, a SQL time limit."""
    return ["serve", "--immutable", str(db_path), "--metadata", str(meta_path),
            "--host", host, "--port", str(port),
            "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
            "--setting", "allow_download", "off",
            "--setting", "default_allow_sql", "on"]
