"""`sentiment init` writes a programme folder the existing loaders accept; period waves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sentiment.config import load_yaml
from sentiment.errors import SentimentError
from sentiment.scaffold import init_programme
from sentiment.validate.reference import Wave, Waves, assign_waves, load_areas, load_waves


def test_init_scaffold_loads_through_the_schema_loaders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sentiment.analysis.config import load_alert_config, load_index_config
    from sentiment.forms.model import load_registry
    from sentiment.nlp.topics import build_codebook

    folder = tmp_path / "program_baru"
    written = init_programme(folder)
    assert {p.name for p in written} >= {"programme.yaml", "waves.yaml", "areas.yaml", "topics.yaml",
                                        "index.yaml", "alerts.yaml", "_choices.yaml"}
    monkeypatch.setenv("SENTIMENT_SCHEMAS_DIR", str(folder))
    programme = load_yaml("programme.yaml")
    assert programme["id"] == "program_baru" and programme["language"] == "id"
    registry = load_registry(folder / "forms")
    form = registry.forms[0]
    assert form.fields_of("geopoint") and form.field("nama").pii
    assert load_index_config(registry=registry).items
    assert load_alert_config().rules
    assert build_codebook(load_yaml("topics.yaml")).codes
    assert load_areas() == {}
    waves = load_waves()
    assert waves.period == "month" and len(waves) == 0
    for path in written:  # every file explains itself
        assert path.read_text(encoding="utf-8").lstrip().startswith("#")


def test_init_refuses_an_existing_programme(tmp_path: Path) -> None:
    init_programme(tmp_path / "p")
    with pytest.raises(SentimentError, match="already holds"):
        init_programme(tmp_path / "p")


def test_cli_init_and_forms_import(tmp_path: Path) -> None:
    from sentiment.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["init", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["forms", "import", str(tmp_path / "missing.xlsx"), "--schemas", str(tmp_path / "p")])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_period_rule_catches_dates_outside_the_windows() -> None:
    windows = (Wave("gel1", "Gelombang 1", dt.date(2025, 8, 5), dt.date(2025, 8, 20)),)
    dates = pd.Series(pd.to_datetime(["2025-08-10", "2025-08-25", "2025-11-02", None]))
    by_month = assign_waves(dates, Waves(windows, "month")).tolist()
    assert by_month[:3] == ["gel1", "2025-08", "2025-11"] and pd.isna(by_month[3])
    assert assign_waves(dates, Waves(windows, "quarter")).tolist()[:3] == ["gel1", "2025Q3", "2025Q4"]
    assert pd.isna(assign_waves(dates, windows).tolist()[1])  # without a rule: no wave


def test_period_wave_rows_reach_dim_wave(db_url: str) -> None:
    import sqlalchemy as sa

    from sentiment.warehouse import db

    engine = db.get_engine(db_url)
    db.ensure_schema(engine)
    with engine.begin() as conn:
        db.ensure_period_waves(conn, ["2030-08", "2030Q3", "gel1", None])
        db.ensure_period_waves(conn, ["2030-08"])  # twice: no duplicate, no error
        rows = conn.execute(sa.text("SELECT wave_id, label, fieldwork_start, fieldwork_end FROM dim_wave "
                                    "WHERE wave_id LIKE '2030%' ORDER BY wave_id")).all()
    assert [r[0] for r in rows] == ["2030-08", "2030Q3"]
    assert rows[0][1] == "Agustus 2030" and str(rows[1][3])[:10] == "2030-09-30"


def test_programme_yaml_is_read_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sentiment.study import AgeBand, programme
    from sentiment.validate.reference import waves_timezone

    folder = tmp_path / "p"
    init_programme(folder, title="Uji")
    monkeypatch.setenv("SENTIMENT_SCHEMAS_DIR", str(folder))
    first = programme()
    assert (first.id, first.title, first.language, first.max_file_bytes) == ("p", "Uji", "id", 200 * 2**20)
    assert first.age_bands == {} and first.report.participation is None
    text = (folder / "programme.yaml").read_text(encoding="utf-8")
    (folder / "programme.yaml").write_text(
        text.replace("age_bands: {}", 'age_bands: {warga: ["12-17", "60+"]}')
        .replace("timezone: Asia/Jakarta", "timezone: Asia/Makassar"), encoding="utf-8")
    (folder / "waves.yaml").write_text(
        (folder / "waves.yaml").read_text(encoding="utf-8").replace("timezone: Asia/Jakarta\n", ""),
        encoding="utf-8")
    again = programme()  # the changed file is read again
    assert again.age_bands["warga"] == (AgeBand(12, 17, "12-17"), AgeBand(60, float("inf"), "60+"))
    assert waves_timezone() == "Asia/Makassar"  # waves.yaml has none: the programme's
    (folder / "programme.yaml").write_text(text.replace("max_file_mb: 200", "max_file_mb: lots"),
                                           encoding="utf-8")
    with pytest.raises(SentimentError, match=r"^programme.yaml: max_file_mb must be a positive"):
        programme()


def test_programme_size_limit_refuses_a_larger_export(tmp_path: Path) -> None:
    from sentiment.flows import steps
    from sentiment.settings import Settings

    folder = tmp_path / "p"
    init_programme(folder)
    text = (folder / "programme.yaml").read_text(encoding="utf-8")
    (folder / "programme.yaml").write_text(text.replace("max_file_mb: 200", "max_file_mb: 0.001"),
                                           encoding="utf-8")
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "big.csv").write_text("tanggal,persetujuan\n" + "2026-01-05,ya\n" * 200, encoding="utf-8")
    rows = steps.ingest(exports, Settings.resolve(f"sqlite:///{tmp_path / 'w.db'}", folder,
                                                  key=b"test-key-not-secret-0123456789"))
    assert rows[0]["loaded"] == 0 and rows[0]["status"].startswith("failed: big.csv"), rows
    assert "above the limit" in rows[0]["status"]


def test_a_relative_schemas_folder_is_not_joined_to_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--schemas prog` from the folder above it: shared choices and programme files resolve
    once (the folder used to be re-joined: `prog/prog/forms/_choices.yaml`)."""
    import shutil

    from sample_paths import EXPORTS, ROOT

    from sentiment.cli import app

    shutil.copytree(ROOT / "schemas", tmp_path / "prog")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SENTIMENT_PSEUDONYM_KEY", "test-key-not-secret-0123456789abcdef")
    result = CliRunner().invoke(app, ["ingest", str(EXPORTS / "2024-11_orang_tua_kobo.csv"),
                                      "--schemas", "prog", "--db", "sqlite:///w.db"])
    assert result.exit_code == 0, result.output
    assert "prog/prog" not in result.output and "165" in result.output


def test_every_command_takes_schemas() -> None:
    """`--schemas DIR` works on every command (README), so scripts can pass it everywhere;
    `init` creates the folder instead."""
    import typer

    from sentiment.cli import app

    def leaves(command, path: str = ""):
        if hasattr(command, "commands"):  # a group (typer's own click)
            for name, sub in command.commands.items():
                yield from leaves(sub, f"{path} {name}".strip())
        else:
            yield path, command

    missing = [path for path, command in leaves(typer.main.get_command(app))
               if path != "init" and not any("--schemas" in p.opts for p in command.params)]
    assert missing == []
