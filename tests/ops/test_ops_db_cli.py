"""`sentiment db upgrade|downgrade|current` walks the whole migration chain, both databases."""

from __future__ import annotations

import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from sentiment.cli.db import register
from sentiment.roles import ANALYST_VIEWS


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:  # keeps `db` a sub-command rather than the whole app
        pass

    return app


def _objects(url: str) -> tuple[set[str], set[str]]:
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        return set(inspector.get_table_names()), set(inspector.get_view_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_downgrade_to_base_and_back(db_url: str) -> None:
    from sentiment.warehouse import db

    runner, app = CliRunner(), _app()
    head = db.head_revision()

    result = runner.invoke(app, ["db", "current", "--db", db_url])
    assert result.exit_code == 0 and "revision empty" in result.output

    result = runner.invoke(app, ["db", "upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert f"empty → {head}" in result.output
    tables, views = _objects(db_url)
    assert set(ANALYST_VIEWS) <= views
    assert {"fact_response", "quarantine", "ingest_batch", "tension_index"} <= tables

    # one step at a time down to empty: every downgrade in the chain runs
    revisions = [head]
    while True:
        result = runner.invoke(app, ["db", "downgrade", "--db", db_url, "--yes"])
        assert result.exit_code == 0, result.output
        revisions.append(result.output.strip().rsplit("→ ", 1)[-1])
        if revisions[-1] == "empty":
            break
        assert len(revisions) < 50  # a guard against a loop, not a limit on the chain
    assert len(revisions) >= 4  # 0003 → 0002 → 0001 → empty
    tables, views = _objects(db_url)
    assert tables <= {"alembic_version"} and not views

    result = runner.invoke(app, ["db", "downgrade", "--db", db_url, "--yes"])
    assert result.exit_code == 1 and "nothing to downgrade" in result.output

    result = runner.invoke(app, ["db", "upgrade", "--db", db_url, "--quiet"])
    assert result.exit_code == 0 and result.output == ""
    result = runner.invoke(app, ["db", "current", "--db", db_url])
    assert f"revision {head}" in result.output and "up to date" in result.output


def test_downgrade_without_yes_changes_nothing(sqlite_url: str) -> None:
    from sentiment.warehouse import db

    runner, app = CliRunner(), _app()
    assert runner.invoke(app, ["db", "upgrade", "--db", sqlite_url]).exit_code == 0
    result = runner.invoke(app, ["db", "downgrade", "--db", sqlite_url, "--revision", "base"],
                           input="n\n")
    assert result.exit_code == 1 and "not confirmed" in result.output
    assert db.current_revision(db.get_engine(sqlite_url)) == db.head_revision()


def test_unreachable_database_is_one_line(tmp_path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    result = CliRunner().invoke(_app(), ["db", "current", "--db", url])
    assert result.exit_code == 1
    assert "error: database:" in result.output and "Traceback" not in result.output
