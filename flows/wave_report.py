"""Flow `wave-report`: the wave report for community leaders (HTML + PDF), headline artifact."""

from __future__ import annotations

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from sentiment.connections import resolve_db_url
from sentiment.report import write_report


@task(name="write-report")
def write(url: str, wave: str, out: str) -> dict:
    return write_report(url, wave=wave, out_dir=out)


@flow(name="wave-report", log_prints=False)
def wave_report(wave: str = "latest", out: str = "reports", db_url: str | None = None) -> dict:
    """Write reports/laporan-gelombang-<wave>.html and .pdf; the artifact holds figures only."""
    result = write(resolve_db_url(db_url), wave, out)
    create_markdown_artifact(
        key=f"laporan-gelombang-{result['wave']}",
        markdown=result["headline_markdown"],
        description="Indeks ketegangan per sisi jembatan (tanpa kutipan)",
    )
    return {"html": result["html"], "pdf": result["pdf"]}
