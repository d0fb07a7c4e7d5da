"""`sentiment query|export|codebook` as a user runs them: exit codes, one-line errors, files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from export_fixtures import TENSION
from typer.testing import CliRunner

from sentiment.cli.export import register


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test host for the registered commands."""

    register(app)
    return app


def test_refused_query_is_one_line_and_exit_2(app: typer.Typer, views_db: str) -> None:
    result = CliRunner().invoke(app, ["query", "DELETE FROM fact_answer", "--db", views_db])
    assert result.exit_code == 2
    assert "refused" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_database_error_is_one_line_and_exit_1(app: typer.Typer, views_db: str) -> None:
    result = CliRunner().invoke(app, ["query", "SELECT nope FROM v_tension_by_wave", "--db", views_db])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1


def test_query_json_output(app: typer.Typer, views_db: str, tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    result = CliRunner().invoke(app, ["query", "SELECT * FROM v_tension_by_wave", "--db", views_db,
                                      "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(r["tension_index"] for r in rows) == sorted(t[3] for t in TENSION)


def test_query_table_shows_rows(app: typer.Typer, views_db: str) -> None:
    result = CliRunner().invoke(app, ["query", "SELECT wave_id, n FROM v_tension_by_wave",
                                      "--db", views_db])
    assert result.exit_code == 0, result.output
    assert all(w in result.output for w, *_ in TENSION)


def test_export_and_codebook_commands_write_files(app: typer.Typer, views_db: str,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "x" / "survei.dta"
    result = CliRunner().invoke(app, ["export", "--format", "dta", "--out", str(out),
                                      "--db", views_db, "--quiet"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and (out.parent / "codebook.json").is_file()

    result = CliRunner().invoke(app, ["codebook", "--out", str(tmp_path / "cb"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "cb" / "codebook.json").read_text(encoding="utf-8"))["questions"]
