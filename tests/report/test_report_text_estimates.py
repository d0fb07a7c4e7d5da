"""The leaders' report uses the corrected text figure where the wave has coded answers, and
keeps the Bahasa note "Perkiraan mesin, belum diperiksa manusia" where it has none."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from report_views import TOPICS, WAVE, build_views_db

from sentiment.report import write_report


def _estimates(path: Path) -> None:
    """The wave's first topic corrected for parents (ppi), not for the youth."""
    with sqlite3.connect(path) as con:
        con.executemany(
            "INSERT INTO fx_v_text_estimates VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(WAVE, "semua", "orang_tua", "topic", TOPICS[0], 0.62, 0.55, 0.69, 0.5, 50, 40, 7, "ppi"),
             (WAVE, "semua", "semua", "sentiment", "negatif", 0.3, 0.2, 0.4, 0.25, 50, 40, 7,
              "ppi"),
             (WAVE, "semua", "remaja", "topic", TOPICS[0], None, None, None, 0.5, 30, 0, 0,
              "uncorrected")])


def test_corrected_topic_share_replaces_the_machine_figure_with_both_notes(tmp_path):
    import sqlalchemy as sa

    from sentiment.report.data import build_report_data

    url = build_views_db(tmp_path / "views.db")
    _estimates(tmp_path / "views.db")
    engine = sa.create_engine(url)
    data = build_report_data(engine, "latest")
    engine.dispose()
    first = next(t for t in data.topics if t.topic == TOPICS[0])
    assert first.corrected["orang_tua"] and first.share["orang_tua"] == 0.62
    assert (first.ci_low["orang_tua"], first.ci_high["orang_tua"]) == (0.55, 0.69)
    assert not first.corrected["remaja"] and first.share["remaja"] == 0.5  # the machine's
    assert (data.n_coded, data.n_training) == (40, 7)
    html = Path(write_report(url, wave="latest", out_dir=tmp_path / "out")["html"]).read_text()
    assert "Dikoreksi dengan penilaian petugas" in html and "dengan 40 jawaban" in html
    assert "7 jawaban lain yang dipakai" in html
    assert "Perkiraan mesin, belum diperiksa manusia" in html  # the other figures still are


def test_without_coded_answers_only_the_machine_note(tmp_path):
    url = build_views_db(tmp_path / "views.db")
    html = Path(write_report(url, wave="latest", out_dir=tmp_path / "out")["html"]).read_text()
    assert "Perkiraan mesin, belum diperiksa manusia" in html
    assert "Dikoreksi dengan penilaian petugas" not in html
