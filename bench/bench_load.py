"""Warehouse load throughput: one synthetic protected youth batch into SQLite and PostgreSQL.

Usage: .venv/bin/python bench/bench_load.py [sizes ...]   (default: 10000 100000)
PostgreSQL: $SENTIMENT_TEST_PG_URL or postgresql+psycopg://postgres@127.0.0.1:5432/test, in a
throwaway schema (dropped afterwards); skipped when unreachable.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import uuid

for _name, _value in (("PREFECT_SERVER_ANALYTICS_ENABLED", "false"), ("DO_NOT_TRACK", "1"),
                      ("GX_ANALYTICS_ENABLED", "false")):
    os.environ.setdefault(_name, _value)
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))  # devkit/

import pandas as pd  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from devkit.synthetic import generate_responses  # noqa: E402
from sentiment.flows.steps import text_rows  # noqa: E402
from sentiment.forms.batch import RawBatch  # noqa: E402
from sentiment.privacy.protect import protect_frame  # noqa: E402
from sentiment.privacy.pseudonym import key_fingerprint  # noqa: E402
from sentiment.validate import validate_batch  # noqa: E402
from sentiment.warehouse import db  # noqa: E402
from sentiment.warehouse.load import LoadBatch, load_batch  # noqa: E402

KEY = b"bench-key-not-secret-0123456789abcdef"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BASE_ROWS = 10_000  # generated through the real stages once; bigger sizes repeat it


def base_batch(rows: int = BASE_ROWS) -> tuple[RawBatch, pd.DataFrame]:
    """Generate → validate → protect, as the ingest does (about 15 s for 10k rows)."""
    frame = generate_responses(rows, seed=3, invalid_rate=0.0, pii_text_rate=0.0)
    frame = frame.drop(columns=["_invalid", "_person"], errors="ignore")
    frame["_source_file"] = "bench.csv"
    frame["_source_row"] = range(2, rows + 2)
    from sentiment.forms import load_registry

    raw = RawBatch(source_file="bench.csv", sha256="0" * 64, source_format="kobo_csv",
                   form=load_registry().get("remaja"), frame=frame)
    result = validate_batch(raw)
    return raw, protect_frame(result.valid, raw.form, KEY)


def scaled(protected: pd.DataFrame, rows: int) -> pd.DataFrame:
    """`rows` responses: copies of the base frame with fresh submission ids and pseudonyms."""
    copies = []
    for i in range(-(-rows // len(protected))):
        part = protected.copy()
        part["_submission_id"] = part["_submission_id"].astype(str) + f"-{i}"
        part["_respondent_key"] = part["_respondent_key"].str.slice(0, 58) + f"{i:06d}"
        copies.append(part)
    return pd.concat(copies, ignore_index=True).head(rows)


def scored_texts(protected: pd.DataFrame, raw: RawBatch) -> pd.DataFrame:
    """Texts with a fixed score (the bench times loading, not scoring)."""
    return text_rows(protected, raw.form).assign(
        sentiment="netral", sentiment_score=0.0, topics="", topic_scores="{}", reasons="[]",
        scorer="bench", model_version="bench-1")


def pg_url() -> tuple[str, sa.Engine, str] | None:
    base = os.environ.get("SENTIMENT_TEST_PG_URL", PG_DEFAULT)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = sa.create_engine(base)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL skipped: {str(exc).splitlines()[0]}")
        return None
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", admin, schema


def run(url: str, raw: RawBatch, protected: pd.DataFrame, label: str) -> float:
    engine = db.prepare(url, key_fingerprint(KEY))
    texts = scored_texts(protected, raw)
    batch = LoadBatch(source_file="bench.csv", sha256=uuid.uuid4().hex * 2, source_format="kobo_csv",
                      form=raw.form, flow_run_id=None, key_fingerprint=key_fingerprint(KEY),
                      responses=protected, texts=texts, quarantine=pd.DataFrame(),
                      rows_read=len(protected))
    start = time.perf_counter()
    summary = load_batch(engine, batch)
    seconds = time.perf_counter() - start
    # Process peak (includes generating the batch); tracemalloc would slow the load 2-3x.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rows = summary.responses_inserted + summary.answers + 2 * summary.texts
    print(f"{label:<10} {len(protected):>7} responses  {seconds:6.2f} s  "
          f"{summary.responses_inserted / seconds:>8.0f} responses/s  "
          f"{summary.answers / seconds:>9.0f} answers/s  {rows / seconds:>9.0f} rows/s  "
          f"({summary.answers} answers, {summary.texts} texts)  peak RSS {peak / 2**20:.0f} MiB")
    engine.dispose()
    return seconds


# Tables the load writes, parents first; the raw baseline copies their rows as loaded.
RAW_TABLES = ("dim_respondent", "fact_response", "fact_answer", "fact_extra", "fact_text",
              "fact_text_score")


def raw_copy_upsert(url: str, load_seconds: float) -> None:
    """The same rows through a plain COPY into a staging table and one INSERT … ON CONFLICT DO
    NOTHING per table, into copies of the tables with their keys and indexes but no foreign
    keys, in one transaction: the ceiling the load is compared with (issue: ≥ 80 %)."""
    engine = sa.create_engine(url)
    raw_conn = engine.raw_connection()
    try:
        dumps: dict[str, bytes] = {}
        with raw_conn.cursor() as cur:
            for table in RAW_TABLES:
                with cur.copy(f"COPY (SELECT * FROM {table}) TO STDOUT") as copy:
                    dumps[table] = b"".join(bytes(block) for block in copy)
                cur.execute(f"CREATE TABLE raw_{table} (LIKE {table} INCLUDING DEFAULTS "
                            "INCLUDING CONSTRAINTS INCLUDING INDEXES)")
        raw_conn.commit()
        rows = 0
        start = time.perf_counter()
        with raw_conn.cursor() as cur:
            for table, data in dumps.items():
                cur.execute(f"CREATE TEMPORARY TABLE stage_{table} (LIKE {table}) ON COMMIT DROP")
                with cur.copy(f"COPY stage_{table} FROM STDIN") as copy:
                    copy.write(data)
                cur.execute(f"INSERT INTO raw_{table} SELECT * FROM stage_{table} ON CONFLICT DO NOTHING")
                rows += cur.rowcount
        raw_conn.commit()
        seconds = time.perf_counter() - start
    finally:
        raw_conn.close()
        engine.dispose()
    print(f"{'raw COPY':<10} {rows:>7} rows       {seconds:6.2f} s  {rows / seconds:>9.0f} rows/s "
          f"(COPY to staging + INSERT … ON CONFLICT, no foreign keys): the load runs at "
          f"{seconds / load_seconds:.0%} of this rate")


def main(sizes: list[int]) -> None:
    start = time.perf_counter()
    raw, base = base_batch()
    print(f"base batch: {len(base)} protected responses in {time.perf_counter() - start:.1f} s")
    for size in sizes:
        protected = scaled(base, size)
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.db", raw, protected, "sqlite")
        pg = pg_url()
        if pg is not None:
            url, admin, schema = pg
            try:
                raw_copy_upsert(url, run(url, raw, protected, "postgresql"))
            finally:
                db.get_engine(url).dispose()
                with admin.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
