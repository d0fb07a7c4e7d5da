"""`sentiment report` (typer) and the `wave-report` flow with its markdown artifact."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import typer
from report_checks import id_number
from report_views import TENSION, WAVE, build_views_db
from typer.testing import CliRunner

from sentiment.cli.report import register


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")  # a second command keeps `report` a sub-command, as in the real app
    def noop() -> None:
        pass

    return app


def test_cli_passes_its_options_and_prints_the_headline(app, tmp_path, monkeypatch):
    # Rendering itself is tested in test_report_render.py; here only the command's wiring.
    calls = []
    markdown = (
        "# Laporan X\n\n| Sisi | Indeks | Rentang 95% | n | Perubahan | Status |\n"
        "| --- | ---: | --- | ---: | ---: | --- |\n| Sisi Barat | 41,0 | 36,7 – 45,5 | 24 |"
        " −6,2 | membaik |\n"
    )

    def fake_write_report(url, wave, out_dir):
        calls.append((url, wave, Path(out_dir)))
        return {"html": "a.html", "pdf": "a.pdf", "wave": wave, "headline_markdown": markdown}

    monkeypatch.setattr("sentiment.report.render.write_report", fake_write_report)
    result = CliRunner().invoke(
        app, ["report", "--wave", "2025-05", "--out", str(tmp_path), "--db", "sqlite:///x.db"]
    )
    assert result.exit_code == 0, result.output
    assert calls == [("sqlite:///x.db", "2025-05", tmp_path)]
    assert "Sisi Barat" in result.output and "membaik" in result.output
    assert "a.html" in result.output and "a.pdf" in result.output


def test_cli_unknown_wave_is_one_line_error(app, tmp_path):
    url = build_views_db(tmp_path / "views.db")
    result = CliRunner().invoke(
        app, ["report", "--wave", "1999-01", "--db", url, "-q", "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert "1999-01" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r").exists()


def _flow_module():
    return importlib.import_module("sentiment.flows.report")


@pytest.mark.slow
def test_flow_writes_report_and_headline_artifact(tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    from sentiment.flows.session import prefect_session

    url = build_views_db(tmp_path / "views.db")
    with prefect_session():
        state = _flow_module().wave_report(
            wave="latest", out=str(tmp_path / "out"), db_url=url, return_state=True
        )
        paths = state.result()
        with get_client(sync_client=True) as client:
            # Only this run's artifact: the local Prefect database keeps earlier runs' too.
            artifacts = client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    key=ArtifactFilterKey(any_=[f"laporan-gelombang-{WAVE}"]),
                    flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
                )
            )
    assert set(paths) == {"html", "pdf"}
    assert Path(paths["html"]).exists() and Path(paths["pdf"]).exists()
    assert artifacts and artifacts[0].type == "markdown"
    markdown = str(artifacts[0].data)
    barat = TENSION[(WAVE, "barat", "semua")][0]
    assert id_number(barat) in markdown and "membaik" in markdown
    assert "jembatan kalau sore" not in markdown  # no quote text
