"""`sentiment.query`: only single SELECT/WITH statements, on connections that cannot write."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from export_fixtures import TENSION, TENSION_SUPPRESSED
from sqlalchemy.exc import DBAPIError

from sentiment.errors import SentimentError
from sentiment.query import (
    QueryRefused,
    check_select,
    query,
    read_only_connection,
    read_only_url,
    read_view,
    tension_by_wave,
)

REFUSED = [
    "INSERT INTO fact_answer VALUES (1, 'remaja.aman_siang', 'x', 1, NULL)",
    "UPDATE fact_answer SET value_num = 0",
    "DELETE FROM fact_answer",
    "DROP TABLE fact_answer",
    "ATTACH DATABASE '/tmp/other.db' AS other",
    "PRAGMA writable_schema = ON",
    "SELECT 1; DELETE FROM fact_answer",
    "SELECT 1;\nDROP TABLE fact_answer;",
    "WITH x AS (DELETE FROM fact_answer RETURNING *) SELECT * FROM x",
    "with gone as (insert into dim_wave default values returning 1) select * from gone",
    "WITH t AS (SELECT 1) UPDATE fact_answer SET value_num = 0",
    "REPLACE INTO fact_answer VALUES (1, 'remaja.aman_siang', 'x', 1, NULL)",
    "SELECT * INTO copy_of_answers FROM fact_answer",
    "CREATE TABLE t AS SELECT 1",
    "SELECT load_extension('evil')",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    # Comments and quotes that read differently in SQLite and PostgreSQL:
    "SELECT 1 /* /* */ ; DELETE FROM fact_answer; /* */",
    "SELECT E'\\''; DELETE FROM fact_answer; --'",
    "SELECT [']; DELETE FROM fact_answer; --']",
    "SELECT $$; DELETE FROM fact_answer; $$",
    "SELECT 'unterminated",
    "/* only a comment */",
    "",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_statement_check_refuses_writes_and_tricks(sql: str) -> None:
    with pytest.raises(QueryRefused):
        check_select(sql)


@pytest.mark.parametrize("sql", REFUSED[:12])
def test_refused_query_leaves_the_warehouse_unchanged(views_db: str, sql: str) -> None:
    path = sa.engine.make_url(views_db).database
    before = sqlite3.connect(path).execute("SELECT count(*) FROM fact_answer").fetchone()
    with pytest.raises(QueryRefused):
        query(sql, views_db)
    after = sqlite3.connect(path).execute("SELECT count(*) FROM fact_answer").fetchone()
    assert after == before


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT replace(side, 'a', 'b') AS s FROM v_tension_by_wave",
        'SELECT wave_id AS "update" FROM v_tension_by_wave -- drop table fact_answer',
        "SELECT 'x; DELETE FROM fact_answer' AS note FROM v_tension_by_wave;",
        "WITH t AS (SELECT * FROM v_tension_by_wave) SELECT count(*) AS k FROM t",
        "SELECT wave_id FROM v_tension_by_wave WHERE n IN (SELECT n FROM v_tension_by_wave)",
    ],
)
def test_harmless_selects_pass(views_db: str, sql: str) -> None:
    assert len(query(sql, views_db)) >= 1


def test_select_returns_the_view_rows(views_db: str) -> None:
    frame = query("SELECT wave_id, side, tension_index, n FROM v_tension_by_wave ORDER BY wave_id",
                  views_db)
    expected = sorted((w, s, t, n) for w, s, _g, t, _lo, _hi, n in TENSION)
    assert list(frame.itertuples(index=False, name=None)) == expected


def test_parameters_bind_and_literal_colons_stay_text(views_db: str) -> None:
    frame = query("SELECT wave_id FROM v_tension_by_wave WHERE side = :side", views_db,
                  {"side": "barat"})
    assert frame["wave_id"].tolist() == [w for w, s, *_ in TENSION if s == "barat"]
    assert query("SELECT '10:30' AS t", views_db)["t"].tolist() == ["10:30"]


def test_write_through_read_only_connection_fails_without_the_parser(views_db: str) -> None:
    path = sa.engine.make_url(views_db).database
    for statement in ("DELETE FROM fact_answer", "CREATE TABLE x (a INTEGER)",
                      "PRAGMA query_only = OFF"):
        with read_only_connection(views_db) as conn, pytest.raises(DBAPIError):
            conn.exec_driver_sql(statement)
    # The read-only file URI alone (no authorizer, no query_only) already refuses writes.
    engine = sa.create_engine(read_only_url(views_db))
    with engine.connect() as conn, pytest.raises(DBAPIError, match="readonly"):
        conn.exec_driver_sql("DELETE FROM fact_answer")
    engine.dispose()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM fact_answer").fetchone()[0] > 0


def test_missing_warehouse_is_a_user_error(tmp_path) -> None:
    with pytest.raises(SentimentError, match="not found"):
        query("SELECT 1", f"sqlite:///{tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()  # read-only open must not create it


def test_convenience_reads_only_analyst_views(views_db: str) -> None:
    for raw in ("fact_answer", "quarantine", "tension_index"):
        with pytest.raises(SentimentError, match="not a published view"):
            read_view(raw, views_db)
    frame = tension_by_wave(views_db, side="barat")
    # The suppressed small cell stays hidden: the view decides, not this module.
    assert frame["wave_id"].tolist() == [w for w, s, *_ in TENSION if s == "barat"]
    assert TENSION_SUPPRESSED[0] not in set(tension_by_wave(views_db)["wave_id"])


def test_sqlite_and_postgresql_select_and_refuse_writes(any_views_db: str) -> None:
    frame = query("SELECT wave_id, n FROM v_tension_by_wave ORDER BY wave_id", any_views_db)
    assert list(frame.itertuples(index=False, name=None)) == sorted((w, n) for w, *_, n in TENSION)
    with pytest.raises(QueryRefused):
        query("WITH x AS (DELETE FROM fact_answer RETURNING 1) SELECT * FROM x", any_views_db)
    with read_only_connection(any_views_db) as conn, pytest.raises(DBAPIError):
        conn.exec_driver_sql("DELETE FROM fact_answer")
    engine = sa.create_engine(any_views_db)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM fact_answer").scalar() > 0
    engine.dispose()
