"""Read back everything a Prefect server stored, for tests that prove a secret never got there."""

from __future__ import annotations

import json

import httpx

ENDPOINTS = ("/logs/filter", "/artifacts/filter", "/flow_runs/filter", "/task_runs/filter",
             "/variables/filter", "/events/filter")


def api_records(api: str) -> dict[str, list]:
    """Every record per endpoint (the server pages at 200; events come as one page)."""
    records: dict[str, list] = {}
    with httpx.Client(base_url=api, timeout=30) as client:
        for endpoint in ENDPOINTS:
            rows: list = []
            while True:
                response = client.post(endpoint, json={"limit": 200, "offset": len(rows)})
                if response.status_code != 200:
                    break
                body = response.json()
                if isinstance(body, dict):
                    rows += body.get("events", [])
                    break
                rows += body
                if len(body) < 200:
                    break
            records[endpoint.split("/")[1]] = rows
    return records


def api_text(api: str) -> str:
    """Logs, artifacts, flow and task runs (their parameters), variables and events as one text."""
    return "\n".join(json.dumps(rows, ensure_ascii=False) for rows in api_records(api).values())
