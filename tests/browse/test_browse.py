"""`sentiment browse` on the sample warehouse, in a real browser: pages render at 1280 and
360 px without console errors, a CSV downloads, and base tables, the quarantine, writes,
ATTACH, PRAGMA and multi-statement SQL are refused."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sample_paths import ROOT, TEST_KEY

CLI = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "sentiment"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_warehouse: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "SENTIMENT_PSEUDONYM_KEY": TEST_KEY.decode()}
    log = (tmp_path_factory.mktemp("browse") / "server.log").open("w")  # a pipe would fill up
    started = time.monotonic()
    process = subprocess.Popen([str(CLI), "browse", "--db", sample_warehouse, "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError(Path(log.name).read_text(encoding="utf-8")[-2000:])
        print(f"sentiment browse answered after {time.monotonic() - started:.1f} s")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_only_published_views_and_read_only_sql(server: str, sample_warehouse: str) -> None:
    tables = {t["name"] for t in httpx.get(f"{server}/pulse.json").json()["tables"]}
    assert tables == {"v_tension_by_wave", "v_tension_change", "v_tension_trend",
                      "v_topic_share_by_wave", "v_text_estimates", "v_scale_reliability",
                      "v_alerts"}
    for hidden in ("fact_response", "quarantine", "v_responses_long", "v_text_scores", "dim_respondent"):
        assert httpx.get(f"{server}/pulse/{hidden}.json").status_code == 404, hidden
    refused = [
        "insert into v_alerts (message) values ('x')",
        "attach database ':memory:' as other",
        "pragma table_info(v_alerts)",
        "select 1; delete from v_alerts",
        "select * from sqlite_master where sql like '%respondent_key%'",
    ]
    for sql in refused[:4]:
        response = httpx.get(f"{server}/pulse.json", params={"sql": sql})
        assert response.status_code == 400 or not response.json().get("ok", True), sql
    leak = httpx.get(f"{server}/pulse.json", params={"sql": refused[4], "_shape": "array"}).json()
    assert leak == []  # no table in the browser holds a respondent key
    # the figures are the warehouse's published view, row for row
    shown = httpx.get(f"{server}/pulse/v_tension_by_wave.json",
                      params={"_shape": "array", "_size": "max"}).json()
    engine = sa.create_engine(sample_warehouse)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT wave_id, side, respondent_group, tension_index "
                                      "FROM v_tension_by_wave")).all()
    engine.dispose()
    assert sorted((r["wave_id"], r["side"], r["respondent_group"], round(r["tension_index"], 6))
                  for r in shown) == sorted((*r[:3], round(r[3], 6)) for r in stored)


def test_csv_download_of_a_canned_query(server: str) -> None:
    response = httpx.get(f"{server}/pulse/tension_by_wave_and_side.csv")
    assert response.status_code == 200
    header, *rows = response.text.strip().splitlines()
    assert header.startswith("wave_id,side,respondent_group,tension_index") and rows


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed: run scripts/test_setup.sh")
def test_pages_render_in_chromium_at_1280_and_360(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width in (1280, 360):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            for path, expect in (("/", "published figures"),
                                 ("/pulse/v_tension_by_wave", "Tension index"),
                                 ("/pulse/change_since_last_wave", "Change since the last wave")):
                page.goto(server + path)
                assert expect.lower() in page.content().lower(), path
                name = path.strip("/").replace("/", "_") or "home"
                page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
            page.close()
        browser.close()
    assert errors == []
    assert len(list(tmp_path.glob("*.png"))) == 6
