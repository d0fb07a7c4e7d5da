"""The programme folder's files: where they are and how they are read (cached until changed).

Settings from the environment live in `sentiment.settings`; this module only re-exports the
few names older callers use.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from sentiment.errors import SentimentError
from sentiment.settings import (  # noqa: F401 - re-exported
    DB_URL_ENV,
    DEFAULT_DB_URL,
    PSEUDONYM_KEY_ENV,
    mask_url,
    quiet_telemetry,
    resolve_db_url,
    schemas_dir,
)

TIMEZONE = "Asia/Jakarta"


@lru_cache(maxsize=64)
def _load_yaml_cached(path: str, mtime: float) -> Any:
    with open(path, encoding="utf-8") as handle:
        try:
            return yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise SentimentError(f"{path}{where}: {problem}") from None


def load_yaml(name: str | Path) -> Any:
    """Parse a YAML file from the programme folder (or an absolute path), cached until it
    changes; a YAML slip is a one-line error naming file and line."""
    path = Path(name)
    if not path.is_absolute():
        path = schemas_dir() / path
    return _load_yaml_cached(str(path), path.stat().st_mtime)


def db_url(explicit: str | None = None) -> str:
    """Database URL: explicit, `$SENTIMENT_DB_URL`, the Prefect Secret block
    `sentiment-db-url`, else the local SQLite file (see `sentiment.settings`)."""
    return resolve_db_url(explicit)
