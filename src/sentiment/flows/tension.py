"""Flow `tension-index`: index, reliability, change, trend, topic shares and alerts per wave.

Idempotent: each run replaces the stored results of the waves it computes.
"""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_table_artifact

from sentiment.flows import steps
from sentiment.flows.ingest import PrefectRun
from sentiment.settings import Settings


@flow(name="tension-index")
def tension_index(wave: str | None = None, db_url: str | None = None,
                  dry_run_alerts: bool = False, schemas: str | None = None) -> dict:
    """Recompute the analysis for `wave` (or every wave), then evaluate the alert rules."""
    result = steps.compute_index(Settings.resolve(db_url, schemas), PrefectRun(), wave,
                                 dry_run_alerts)
    if result["alerts"]:
        create_table_artifact(key="tension-alerts", table=result["alerts"],
                              description="Alert rules that fired (figures only)")
    return result
