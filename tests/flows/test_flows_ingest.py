"""The ingest flow end to end under Prefect, and what the sample run leaves in the warehouse."""

from __future__ import annotations

import re
import shutil
from importlib import import_module
from pathlib import Path

import pytest
import sqlalchemy as sa
from sample_paths import EXPORTS, TEST_KEY

from sentiment.warehouse import db

FILES = ["2024-11_orang_tua_kobo.csv", "2025-02_remaja_gforms.csv"]
NIK = re.compile(r"(?<![\w])\d{16}(?![\w])|(?<![\w])\d{4}[ .-]\d{4}[ .-]\d{4}[ .-]\d{4}(?![\w])")
PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)8\d{1,3}[ .-]?\d{3,4}[ .-]?\d{3,5}(?![\w])")
# Hash-valued columns are hex strings, not personal data.
HASH_COLUMNS = {"respondent_key", "content_hash", "file_sha256", "submission_id", "supersedes",
                "value"}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in FILES:
        shutil.copy(EXPORTS / name, folder / name)
    return folder


def test_ingest_flow_twice_gives_identical_counts(prefect_harness, inbox, db_url, monkeypatch):
    monkeypatch.setenv("SENTIMENT_PSEUDONYM_KEY", TEST_KEY.decode())
    flow = import_module("sentiment.flows.ingest").ingest_surveys

    first = flow(source=str(inbox), db_url=db_url)
    counts = db.table_counts(db.get_engine(db_url))
    second = flow(source=str(inbox), db_url=db_url)

    assert [r["source_file"] for r in first] == FILES
    assert all(r["loaded"] > 100 and r["read"] >= r["valid"] for r in first)
    assert sum(r["quarantined"] for r in first) > 0
    assert all(r["skipped"] for r in second)
    assert db.table_counts(db.get_engine(db_url)) == counts
    assert counts["fact_response"] == sum(r["loaded"] for r in first)
    assert counts["quarantine"] >= sum(r["quarantined"] for r in first)


def test_flow_refuses_to_start_without_a_key(prefect_harness, inbox, sqlite_url, monkeypatch):
    from sentiment.errors import MissingKeyError

    monkeypatch.delenv("SENTIMENT_PSEUDONYM_KEY", raising=False)
    flow = import_module("sentiment.flows.ingest").ingest_surveys
    with pytest.raises(MissingKeyError):
        flow(source=str(inbox), db_url=sqlite_url)
    assert not sa.inspect(db.get_engine(sqlite_url)).get_table_names()


def test_sample_covers_four_waves_both_groups_and_quarantines(sample_warehouse):
    with db.get_engine(sample_warehouse).connect() as conn:
        cells = conn.execute(sa.text(
            "SELECT wave_id, respondent_group, COUNT(*) FROM fact_response WHERE is_current "
            "GROUP BY wave_id, respondent_group")).all()
        reasons = conn.execute(sa.text("SELECT rule, reason FROM quarantine")).all()
    assert {(w, g) for w, g, _ in cells} == {
        (w, g) for w in ("2024-11", "2025-02", "2025-05", "2025-08") for g in ("orang_tua", "remaja")
    }
    assert min(n for *_, n in cells) >= 150
    assert reasons and all(reason.strip() for _, reason in reasons)
    assert {"between", "area", "wave", "izin_ortu_untuk_anak", "conflict"} <= {r for r, _ in reasons}


def test_no_phone_number_or_nik_pattern_anywhere_in_the_warehouse(sample_warehouse):
    engine = db.get_engine(sample_warehouse)
    inspector = sa.inspect(engine)
    columns = [
        (table, column["name"])
        for table in inspector.get_table_names()
        for column in inspector.get_columns(table)
        if column["name"] not in HASH_COLUMNS and isinstance(column["type"], sa.String | sa.Text)
    ]
    assert ("fact_text", "text_redacted") in columns
    hits = []
    with engine.connect() as conn:
        for table, column in columns:
            values = conn.execute(sa.text(f'SELECT "{column}" FROM "{table}"')).scalars()
            hits += [(table, column) for v in values
                     if v and (NIK.search(str(v)) or PHONE.search(str(v)))]
    assert hits == []


def test_pattern_scan_would_catch_a_leak():
    assert NIK.search("nik saya 3171 0123 4567 8901 ya")
    assert PHONE.search("wa aja 0812-3456-7890")
    assert not PHONE.search("jam 22.00 rp 50.000")
