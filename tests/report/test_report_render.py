"""The rendered report (stand-in views): numbers equal the view, self-contained, safe, 2–4 pages."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from report_checks import (
    chromium_screenshot,
    id_number,
    metrics,
    parse,
    pdf_pages,
    pdf_text,
    pii_found,
    visible_text,
)
from report_views import PII, SMALL_CELL_TEXT, WAVE, build_views_db

from sentiment.report import write_report
from sentiment.report.render import report_stem

TENSION_METRICS = {
    "tension": "tension_index",
    "tension_ci_low": "ci_low",
    "tension_ci_high": "ci_high",
    "n": "n",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("report")
    url = build_views_db(root / "views.db")
    paths = write_report(url, wave="latest", out_dir=root / "out")
    with sqlite3.connect(root / "views.db") as con:
        view = pd.read_sql_query("SELECT * FROM v_tension_by_wave", con)
    return {
        **paths,
        "root": root,
        "view": view,
        "html_text": Path(paths["html"]).read_text(encoding="utf-8"),
    }


def test_files_are_named_by_wave(report):
    assert (
        Path(report["html"]).name == f"{report_stem(WAVE)}.html" == f"laporan-gelombang-{WAVE}.html"
    )
    assert Path(report["pdf"]).name == f"laporan-gelombang-{WAVE}.pdf"


def test_machine_text_figures_are_marked_uncorrected(report):
    """No coded sample corrects the text figures yet: the report says so, in plain Bahasa."""
    assert "Perkiraan mesin, belum diperiksa manusia" in report["html_text"]


def test_every_printed_index_equals_the_view(report):
    printed = metrics(report["html_text"])
    printed = printed[printed["metric"].isin(TENSION_METRICS)]
    view = report["view"].set_index(["wave_id", "side", "respondent_group"])
    assert not printed.empty
    for row in printed.itertuples(index=False):
        value = view.loc[(row.wave, row.side, row.group), TENSION_METRICS[row.metric]]
        expected = str(int(value)) if row.metric == "n" else id_number(float(value))
        assert row.text.strip() == expected, row
    # And every published cell of the wave is printed.
    current = report["view"][report["view"]["wave_id"] == WAVE]
    shown = set(zip(printed["side"], printed["group"], strict=True))
    assert set(zip(current["side"], current["respondent_group"], strict=True)) <= shown


def test_html_is_self_contained_and_script_free(report):
    page = parse(report["html_text"])
    assert page.scripts == 0
    assert page.images and all(src.startswith("data:image/png;base64,") for src in page.images)
    for src in page.images:
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "http://" not in report["html_text"] and "https://" not in report["html_text"]


def test_no_personal_data_or_small_cell_text_in_html_or_pdf(report):
    values = {
        "phones": [PII["phone"]],
        "phone_digits": [PII["phone_digits"]],
        "nik_digits": [PII["nik"]],
        "emails": [PII["email"]],
        "names": [PII["name"]],
    }
    html = visible_text(report["html_text"])
    pdf = pdf_text(Path(report["pdf"]))
    assert pii_found(report["html_text"], values) == []
    for text in (html, pdf):  # what a reader sees (the raw HTML has CSS @-rules)
        assert pii_found(text, values) == []
        assert "Hadikalis" not in text and "@" not in text
        assert SMALL_CELL_TEXT[:40] not in text
    assert "Sisi Barat" in pdf and id_number(41.04) in pdf  # the PDF holds the report's text


def test_pdf_has_two_to_four_pages(report):
    pages = pdf_pages(Path(report["pdf"]), report["root"])
    assert 2 <= len(pages) <= 4
    assert all(p.stat().st_size > 1000 for p in pages)


def test_chromium_renders_without_console_errors(report, tmp_path):
    shot, console = chromium_screenshot(Path(report["html"]), tmp_path)
    assert console == []
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chromium_check_does_see_console_errors(tmp_path):
    # The detector itself: a page with a script error must be caught.
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><p>x</p><script>missingFunction()</script>", encoding="utf-8")
    _, console = chromium_screenshot(bad, tmp_path)
    assert any("Uncaught" in line for line in console)
