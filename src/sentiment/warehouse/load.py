"""Load one protected batch into the warehouse, atomically and idempotently.

One file is one transaction: a crash mid-load leaves nothing of it. A file already loaded
(same SHA-256) is skipped. A submission already present with the same content is a
duplicate; with different content it is quarantined as a conflict, never overwritten; an
edited submission naming the one it replaces supersedes it and keeps it as history, also
when the older version arrives after the edit. A submission withdrawn at its source (or an
edit of one) is refused and counted (`warehouse.withdraw`). A text without a score is
stored unscored.

Speed: ids are reserved up front so every table is written in bulk (PostgreSQL: COPY on the
load's own transaction; SQLite: executemany of plain tuples).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sentiment.errors import InputError, SentimentError
from sentiment.forms.model import GEOPOINT_PARTS, MEDIA_TYPES, Form
from sentiment.forms.readers import EXTRA_PREFIX
from sentiment.study import age_band, age_bands
from sentiment.warehouse import db
from sentiment.warehouse import models as m
from sentiment.warehouse.withdraw import refuse_withdrawn

CHUNK = 5_000
BULK_CHUNK = 50_000  # rows turned into Python tuples at a time (bounds memory on big files)
ANSWER_TYPES = {"integer", "decimal", "likert", "select_one", "select_multiple", "geopoint"}
# Typed-in short text and attachment names: kept (redacted) beside the extra columns.
KEPT_AS_TEXT = {"text", *MEDIA_TYPES}
SCORE_COLUMNS = ["sentiment", "sentiment_score", "topics", "topic_scores", "reasons", "scorer",
                 "model_version"]
_LOAD_LOCK_ID = 7_310_251  # PostgreSQL advisory lock shared by all loaders
_ANSWER_COLUMNS = ["response_id", "question_id", "option", "value_num", "value_text"]


class UnprotectedBatchError(InputError):
    """A batch still holds personal-data columns: it did not pass the privacy stage."""


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
    warnings: list[str] = field(default_factory=list)
    # A retry of quarantined rows (sentiment.flows.steps.Retry): these quarantine rows are
    # deleted in the load's transaction, and the rows that fail again are stored under the
    # file they came from (`quarantine_batch_id`, their own source file), not the retry.
    retried: tuple[int, ...] = ()
    quarantine_batch_id: int | None = None


class QuarantineChangedError(SentimentError):
    """The quarantine rows a retry read were changed by someone else before it loaded."""


@dataclass
class LoadSummary:
    batch_id: int | None
    skipped: bool = False
    responses_inserted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    superseded: int = 0
    withdrawn: int = 0  # rows of submissions withdrawn at their source: refused
    answers: int = 0
    extras: int = 0
    texts: int = 0
    quarantined: int = 0
    notes: list[str] = field(default_factory=list)


def _chunks(rows: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


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


# --- content hash ----------------------------------------------------------------------------

def _json_tokens(series: pd.Series) -> list[str]:
    """Each cell as the JSON token `json.dumps` writes for `str(value)` (null when missing).

    Decimals count to 12 significant digits: the same answer exported as XLSX and as CSV
    may differ in the last digits of its binary float, and is still the same answer.
    """
    encode = json.encoder.encode_basestring
    values = series.to_numpy(dtype=object, na_value=None)
    if series.dtype.kind == "f" or isinstance(series.dtype, pd.Float64Dtype):
        values = [None if v is None else float(f"{v:.12g}") for v in values]
    return ["null" if v is None else encode(str(v)) for v in values]


def content_hash(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """SHA-256 of a row's answers, to tell a resubmission from a changed one.

    Equal to `sha256(json.dumps([None or str(value), ...], ensure_ascii=False))`, the form
    stored by earlier loads, so hashes already in a warehouse stay comparable.
    """
    tokens = [_json_tokens(frame[c]) for c in columns]
    return pd.Series([hashlib.sha256(f"[{', '.join(row)}]".encode()).hexdigest()
                      for row in zip(*tokens, strict=True)], index=frame.index, dtype=object)


# --- bulk writing ----------------------------------------------------------------------------

def _py_values(series: pd.Series, sqlite: bool) -> np.ndarray:
    """Python scalars with None for missing values (what both drivers bind)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype) or series.dtype.kind == "M":
        if sqlite:
            # SQLAlchemy's SQLite DateTime storage format (wall time, no zone; ours is UTC).
            return series.dt.strftime("%Y-%m-%d %H:%M:%S.%f").to_numpy(dtype=object, na_value=None)
        return np.array([None if pd.isna(v) else v.to_pydatetime() for v in series], dtype=object)
    return series.to_numpy(dtype=object, na_value=None)


def _row_tuples(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> Iterator[tuple]:
    """Rows of `frame` as tuples, chunk by chunk. SQLite gets dates through the column type's
    bind processor, as an ORM insert would (booleans bind as 0/1 natively)."""
    sqlite = conn.dialect.name == "sqlite"
    processors = [table.c[c].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
                  if sqlite and isinstance(table.c[c].type, sa.Date) else None
                  for c in frame.columns]
    for start in range(0, len(frame), BULK_CHUNK):
        part = frame.iloc[start:start + BULK_CHUNK]
        columns = []
        for name, proc in zip(part.columns, processors, strict=True):
            values = _py_values(part[name], sqlite)
            columns.append(values if proc is None else
                           [None if v is None else proc(v) for v in values])
        yield from zip(*columns, strict=True)


def _column_list(conn: Connection, columns: list[str]) -> str:
    return ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)


def _copy(conn: Connection, target: str, table: sa.Table, frame: pd.DataFrame) -> None:
    """PostgreSQL COPY … FROM STDIN on the connection's own transaction."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(f"COPY {target} ({_column_list(conn, list(frame.columns))}) FROM STDIN") as copy:
            for row in _row_tuples(conn, table, frame):
                copy.write_row(row)
    finally:
        cursor.close()


def _bulk_insert(conn: Connection, table: sa.Table, frame: pd.DataFrame,
                 skip_existing: list[str] | None = None) -> int:
    """Insert every row of `frame` (columns named as in `table`) in the current transaction.

    PostgreSQL: COPY (into a temporary table first when rows whose `skip_existing` key is
    already there must be skipped). SQLite: one executemany of plain tuples.
    """
    if frame.empty:
        return 0
    columns = _column_list(conn, list(frame.columns))
    if conn.dialect.name == "postgresql":
        if skip_existing is None:
            _copy(conn, table.name, table, frame)
            return len(frame)
        temp = f"_load_{table.name}"
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {temp} (LIKE {table.name}) ON COMMIT DROP")
        _copy(conn, temp, table, frame)
        conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {temp} "
            f"ON CONFLICT ({_column_list(conn, skip_existing)}) DO NOTHING")
        conn.exec_driver_sql(f"DROP TABLE {temp}")
        return len(frame)
    marks = ", ".join("?" for _ in frame.columns)
    conflict = (f" ON CONFLICT ({_column_list(conn, skip_existing)}) DO NOTHING"
                if skip_existing else "")
    sql = f"INSERT INTO {table.name} ({columns}) VALUES ({marks}){conflict}"
    rows = _row_tuples(conn, table, frame)
    while chunk := [row for _, row in zip(range(BULK_CHUNK), rows, strict=False)]:
        conn.exec_driver_sql(sql, chunk)
    return len(frame)


def _reserve_ids(conn: Connection, table: sa.Table, column: str, count: int) -> list[int]:
    """`count` new primary keys, known before inserting, so child rows can be built in bulk."""
    if count == 0:
        return []
    if conn.dialect.name == "postgresql":
        return list(conn.execute(sa.text(
            "SELECT nextval(pg_get_serial_sequence(:t, :c)) FROM generate_series(1, :n)"
        ), {"t": table.name, "c": column, "n": count}).scalars())
    # SQLite: this transaction began with BEGIN IMMEDIATE, so no one else can insert now.
    start = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c[column]), 0))).scalar_one()
    return list(range(start + 1, start + count + 1))


def _among(conn: Connection, column: sa.Column, values: list) -> Iterator[sa.ColumnElement[bool]]:
    """`column IN values` as one or more conditions: PostgreSQL takes one array parameter,
    SQLite a capped number of bound parameters per statement."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        if values:
            yield column == sa.any_(sa.bindparam(None, values, type_=ARRAY(column.type)))
        return
    for part in _chunks(values, 900):
        yield column.in_(part)


# --- the load --------------------------------------------------------------------------------

def loader_lock(conn: Connection) -> None:
    """Serialise loaders. SQLite already holds the write lock from BEGIN IMMEDIATE."""
    if conn.dialect.name == "postgresql":
        # Advisory locks are database-wide: key by schema too, so that warehouses in other
        # schemas of the same database (tests, staging) do not wait for each other.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id, hashtext(current_schema()))"),
                     {"id": _LOAD_LOCK_ID})


def _refuse_pii(batch: LoadBatch) -> None:
    pii = [f.name for f in batch.form.pii_fields if f.name in batch.responses.columns]
    if pii:
        raise UnprotectedBatchError(
            batch.source_file,
            f"personal-data columns {', '.join(pii)} are still present; the batch must pass "
            "the privacy stage (protect_frame) before loading")


def load_batch(engine: Engine, batch: LoadBatch) -> LoadSummary:
    """Load one file's rows in one transaction; see the module docstring for the rules."""
    _refuse_pii(batch)
    with db.writing(engine) as conn:
        loader_lock(conn)
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
            warnings=json.dumps(batch.warnings, ensure_ascii=False) if batch.warnings else None,
        )).scalar_one()
        summary = LoadSummary(batch_id=batch_id)
        _retire_quarantine(conn, batch.retried)
        _load_rows(conn, batch, batch_id, summary)
        warnings = [*batch.warnings, *summary.notes]
        conn.execute(ib.update().where(ib.c.batch_id == batch_id).values(
            warnings=json.dumps(warnings, ensure_ascii=False) if warnings else None,
            rows_loaded=summary.responses_inserted,
            rows_quarantined=summary.quarantined,
            rows_duplicate=batch.rows_duplicate + summary.duplicates,
            rows_conflict=summary.conflicts, rows_superseded=summary.superseded,
            finished_at=datetime.now(UTC), status="loaded",
        ))
    return summary


def _load_rows(conn: Connection, batch: LoadBatch, batch_id: int, summary: LoadSummary) -> None:
    form = batch.form
    frame = batch.responses.reset_index(drop=True)
    answer_fields = [f.name for f in form.fields if not f.pii and f.name in frame.columns]
    frame = frame.assign(
        _content_hash=content_hash(frame, ["_respondent_key", *answer_fields]),
        _submission_id=frame["_submission_id"].astype(str),
    )
    frame, summary.withdrawn = refuse_withdrawn(conn, form.form_id, frame)
    frame = frame.reset_index(drop=True)
    if summary.withdrawn:
        summary.notes.append(f"{summary.withdrawn} submission(s) withdrawn at their source "
                             "(deleted on the server) not loaded; see response_withdrawal")
    existing = _existing_submissions(conn, form.form_id, frame["_submission_id"].unique().tolist())
    duplicate, conflict = classify(frame, {s: h for s, (_, h) in existing.items()})
    summary.duplicates = int(duplicate.sum())
    conflicts = frame[conflict]
    summary.conflicts = len(conflicts)

    new = frame[~duplicate & ~conflict]
    new = new.assign(_response_id=_reserve_ids(conn, m.FactResponse.__table__, "response_id",
                                               len(new)))
    ids = dict(zip(new["_submission_id"], new["_response_id"].tolist(), strict=True))
    responses = response_frame(new, form, batch_id)
    responses = _link_history(conn, form.form_id, responses)

    db.ensure_period_waves(conn, responses["wave_id"].dropna().unique().tolist())
    _bulk_insert(conn, m.DimRespondent.__table__, respondent_frame(responses, form),
                 skip_existing=["respondent_key"])
    _bulk_insert(conn, m.FactResponse.__table__, responses)
    summary.responses_inserted = len(responses)
    summary.superseded = int((~responses["is_current"]).sum()) + _supersede(
        conn, form.form_id, responses, ids)

    summary.answers = _bulk_insert(conn, m.FactAnswer.__table__, answer_frame(new, form))
    summary.extras = _bulk_insert(conn, m.FactExtra.__table__, extra_frame(new, form))
    summary.texts = _load_texts(conn, batch.texts, form, ids)

    quarantine = quarantine_frame(batch, batch_id, conflicts, existing)
    summary.quarantined = _bulk_insert(conn, m.Quarantine.__table__, quarantine)


def _retire_quarantine(conn: Connection, ids: tuple[int, ...]) -> None:
    """Delete the retried quarantine rows; all of them must still be there, else another
    retry has dealt with them since they were read, and this load is rolled back."""
    if not ids:
        return
    table = m.Quarantine.__table__
    deleted = 0
    for part in _chunks(list(ids), 900):
        deleted += conn.execute(table.delete().where(table.c.quarantine_id.in_(part))).rowcount
    if deleted != len(ids):
        raise QuarantineChangedError(
            f"{len(ids) - deleted} of the {len(ids)} quarantine rows being retried were changed "
            "meanwhile (another retry?); nothing was loaded: run the retry again")


def classify(frame: pd.DataFrame, known_hashes: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """(duplicate, conflict) masks: a submission id already stored, or seen earlier in this
    file, with the same content hash is a duplicate; with another hash a conflict."""
    subs = frame["_submission_id"]
    known = subs.map(known_hashes)
    first = frame.groupby(subs, sort=False)["_content_hash"].transform("first")
    known = known.where(known.notna(), first.where(subs.duplicated()))
    seen = known.notna()
    return seen & (known == frame["_content_hash"]), seen & (known != frame["_content_hash"])


def _existing_submissions(conn: Connection, form_id: str, ids: list[str]) -> dict[str, tuple[int, str]]:
    fr = m.FactResponse.__table__
    found: dict[str, tuple[int, str]] = {}
    for among in _among(conn, fr.c.submission_id, ids):
        rows = conn.execute(sa.select(fr.c.submission_id, fr.c.response_id, fr.c.content_hash).where(
            fr.c.form_id == form_id, among))
        found.update({sub: (rid, h) for sub, rid, h in rows})
    return found


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)


def _integers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("Float64").round().astype("Int64")


def _codes(series: pd.Series) -> pd.Series:
    """Answers as text codes: a whole number without its `.0` (an integer question read as
    float), anything else as written; missing stays None."""
    def code(value: object) -> str | None:
        if pd.isna(value):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip() or None
    return series.astype(object).map(code)


def _role(frame: pd.DataFrame, form: Form, role: str) -> pd.Series:
    """The column of the field playing `role` (all null when the form has none)."""
    name = form.role(role)
    return _column(frame, name) if name else pd.Series(None, index=frame.index, dtype=object)


def response_frame(new: pd.DataFrame, form: Form, batch_id: int) -> pd.DataFrame:
    """`fact_response` rows (ids already reserved); history links are filled in later."""
    group = form.respondent_group
    age = _integers(_role(new, form, "age"))
    supersedes = _column(new, "_supersedes").astype(object)
    supersedes = supersedes.where(supersedes.notna(), None).map(lambda s: None if s is None else str(s))
    # An edit naming itself supersedes nothing.
    supersedes = supersedes.where(supersedes != new["_submission_id"], None)
    interview = pd.to_datetime(_role(new, form, "interview_date"), errors="coerce")
    declared = age_bands()
    bands = {a: age_band(group, a, declared) for a in age.dropna().unique().tolist()}
    return pd.DataFrame({
        "response_id": new["_response_id"].astype("int64"),
        "form_id": form.form_id, "form_version": form.version,
        "submission_id": new["_submission_id"], "respondent_key": new["_respondent_key"],
        "wave_id": new["_wave_id"], "area": _role(new, form, "area"),
        "sub_area": _codes(_role(new, form, "sub_area")),
        "side": new["_side"], "respondent_group": group,
        "gender": _role(new, form, "gender"), "age": age,
        "age_band": age.astype(object).map(bands),
        "interview_date": interview.dt.date,
        "submitted_at": pd.to_datetime(_column(new, "_submitted_at"), utc=True),
        "batch_id": batch_id, "source_row": _integers(_column(new, "_source_row")),
        "content_hash": new["_content_hash"], "supersedes": supersedes,
        "superseded_by": pd.Series(pd.NA, index=new.index, dtype="Int64"), "is_current": True,
    }).reset_index(drop=True)


def respondent_frame(responses: pd.DataFrame, form: Form) -> pd.DataFrame:
    """`dim_respondent` rows: gender, age band and wave as first seen (existing rows kept)."""
    first = responses.drop_duplicates("respondent_key")
    return pd.DataFrame({
        "respondent_key": first["respondent_key"], "respondent_group": form.respondent_group,
        "gender": first["gender"], "age_band": first["age_band"], "first_wave": first["wave_id"],
    })


def _link_history(conn: Connection, form_id: str, responses: pd.DataFrame) -> pd.DataFrame:
    """Mark new rows that an edit already supersedes (in this file or stored earlier): they
    arrive as history, never as a second current version."""
    in_file = responses.dropna(subset=["supersedes"]).drop_duplicates("supersedes", keep="last")
    by_edit = dict(zip(in_file["supersedes"], in_file["response_id"], strict=True))
    fr = m.FactResponse.__table__
    for among in _among(conn, fr.c.supersedes, responses["submission_id"].tolist()):
        rows = conn.execute(sa.select(fr.c.supersedes, sa.func.max(fr.c.response_id)).where(
            fr.c.form_id == form_id, among).group_by(fr.c.supersedes))
        for sub, rid in rows:
            by_edit.setdefault(sub, rid)
    later = responses["submission_id"].map(by_edit).astype("Int64")
    return responses.assign(superseded_by=later, is_current=later.isna())


def _supersede(conn: Connection, form_id: str, responses: pd.DataFrame, ids: dict[str, int]) -> int:
    """Mark stored submissions that new edits replace as history; returns how many."""
    edits = responses.dropna(subset=["supersedes"])
    edits = edits[~edits["supersedes"].isin(ids)]
    if edits.empty:
        return 0
    fr = m.FactResponse.__table__
    targets = dict(zip(edits["supersedes"], edits["response_id"].tolist(), strict=True))
    current: list[tuple[int, str]] = []
    for among in _among(conn, fr.c.submission_id, list(targets)):
        current += conn.execute(sa.select(fr.c.response_id, fr.c.submission_id).where(
            fr.c.form_id == form_id, among, fr.c.is_current)).all()
    if current:
        conn.execute(fr.update().where(fr.c.response_id == sa.bindparam("rid")).values(
            is_current=False, superseded_by=sa.bindparam("newer")),
            [{"rid": rid, "newer": targets[sub]} for rid, sub in current])
    return len(current)


def _number_text(numbers: np.ndarray) -> np.ndarray:
    """`4.0` → "4", `2.5` → "2.5": the code a value label is looked up by."""
    numbers = np.asarray(numbers, dtype="float64")
    # One string per distinct value, shared by every row that holds it (a million answers
    # of a 1-5 scale hold five strings, not a million).
    distinct, rows = np.unique(numbers, return_inverse=True)
    whole = np.isfinite(distinct) & (distinct == np.floor(distinct)) & (np.abs(distinct) < 2.0**53)
    text = distinct.astype(str).astype(object)
    text[whole] = distinct[whole].astype("int64").astype(str)
    return text[rows.reshape(-1)]


def answer_frame(new: pd.DataFrame, form: Form) -> pd.DataFrame:
    """`fact_answer` rows, melted column by column; select_multiple gives one row per option.

    Built from plain arrays rather than a frame per question: the load calls it per file,
    and most files are small.
    """
    fields = [f for f in form.fields if f.type in ANSWER_TYPES and not f.pii
              and f.name not in form.response_only_fields and f.name in new.columns]
    response_ids = new["_response_id"].to_numpy(dtype="int64")
    rids, qids, options, numbers, texts = [], [], [], [], []
    for f in fields:
        values = new[f.name].to_numpy(dtype=object, na_value=None)
        present = np.array([v is not None for v in values], dtype=bool)
        if not present.any():
            continue
        rid, values = response_ids[present], values[present]
        qid = f"{form.form_id}.{f.question_id}"
        if f.type == "geopoint":  # one row per part: option latitude, longitude, ...
            parts = [dict(zip(GEOPOINT_PARTS, (float(x) for x in str(v).split()), strict=False))
                     for v in values]
            count = np.array([len(p) for p in parts], dtype="int64")
            flat = np.array([name for p in parts for name in p], dtype=object)
            rids.append(np.repeat(rid, count))
            options.append(flat)
            as_float = np.array([x for p in parts for x in p.values()], dtype="float64")
            numbers.append(as_float)
            texts.append(_number_text(as_float))
        elif f.type == "select_multiple":
            chosen = [list(dict.fromkeys(str(v).split())) for v in values]
            count = np.array([len(c) for c in chosen], dtype="int64")
            flat = np.array([o for c in chosen for o in c], dtype=object)
            rids.append(np.repeat(rid, count))
            options.append(flat)
            numbers.append(np.ones(len(flat)))
            texts.append(flat)
        else:
            rids.append(rid)
            options.append(np.full(len(rid), "", dtype=object))
            if f.type == "select_one":
                numbers.append(np.full(len(rid), np.nan))
                texts.append(np.array([str(v) for v in values], dtype=object))
            else:
                as_float = np.array([float(v) for v in values], dtype="float64")
                numbers.append(as_float)
                texts.append(_number_text(as_float))
        qids.append(np.full(len(rids[-1]), qid, dtype=object))
    if not rids:
        return pd.DataFrame({c: [] for c in _ANSWER_COLUMNS}).astype(
            {"response_id": "int64", "value_num": "float64"})
    out = pd.DataFrame({
        "response_id": np.concatenate(rids), "question_id": np.concatenate(qids),
        "option": np.concatenate(options), "value_num": np.concatenate(numbers),
        "value_text": np.concatenate(texts),
    })
    # Key order: index pages fill in sequence instead of at random (faster on both engines).
    return out.sort_values(["response_id", "question_id", "option"], ignore_index=True)


def extra_frame(new: pd.DataFrame, form: Form) -> pd.DataFrame:
    """`fact_extra` rows: every non-empty value of a column the form does not declare, and of
    its short-text and attachment questions (file names only), all redacted by stage 3."""
    kept = {f.name: EXTRA_PREFIX + f.name for f in form.fields
            if f.type in KEPT_AS_TEXT and not f.pii and f.name in new.columns}
    new = new.rename(columns=kept)
    columns = [c for c in new.columns if str(c).startswith(EXTRA_PREFIX)]
    if not columns:
        return pd.DataFrame(columns=["response_id", "column_name", "value_text"])
    long = new[["_response_id", *columns]].melt(
        id_vars="_response_id", var_name="column_name", value_name="value_text").dropna()
    return pd.DataFrame({
        "response_id": long["_response_id"].astype("int64"),
        "column_name": long["column_name"].str.removeprefix(EXTRA_PREFIX),
        "value_text": long["value_text"].astype(str),
    }).reset_index(drop=True)


def _load_texts(conn: Connection, texts: pd.DataFrame, form: Form, ids: dict[str, int]) -> int:
    """Store redacted texts and their scores. A text without a score (blank for the scorer)
    is stored without a score row; `record_scores` can score it later."""
    if texts is None or texts.empty:
        return 0
    subs = texts["_submission_id"].astype(str).astype(object)
    response_ids = subs.map(ids)
    texts = texts.assign(_submission_id=subs, _response_id=response_ids)[response_ids.notna()]
    # A submission repeated in the file keeps the texts of its first occurrence.
    texts = texts.drop_duplicates(["_submission_id", "question_id"], keep="first")
    if texts.empty:
        return 0
    questions = {name: f"{form.form_id}.{form.field(name).question_id}"
                 for name in texts["question_id"].unique()}
    text_ids = _reserve_ids(conn, m.FactText.__table__, "text_id", len(texts))
    _bulk_insert(conn, m.FactText.__table__, pd.DataFrame({
        "text_id": text_ids, "response_id": texts["_response_id"].astype("int64").to_numpy(),
        "question_id": texts["question_id"].map(questions).to_numpy(),
        "text_redacted": texts["text_redacted"].astype(str).to_numpy(),
        "language": _column(texts, "language").to_numpy(),
    }))
    _bulk_insert(conn, m.FactTextScore.__table__,
                 score_frame(texts.assign(text_id=text_ids), datetime.now(UTC)))
    return len(texts)


def score_frame(texts: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """`fact_text_score` rows for the texts that have a sentiment and a score."""
    if not {"sentiment", "sentiment_score"} <= set(texts.columns):
        return pd.DataFrame()
    scored = texts[texts["sentiment"].notna() & texts["sentiment_score"].notna()]

    def text_or(name: str, default: str) -> pd.Series:
        values = _column(scored, name).astype(object)
        return values.where(values.notna() & (values != ""), default).astype(str)

    return pd.DataFrame({
        "text_id": scored["text_id"].astype("int64"),
        "scorer": text_or("scorer", "lexicon"), "model_version": text_or("model_version", "unknown"),
        "sentiment": scored["sentiment"].astype(str),
        "sentiment_score": scored["sentiment_score"].astype("float64"),
        "topics": _column(scored, "topics"), "topic_scores": _column(scored, "topic_scores"),
        "reasons": _column(scored, "reasons"), "scored_at": now, "is_current": True,
    })


def quarantine_frame(batch: LoadBatch, batch_id: int, conflicts: pd.DataFrame,
                     existing: dict[str, tuple[int, str]]) -> pd.DataFrame:
    """Validation rejects of the batch plus the conflicts found at load time."""
    now = datetime.now(UTC)
    rows = []
    retry = batch.quarantine_batch_id is not None
    q = batch.quarantine
    if q is not None and not q.empty:
        for rec in q.to_dict("records"):
            rows.append(dict(
                batch_id=batch.quarantine_batch_id if retry else batch_id,
                form_id=batch.form.form_id,
                source_file=str(rec.get("source_file")) if retry else batch.source_file,
                source_row=None if _clean(rec.get("source_row")) is None else int(rec["source_row"]),
                submission_id=_clean(rec.get("submission_id")),
                respondent_key=_clean(rec.get("respondent_key")),
                field=str(rec.get("field") or ""), rule=str(rec.get("rule") or ""),
                value_masked=_clean(rec.get("value")), reason=str(rec.get("reason") or ""),
                record_json=_clean(rec.get("record_json")), created_at=now,
            ))
    for rec in conflicts.to_dict("records"):
        sub = str(rec["_submission_id"])
        where = (f"is already in the warehouse with different answers (response {existing[sub][0]})"
                 if sub in existing else "appears twice in this file with different answers")
        rows.append(dict(
            batch_id=batch.quarantine_batch_id if retry else batch_id,
            form_id=batch.form.form_id,
            source_file=str(rec.get("_source_file")) if retry else batch.source_file,
            source_row=None if _clean(rec.get("_source_row")) is None else int(rec["_source_row"]),
            submission_id=sub, respondent_key=_clean(rec.get("_respondent_key")),
            field="_submission_id", rule="conflict", value_masked=sub,
            reason=f"submission {sub} {where}; not overwritten",
            record_json=None, created_at=now,
        ))
    columns = [c.name for c in m.Quarantine.__table__.columns if c.name != "quarantine_id"]
    return pd.DataFrame(rows, columns=columns).astype(
        {"batch_id": "Int64", "source_row": "Int64"})


def record_scores(conn: Connection, scores: pd.DataFrame) -> int:
    """Append score rows (text_id + SCORE_COLUMNS); the new ones become current, old ones stay."""
    if scores.empty:
        return 0
    table = m.FactTextScore.__table__
    ids = [int(t) for t in scores["text_id"].tolist()]
    for part in _chunks(ids, 900):
        conn.execute(table.update().where(table.c.text_id.in_(part)).values(is_current=False))
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
