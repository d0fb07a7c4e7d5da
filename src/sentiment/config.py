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


def display_path(path: str | Path) -> str:
    """A path as a person would type it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_yaml(text: str) -> Any:
    """`yaml.safe_load`, parsed by libyaml when PyYAML has it (5-10x faster; the same safe
    constructor builds the values). A document libyaml rejects is parsed again by the pure
    Python parser, so the error and its line are exactly PyYAML's own."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


@lru_cache(maxsize=64)
def _load_yaml_cached(path: str, mtime: float) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return parse_yaml(handle.read())
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
    """Parse a YAML file from the programme folder (or an absolute path), cached until it
    changes; a YAML slip is a one-line error naming file and line."""
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
    `sentiment-db-url`, else the local SQLite file (see `sentiment.settings`)."""
    return resolve_db_url(explicit)
