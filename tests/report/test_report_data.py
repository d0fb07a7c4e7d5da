"""ReportData from the views: headline, traffic light, wave choice, small cells, participation."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from report_views import PII, SMALL_CELL_TEXT, WAVE

from sentiment.report.data import ReportError, build_report_data, traffic_light


@pytest.mark.parametrize(
    ("diff", "low", "high", "expected"),
    [
        (6.0, 1.5, 10.2, "memburuk"),  # rose, interval above zero
        (-6.0, -10.2, -1.5, "membaik"),  # fell, interval below zero
        (4.0, -0.5, 8.0, "tetap"),  # rose, but the interval holds zero
        (-4.0, -8.0, 0.5, "tetap"),
        (0.0, 0.0, 0.0, "tetap"),
        (None, None, None, None),  # nothing to compare (first wave, withheld cell)
    ],
)
def test_traffic_light(diff, low, high, expected):
    assert traffic_light(diff, low, high) == expected


def _view(url: str, sql: str) -> pd.DataFrame:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
        return pd.read_sql_query(sql, con)


def test_headline_reads_the_index_and_change_views(views_engine, views_url):
    data = build_report_data(views_engine, "latest")
    tension = _view(views_url, f"SELECT * FROM v_tension_by_wave WHERE wave_id = '{WAVE}'")
    change = _view(views_url, "SELECT * FROM v_tension_change")
    assert data.wave.wave_id == WAVE and data.previous_wave.wave_id == "2025-05"
    for head in data.headline:
        row = tension[(tension["side"] == head.side) & (tension["respondent_group"] == "semua")]
        assert (head.value, head.ci_low, head.ci_high, head.n) == tuple(
            row[["tension_index", "ci_low", "ci_high", "n"]].iloc[0]
        )
        ch = change[change["side"] == head.side].iloc[0]
        assert (head.diff, head.diff_low, head.diff_high) == (
            ch["diff"],
            ch["ci_low"],
            ch["ci_high"],
        )
        assert head.status == traffic_light(ch["diff"], ch["ci_low"], ch["ci_high"])


def test_wave_choice(views_engine):
    assert build_report_data(views_engine, "2025-05").wave.label == "Gelombang 3 (Mei 2025)"
    with pytest.raises(ReportError, match="2023-01"):
        build_report_data(views_engine, "2023-01")


def test_first_wave_has_nothing_to_compare(views_engine):
    data = build_report_data(views_engine, "2024-11")
    assert data.previous_wave is None
    assert all(h.status is None and h.diff is None for h in data.headline)


def test_small_cell_gives_no_quote_and_no_participation(views_engine):
    data = build_report_data(views_engine, "latest")
    cells = {(c.side, c.respondent_group) for c in data.participation}
    assert ("timur", "orang_tua") not in cells and len(cells) == 3
    assert all((q.side, q.respondent_group) != ("timur", "orang_tua") for q in data.quotes)
    assert SMALL_CELL_TEXT not in {q.text for q in data.quotes}
    assert "index:timur:orang_tua" in data.suppressed


def test_quotes_cover_the_main_topics_without_personal_data(views_engine):
    data = build_report_data(views_engine, "latest")
    assert 3 <= len(data.quotes) <= 5
    assert [q.topic for q in data.quotes] == [t.topic for t in data.topics][: len(data.quotes)]
    text = " ".join(q.text for q in data.quotes)
    for value in PII.values():
        assert value not in text
    assert "Ardhanu" not in text and "Hadikalis" not in text


def test_participation_matches_a_count_over_the_view(views_engine, views_url):
    data = build_report_data(views_engine, "latest")
    long = _view(views_url, f"SELECT * FROM v_responses_long WHERE wave_id = '{WAVE}'")
    for cell in data.participation:
        rows = long[
            (long["side"] == cell.side) & (long["respondent_group"] == cell.respondent_group)
        ]
        n = rows["respondent_key"].nunique()
        patrol = rows.loc[rows["option"] == "patroli_bersama", "respondent_key"].nunique()
        assert cell.n == n and cell.shares["patroli_bersama"] == pytest.approx(patrol / n)
        assert cell.shares["seni"] == 0


def test_feeling_safe_leaves_out_withheld_cells(views_engine, views_url):
    data = build_report_data(views_engine, "latest")
    long = _view(views_url, f"SELECT * FROM v_responses_long WHERE wave_id = '{WAVE}'")
    shown = long[~((long["side"] == "timur") & (long["respondent_group"] == "orang_tua"))]
    safe = shown[shown["question_id"].str.endswith(".aman_malam")].set_index("respondent_key")
    joined = set(shown.loc[shown["option"] == "patroli_bersama", "respondent_key"])
    row = next(r for r in data.safety if r.activity == "patroli_bersama")
    inside = safe.index.isin(joined)
    assert (row.n_part, row.n_other) == (inside.sum(), (~inside).sum())
    assert row.mean_part == pytest.approx(safe.loc[inside, "value_num"].mean())
    assert row.mean_other == pytest.approx(safe.loc[~inside, "value_num"].mean())


def test_alerts_and_reliability_come_through(views_engine):
    data = build_report_data(views_engine, "latest")
    assert len(data.alerts) == 1 and "sisi timur" in data.alerts[0]
    assert {r["respondent_group"] for r in data.reliability} == {"orang_tua", "remaja"}
