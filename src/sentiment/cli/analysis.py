"""`sentiment tension` and `sentiment alerts`: compute the index into the warehouse; check the rules."""

from __future__ import annotations

import math
from typing import Annotated

import typer
from rich.table import Table

from sentiment.cli.options import DbOption, QuietOption, SchemasOption, console, guarded

WaveOption = Annotated[str | None, typer.Option("--wave", "-w", help="One wave (e.g. 2025-05); default all.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="List what would fire; store and send nothing.")]


def _engine(db: str | None):
    from sentiment.analysis.compute import as_engine
    from sentiment.settings import resolve_db_url

    return as_engine(resolve_db_url(db))


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def tension(wave: WaveOption = None, db: DbOption = None, schemas: SchemasOption = None,
            quiet: QuietOption = False) -> None:
    """Compute the tension index, reliability, change and topic shares into the warehouse."""
    from sentiment.analysis.compute import compute_all
    from sentiment.warehouse import views

    with guarded():
        engine = _engine(db)
        summary = compute_all(engine, wave)
        if quiet:
            return
        if not summary.waves:
            console.print("No survey data in the warehouse yet: nothing computed.")
            return
        with engine.connect() as conn:
            rows = views.read_view(conn, "v_tension_by_wave",
                                   order_by=("wave_id", "side", "respondent_group"))
    rows = rows[rows["wave_id"].isin(summary.waves)]
    table = Table(title=f"Tension index (0–100), method {summary.method_version}")
    for col in ("wave", "side", "group", "index", "95% CI", "n"):
        table.add_column(col, justify="right" if col in ("index", "n") else "left")
    for r in rows.itertuples():
        table.add_row(r.wave_id, r.side, r.respondent_group, _fmt(r.tension_index),
                      f"{_fmt(r.ci_low)}–{_fmt(r.ci_high)}", str(r.n))
    console.print(table)
    console.print(f"{summary.cells_suppressed} of {summary.cells} cells withheld (small cells "
                  f"and their complements). Alpha below floor: "
                  f"{', '.join(summary.reliability_low) or 'none'}.")


def alerts(wave: WaveOption = None, db: DbOption = None, schemas: SchemasOption = None,
           dry_run: DryRunOption = False, quiet: QuietOption = False) -> None:
    """Check the early-warning rules (the programme's alerts.yaml) on the stored tension index."""
    from sentiment.analysis.compute import run_alerts

    with guarded():
        firings = run_alerts(_engine(db), wave, dry_run=dry_run)
    if quiet:
        return
    if firings.empty:
        console.print("Tidak ada peringatan / no alerts.")
        return
    table = Table(title="Peringatan dini" + (" (dry run)" if dry_run else ""))
    for col in ("rule", "wave", "side", "group", "topic", "new", "message"):
        table.add_column(col)
    for r in firings.itertuples():
        table.add_row(r.rule_id, r.wave_id, r.side, r.respondent_group, r.topic or "",
                      "yes" if r.new else "", r.message)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `tension` and `alerts` to the `sentiment` app."""
    app.command("tension")(tension)
    app.command("alerts")(alerts)
