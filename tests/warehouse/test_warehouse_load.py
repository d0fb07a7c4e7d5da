"""load_batch on SQLite and PostgreSQL: idempotent, atomic, conflicts kept out, history kept."""

from __future__ import annotations

import pandas as pd
import pytest
from warehouse_frames import FINGERPRINT, batch, counts, key, responses, rows, texts

from sentiment.errors import KeyMismatchError, SentimentError
from sentiment.warehouse import db
from sentiment.warehouse import load as L

A, B, C, D = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)


def _current(engine, respondent: str) -> list[tuple]:
    return rows(engine, "SELECT submission_id FROM fact_response WHERE is_current AND "
                        f"respondent_key = '{respondent}' ORDER BY submission_id")


def test_load_then_reload_of_the_same_file_is_skipped(engine, db_url):
    first = L.load_batch(engine, batch(responses(3), A))
    after = db.table_counts(engine)
    again = L.load_batch(engine, batch(responses(3), A))
    assert (first.skipped, first.responses_inserted, first.texts) == (False, 3, 3)
    assert after["fact_answer"] == first.answers > 0
    assert again.skipped and again.batch_id == first.batch_id
    assert db.table_counts(engine) == after
    assert db.is_loaded(db_url, A) and not db.is_loaded(db_url, B)


def test_same_submissions_in_a_new_file_are_duplicates(engine):
    L.load_batch(engine, batch(responses(3), A))
    before = counts(engine)
    summary = L.load_batch(engine, batch(responses(3), B))
    assert (summary.duplicates, summary.responses_inserted) == (3, 0)
    assert counts(engine) == {**before, "ingest_batch": before["ingest_batch"] + 1}
    assert rows(engine, f"SELECT rows_duplicate FROM ingest_batch WHERE file_sha256 = '{B}'") == [(3,)]


def test_changed_content_is_quarantined_as_conflict_and_old_value_kept(engine):
    L.load_batch(engine, batch(responses(2), A))
    summary = L.load_batch(engine, batch(responses(1, aman_siang=1), B))
    assert (summary.conflicts, summary.responses_inserted) == (1, 0)
    assert rows(engine, "SELECT submission_id, rule FROM quarantine") == [("sub-0", "conflict")]
    assert rows(engine, "SELECT a.value_num FROM fact_answer a JOIN fact_response r ON "
                        "r.response_id = a.response_id WHERE r.submission_id = 'sub-0' AND "
                        "a.question_id = 'remaja.aman_siang'") == [(4.0,)]


def test_an_edit_supersedes_and_views_show_only_the_current_version(engine):
    L.load_batch(engine, batch(responses(2), A))
    edit = responses(1, start=10, _supersedes="sub-1", _respondent_key=key(1), aman_siang=1)
    summary = L.load_batch(engine, batch(edit, B))
    (new_id,) = rows(engine, "SELECT response_id FROM fact_response WHERE submission_id = 'sub-10'")[0]
    assert summary.superseded == 1
    assert rows(engine, "SELECT is_current, superseded_by FROM fact_response "
                        "WHERE submission_id = 'sub-1'") == [(False, new_id)]
    assert _current(engine, key(1)) == [("sub-10",)]
    assert rows(engine, "SELECT value_num FROM v_responses_long WHERE question_id = "
                        f"'remaja.aman_siang' AND respondent_key = '{key(1)}'") == [(1.0,)]
    assert rows(engine, f"SELECT text_redacted FROM v_text_scores WHERE respondent_key = '{key(1)}'") \
        == [("semoga damai 10",)]


def test_an_older_version_arriving_after_its_edit_is_stored_as_history(engine):
    edit = responses(1, start=20, _supersedes="sub-21", _respondent_key=key(2))
    L.load_batch(engine, batch(edit, A))
    late = L.load_batch(engine, batch(responses(1, start=21, _respondent_key=key(2)), B))
    (edit_id,) = rows(engine, "SELECT response_id FROM fact_response WHERE submission_id = 'sub-20'")[0]
    assert (late.responses_inserted, late.superseded) == (1, 1)
    assert rows(engine, "SELECT is_current, superseded_by FROM fact_response "
                        "WHERE submission_id = 'sub-21'") == [(False, edit_id)]
    assert _current(engine, key(2)) == [("sub-20",)]


def test_an_edit_and_its_original_in_one_file(engine):
    frame = pd.concat([responses(1, start=30), responses(1, start=31, _supersedes="sub-30")],
                      ignore_index=True)
    summary = L.load_batch(engine, batch(frame, A))
    assert (summary.responses_inserted, summary.superseded) == (2, 1)
    assert rows(engine, "SELECT submission_id FROM fact_response WHERE is_current") == [("sub-31",)]


def test_a_failure_mid_load_writes_nothing_of_the_file(engine, monkeypatch):
    L.load_batch(engine, batch(responses(2), A))
    before = db.table_counts(engine)

    def boom(*args, **kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(L, "_load_texts", boom)
    with pytest.raises(RuntimeError, match="injected"):
        L.load_batch(engine, batch(responses(3, start=40), B))
    assert db.table_counts(engine) == before
    assert rows(engine, f"SELECT COUNT(*) FROM ingest_batch WHERE file_sha256 = '{B}'") == [(0,)]


def test_a_different_key_is_refused_and_nothing_written(engine):
    before = db.table_counts(engine)
    with pytest.raises(KeyMismatchError):
        L.load_batch(engine, batch(responses(2), A, fingerprint="other-key-fp"))
    assert db.table_counts(engine) == before


def test_a_batch_with_pii_columns_is_refused(engine):
    before = db.table_counts(engine)
    frame = responses(1).assign(nama="Budi Fiktif", telepon="0812-0000-0001")
    with pytest.raises(SentimentError, match=r"^[a]{8}\.csv: .*nama, telepon"):
        L.load_batch(engine, batch(frame, A))
    assert db.table_counts(engine) == before


def test_texts_without_a_score_are_stored_without_a_score_row(engine):
    frame = responses(2)
    tx = texts(frame).assign(sentiment=["negatif", None], sentiment_score=[-0.5, None],
                             scorer=["lexicon", None], model_version=["lex-1", None])
    summary = L.load_batch(engine, batch(frame, A, text_frame=tx))
    assert summary.texts == 2
    assert rows(engine, "SELECT text_redacted, sentiment FROM v_text_scores ORDER BY 1") == [
        ("semoga damai 0", "negatif"), ("semoga damai 1", None)]
    assert counts(engine)["fact_text_score"] == 1


def test_language_is_stored_and_a_foreign_answer_has_no_score(engine):
    frame = responses(2)
    tx = texts(frame).assign(sentiment=["positif", None], sentiment_score=[0.5, None],
                             scorer=["lexicon", None], model_version=["lex-1", None],
                             language=["id", "en"])
    L.load_batch(engine, batch(frame, A, text_frame=tx))
    assert rows(engine, "SELECT text_redacted, sentiment, language FROM v_text_scores "
                        "ORDER BY 1") == [("semoga damai 0", "positif", "id"),
                                          ("semoga damai 1", None, "en")]


def test_one_submission_twice_in_a_file(engine):
    frame = pd.concat([responses(1), responses(1), responses(1, aman_siang=1)], ignore_index=True)
    summary = L.load_batch(engine, batch(frame, A))
    assert (summary.responses_inserted, summary.duplicates, summary.conflicts) == (1, 1, 1)
    assert counts(engine)["fact_text"] == 1
    assert rows(engine, "SELECT rule FROM quarantine") == [("conflict",)]


def test_answers_and_views_have_the_published_shape(engine):
    L.load_batch(engine, batch(responses(2), A))
    assert rows(engine, "SELECT COUNT(*) FROM v_responses_long WHERE question_id = 'remaja.umur'") == [(0,)]
    assert rows(engine, "SELECT option, value_num, value_text FROM v_responses_long WHERE "
                        f"question_id = 'remaja.kegiatan' AND respondent_key = '{key(0)}' "
                        "ORDER BY option") == [("dialog", 1.0, "dialog"), ("seni", 1.0, "seni")]
    assert rows(engine, "SELECT value_num, value_text, value_label FROM v_responses_long WHERE "
                        f"question_id = 'remaja.rw' AND respondent_key = '{key(0)}'")[0][:2] == (None, "02")
    assert rows(engine, "SELECT value_text FROM v_responses_long WHERE question_id = "
                        f"'remaja.tawuran_disaksikan' AND respondent_key = '{key(0)}'") == [("1",)]
    assert rows(engine, "SELECT age, age_band, interview_date IS NOT NULL FROM fact_response "
                        "WHERE submission_id = 'sub-1'") == [(14, "12-14", True)]
    assert set(rows(engine, "SELECT respondent_key FROM v_text_scores")) == {(key(0),), (key(1),)}


def test_dim_respondent_keeps_what_was_first_seen(engine):
    L.load_batch(engine, batch(responses(1, umur=13), A))
    L.load_batch(engine, batch(responses(1, start=50, umur=16, _respondent_key=key(0)), B))
    assert rows(engine, f"SELECT age_band FROM dim_respondent WHERE respondent_key = '{key(0)}'") \
        == [("12-14",)]
    assert rows(engine, "SELECT age_band FROM fact_response ORDER BY response_id") == [
        ("12-14",), ("15-17",)]


def test_record_scores_appends_and_keeps_history(engine):
    L.load_batch(engine, batch(responses(1), A))
    (text_id,) = rows(engine, "SELECT text_id FROM fact_text")[0]
    scores = pd.DataFrame([dict(text_id=text_id, sentiment="negatif", sentiment_score=-0.7,
                                topics="x", topic_scores="{}", reasons="[]", scorer="model",
                                model_version="m-1")])
    with engine.begin() as conn:
        L.record_scores(conn, scores)
    assert rows(engine, "SELECT scorer, is_current FROM fact_text_score ORDER BY score_id") == [
        ("lexicon", False), ("model", True)]
    assert rows(engine, "SELECT sentiment, scorer FROM v_text_scores") == [("negatif", "model")]


def test_fingerprint_is_recorded_once(engine):
    assert rows(engine, "SELECT value FROM warehouse_meta") == [(FINGERPRINT,)]
