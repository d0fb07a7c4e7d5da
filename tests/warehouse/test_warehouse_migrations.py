"""Migrations: empty → head → base leaves nothing; the migrated schema is the ORM's."""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from sentiment.errors import SentimentError
from sentiment.warehouse import db
from sentiment.warehouse import models as m
from sentiment.warehouse.views import VIEWS

CORE = {t.name for t in m.CORE_TABLES}


def _names(engine: sa.Engine) -> tuple[set[str], set[str]]:
    inspector = sa.inspect(engine)
    return set(inspector.get_table_names()) - {"alembic_version"}, set(inspector.get_view_names())


def test_upgrade_then_downgrade_to_base_leaves_no_table_or_view(db_url):
    engine = db.get_engine(db_url)
    assert _names(engine) == (set(), set())
    db.upgrade(engine)
    tables, views = _names(engine)
    assert CORE <= tables and set(VIEWS) <= views
    db.downgrade(engine, "base")
    assert _names(engine) == (set(), set())
    engine.dispose()


def _core_only(obj, name, type_, reflected, compare_to) -> bool:
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return table is not None and table.name in CORE


def test_migrated_core_schema_matches_the_models(db_url):
    engine = db.get_engine(db_url)
    db.upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": _core_only, "compare_type": True})
        diff = compare_metadata(context, m.Base.metadata)
    engine.dispose()
    assert diff == []


def _squash(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def test_migrated_views_are_the_ones_views_py_defines(sqlite_url):
    # SQLite keeps a view's CREATE statement verbatim, so the text can be compared.
    engine = db.get_engine(sqlite_url)
    db.upgrade(engine)
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type='view'")).all())
    engine.dispose()
    assert {n: _squash(stored[n]) for n in VIEWS} == {n: _squash(v.create_sql) for n, v in VIEWS.items()}


def test_every_published_view_has_exactly_its_declared_columns(db_url):
    """The contract readers rely on, on SQLite and PostgreSQL: the columns, in order, and
    `wave_id` as the wave column of every view that has one."""
    engine = db.get_engine(db_url)
    db.upgrade(engine)
    with engine.connect() as conn:
        actual = {name: list(conn.execute(sa.text(f"SELECT * FROM {name} WHERE 1 = 0")).keys())
                  for name in VIEWS}
    present = set(sa.inspect(engine).get_view_names())
    engine.dispose()
    assert {n: list(v.columns) for n, v in VIEWS.items()} == actual
    assert set(VIEWS) <= present  # views, not tables
    for name, columns in actual.items():
        assert "wave" not in columns and "prev_wave" not in columns, name
    assert all("wave_id" in c for n, c in actual.items() if n != "v_tension_trend")


def test_read_view_refuses_columns_outside_the_contract(sqlite_url):
    import pytest

    from sentiment.errors import SentimentError
    from sentiment.warehouse.views import read_view

    engine = db.get_engine(sqlite_url)
    db.upgrade(engine)
    with engine.connect() as conn:
        assert read_view(conn, "v_tension_by_wave", {"wave_id": "2025-02"}).empty
        with pytest.raises(SentimentError, match="has no column wave"):
            read_view(conn, "v_tension_by_wave", {"wave": "2025-02"})
        with pytest.raises(SentimentError, match="not a published view"):
            read_view(conn, "fact_response")
    engine.dispose()


def test_roles_migration_keeps_loaded_rows_both_ways(db_url):
    """0006 renames the area columns and relaxes NOT NULL on a warehouse that holds data
    (SQLite rebuilds fact_response under it): nothing is lost down and up again."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export"))
    from export_fixtures import build_warehouse

    build_warehouse(db_url)
    engine = db.get_engine(db_url)
    tables = ("fact_response", "fact_answer", "fact_text", "dim_area")

    def counts() -> dict[str, int]:
        with engine.connect() as conn:
            return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}

    before = counts()
    assert before["fact_response"] > 0 and before["fact_answer"] > 0
    db.downgrade(engine, "0005")
    assert counts() == before
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM fact_response WHERE rw IS NOT NULL")).scalar_one()
    db.upgrade(engine)
    assert counts() == before
    with engine.connect() as conn:
        areas = set(conn.execute(sa.text("SELECT area FROM v_responses_long")).scalars())
        if engine.dialect.name == "sqlite":
            assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []
    assert areas and "unknown" not in areas
    engine.dispose()


def test_sub_area_migration_keeps_codes_and_refuses_to_lose_names(db_url):
    """0009 renames `rt` to `sub_area` and stores it as text: numbers survive down and up,
    and a named sub-area (which an integer column cannot hold) stops the downgrade."""
    import sys
    from pathlib import Path

    import pytest

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export"))
    from export_fixtures import build_warehouse

    build_warehouse(db_url)
    engine = db.get_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE fact_response SET sub_area = '3' WHERE response_id = 1"))
    db.downgrade(engine, "0008")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT rt FROM fact_response WHERE response_id = 1")).scalar_one() == 3
    db.upgrade(engine)
    with engine.begin() as conn:
        stored = dict(conn.execute(sa.text("SELECT response_id, sub_area FROM fact_response")).all())
        conn.execute(sa.text("UPDATE fact_response SET sub_area = 'Dusun A' WHERE response_id = 2"))
    assert stored[1] == "3" and stored[2] is None
    with pytest.raises(SentimentError, match="sub-areas are names"):
        db.downgrade(engine, "0007")
    with engine.connect() as conn:  # nothing changed
        assert conn.execute(sa.text("SELECT sub_area FROM fact_response WHERE response_id = 2")
                            ).scalar_one() == "Dusun A"
    engine.dispose()


def test_withdrawal_migration_refuses_to_forget_a_recorded_withdrawal(db_url):
    from datetime import UTC, datetime

    import pytest

    engine = db.get_engine(db_url)
    db.upgrade(engine)
    table = m.ResponseWithdrawal.__table__
    with engine.begin() as conn:
        conn.execute(table.insert().values(
            form_id="f", submission_id="s-1", root_id="s-1", response_id=None, source="odk:x/1/f",
            deleted_at=None, recorded_at=datetime.now(UTC), reason="deleted on ODK Central"))
    from sentiment.errors import SentimentError

    with pytest.raises(SentimentError, match="1 withdrawn submission version"):
        db.downgrade(engine, "0011")
    assert db.current_revision(engine) == db.head_revision()
    assert "response_withdrawal" in sa.inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(table.delete())
    db.downgrade(engine, "0011")
    assert "response_withdrawal" not in sa.inspect(engine).get_table_names()
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision() == "0012"
    engine.dispose()


def test_downgrade_below_wide_ids_refuses_a_long_form_id_in_one_line(sqlite_url):
    from typer.testing import CliRunner

    from sentiment.cli import app

    engine = db.get_engine(sqlite_url)
    db.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO dim_question (question_id, form_id, name, type, label, reverse, required, "
            "first_version, last_version) VALUES (:q, :f, 'nama', 'text', 'Nama', false, false, '1', '1')"),
            {"q": "f" * 40 + ".nama", "f": "f" * 40})
    engine.dispose()
    result = CliRunner().invoke(app, ["db", "downgrade", "--db", sqlite_url, "--revision", "0010", "--yes"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "dim_question.form_id holds values of 40 characters" in " ".join(result.output.split())
    engine = db.get_engine(sqlite_url)
    assert db.current_revision(engine) == db.head_revision()  # nothing changed
    engine.dispose()
