"""Where flows find the warehouse URL: argument, environment, Prefect Secret block, default."""

from __future__ import annotations

import uuid

from sentiment import settings as connections
from sentiment.settings import DB_URL_ENV, DEFAULT_DB_URL


def test_argument_then_environment_then_default(monkeypatch) -> None:
    monkeypatch.setattr(connections, "secret_block_value", lambda name: None)
    monkeypatch.delenv(DB_URL_ENV, raising=False)
    assert connections.resolve_db_url() == DEFAULT_DB_URL
    monkeypatch.setenv(DB_URL_ENV, "sqlite:///from-env.db")
    assert connections.resolve_db_url() == "sqlite:///from-env.db"
    assert connections.resolve_db_url("sqlite:///given.db") == "sqlite:///given.db"


def test_secret_block_is_read_when_the_environment_is_unset(prefect_harness, monkeypatch) -> None:
    from prefect.blocks.system import Secret

    monkeypatch.delenv(DB_URL_ENV, raising=False)
    block = f"test-db-url-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(connections, "DB_URL_BLOCK", block)
    assert connections.resolve_db_url() == DEFAULT_DB_URL  # no such block yet
    Secret(value="postgresql+psycopg://loader:s3cret@db.example/sentiment").save(block)
    assert connections.resolve_db_url() == "postgresql+psycopg://loader:s3cret@db.example/sentiment"
    monkeypatch.setenv(DB_URL_ENV, "sqlite:///env-wins.db")
    assert connections.resolve_db_url() == "sqlite:///env-wins.db"
