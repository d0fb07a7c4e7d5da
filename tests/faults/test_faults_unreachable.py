"""A warehouse that cannot be reached is a one-line error naming it, not a traceback."""

from __future__ import annotations

from typer.testing import CliRunner

from sentiment.cli import app


def test_unreachable_warehouse_is_a_one_line_error(monkeypatch) -> None:
    monkeypatch.setenv("SENTIMENT_PSEUDONYM_KEY", "kali-pasir-pulse-FAULTS-key-0123456789")
    url = "postgresql+psycopg://postgres:rahasia@127.0.0.1:1/tidak_ada"  # nothing listens on port 1
    result = CliRunner().invoke(app, ["ingest", "examples/exports", "--db", url, "-q"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "cannot use the warehouse" in result.output and "127.0.0.1" in result.output
    assert "rahasia" not in result.output  # the password is masked
