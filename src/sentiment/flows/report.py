"""Flow `wave-report`: the wave report for community leaders (HTML + PDF), headline artifact."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from sentiment.flows import steps
from sentiment.flows.ingest import PrefectRun
from sentiment.settings import Settings


@flow(name="wave-report", log_prints=False)
def wave_report(wave: str = "latest", out: str = "reports", db_url: str | None = None,
                schemas: str | None = None) -> dict:
    """Write reports/laporan-gelombang-<wave>.html and .pdf; the artifact holds figures only."""
    result = steps.write_reports(Settings.resolve(db_url, schemas), PrefectRun(), wave, out)
    create_markdown_artifact(
        key=f"laporan-gelombang-{result['wave']}",
        markdown=result["headline_markdown"],
        description="Indeks ketegangan per sisi jembatan (tanpa kutipan)",
    )
    return {"html": result["html"], "pdf": result["pdf"]}
