"""Where the project's configuration lives: the `schemas/` folder and environment settings."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from sentiment.errors import SentimentError

_PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DB_URL = "sqlite:///warehouse.db"
PSEUDONYM_KEY_ENV = "SENTIMENT_PSEUDONYM_KEY"
DB_URL_ENV = "SENTIMENT_DB_URL"
TIMEZONE = "Asia/Jakarta"


def schemas_dir() -> Path:
    """The `schemas/` folder: `$SENTIMENT_SCHEMAS_DIR`, the checkout's, or the wheel's copy."""
    override = os.environ.get("SENTIMENT_SCHEMAS_DIR")
    if override:
        return Path(override)
    for candidate in (_PACKAGE_DIR.parents[1] / "schemas", _PACKAGE_DIR / "_schemas"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("schemas/ folder not found; set SENTIMENT_SCHEMAS_DIR")


def display_path(path: str | Path) -> str:
    """A path as a person would type it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@lru_cache(maxsize=64)
def _load_yaml_cached(path: str, mtime: float) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        raise SentimentError(yaml_problem(path, exc)) from None
    except UnicodeDecodeError:
        raise SentimentError(f"{display_path(path)}: not UTF-8 text; save it as UTF-8") from None


def yaml_problem(path: str | Path, exc: yaml.YAMLError) -> str:
    """`schemas/forms/x.yaml line 12: <problem>`: one line a person can act on."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    if context and problem and context not in problem:
        problem = f"{problem} ({context})"
    where = f" line {mark.line + 1}" if mark is not None else ""
    return f"{display_path(path)}{where}: {problem}"


def load_yaml(name: str | Path) -> Any:
    """Parse a YAML file from `schemas/` (or an absolute path), cached until it changes."""
    path = Path(name)
    if not path.is_absolute():
        path = schemas_dir() / path
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
            raise SentimentError(f"{display_path(path)}: no such file in the programme folder") from None
    return _load_yaml_cached(str(path), mtime)


def db_url(explicit: str | None = None) -> str:
    """Database URL: explicit, `$SENTIMENT_DB_URL`, the Prefect Secret block
    `sentiment-db-url`, else the local SQLite file (one resolver for CLI and flows)."""
    from sentiment.connections import resolve_db_url

    return resolve_db_url(explicit)


def quiet_telemetry() -> None:
    """Turn off Prefect and GX analytics before either library is imported."""
    for name, value in (
        ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
        ("DO_NOT_TRACK", "1"),
        ("GX_ANALYTICS_ENABLED", "false"),
    ):
        os.environ.setdefault(name, value)


def flows_dir() -> Path:
    """The `flows/` folder: the checkout's, or the wheel's copy."""
    for candidate in (_PACKAGE_DIR.parents[1] / "flows", _PACKAGE_DIR / "_flows"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("flows/ folder not found")


def mask_url(url: str) -> str:
    """A database URL safe to print: the password replaced by ***."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL we can parse: print nothing of it
        return "<database URL>"
