"""Flow `tension-index`: index, reliability, change, trend, topic shares and alerts per wave.

Idempotent: each run replaces the stored results of the waves it computes.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from sentiment.analysis.compute import compute_all, run_alerts
from sentiment.connections import resolve_db_url
from sentiment.warehouse import db


@task(name="compute-index", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def compute(url: str, wave: str | None) -> dict:
    engine = db.get_engine(url)
    db.ensure_schema(engine)
    return compute_all(engine, wave).as_dict()


@task(name="check-alerts", cache_policy=NO_CACHE)
def alerts(url: str, wave: str | None, dry_run: bool) -> list[dict]:
    firings = run_alerts(db.get_engine(url), wave, dry_run=dry_run)
    columns = [c for c in ("rule_id", "wave_id", "side", "respondent_group", "topic", "value",
                           "threshold", "new", "sent") if c in firings.columns]
    return firings[columns].astype(object).where(firings[columns].notna(), None).to_dict("records")


@flow(name="tension-index")
def tension_index(wave: str | None = None, db_url: str | None = None,
                  dry_run_alerts: bool = False) -> dict:
    """Recompute the analysis for `wave` (or every wave), then evaluate the alert rules."""
    logger = get_run_logger()
    url = resolve_db_url(db_url)
    summary = compute(url, wave)
    fired = alerts(url, wave, dry_run_alerts)
    logger.info("Tension index for %s: %d cells (%d suppressed); %d alert(s)%s",
                ", ".join(summary["waves"]) or "no wave", summary["cells"],
                summary["cells_suppressed"], len(fired), " (dry run)" if dry_run_alerts else "")
    if fired:
        create_table_artifact(key="tension-alerts", table=fired,
                              description="Alert rules that fired (figures only)")
    return {"summary": summary, "alerts": fired}
