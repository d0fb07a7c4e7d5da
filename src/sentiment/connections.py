"""The warehouse URL for flows: argument, `$SENTIMENT_DB_URL`, the Prefect Secret block, or SQLite.

Credentials never sit in code, logs, flow parameters or `prefect.yaml`: production keeps the
URL in the worker's environment or in the Secret block `sentiment-db-url`.
"""

from __future__ import annotations

import os

from sentiment.config import DB_URL_ENV, DEFAULT_DB_URL

DB_URL_BLOCK = "sentiment-db-url"


def _secret_block_value(name: str) -> str | None:
    """The value of a Prefect Secret block, or None when there is no API or no such block."""
    try:
        from prefect.blocks.system import Secret
        from prefect.settings import PREFECT_API_URL
    except ImportError:  # pragma: no cover - prefect is a dependency
        return None
    if not (os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()):
        return None  # no configured server: an ephemeral one holds no blocks
    try:
        return str(Secret.load(name).get())
    except (ValueError, RuntimeError, OSError):
        return None  # block missing or server unreachable: fall back to the default


def resolve_db_url(explicit: str | None = None) -> str:
    """An explicit URL, else `$SENTIMENT_DB_URL`, else Secret block `sentiment-db-url`, else
    the local SQLite file."""
    return (explicit or os.environ.get(DB_URL_ENV) or _secret_block_value(DB_URL_BLOCK)
            or DEFAULT_DB_URL)
