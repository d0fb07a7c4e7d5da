"""`sentiment redact` round trip through typer's CliRunner."""

from __future__ import annotations

import csv

import typer
from typer.testing import CliRunner

from sentiment.cli.privacy import register

runner = CliRunner()


def make_app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")  # a second command keeps typer in multi-command mode, as in the real app
    def noop() -> None:
        pass

    return app


def test_redact_round_trip_keeps_columns_delimiter_and_neutralises_formulas(tmp_path):
    source = tmp_path / "jawaban.csv"
    # semicolon-separated, Windows-1252 (as Excel saves it in Indonesia), one accented name
    source.write_bytes(
        "id;cerita;catatan\n"
        '1;nama saya budi, wa 0812-0000-1234;=HYPERLINK("http://x")\n'
        "2;semoga damai, Pak RT sudah lapor;café\n"
        "3;;@SUM(A1)\n".encode("cp1252")
    )
    target = tmp_path / "out.csv"
    result = runner.invoke(
        make_app(),
        ["redact", "--input", str(source), "--text-column", "cerita", "--output", str(target)],
    )
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["id", "cerita", "catatan", "redacted"]
    assert rows[1][3] == "nama saya [NAMA], wa [TELEPON]"
    assert rows[2][3] == "semoga damai, Pak RT sudah lapor"
    assert rows[3][3] == ""
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert rows[3][2] == "'@SUM(A1)"
    assert rows[2][2] == "café"


def test_missing_text_column_is_a_one_line_error(tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("id,teks\n1,halo\n", encoding="utf-8")
    result = runner.invoke(
        make_app(),
        ["redact", "-i", str(source), "-c", "cerita", "-o", str(tmp_path / "b.csv"), "--quiet"],
    )
    assert result.exit_code == 1
    assert "cerita" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "b.csv").exists()


def test_missing_input_file_is_a_one_line_error(tmp_path):
    result = runner.invoke(
        make_app(),
        ["redact", "-i", str(tmp_path / "nope.csv"), "-c", "x", "-o", str(tmp_path / "b.csv")],
    )
    assert result.exit_code == 1
    assert "nope.csv" in result.output and "Traceback" not in result.output
