"""The analyst role reads the published views and nothing else; the loader writes (PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from sentiment.roles import ANALYST_VIEWS, apply_roles, current_schema, drop_roles_sql, roles_sql

PRIVATE_TABLES = ("fact_response", "fact_answer", "fact_text", "fact_text_score", "quarantine",
                  "ingest_batch", "dim_respondent", "warehouse_meta", "tension_index")


@pytest.fixture
def roles(pg_url: str) -> Iterator[tuple[str, str, str, str]]:
    """Loader and analyst roles with names unique to this test, on a migrated schema with one
    row in each private table the test touches; both roles dropped afterwards."""
    from sentiment.warehouse import db

    engine = db.get_engine(pg_url)
    db.prepare(pg_url, "f" * 16)
    schema = current_schema(engine)
    suffix = uuid.uuid4().hex[:8]
    loader, analyst = f"t_loader_{suffix}", f"t_analyst_{suffix}"
    apply_roles(engine, loader, analyst)
    try:
        yield pg_url, schema, loader, analyst
    finally:
        with engine.begin() as conn:
            for statement in drop_roles_sql(schema, (loader, analyst)):
                conn.exec_driver_sql(statement)
        engine.dispose()


def _as(url: str, role: str) -> sa.Engine:
    return sa.create_engine(make_url(url).set(username=role, password=None))


def _denied(engine: sa.Engine, sql: str) -> bool:
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(sql)
    except sa.exc.ProgrammingError as exc:
        return getattr(exc.orig, "sqlstate", None) == "42501"  # insufficient_privilege
    return False


def test_analyst_reads_views_and_nothing_else(roles) -> None:
    url, schema, _, analyst = roles
    engine = _as(url, analyst)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_user")).scalar_one() == analyst
            for view in ANALYST_VIEWS:
                conn.execute(sa.text(f"SELECT * FROM {view} LIMIT 1")).all()  # no error
        for table in PRIVATE_TABLES:
            assert _denied(engine, f"SELECT * FROM {table} LIMIT 1"), table
        assert _denied(engine, "INSERT INTO warehouse_meta (key, value) VALUES ('x', 'y')")
        assert _denied(engine, "DELETE FROM quarantine")
        # a simple one-table view is auto-updatable in PostgreSQL: still not writable for analyst
        assert _denied(engine, "DELETE FROM v_tension_trend")
        assert _denied(engine, "CREATE TABLE analyst_scratch (x int)")
        assert _denied(engine, f"CREATE VIEW {schema}.v_leak AS SELECT 1 AS x")
    finally:
        engine.dispose()


def test_loader_writes_tables_but_cannot_change_schema(roles) -> None:
    url, _, loader, _ = roles
    engine = _as(url, loader)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO warehouse_meta (key, value) VALUES ('loader_probe', 'ok')"))
            assert conn.execute(sa.text(
                "SELECT value FROM warehouse_meta WHERE key = 'loader_probe'")).scalar_one() == "ok"
            conn.execute(sa.text("DELETE FROM warehouse_meta WHERE key = 'loader_probe'"))
        assert _denied(engine, "CREATE TABLE loader_scratch (x int)")
        assert _denied(engine, "DROP TABLE quarantine")
    finally:
        engine.dispose()


def test_loader_can_run_an_ingest(roles) -> None:
    """The loader's grants are enough for the real ingest path on a migrated warehouse."""
    from sample_paths import EXPORTS, TEST_KEY

    from sentiment.flows import steps
    from sentiment.settings import Settings
    from sentiment.warehouse import db

    url, _, loader, _ = roles
    # the fixture prepared the schema with another key fingerprint: reset it as the owner
    with db.get_engine(url).begin() as conn:
        conn.exec_driver_sql("DELETE FROM warehouse_meta")
    loader_url = make_url(url).set(username=loader).render_as_string(hide_password=False)
    files = steps.discover_exports(EXPORTS)[:1]
    rows = steps.ingest(files, Settings.resolve(loader_url, key=TEST_KEY))
    db.get_engine(loader_url).dispose()
    assert rows[0]["loaded"] > 0


def test_roles_sql_refuses_odd_names() -> None:
    from sentiment.errors import SentimentError

    with pytest.raises(SentimentError):
        roles_sql("public", loader="x; DROP TABLE quarantine")
    statements = roles_sql("wh", "l", "a")
    assert any('GRANT SELECT ON "wh"."v_tension_by_wave" TO "a"' == s for s in statements)
    assert not any("TO \"a\"" in s and "INSERT" in s for s in statements)
