"""Helpers for the ops tests: loading flow files, reading a warehouse for comparison."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path
from types import ModuleType

import pandas as pd
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
VOLATILE = ("flow_run_id",)  # per-run values; plus every *_at timestamp column


FLOW_MODULES = {"ingest_surveys": "sentiment.flows.ingest", "tension_index": "sentiment.flows.tension",
                "wave_report": "sentiment.flows.report"}


def load_flow_file(name: str) -> ModuleType:
    """The package module holding flow `name` (flows live in `sentiment.flows`)."""
    return importlib.import_module(FLOW_MODULES[name])


def warehouse_contents(url: str) -> dict[str, pd.DataFrame]:
    """Every table, without timestamps and flow run ids, rows in a canonical order."""
    engine = sa.create_engine(url)
    out = {}
    try:
        with engine.connect() as conn:
            for table in sorted(sa.inspect(engine).get_table_names()):
                frame = pd.read_sql_table(table, conn)
                frame = frame.drop(columns=[c for c in frame.columns
                                            if c in VOLATILE or c.endswith("_at")])
                frame = frame.sort_values(list(frame.columns)).reset_index(drop=True)
                out[table] = frame.astype(str)
    finally:
        engine.dispose()
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
