"""End to end on a warehouse built by the real migrations and analysis (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from report_checks import id_number, metrics, pdf_text, pii_found, visible_text
from report_warehouse import CURRENT, SMALL, build_warehouse, sample_pii

from sentiment.report import build_report_data, headline_markdown, write_report
from sentiment.report.data import read_view


def _view(url: str, name: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    try:
        return read_view(engine, name)
    finally:
        engine.dispose()


def test_report_data_on_the_real_views(db_url):
    url = build_warehouse(db_url)
    engine = sa.create_engine(url)
    try:
        data = build_report_data(engine, "latest")
    finally:
        engine.dispose()
    tension = _view(url, "v_tension_by_wave")
    change = _view(url, "v_tension_change")
    assert data.wave.wave_id == CURRENT
    for head in data.headline:
        row = tension[
            (tension["wave_id"] == CURRENT)
            & (tension["side"] == head.side)
            & (tension["respondent_group"] == "semua")
        ]
        if row.empty:  # withheld by the analysis: the report must not show it either
            assert head.value is None
            continue
        assert head.value == pytest.approx(float(row["tension_index"].iloc[0]))
        assert head.n == int(row["n"].iloc[0])
        ch = change[
            (change["wave_id"] == CURRENT)
            & (change["side"] == head.side)
            & (change["respondent_group"] == "semua")
        ]
        if not ch.empty:
            assert head.diff == pytest.approx(float(ch["diff"].iloc[0]))
    # Quotes: any cell but the small one. Figures: only cells the index view publishes (the
    # analysis also withholds complements of the small cell).
    assert data.quotes
    assert all((q.side, q.respondent_group) != SMALL[1:] for q in data.quotes)
    published = tension[
        (tension["wave_id"] == CURRENT)
        & (tension["side"] != "semua")
        & (tension["respondent_group"] != "semua")
    ]
    allowed = set(zip(published["side"], published["respondent_group"], strict=True))
    assert {(c.side, c.respondent_group) for c in data.participation} <= allowed
    assert SMALL[1:] not in allowed and f"index:{SMALL[1]}:{SMALL[2]}" in data.suppressed


@pytest.fixture(scope="module")
def full_warehouse(tmp_path_factory) -> str:
    """Every cell large enough: the report shows every section."""
    return build_warehouse(
        f"sqlite:///{tmp_path_factory.mktemp('wh') / 'warehouse.db'}", small=False
    )


def test_written_report_matches_view_and_holds_no_sample_pii(full_warehouse, tmp_path):
    url = full_warehouse
    paths = write_report(url, wave="latest", out_dir=tmp_path / "reports")
    html = Path(paths["html"]).read_text(encoding="utf-8")
    view = _view(url, "v_tension_by_wave").set_index(["wave_id", "side", "respondent_group"])
    printed = metrics(html)
    printed = printed[printed["metric"] == "tension"]
    assert len(printed) >= 4
    for row in printed.itertuples(index=False):
        assert row.text.strip() == id_number(
            float(view.loc[(row.wave, row.side, row.group), "tension_index"])
        )
    assert len(printed) >= 9  # 2 sides × 2 groups + totals, all published
    assert 'data-metric="participation"' in html and "<blockquote" in html
    pii = sample_pii()
    for text in (visible_text(html), pdf_text(Path(paths["pdf"])), paths["headline_markdown"]):
        assert pii_found(text, pii) == []


def test_headline_markdown_has_figures_but_no_quotes(full_warehouse):
    engine = sa.create_engine(full_warehouse)
    try:
        data = build_report_data(engine, "latest")
    finally:
        engine.dispose()
    markdown = headline_markdown(data)
    for head in data.headline:
        if head.value is not None:
            assert id_number(head.value) in markdown
    assert data.quotes and not any(q.text[:30] in markdown for q in data.quotes)
