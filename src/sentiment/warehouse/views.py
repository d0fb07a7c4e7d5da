"""The published layer: every analyst view, its columns and its definition at head.

This module is the contract readers rely on (query, exports, reports, the browser, the
codebook): each `v_*` view is declared once with the columns it publishes, in order. The wave
column is `wave_id` in every view (and `prev_wave_id` for the wave compared with). A test
checks the migrated views against these declarations on SQLite and PostgreSQL.

Views show current responses only, respondent age as a band, no batch linkage, and only
cells that are not suppressed. Changing a view needs a migration that recreates it with a
frozen copy of the new definition (migrations never import this module).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from sentiment.errors import SentimentError


@dataclass(frozen=True)
class View:
    name: str
    columns: tuple[str, ...]
    select: str
    description: str

    @property
    def create_sql(self) -> str:
        return f"CREATE VIEW {self.name} AS\n{self.select.strip()}\n"


def _view(name: str, columns: str, select: str, description: str) -> View:
    return View(name, tuple(columns.split()), select, description)


VIEWS: dict[str, View] = {v.name: v for v in (
    _view("v_responses_long", """
        wave_id side respondent_group respondent_key gender age_band area form_id form_version
        question_id question_label option value_num value_text value_label""", """
SELECT r.wave_id, COALESCE(r.side, 'unknown') AS side, r.respondent_group, r.respondent_key,
       COALESCE(r.gender, 'unknown') AS gender, COALESCE(r.age_band, 'unknown') AS age_band,
       COALESCE(r.area, 'unknown') AS area, r.form_id, r.form_version, a.question_id,
       q.label AS question_label, a.option, a.value_num, a.value_text, c.label AS value_label
FROM fact_answer a
JOIN fact_response r ON r.response_id = a.response_id
JOIN dim_question q ON q.question_id = a.question_id
LEFT JOIN dim_choice c ON c.question_id = a.question_id AND c.value = a.value_text
WHERE r.is_current""",
          "One row per answer (per option for multiple choice) of every current response; "
          "side, area, gender and age band are 'unknown' where the form has no such question."),
    _view("v_text_scores", """
        text_id wave_id side respondent_group form_id question_id text_redacted sentiment
        sentiment_score topics topic_scores scorer model_version respondent_key language""", """
SELECT t.text_id, r.wave_id, COALESCE(r.side, 'unknown') AS side, r.respondent_group,
       r.form_id, t.question_id, t.text_redacted, s.sentiment, s.sentiment_score, s.topics,
       s.topic_scores, s.scorer, s.model_version, r.respondent_key, t.language
FROM fact_text t
JOIN fact_response r ON r.response_id = t.response_id
LEFT JOIN fact_text_score s ON s.text_id = t.text_id AND s.is_current
WHERE r.is_current""",
          "Every free-text answer, redacted, with its current machine sentiment and topics."),
    _view("v_tension_by_wave", """
        wave_id side respondent_group tension_index ci_low ci_high n likert_component
        brawls_component text_component mean_brawls method_version""", """
SELECT wave_id, side, respondent_group, tension_index, ci_low, ci_high, n,
       likert_component, brawls_component, text_component, mean_brawls, method_version
FROM tension_index
WHERE NOT suppressed""",
          "Tension index (0-100) per wave, side and group with its 95% interval."),
    _view("v_topic_share_by_wave", """
        wave_id side respondent_group topic share ci_low ci_high n negative_share n_topic
        negative_ci_low negative_ci_high""", """
SELECT wave_id, side, respondent_group, topic, share, ci_low, ci_high, n,
       CASE WHEN negative_suppressed THEN NULL ELSE negative_share END AS negative_share,
       CASE WHEN negative_suppressed THEN NULL ELSE n_topic END AS n_topic,
       CASE WHEN negative_suppressed THEN NULL ELSE negative_ci_low END AS negative_ci_low,
       CASE WHEN negative_suppressed THEN NULL ELSE negative_ci_high END AS negative_ci_high
FROM topic_share
WHERE NOT suppressed""",
          "Share of free-text answers per topic, and the negative share within the topic."),
    _view("v_text_estimates", """
        wave_id side respondent_group measure label estimate ci_low ci_high machine_share
        n_scored n_coded n_training method""", """
SELECT wave_id, side, respondent_group, measure, label, estimate, ci_low, ci_high,
       machine_share, n_scored, n_coded, n_training, method
FROM text_estimate
WHERE NOT suppressed""",
          "Text figures (sentiment shares, topic shares, the text component) per wave, side "
          "and group: the machine figure beside the estimate corrected by the human-coded "
          "answers (method ppi or classical, 95% interval), or 'uncorrected' where none."),
    _view("v_scale_reliability", """
        wave_id respondent_group alpha n omega n_items flag_low""", """
SELECT wave_id, respondent_group, alpha, n, omega, n_items, flag_low
FROM scale_reliability
WHERE NOT suppressed""",
          "Internal consistency of the tension scale per wave and group (alpha, omega)."),
    _view("v_tension_change", """
        wave_id prev_wave_id side respondent_group previous value diff ci_low ci_high p_value
        n_prev n""", """
SELECT wave_id, prev_wave_id, side, respondent_group, previous, value,
       diff, ci_low, ci_high, p_value, n_prev, n
FROM tension_change
WHERE NOT suppressed""",
          "Change of the tension index since the previous wave, with its 95% interval."),
    _view("v_tension_trend", """
        side respondent_group first_wave last_wave n_waves trend mk_tau p_value sen_slope""", """
SELECT side, respondent_group, first_wave, last_wave, n_waves, trend, mk_tau, p_value, sen_slope
FROM tension_trend""",
          "Trend of the tension index over all waves (Mann-Kendall, Sen slope)."),
    _view("v_alerts", """
        wave_id prev_wave_id side respondent_group topic rule_id metric value previous
        threshold n message message_en fired_at""", """
SELECT wave_id, prev_wave_id, side, respondent_group, topic, rule_id, metric, value, previous,
       threshold, n, message, message_en, fired_at
FROM alerts""",
          "Alerts fired by the programme's rules (evaluated on published cells only)."),
)}

ANALYST_VIEWS: tuple[str, ...] = tuple(VIEWS)
"""The views an analyst (and every reader outside the warehouse package) may read."""


def read_view(conn: Connection, name: str, filters: Mapping[str, Any] | None = None,
              order_by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of one published view, filtered by column equality (None = no filter), in order.

    The only reader of views: filter and order columns must be in the view's contract, and a
    view missing from the warehouse is a one-line SentimentError.
    """
    view = VIEWS.get(name)
    if view is None:
        raise SentimentError(f"{name!r} is not a published view ({', '.join(VIEWS)})")
    active = {k: v for k, v in (filters or {}).items() if v is not None}
    unknown = [c for c in (*active, *order_by) if c not in view.columns]
    if unknown:
        raise SentimentError(f"{name} has no column {', '.join(unknown)}")
    where = " AND ".join(f"{col} = :{col}" for col in active) or "1 = 1"
    order = f" ORDER BY {', '.join(order_by)}" if order_by else ""
    sql = f"SELECT {', '.join(view.columns)} FROM {name} WHERE {where}{order}"
    try:
        result = conn.execute(sa.text(sql), active)
    except DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise SentimentError(f"the warehouse has no readable {name} ({first}); "
                             "run `sentiment db upgrade` and `sentiment run` first") from None
    return pd.DataFrame(result.fetchall(), columns=list(view.columns))
