"""After ingesting the whole sample: no personal value from tests/fixtures/sample_pii.json (nor
a NIK or phone shape) in any text column, log line or export; no row lost; and a youth under
18 without recorded parental consent is quarantined, never in an analyst view."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

from devkit import audit
from sentiment.flows import steps
from sentiment.settings import Settings
from sentiment.warehouse import db

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "exports"
PII = ROOT / "tests" / "fixtures" / "sample_pii.json"
KEY = "kali-pasir-pulse-DEMO-KEY-not-for-real-data"


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory):
    """The sample ingested (plain functions, every logger at DEBUG), then exported."""
    from sentiment.export.tidy import export_dataset

    folder = tmp_path_factory.mktemp("sample_run")
    url = f"sqlite:///{folder / 'w.db'}"
    log_path = folder / "run.log"
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        rows = steps.ingest(steps.discover_exports(SAMPLES), Settings.resolve(url, key=KEY.encode()))
        for shape in ("wide", "long", "texts"):
            export_dataset(folder / "exports" / f"{shape}.csv", "csv", url, shape=shape)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
    return url, rows, log_path, folder / "exports"


@pytest.mark.slow
def test_no_personal_value_or_shape_in_the_warehouse(sample_run) -> None:
    url, *_ = sample_run
    needles = audit.load_needles(PII)
    assert needles.count > 3000
    hits, scanned = audit.scan_warehouse(url, needles, patterns=True)
    assert scanned > 5000
    assert [str(h) for h in hits] == []


@pytest.mark.slow
def test_no_personal_value_in_logs_or_exports(sample_run) -> None:
    _, _, log_path, exports = sample_run
    needles = audit.load_needles(PII)
    files = [log_path, *sorted(exports.iterdir())]
    assert log_path.stat().st_size > 0 and len(files) >= 4
    hits, scanned = audit.scan_files(files, needles, patterns=("nik_pattern", "phone_pattern"),
                                     reader=audit.file_text)
    assert scanned == len(files)
    assert [str(h) for h in hits] == []


def test_scanner_finds_what_it_looks_for() -> None:
    needles = audit.load_needles(PII)
    name, phone, nik = (audit.json.loads(PII.read_text())[k][0] for k in ("names", "phones", "niks"))
    hits = audit.scan_texts([f"x {name.lower()} y", f"tel {phone}", f"nik {nik}"], needles, "t",
                            patterns=True)
    kinds = {h.kind for h in hits}
    assert {"names", "phones", "niks", "nik_pattern", "phone_pattern"} <= kinds
    assert all(name not in str(h) for h in hits)  # a hit report never repeats the value


@pytest.mark.slow
def test_no_row_is_lost(sample_run) -> None:
    url, rows, *_ = sample_run
    with db.get_engine(url).connect() as conn:
        per_file = conn.execute(sa.text("""
            SELECT b.source_file, b.rows_read, b.rows_duplicate,
                   (SELECT COUNT(*) FROM fact_response r WHERE r.batch_id = b.batch_id),
                   (SELECT COUNT(DISTINCT q.source_row) FROM quarantine q WHERE q.batch_id = b.batch_id)
            FROM ingest_batch b""")).all()
    assert len(per_file) == len(rows) == 9
    for name, read, duplicate, loaded, quarantined in per_file:
        assert read == loaded + duplicate + quarantined, name


@pytest.mark.slow
def test_youth_without_parental_consent_never_reaches_an_analyst_view(sample_run) -> None:
    url, *_ = sample_run
    with db.get_engine(url).connect() as conn:
        held = conn.execute(sa.text(
            "SELECT submission_id, reason FROM quarantine WHERE rule = 'izin_ortu_untuk_anak'")).all()
        loaded = {s for (s,) in conn.execute(sa.text(
            "SELECT submission_id FROM fact_response WHERE respondent_group = 'remaja'"))}
        # every minor an analyst can see comes with the consent answer "ya"
        minors_in_view = conn.execute(sa.text("""
            SELECT respondent_key, wave_id,
                   MAX(CASE WHEN question_id LIKE 'remaja.%persetujuan_ortu' THEN value_text END)
            FROM v_responses_long
            WHERE respondent_group = 'remaja' AND age_band IN ('12-14', '15-17')
            GROUP BY respondent_key, wave_id""")).all()
    assert len(held) >= 5  # the sample's youth files carry one such youth each
    assert all("< 18" in reason and "persetujuan_ortu" in reason for _, reason in held)
    # views read fact_response only: a submission not there is in no view
    assert not {sub for sub, _ in held} & loaded
    assert minors_in_view and {consent for *_, consent in minors_in_view} == {"ya"}
