"""Submissions deleted on ODK Central: the pull's second feed (`$filter` on
`__system/deletedAt`) takes them out of every view and records why; a deletion seen before
the submission was loaded keeps it out; a second pull records nothing twice; an old Central
without the feed is a warning; a failing feed leaves the cursor where it was."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from odk_server import FORM, PASSWORD, PROJECT, USER, FakeCentral, submission
from sample_paths import TEST_KEY

from sentiment.settings import Settings
from sentiment.sources.cursor import read_cursor
from sentiment.sources.http import SourceError
from sentiment.sources.odk import DELETION_REASON, OdkSource
from sentiment.sources.pull import pull
from sentiment.warehouse import db

N = 30
EDIT = "2026-03-05T10:00:00.000Z"  # the edit of submission 3; the cursor after pull 2
GONE = "2026-03-06T09:15:00.000Z"  # deletions after that


@pytest.fixture
def central(httpserver) -> FakeCentral:
    server = FakeCentral(records=[submission(i) for i in range(N)])
    server.install(httpserver)
    return server


def _pull(httpserver, programme: Path, url: str, *, retries: int = 0, full: bool = False):
    settings = Settings.resolve(url, programme, key=TEST_KEY)
    source = OdkSource.connect(httpserver.url_for("/"), PROJECT, FORM, (USER, PASSWORD),
                               page_size=10, retries=retries, backoff=0)
    try:
        return pull(source, settings, full=full)
    finally:
        source.close()


def _rows(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def _id(i: int, edit: bool = False) -> str:
    record = submission(i, edit_of="x") if edit else submission(i)
    return record["meta"]["instanceID"].removeprefix("uuid:")


def _deletion_filters(central: FakeCentral) -> list[str]:
    return [r["$filter"] for r in central.requests if "deletedAt" in r.get("$filter", "")]


def test_a_deletion_between_pulls_leaves_the_views_and_is_recorded(httpserver, central, programme,
                                                                   db_url, caplog):
    first = _pull(httpserver, programme, db_url)
    assert (first.fetched, first.loaded, first.deleted) == (N, N, 0)
    assert _deletion_filters(central) == ["__system/deletedAt ne null"]  # no cursor yet
    # submission 3 is edited (root + edit stored), then 3 and 10 (it has a free text) are
    # deleted; 31 arrives and is deleted before any pull saw it
    old = central.records[3]
    central.records[3] = submission(3, edit_of=old["meta"]["instanceID"], usia=55, updated=EDIT)
    second = _pull(httpserver, programme, db_url)
    assert (second.fetched, second.loaded, second.deleted) == (1, 1, 0)
    late = submission(31)
    late["__system"]["submissionDate"] = "2026-03-06T08:00:00.000Z"
    central.records.append(late)
    for i in (3, 10, 31):
        central.delete(i, GONE)
    views_before = _rows(db_url, "SELECT count(DISTINCT respondent_key) FROM v_responses_long")[0][0]
    texts_before = _rows(db_url, "SELECT count(*) FROM v_text_scores")[0][0]
    central.requests.clear()

    caplog.set_level(logging.INFO, logger="sentiment.ingest")
    third = _pull(httpserver, programme, db_url)
    # the main feed leaves deleted submissions out; the deletion feed starts at the old cursor
    assert (third.fetched, third.loaded) == (0, 0)
    assert _deletion_filters(central) == [f"__system/deletedAt gt {EDIT}"]
    assert (third.deleted_seen, third.deleted, third.deleted_not_loaded,
            third.withdrawn_responses) == (3, 3, 1, 2)  # 3's root was history already
    assert third.cursor_after == EDIT  # deletion times never move the cursor
    assert ("3 submission(s) marked deleted on the server (2 response(s) left the views, "
            "1 never loaded); 0 already recorded") in caplog.text  # the run's log
    assert _rows(db_url, "SELECT count(DISTINCT respondent_key) FROM v_responses_long")[0][0] == \
        views_before - 2
    assert _rows(db_url, "SELECT count(*) FROM v_text_scores")[0][0] == texts_before - 1
    withdrawn = _rows(db_url, "SELECT w.submission_id, w.root_id, r.submission_id, r.is_current, "
                              "w.reason, w.source FROM response_withdrawal w LEFT JOIN "
                              "fact_response r ON r.response_id = w.response_id "
                              "ORDER BY w.submission_id")
    expected = sorted([(_id(3), _id(3), _id(3)), (_id(3, edit=True), _id(3), _id(3, edit=True)),
                       (_id(10), _id(10), _id(10)), (_id(31), _id(31), None)])
    assert [w[:3] for w in withdrawn] == expected
    assert {w[3] for w in withdrawn if w[2]} == {False}  # every stored version, not current
    source = f"odk:{httpserver.host}:{httpserver.port}/{PROJECT}/{FORM}"
    assert {(w[4], w[5]) for w in withdrawn} == {(DELETION_REASON, source)}
    assert _rows(db_url, "SELECT count(*) FROM fact_response WHERE submission_id = :s"
                 .replace(":s", f"'{_id(31)}'"))[0][0] == 0  # never loaded
    deleted_at = _rows(db_url, "SELECT DISTINCT deleted_at FROM response_withdrawal")
    assert len(deleted_at) == 1 and str(deleted_at[0][0]).startswith("2026-03-06 09:15:00")

    again = _pull(httpserver, programme, db_url)  # seen again, recorded once
    assert (again.fetched, again.deleted_seen, again.deleted, again.withdrawn_responses) == (0, 3, 0, 0)
    assert _rows(db_url, "SELECT count(*) FROM response_withdrawal")[0][0] == 4
    assert _rows(db_url, "SELECT count(*) FROM fact_response")[0][0] == N + 1
    full = _pull(httpserver, programme, db_url, full=True)  # everything again: still nothing new
    assert (full.loaded, full.deleted) == (0, 0)
    assert _rows(db_url, "SELECT count(*) FROM fact_response WHERE is_current")[0][0] == N - 2


def test_a_file_naming_a_withdrawn_submission_or_an_edit_of_one_loads_neither(
        httpserver, central, programme, tmp_path, sqlite_url):
    """Deleted before the first pull: recorded, never loaded, also when an export downloaded
    earlier brings it (or an edit of it) later."""
    import json

    from sentiment.flows import steps

    for i in (4, 7):
        central.delete(i, GONE)
    first = _pull(httpserver, programme, sqlite_url)
    assert (first.loaded, first.deleted, first.deleted_not_loaded, first.withdrawn_responses) == \
        (N - 2, 2, 2, 0)
    assert _rows(sqlite_url, "SELECT count(*) FROM fact_response")[0][0] == N - 2

    edit = submission(7, edit_of=f"uuid:{_id(7)}", usia=40, updated=EDIT)
    records = [submission(4), submission(7), edit, submission(8)]
    export = tmp_path / "unduhan-lama.json"
    export.write_text(json.dumps({"value": records}), encoding="utf-8")
    settings = Settings.resolve(sqlite_url, programme, key=TEST_KEY)
    row = steps.ingest([export], settings)[0]
    assert (row["loaded"], row["withdrawn"], row["duplicate"]) == (0, 3, 1)
    assert any("3 submission(s) withdrawn at their source" in w for w in row["warnings"])
    recorded = _rows(sqlite_url, "SELECT submission_id, root_id, response_id FROM "
                                 "response_withdrawal ORDER BY submission_id")
    assert recorded == sorted([(_id(4), _id(4), None), (_id(7), _id(7), None),
                               (_id(7, edit=True), _id(7), None)])
    stored = _rows(sqlite_url, "SELECT warnings FROM ingest_batch WHERE source_file = "
                               "'unduhan-lama.json'")[0][0]
    assert "withdrawn at their source" in stored


def test_central_before_2024_3_is_a_warning_and_the_pull_goes_on(httpserver, programme,
                                                                 sqlite_url):
    central = FakeCentral(records=[submission(i) for i in range(5)], deletion_feed=False)
    central.install(httpserver)
    result = _pull(httpserver, programme, sqlite_url)
    assert result.loaded == 5 and result.deleted == 0
    assert len(result.warnings) == 1 and "before v2024.3" in result.warnings[0]
    assert "\n" not in result.warnings[0]
    engine = db.get_engine(sqlite_url)
    assert read_cursor(engine, result.source) == result.cursor_after is not None


def test_a_failing_deletion_feed_keeps_the_cursor_then_a_rerun_records_once(
        httpserver, central, programme, sqlite_url):
    _pull(httpserver, programme, sqlite_url)
    engine = db.get_engine(sqlite_url)
    cursor = read_cursor(engine, f"odk:{httpserver.host}:{httpserver.port}/{PROJECT}/{FORM}")
    central.records.append(submission(40))
    central.records[-1]["__system"]["submissionDate"] = "2026-03-07T08:00:00.000Z"
    central.delete(5, GONE)
    central.fail_deleted = 10
    with pytest.raises(SourceError, match="kept failing") as err:
        _pull(httpserver, programme, sqlite_url)
    assert "\n" not in str(err.value)
    assert read_cursor(engine, f"odk:{httpserver.host}:{httpserver.port}/{PROJECT}/{FORM}") == cursor
    assert _rows(sqlite_url, "SELECT count(*) FROM response_withdrawal")[0][0] == 0
    central.fail_deleted = 1  # a 500, then success on the retry
    result = _pull(httpserver, programme, sqlite_url, retries=2)
    assert (result.fetched, result.deleted, result.withdrawn_responses) == (1, 1, 1)
    assert result.cursor_after == "2026-03-07T08:00:00.000Z"
    assert _rows(sqlite_url, "SELECT count(*) FROM fact_response WHERE is_current")[0][0] == N
    assert _rows(sqlite_url, "SELECT count(*) FROM response_withdrawal")[0][0] == 1


def test_erasing_a_withdrawn_respondent_removes_the_withdrawal_too(httpserver, central, programme,
                                                                   db_url):
    from sentiment.erase import erase_respondents, residual_rows

    _pull(httpserver, programme, db_url)
    central.delete(6, GONE)
    assert _pull(httpserver, programme, db_url).withdrawn_responses == 1
    (key, rid), = _rows(db_url, "SELECT respondent_key, response_id FROM fact_response "
                                f"WHERE submission_id = '{_id(6)}'")
    removed = erase_respondents(db.get_engine(db_url), [key])
    assert removed["response_withdrawal"] == 1 and removed["fact_response"] == 1
    assert not any(residual_rows(db.get_engine(db_url), [key], [rid]).values())
