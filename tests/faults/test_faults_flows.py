"""Faults around the flows: a dropped database connection is retried with exact totals, two
runs at once load each submission once, a wrong key is refused, and seeded canaries (NIK,
phone, e-mail, name, the key itself) appear nowhere the pipeline writes, even at DEBUG."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from faults_support import counts
from prefect_store import api_text
from sqlalchemy import event

from devkit import audit
from sentiment.flows import steps
from sentiment.privacy.pseudonym import key_fingerprint
from sentiment.settings import Settings
from sentiment.warehouse import db

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "exports"
CLI = Path(sys.executable).with_name("sentiment")
SMALL = ("2024-11_remaja_susulan_1904.xlsx",)
KEY = "kali-pasir-pulse-FLOWS-test-key-0123"


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, int]]:
    """Table counts after one plain, sequential ingest of the small sample file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ref') / 'ref.db'}"
    steps.ingest([SAMPLES / SMALL[0]], Settings.resolve(url, key=KEY.encode()))
    return {"one": counts(url)}


def _inbox(tmp_path: Path, files: tuple[str, ...]) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in files:
        shutil.copy(SAMPLES / name, inbox / name)
    return inbox


def _data_counts(table_counts: dict[str, int]) -> dict[str, int]:
    skip = {"warehouse_meta"}
    return {k: v for k, v in table_counts.items() if k not in skip}


def test_retry_condition_only_for_a_dropped_connection() -> None:
    from importlib import import_module

    from prefect.states import Completed, Failed
    from sqlalchemy.exc import IntegrityError, OperationalError

    condition = import_module("sentiment.flows.ingest")._transient_db_error
    dropped = OperationalError("UPDATE ingest_batch", {}, Exception("server closed the connection"))
    assert condition(None, None, Failed(data=dropped)) is True
    assert condition(None, None, Failed(data=IntegrityError("INSERT", {}, Exception("dup")))) is False
    assert condition(None, None, Failed(data=ValueError("bad data"))) is False
    assert condition(None, None, Completed(data=1)) is False


def _drop_connection_once(engine: sa.Engine, url: str) -> dict[str, int]:
    """On the first batch status update (rows written, not committed) the connection dies:
    PostgreSQL backend terminated from another session; SQLite raises OperationalError."""
    fired = {"count": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def drop(conn, cursor, statement, parameters, context, executemany):
        if fired["count"] or not statement.lstrip().upper().startswith("UPDATE INGEST_BATCH"):
            return
        fired["count"] += 1
        if engine.dialect.name == "postgresql":
            pid = conn.connection.dbapi_connection.info.backend_pid
            admin = sa.create_engine(url)
            with admin.begin() as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            admin.dispose()
        else:
            raise sa.exc.OperationalError(statement, parameters, Exception("disk I/O error"))

    return fired


@pytest.mark.slow
def test_dropped_connection_mid_load_is_retried_with_exact_totals(
        db_url: str, tmp_path: Path, prefect_api: str, reference, monkeypatch) -> None:
    from importlib import import_module

    monkeypatch.setenv("SENTIMENT_PSEUDONYM_KEY", KEY)
    flow_module = import_module("sentiment.flows.ingest")
    fired = _drop_connection_once(db.get_engine(db_url), db_url)

    rows = flow_module.ingest_surveys(source=str(_inbox(tmp_path, SMALL[:1])), db_url=db_url)

    assert fired["count"] == 1  # the first attempt really lost its connection mid-load
    assert len(rows) == 1 and rows[0]["loaded"] == reference["one"]["fact_response"]
    assert _data_counts(counts(db_url)) == _data_counts(reference["one"])


def _ingest_process(url: str, inbox: Path, api: str) -> subprocess.Popen:
    env = {**os.environ, "SENTIMENT_PSEUDONYM_KEY": KEY, "PREFECT_API_URL": api}
    return subprocess.Popen([str(CLI), "ingest", str(inbox), "--db", url, "-q"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


@pytest.mark.slow
def test_two_runs_at_once_load_each_submission_once(db_url: str, tmp_path: Path, prefect_api: str,
                                                     reference) -> None:
    db.prepare(db_url, key_fingerprint(KEY.encode()))
    inbox = _inbox(tmp_path, SMALL[:1])
    first, second = _ingest_process(db_url, inbox, prefect_api), _ingest_process(db_url, inbox, prefect_api)
    outputs = [p.communicate(timeout=600) for p in (first, second)]

    for process, (out, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err[-2000:]
        assert "Traceback" not in out + err
    assert _data_counts(counts(db_url)) == _data_counts(reference["one"])
    with db.get_engine(db_url).connect() as conn:
        twice = conn.execute(sa.text("SELECT form_id, submission_id FROM fact_response "
                                     "GROUP BY form_id, submission_id HAVING COUNT(*) > 1")).all()
    assert twice == []


@pytest.mark.slow
def test_wrong_key_is_refused_in_one_line_and_loads_nothing(sqlite_url: str, tmp_path: Path,
                                                             run_cli) -> None:
    db.prepare(sqlite_url, key_fingerprint(KEY.encode()))
    before = counts(sqlite_url)
    run = run_cli(["ingest", str(_inbox(tmp_path, SMALL[:1])), "--db", sqlite_url],
                  "another-key-entirely-0123456789")
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    errors = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "pseudonym key differs" in errors[0]
    assert counts(sqlite_url) == before


# --- canaries -------------------------------------------------------------------------------

CANARY_NAME = "Kanaria Ujicobawati"
CANARY_PHONE = "0812-0000-9876"
CANARY_NIK = "3171 0199 9999 0001"
CANARY_EMAIL = "kanari.ujicoba@contohmail.id"
CANARY_KEY = "kali-pasir-pulse-CANARY-KEY-7e3f9a1c"


def _canary_needles() -> audit.Needles:
    needles = audit.Needles()
    needles.text.update({CANARY_NAME.casefold(): "name", CANARY_EMAIL.casefold(): "email",
                         "kanari.ujicoba": "email", "ujicobawati": "name"})
    needles.digits.update({"3171019999990001": "nik", "081200009876": "phone",
                           "6281200009876": "phone"})
    needles.extra.update({CANARY_KEY: "key"})
    return needles


def _canary_export(path: Path) -> None:
    """A copy of a sample export with canaries in the PII columns and the free text of a valid
    row and of a row that is quarantined (age out of range)."""
    rows = audit._csv_rows(SAMPLES / "2025-05_remaja_kobo.csv")
    header, body = rows[0], [list(r) for r in rows[1:13]]
    col = {name: audit._column(rows, f"/{name}") for name in
           ("nama", "telepon", "nik", "alamat", "umur", "harapan", "kekhawatiran")}
    story = (f"saya {CANARY_NAME}, wa {CANARY_PHONE}, email {CANARY_EMAIL}, nik {CANARY_NIK}; "
             "jembatan harus aman")
    for row in body[:2]:
        row[col["nama"]], row[col["telepon"]], row[col["nik"]] = CANARY_NAME, CANARY_PHONE, CANARY_NIK
        row[col["alamat"]] = f"Gg. Kanari No. 1 {CANARY_KEY}"
        row[col["harapan"]], row[col["kekhawatiran"]] = story, f"kontak {CANARY_EMAIL}"
    body[1][col["umur"]] = "99"
    path.write_bytes(audit._csv_bytes([header, *body]))


def _tree_texts(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.slow
def test_canaries_leak_nowhere_even_at_debug(tmp_path: Path, run_cli, prefect_api: str) -> None:
    from sentiment.export.tidy import export_dataset

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _canary_export(inbox / "2025-05_remaja_kanari.csv")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    scratch = {"TMPDIR": tmp_path / "tmp", "PREFECT_LOCAL_STORAGE_PATH": tmp_path / "storage",
               "PREFECT_HOME": tmp_path / "prefect_home"}
    for folder in scratch.values():
        folder.mkdir()
    env = {**{k: str(v) for k, v in scratch.items()}, "PREFECT_LOGGING_LEVEL": "DEBUG",
           "PREFECT_LOGGING_ROOT_LEVEL": "DEBUG", "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "true"}

    run = run_cli(["run", str(inbox), "--db", url, "--reports", str(tmp_path / "reports")],
                  CANARY_KEY, env)
    assert "Traceback" not in run.stdout + run.stderr
    assert run.returncode == 0, run.stderr[-3000:]
    exports = tmp_path / "exports"
    for shape in ("wide", "long", "texts"):
        export_dataset(exports / f"{shape}.csv", "csv", url, shape=shape)

    engine = sa.create_engine(url)
    with engine.connect() as conn:  # the canaries did pass through: redacted text, quarantine
        texts = [t for (t,) in conn.execute(sa.text("SELECT text_redacted FROM fact_text"))]
        quarantined = conn.execute(sa.text("SELECT COUNT(*) FROM quarantine WHERE field = 'umur'")).scalar()
    engine.dispose()
    assert any("[TELEPON]" in t and "[EMAIL]" in t and "[NIK]" in t for t in texts)
    assert quarantined >= 1

    needles = _canary_needles()
    hits = audit.scan_texts([run.stdout, run.stderr], needles, "cli output")
    assert "DEBUG" in run.stdout + run.stderr  # the logs really were at DEBUG
    hits += audit.scan_texts([api_text(prefect_api)], needles, "prefect api")
    hits += audit.scan_warehouse(url, needles, patterns=False)[0]
    files = [*_tree_texts(exports), *_tree_texts(tmp_path / "reports"),
             *[p for folder in scratch.values() for p in _tree_texts(folder)]]
    hits += audit.scan_files(files, needles, reader=audit.file_text)[0]
    assert [str(h) for h in hits] == []
