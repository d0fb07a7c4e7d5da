"""The leaders' dashboard (reports/dasbor.html) on the whole sample: every wave's index equals
v_tension_by_wave, it reads at 360 px without horizontal scroll, and it holds no personal value
and no figure resting on fewer respondents than the threshold."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from sample_paths import ROOT

from devkit import audit
from sentiment.config import load_yaml
from sentiment.report import write_report

PII = ROOT / "tests" / "fixtures" / "sample_pii.json"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dashboard(sample_warehouse: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    paths = write_report(sample_warehouse, out_dir=out)
    return Path(paths["dashboard"])


def test_every_wave_and_side_equals_the_view(dashboard: Path, sample_warehouse: str) -> None:
    html = dashboard.read_text(encoding="utf-8")
    shown = {(w, s): float(v) for w, s, v in re.findall(
        r'data-wave="([^"]+)" data-side="([^"]+)" data-value="([^"]+)"', html)}
    total = load_yaml("index.yaml")["cells"]["total"]
    engine = sa.create_engine(sample_warehouse)
    with engine.connect() as conn:
        view = conn.execute(sa.text("SELECT wave_id, side, tension_index FROM v_tension_by_wave "
                                    "WHERE respondent_group = :t"), {"t": total}).all()
    engine.dispose()
    assert len({w for w, _ in shown}) >= 4  # every wave so far
    assert shown == {(w, s): float(v) for w, s, v in view}
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_no_personal_data_and_no_small_cell(dashboard: Path) -> None:
    html = dashboard.read_text(encoding="utf-8")
    needles = audit.load_needles(PII)
    hits, scanned = audit.scan_files([dashboard], needles, patterns=("nik_pattern", "phone_pattern"),
                                     reader=audit.file_text)
    assert scanned == 1 and [str(h) for h in hits] == []
    min_n = int(load_yaml("index.yaml")["cells"]["min_n"])
    counts = [int(n) for n in re.findall(r"n = (\d+)", html)]
    assert counts and min(counts) >= min_n


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed: run scripts/test_setup.sh")
def test_reads_at_360_px_without_horizontal_scroll(dashboard: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 360, "height": 800})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(dashboard.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.locator("svg title").count() == 1 and page.locator("svg desc").text_content()
        page.screenshot(path=str(tmp_path / "dasbor-360.png"), full_page=True)
        browser.close()
    assert errors == [] and (tmp_path / "dasbor-360.png").stat().st_size > 10_000
