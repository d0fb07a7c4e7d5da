"""Load one protected batch into the warehouse, atomically and idempotently.

One file is one transaction: a crash mid-load leaves nothing of it. A file already loaded
(same SHA-256) is skipped. A submission already present with the same content is a
duplicate; with different content it is quarantined as a conflict, never overwritten; an
edited submission naming the one it replaces supersedes it and keeps it as history.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sentiment.forms.model import Form
from sentiment.warehouse import db
from sentiment.warehouse import models as m

CHUNK = 5_000
# Fields kept on fact_response only: exact age, interview date and RT are not published
# as answers, because together they could single a person out.
RESPONSE_ONLY_FIELDS = {"umur", "tanggal_wawancara", "rt"}
ANSWER_TYPES = {"integer", "decimal", "likert", "select_one", "select_multiple"}
SCORE_COLUMNS = ["sentiment", "sentiment_score", "topics", "topic_scores", "reasons", "scorer",
                 "model_version"]
_LOAD_LOCK_ID = 7_310_251  # PostgreSQL advisory lock shared by all loaders


@dataclass
class LoadBatch:
    source_file: str
    sha256: str
    source_format: str
    form: Form
    flow_run_id: str | None
    key_fingerprint: str
    responses: pd.DataFrame
    texts: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int = 0
    rows_duplicate: int = 0


@dataclass
class LoadSummary:
    batch_id: int | None
    skipped: bool = False
    responses_inserted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    superseded: int = 0
    answers: int = 0
    texts: int = 0
    quarantined: int = 0
    notes: list[str] = field(default_factory=list)


def age_band(group: str, age: float | None) -> str | None:
    if age is None or pd.isna(age):
        return None
    bands = (
        [(14, "12-14"), (17, "15-17"), (20, "18-20"), (24, "21-24")] if group == "remaja"
        else [(29, "18-29"), (39, "30-39"), (49, "40-49"), (59, "50-59")]
    )
    for upper, label in bands:
        if age <= upper:
            return label
    return "25+" if group == "remaja" else "60+"


def _chunks(rows: list[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _insert(conn: Connection, table: sa.Table, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        conn.execute(table.insert(), chunk)


def _clean(value):
    """pandas missing values → None; numpy scalars → Python scalars."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def content_hash(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """SHA-256 of a row's answers, to tell a resubmission from a changed one."""
    def digest(values: Iterable) -> str:
        payload = json.dumps([None if _clean(v) is None else str(v) for v in values],
                             ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    return pd.Series(
        [digest(row) for row in frame[columns].itertuples(index=False, name=None)],
        index=frame.index, dtype="object",
    )


def _lock(conn: Connection) -> None:
    """Serialise loaders. SQLite already holds the write lock from BEGIN IMMEDIATE."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOAD_LOCK_ID})


def _refuse_pii(batch: LoadBatch) -> None:
    pii = [f.name for f in batch.form.pii_fields if f.name in batch.responses.columns]
    if pii:
        raise ValueError(f"{batch.source_file}: PII columns {pii} must be dropped before loading")


def load_batch(engine: Engine, batch: LoadBatch) -> LoadSummary:
    """Load one file's rows in one transaction; see the module docstring for the rules."""
    _refuse_pii(batch)
    with engine.begin() as conn:
        _lock(conn)
        db.check_key_fingerprint(conn, batch.key_fingerprint)
        ib = m.IngestBatch.__table__
        done = conn.execute(sa.select(ib.c.batch_id).where(ib.c.file_sha256 == batch.sha256)).first()
        if done is not None:
            return LoadSummary(batch_id=done[0], skipped=True)
        batch_id = conn.execute(ib.insert().returning(ib.c.batch_id).values(
            source_file=batch.source_file, file_sha256=batch.sha256,
            source_format=batch.source_format, form_id=batch.form.form_id,
            form_version=batch.form.version, flow_run_id=batch.flow_run_id or None,
            rows_read=batch.rows_read, rows_valid=len(batch.responses),
            rows_duplicate=batch.rows_duplicate, started_at=datetime.now(UTC), status="loading",
        )).scalar_one()
        summary = LoadSummary(batch_id=batch_id)
        _load_rows(conn, batch, batch_id, summary)
        conn.execute(ib.update().where(ib.c.batch_id == batch_id).values(
            rows_loaded=summary.responses_inserted,
            rows_quarantined=summary.quarantined,
            rows_duplicate=batch.rows_duplicate + summary.duplicates,
            rows_conflict=summary.conflicts, rows_superseded=summary.superseded,
            finished_at=datetime.now(UTC), status="loaded",
        ))
    return summary


def _load_rows(conn: Connection, batch: LoadBatch, batch_id: int, summary: LoadSummary) -> None:
    form = batch.form
    frame = batch.responses.copy()
    answer_fields = [f.name for f in form.fields if not f.pii and f.name in frame.columns]
    frame["_content_hash"] = content_hash(frame, ["_respondent_key", *answer_fields])

    fr = m.FactResponse.__table__
    existing = _existing_submissions(conn, form.form_id, frame["_submission_id"].tolist())
    known = frame["_submission_id"].map(lambda s: existing.get(s, (None, None))[1])
    duplicate = known.notna() & (known == frame["_content_hash"])
    conflict = known.notna() & (known != frame["_content_hash"])
    summary.duplicates = int(duplicate.sum())
    conflicts = frame[conflict]
    summary.conflicts = len(conflicts)
    new = frame[~duplicate & ~conflict]

    _upsert_respondents(conn, new, form)
    response_rows = [_response_row(r, form, batch_id) for r in new.to_dict("records")]
    ids: dict[str, int] = {}
    for chunk in _chunks(response_rows):
        result = conn.execute(
            fr.insert().returning(fr.c.response_id, fr.c.submission_id, sort_by_parameter_order=True),
            chunk,
        )
        ids.update({sub: rid for rid, sub in result})
    summary.responses_inserted = len(ids)
    summary.superseded = _supersede(conn, form.form_id, new, ids)

    answers = _answer_rows(new, form, ids)
    _insert(conn, m.FactAnswer.__table__, answers)
    summary.answers = len(answers)
    summary.texts = _load_texts(conn, batch.texts, form, ids)

    quarantine = _quarantine_rows(batch, batch_id, conflicts, existing)
    _insert(conn, m.Quarantine.__table__, quarantine)
    summary.quarantined = len(quarantine)


def _existing_submissions(conn: Connection, form_id: str, ids: list[str]) -> dict[str, tuple[int, str]]:
    fr = m.FactResponse.__table__
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(ids), 900):
        part = ids[start:start + 900]
        rows = conn.execute(sa.select(fr.c.submission_id, fr.c.response_id, fr.c.content_hash).where(
            fr.c.form_id == form_id, fr.c.submission_id.in_(part)))
        found.update({sub: (rid, h) for sub, rid, h in rows})
    return found


def _upsert_respondents(conn: Connection, frame: pd.DataFrame, form: Form) -> None:
    if frame.empty:
        return
    rows = []
    for rec in frame.drop_duplicates("_respondent_key").to_dict("records"):
        rows.append(dict(
            respondent_key=rec["_respondent_key"], respondent_group=form.respondent_group,
            gender=_clean(rec.get("jenis_kelamin")),
            age_band=age_band(form.respondent_group, _clean(rec.get("umur"))),
            first_wave=_clean(rec.get("_wave_id")),
        ))
    table = m.DimRespondent.__table__
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for chunk in _chunks(rows):
        conn.execute(insert(table).on_conflict_do_nothing(index_elements=["respondent_key"]), chunk)


def _response_row(rec: dict, form: Form, batch_id: int) -> dict:
    age = _clean(rec.get("umur"))
    submitted = _clean(rec.get("_submitted_at"))
    interview = _clean(rec.get("tanggal_wawancara"))
    return dict(
        form_id=form.form_id, form_version=form.version, submission_id=str(rec["_submission_id"]),
        respondent_key=rec["_respondent_key"], wave_id=rec["_wave_id"], rw=_clean(rec.get("rw")),
        rt=None if _clean(rec.get("rt")) is None else int(rec["rt"]), side=rec["_side"],
        respondent_group=form.respondent_group, gender=_clean(rec.get("jenis_kelamin")),
        age=None if age is None else int(age), age_band=age_band(form.respondent_group, age),
        interview_date=interview if interview is None or not isinstance(interview, str)
        else datetime.fromisoformat(interview).date(),
        submitted_at=None if submitted is None else pd.Timestamp(submitted).to_pydatetime(),
        batch_id=batch_id, source_row=None if _clean(rec.get("_source_row")) is None else int(rec["_source_row"]),
        content_hash=rec["_content_hash"], supersedes=_clean(rec.get("_supersedes")),
        superseded_by=None, is_current=True,
    )


def _supersede(conn: Connection, form_id: str, new: pd.DataFrame, ids: dict[str, int]) -> int:
    """Mark the submissions that edited ones replace as history."""
    if "_supersedes" not in new.columns:
        return 0
    fr = m.FactResponse.__table__
    count = 0
    for rec in new[new["_supersedes"].notna()].to_dict("records"):
        old, newer = str(rec["_supersedes"]), ids.get(str(rec["_submission_id"]))
        if newer is None or old == str(rec["_submission_id"]):
            continue
        result = conn.execute(fr.update().where(
            fr.c.form_id == form_id, fr.c.submission_id == old, fr.c.is_current
        ).values(is_current=False, superseded_by=newer))
        count += result.rowcount or 0
    return count


def _answer_rows(frame: pd.DataFrame, form: Form, ids: dict[str, int]) -> list[dict]:
    rows: list[dict] = []
    fields = [f for f in form.fields if f.type in ANSWER_TYPES and not f.pii
              and f.name not in RESPONSE_ONLY_FIELDS and f.name in frame.columns]
    subs = frame["_submission_id"].astype(str).tolist()
    for f in fields:
        qid = f"{form.form_id}.{f.question_id}"
        for sub, value in zip(subs, frame[f.name].tolist(), strict=True):
            value = _clean(value)
            rid = ids.get(sub)
            if value is None or rid is None:
                continue
            if f.type == "select_multiple":
                for option in dict.fromkeys(str(value).split()):
                    rows.append(dict(response_id=rid, question_id=qid, option=option,
                                     value_num=1.0, value_text=option))
            elif f.type == "select_one":
                rows.append(dict(response_id=rid, question_id=qid, option="", value_num=None,
                                 value_text=str(value)))
            else:
                number = float(value)
                text = str(int(number)) if number.is_integer() else str(number)
                rows.append(dict(response_id=rid, question_id=qid, option="", value_num=number,
                                 value_text=text))
    return rows


def _load_texts(conn: Connection, texts: pd.DataFrame, form: Form, ids: dict[str, int]) -> int:
    if texts is None or texts.empty:
        return 0
    texts = texts[texts["_submission_id"].astype(str).isin(ids)]
    if texts.empty:
        return 0
    ft = m.FactText.__table__
    records = texts.to_dict("records")
    text_rows = [dict(response_id=ids[str(r["_submission_id"])],
                      question_id=f"{form.form_id}.{form.field(r['question_id']).question_id}",
                      text_redacted=str(r["text_redacted"])) for r in records]
    text_ids: list[int] = []
    for chunk in _chunks(text_rows):
        result = conn.execute(ft.insert().returning(ft.c.text_id, sort_by_parameter_order=True), chunk)
        text_ids.extend(r[0] for r in result)
    if all(c in texts.columns for c in ("sentiment", "sentiment_score")):
        now = datetime.now(UTC)
        scores = [dict(
            text_id=tid, scorer=str(r.get("scorer") or "lexicon"),
            model_version=str(r.get("model_version") or "unknown"), sentiment=r["sentiment"],
            sentiment_score=float(r["sentiment_score"]), topics=_clean(r.get("topics")),
            topic_scores=_clean(r.get("topic_scores")), reasons=_clean(r.get("reasons")),
            scored_at=now, is_current=True,
        ) for tid, r in zip(text_ids, records, strict=True)]
        _insert(conn, m.FactTextScore.__table__, scores)
    return len(text_ids)


def _quarantine_rows(batch: LoadBatch, batch_id: int, conflicts: pd.DataFrame,
                     existing: dict[str, tuple[int, str]]) -> list[dict]:
    now = datetime.now(UTC)
    rows = []
    q = batch.quarantine
    if q is not None and not q.empty:
        for rec in q.to_dict("records"):
            rows.append(dict(
                batch_id=batch_id, form_id=batch.form.form_id, source_file=batch.source_file,
                source_row=None if _clean(rec.get("source_row")) is None else int(rec["source_row"]),
                submission_id=_clean(rec.get("submission_id")),
                respondent_key=_clean(rec.get("respondent_key")),
                field=str(rec.get("field") or ""), rule=str(rec.get("rule") or ""),
                value_masked=_clean(rec.get("value")), reason=str(rec.get("reason") or ""),
                record_json=_clean(rec.get("record_json")), created_at=now,
            ))
    for rec in conflicts.to_dict("records"):
        sub = str(rec["_submission_id"])
        rows.append(dict(
            batch_id=batch_id, form_id=batch.form.form_id, source_file=batch.source_file,
            source_row=None if _clean(rec.get("_source_row")) is None else int(rec["_source_row"]),
            submission_id=sub, respondent_key=rec.get("_respondent_key"),
            field="_submission_id", rule="conflict", value_masked=sub,
            reason=(f"submission {sub} is already in the warehouse with different answers "
                    f"(response {existing[sub][0]}); not overwritten"),
            record_json=None, created_at=now,
        ))
    return rows


def record_scores(conn: Connection, scores: pd.DataFrame) -> int:
    """Append score rows (text_id + SCORE_COLUMNS); the new ones become current, old ones stay."""
    if scores.empty:
        return 0
    table = m.FactTextScore.__table__
    ids = [int(t) for t in scores["text_id"].tolist()]
    for start in range(0, len(ids), 900):
        conn.execute(table.update().where(table.c.text_id.in_(ids[start:start + 900]))
                     .values(is_current=False))
    now = datetime.now(UTC)
    rows = [dict(
        text_id=int(r["text_id"]), scorer=str(r["scorer"]), model_version=str(r["model_version"]),
        sentiment=r["sentiment"], sentiment_score=float(r["sentiment_score"]),
        topics=_clean(r.get("topics")), topic_scores=_clean(r.get("topic_scores")),
        reasons=_clean(r.get("reasons")), scored_at=now, is_current=True,
    ) for r in scores.to_dict("records")]
    # Re-scoring with a version already stored replaces that version's row.
    for chunk in _chunks(rows):
        keys = [(r["text_id"], r["scorer"], r["model_version"]) for r in chunk]
        conn.execute(table.delete().where(sa.tuple_(table.c.text_id, table.c.scorer,
                                                    table.c.model_version).in_(keys)))
        conn.execute(table.insert(), chunk)
    return len(rows)
