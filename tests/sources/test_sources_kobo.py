"""`sentiment pull kobo` against a local KoboToolbox: pages, cursor, edits, secrets, failures."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from kobo_server import TOKEN, UID, FakeKobo, submission
from sample_paths import TEST_KEY
from typer.testing import CliRunner

from sentiment.settings import KOBO_TOKEN_ENV, PSEUDONYM_KEY_ENV, Settings
from sentiment.sources.http import Retry, SourceError
from sentiment.sources.kobo import KoboClient, KoboSource
from sentiment.sources.pull import pull

N = 2500


@pytest.fixture
def kobo(httpserver) -> FakeKobo:
    server = FakeKobo(records=[submission(i) for i in range(N)])
    server.install(httpserver)
    return server


def _pull(httpserver, programme: Path, url: str, *, full: bool = False, token: str = TOKEN,
          retry: Retry | None = None):
    settings = Settings.resolve(url, programme, key=TEST_KEY)
    client = KoboClient(httpserver.url_for("/"), token, retry=retry or Retry(attempts=2, backoff=0))
    try:
        return pull(KoboSource(client, UID), settings, full=full)
    finally:
        client.close()


def _counts(url: str) -> tuple[int, int, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT count(*), count(DISTINCT submission_id), "
            "sum(CASE WHEN is_current THEN 1 ELSE 0 END) FROM fact_response")).one()
    engine.dispose()
    return tuple(int(v or 0) for v in row)


def test_first_pull_imports_the_form_and_loads_2500_in_3_pages(httpserver, kobo, programme, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    result = _pull(httpserver, programme, url)
    assert result.imported_form is not None and result.imported_form.parent == programme / "forms"
    assert (result.fetched, result.pages, result.loaded) == (N, 3, N)
    assert [len(r) for r in result.rows] and [r["loaded"] for r in result.rows] == [1000, 1000, 500]
    assert _counts(url) == (N, N, N)
    assert result.cursor_after == max(r["_submission_time"] for r in kobo.records)
    assert all(int(q["limit"]) <= 1000 for q in kobo.requests)
    assert "query" not in kobo.requests[0]  # first pull: everything
    # nested groups ({"warga": {"usia": ..}}) and flat paths ("warga/usia") both load
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        ages = conn.execute(sa.text("SELECT count(age), count(interview_date), min(age), max(age) "
                                    "FROM fact_response")).one()
    engine.dispose()
    assert tuple(ages) == (N, N, 17, 76)
    assert not list((tmp_path / "pulls").rglob("*.json.part"))
    assert not [p for p in (tmp_path / "pulls").rglob("kobo-*.json")]  # raw pages removed


def test_second_pull_asks_only_for_new_submissions(httpserver, kobo, programme, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    first = _pull(httpserver, programme, url)
    kobo.records += [submission(i) for i in range(N, N + 7)]
    kobo.requests.clear()
    second = _pull(httpserver, programme, url)
    assert second.imported_form is None
    assert (second.fetched, second.loaded) == (7, 7)
    assert f'"$gt": "{first.cursor_after}"' in kobo.requests[0]["query"]
    assert _counts(url) == (N + 7, N + 7, N + 7)
    third = _pull(httpserver, programme, url)
    assert (third.fetched, third.loaded) == (0, 0) and third.cursor_after == second.cursor_after


def test_an_edit_supersedes_the_earlier_version(httpserver, kobo, programme, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    _pull(httpserver, programme, url)
    # Kobo edits in place: new _uuid, meta/deprecatedID naming the old one, same _submission_time
    old = kobo.records[5]
    edited = submission(5, uuid="11111111-1111-4111-8111-000000000005", root=old["_uuid"],
                        deprecated=old["_uuid"], usia=44)
    kobo.records[5] = edited
    result = _pull(httpserver, programme, url, full=True)
    assert result.loaded == 1 and sum(int(r["superseded"]) for r in result.rows) == 1
    # nothing else loads twice: unchanged pages are the same files (skipped by hash), the
    # other 999 submissions of page 1 are recognised as duplicates
    assert [(r["skipped"], r["duplicate"]) for r in result.rows] == [(False, 999), (True, 0), (True, 0)]
    assert _counts(url) == (N + 1, N + 1, N)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        current = conn.execute(sa.text(
            "SELECT submission_id, age FROM fact_response WHERE is_current "
            "AND submission_id IN (:old, :new)"), {"old": old["_uuid"], "new": edited["_uuid"]}).all()
    engine.dispose()
    assert current == [(edited["_uuid"], 44)]


def test_the_token_is_nowhere_in_the_warehouse_files_or_logs(httpserver, kobo, programme, tmp_path,
                                                              caplog):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    caplog.set_level(logging.DEBUG)
    _pull(httpserver, programme, url)
    assert TOKEN not in caplog.text
    assert caplog.records  # logging was captured (httpx logs every request)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        for table in sa.inspect(engine).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                assert TOKEN not in " ".join(map(str, row)), table
        cursor = conn.execute(sa.text("SELECT source, cursor FROM source_cursor")).one()
    engine.dispose()
    assert cursor.source.endswith(f"/{UID}") and cursor.cursor.startswith("2026-03-02T")
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".yaml", ".db"):
            assert TOKEN.encode() not in path.read_bytes(), path


def test_an_interruption_after_page_1_then_a_rerun_loads_everything_once(httpserver, kobo,
                                                                         programme, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    kobo.fail_pages = {2}
    with pytest.raises(SourceError) as err:
        _pull(httpserver, programme, url)
    assert str(err.value) == "kobo: 500 Internal Server Error: the server failed 2 time(s); try again later"
    assert _counts(url)[0] == 1000  # page 1 committed, page 2 not
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM source_cursor")).scalar() == 0
    engine.dispose()
    kobo.fail_pages = set()
    result = _pull(httpserver, programme, url)
    assert result.fetched == N and result.loaded == N - 1000
    assert _counts(url) == (N, N, N)


def test_500_then_success_is_retried(httpserver, kobo, programme, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    calls = {"n": 0}
    original = kobo._data

    def flaky(request):
        calls["n"] += 1
        if calls["n"] == 1:
            from werkzeug.wrappers import Response

            return Response("busy", status=503)
        return original(request)

    kobo._data = flaky
    httpserver.clear()
    kobo.install(httpserver)
    result = _pull(httpserver, programme, url, retry=Retry(attempts=3, backoff=0))
    assert result.loaded == N and calls["n"] == 4


runner = CliRunner()


def _cli(args: list[str], env: dict[str, str]):
    from sentiment.cli import app

    return runner.invoke(app, args, env=env)


def test_cli_401_is_one_line_without_traceback(httpserver, kobo, programme, tmp_path):
    env = {KOBO_TOKEN_ENV: "wrong-token-abc", PSEUDONYM_KEY_ENV: TEST_KEY.decode()}
    result = _cli(["pull", "kobo", "--server", httpserver.url_for("/"), "--asset", UID,
                   "--schemas", str(programme), "--db", f"sqlite:///{tmp_path / 'w.db'}"], env)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [f"error: kobo: 401 Unauthorized: check {KOBO_TOKEN_ENV}"], result.output
    assert "wrong-token-abc" not in result.output and "Traceback" not in result.output


def test_cli_without_token_says_how_to_set_it(programme, tmp_path, monkeypatch):
    monkeypatch.delenv(KOBO_TOKEN_ENV, raising=False)
    result = _cli(["pull", "kobo", "--server", "https://kobo.invalid", "--asset", UID,
                   "--schemas", str(programme)], {PSEUDONYM_KEY_ENV: TEST_KEY.decode()})
    assert result.exit_code == 1 and KOBO_TOKEN_ENV in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_pull_then_again(httpserver, kobo, programme, tmp_path):
    env = {KOBO_TOKEN_ENV: TOKEN, PSEUDONYM_KEY_ENV: TEST_KEY.decode()}
    args = ["pull", "kobo", "--server", httpserver.url_for("/"), "--asset", UID,
            "--schemas", str(programme), "--db", f"sqlite:///{tmp_path / 'w.db'}"]
    first = _cli(args, env)
    assert first.exit_code == 0, first.output
    assert "imported" in first.output and f"{N} submission(s) in 3 page(s), {N} loaded" in first.output
    second = _cli(args, env)
    assert second.exit_code == 0 and "0 submission(s)" in second.output
    assert TOKEN not in first.output + second.output


@pytest.mark.pg
def test_pull_on_postgresql_then_again(httpserver, kobo, programme, pg_url):
    first = _pull(httpserver, programme, pg_url)
    assert (first.fetched, first.loaded) == (N, N)
    kobo.records.append(submission(N))
    second = _pull(httpserver, programme, pg_url)
    assert (second.fetched, second.loaded) == (1, 1)
    assert _counts(pg_url) == (N + 1, N + 1, N + 1)


def test_configured_sources_are_checked(programme):
    from sentiment.errors import SentimentError
    from sentiment.sources.config import check_source, configured_sources

    settings = Settings.resolve(None, programme, key=TEST_KEY)
    assert configured_sources(settings) == []  # `init` writes `sources: []`
    assert check_source({"kind": "kobo", "url": "https://k.example", "asset": "a1"})["server"] == \
        "https://k.example"
    with pytest.raises(SentimentError, match="kind odk needs project"):
        check_source({"kind": "odk", "server": "https://c.example", "form": "f"})
    with pytest.raises(SentimentError, match="'token' does not belong in programme.yaml"):
        check_source({"kind": "kobo", "server": "https://k.example", "asset": "a", "token": "x"})


def test_cli_server_error_is_one_line_without_traceback(httpserver, kobo, programme, tmp_path,
                                                        monkeypatch):
    from sentiment.sources import http

    monkeypatch.setattr(http.Retry, "wait", lambda self, attempt, response: 0.0)  # no back-off
    kobo.fail_pages = {1}
    env = {KOBO_TOKEN_ENV: TOKEN, PSEUDONYM_KEY_ENV: TEST_KEY.decode()}
    result = _cli(["pull", "kobo", "--server", httpserver.url_for("/"), "--asset", UID,
                   "--schemas", str(programme), "--db", f"sqlite:///{tmp_path / 'w.db'}"], env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "error: kobo: 500 Internal Server Error: the server failed 4 time(s); try again later")
    assert "Traceback" not in result.output and TOKEN not in result.output


def test_unreachable_server_is_one_line(programme, tmp_path):
    client = KoboClient("http://127.0.0.1:9", TOKEN, retry=Retry(attempts=1, backoff=0))
    with pytest.raises(SourceError) as err:
        pull(KoboSource(client, UID), Settings.resolve(f"sqlite:///{tmp_path / 'w.db'}", programme,
                                                       key=TEST_KEY))
    assert str(err.value).startswith("kobo: cannot reach the server (")
    assert "\n" not in str(err.value) and TOKEN not in str(err.value)
