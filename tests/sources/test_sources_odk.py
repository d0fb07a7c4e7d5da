"""`sentiment pull odk` against a local ODK Central (pyodk): form import, OData pages,
incremental filter, an edit, a repeat group refused, bad credentials in one line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from odk_server import FORM, PASSWORD, PROJECT, SESSION_TOKEN, USER, FakeCentral, submission
from sample_paths import TEST_KEY
from typer.testing import CliRunner

from sentiment.settings import ODK_PASSWORD_ENV, ODK_USERNAME_ENV, PSEUDONYM_KEY_ENV, Settings
from sentiment.sources.http import SourceError
from sentiment.sources.odk import OdkSource
from sentiment.sources.pull import pull

N = 1200


@pytest.fixture
def central(httpserver) -> FakeCentral:
    server = FakeCentral(records=[submission(i) for i in range(N)])
    server.install(httpserver)
    return server


def _pull(httpserver, programme: Path, url: str, password: str = PASSWORD):
    settings = Settings.resolve(url, programme, key=TEST_KEY)
    source = OdkSource.connect(httpserver.url_for("/"), PROJECT, FORM, (USER, password),
                               page_size=500, retries=0)
    try:
        return pull(source, settings)
    finally:
        source.close()


def _current(url: str) -> tuple[int, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT count(*), sum(CASE WHEN is_current THEN 1 ELSE 0 END) "
                                   "FROM fact_response")).one()
    engine.dispose()
    return int(row[0]), int(row[1] or 0)


def test_pull_imports_the_xlsform_then_pages_then_only_new(httpserver, central, programme, tmp_path,
                                                           caplog):
    caplog.set_level(logging.DEBUG)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    first = _pull(httpserver, programme, url)
    assert first.imported_form is not None and first.imported_form.name.startswith(FORM)
    assert (first.fetched, first.pages, first.loaded) == (N, 3, N)
    assert {r["form"].split(".")[0] for r in first.rows} == {FORM}
    assert "$filter" not in central.requests[0] and central.requests[1].get("$skiptoken") == "500"
    assert first.cursor_after == "2026-03-02T08:19:59.000Z"
    # an edit (ODK sets updatedAt) and two new submissions: only they are asked for
    old = central.records[3]
    central.records[3] = submission(3, edit_of=old["meta"]["instanceID"], usia=55,
                                    updated="2026-03-05T10:00:00.000Z")
    central.records += [submission(i) for i in (N, N + 1)]
    central.requests.clear()
    second = _pull(httpserver, programme, url)
    assert "submissionDate gt 2026-03-02T08:19:59.000Z" in central.requests[0]["$filter"]
    assert (second.fetched, second.loaded) == (3, 3)
    assert sum(int(r["superseded"]) for r in second.rows) == 1
    assert _current(url) == (N + 3, N + 2)
    assert second.cursor_after == "2026-03-05T10:00:00.000Z"
    for secret in (PASSWORD, SESSION_TOKEN):
        assert secret not in caplog.text
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        fmt = conn.execute(sa.text("SELECT DISTINCT source_format FROM ingest_batch")).scalars().all()
        age = conn.execute(sa.text("SELECT age FROM fact_response WHERE is_current AND "
                                   "submission_id LIKE '22222222%'")).scalar()
    engine.dispose()
    assert fmt == ["odk_json"] and age == 55


def test_repeat_group_is_refused_naming_it(httpserver, central, programme, tmp_path):
    central.records[0]["anggota@odata.navigationLink"] = "Submissions('uuid:x')/anggota"
    with pytest.raises(SourceError, match="repeat group 'anggota' is not supported") as err:
        _pull(httpserver, programme, f"sqlite:///{tmp_path / 'w.db'}")
    assert "\n" not in str(err.value)


def test_cli_wrong_password_is_one_line(httpserver, central, programme, tmp_path):
    from sentiment.cli import app

    env = {ODK_USERNAME_ENV: USER, ODK_PASSWORD_ENV: "not-the-password-77", PSEUDONYM_KEY_ENV: TEST_KEY.decode()}
    result = CliRunner().invoke(app, ["pull", "odk", "--server", httpserver.url_for("/"),
                                      "--project", str(PROJECT), "--form", FORM, "--schemas",
                                      str(programme), "--db", f"sqlite:///{tmp_path / 'w.db'}"], env=env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: odk: 401 Unauthorized: check {ODK_USERNAME_ENV} and {ODK_PASSWORD_ENV}"], result.output
    assert "not-the-password-77" not in result.output


def test_pages_are_read_as_the_pulled_form_not_a_twin_with_the_same_questions(
        httpserver, central, programme, tmp_path):
    """A programme may hold the same questionnaire under two form ids (two respondent
    groups); a page of Central's form is that form, whatever the column match says."""
    import yaml

    from sentiment.forms import model

    _pull(httpserver, programme, f"sqlite:///{tmp_path / 'first.db'}")
    (imported,) = (p for p in (programme / "forms").glob("*.yaml") if not p.name.startswith("_"))
    twin = yaml.safe_load(imported.read_text(encoding="utf-8"))
    twin.update(form_id="aaa_kembar", respondent_group="kembar")  # sorts before the original
    (programme / "forms" / "aaa_kembar.1.yaml").write_text(yaml.safe_dump(twin), encoding="utf-8")
    model._registry.cache_clear()
    url = f"sqlite:///{tmp_path / 'second.db'}"
    _pull(httpserver, programme, url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        forms = dict(conn.execute(sa.text(
            "SELECT form_id, count(*) FROM fact_response GROUP BY form_id")).all())
    engine.dispose()
    model._registry.cache_clear()
    assert set(forms) == {yaml.safe_load(imported.read_text())["form_id"]} and sum(forms.values()) == N
