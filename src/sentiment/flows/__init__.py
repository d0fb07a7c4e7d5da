"""Orchestration: `steps` holds the one stage sequence (plain Python); `ingest`, `tension`
and `report` wrap it as Prefect flows for scheduled deployments (`prefect.yaml`)."""
