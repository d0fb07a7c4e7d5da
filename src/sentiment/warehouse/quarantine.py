"""The quarantine as its users see it (counts and rows, masked values only), and its
rejected records read back so that they can be validated again against the current
programme folder (`sentiment quarantine retry`, sentiment.flows.steps.retry_quarantine).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sentiment.errors import SentimentError
from sentiment.forms.batch import META_COLUMNS
from sentiment.forms.model import Form
from sentiment.warehouse import models as m

ROW_COLUMNS = ("batch_id", "source_file", "source_row", "form_id", "field", "rule",
               "value_masked", "reason")
COUNT_COLUMNS = ("batch_id", "source_file", "form_id", "rule", "field", "rows", "reason")


def _where(table: sa.Table, batch: int | None, rule: str | None,
           form: str | None) -> list[sa.ColumnElement[bool]]:
    where = []
    if batch is not None:
        where.append(table.c.batch_id == batch)
    if rule is not None:
        where.append(table.c.rule == rule)
    if form is not None:
        where.append(table.c.form_id == form)
    return where


def counts(engine: Engine, batch: int | None = None, rule: str | None = None,
           form: str | None = None) -> pd.DataFrame:
    """Failures per batch (file), rule and field, with the first reason of each (in
    alphabetical order: reasons of one rule differ only by the value they quote)."""
    q = m.Quarantine.__table__
    query = (sa.select(q.c.batch_id, q.c.source_file, q.c.form_id, q.c.rule, q.c.field,
                       sa.func.count().label("rows"), sa.func.min(q.c.reason).label("reason"))
             .where(*_where(q, batch, rule, form))
             .group_by(q.c.batch_id, q.c.source_file, q.c.form_id, q.c.rule, q.c.field)
             .order_by(q.c.batch_id, q.c.source_file, q.c.rule, q.c.field))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=list(COUNT_COLUMNS))


def rows(engine: Engine, batch: int | None = None, rule: str | None = None,
         form: str | None = None) -> pd.DataFrame:
    """One line per failure: file, row, field, rule, masked value, reason (never the
    stored record)."""
    q = m.Quarantine.__table__
    query = (sa.select(*(q.c[c] for c in ROW_COLUMNS)).where(*_where(q, batch, rule, form))
             .order_by(q.c.batch_id, q.c.source_row, q.c.field, q.c.rule, q.c.quarantine_id))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=list(ROW_COLUMNS))


@dataclass
class Quarantined:
    """The retryable quarantined rows of one loaded file."""

    batch_id: int
    source_file: str
    source_format: str
    sha256: str
    form: Form  # the current version of the file's form, for checking again
    frame: pd.DataFrame  # the records as stored (PII removed), one row per source row
    keys: dict[int, str]  # source row → stored respondent_key
    quarantine_ids: tuple[int, ...]  # every quarantine row of those records
    failures: frozenset[tuple[int, str, str, str]]  # (row, field, rule, reason) as stored
    not_retryable: int  # rows left as they are (see `to_retry`)


def to_retry(engine: Engine, registry, batch: int | None = None,
             rule: str | None = None) -> tuple[list[Quarantined], int]:
    """The quarantined records to validate again, per file, and how many rows cannot be.

    A record is retried as a whole: all its failures, not only those of `rule`. Not
    retryable (left untouched): conflicts found at load time (no record is kept: the
    submission is already stored with other answers) and rows that failed on a personal
    field (its value is not kept, so a fix cannot be checked)."""
    q, ib = m.Quarantine.__table__, m.IngestBatch.__table__
    query = (sa.select(q.c.quarantine_id, q.c.batch_id, q.c.source_row, q.c.field, q.c.rule,
                       q.c.reason, q.c.respondent_key, q.c.record_json, ib.c.source_file,
                       ib.c.source_format, ib.c.file_sha256, ib.c.form_id, ib.c.form_version)
             .join(ib, ib.c.batch_id == q.c.batch_id)
             .where(*_where(q, batch, None, None))
             .order_by(q.c.batch_id, q.c.source_row, q.c.quarantine_id))
    with engine.connect() as conn:
        stored = pd.DataFrame(conn.execute(query).mappings().all(),
                              columns=[c.name for c in query.selected_columns])
    if stored.empty:
        return [], 0
    if rule is not None:  # every failure of the records that failed `rule`
        hit = stored[stored["rule"] == rule][["batch_id", "source_row"]].drop_duplicates()
        stored = stored.merge(hit, on=["batch_id", "source_row"])
    out, skipped = [], 0
    for batch_id, part in stored.groupby("batch_id", sort=True):
        first = part.iloc[0]
        form = _current_form(registry, first, int(batch_id))
        personal = {f.name for f in form.pii_fields}
        blocked = part["record_json"].isna() | part["source_row"].isna() | part["field"].isin(personal)
        blocked_rows = set(part.loc[blocked, "source_row"].dropna().astype(int))
        skipped += int(part.loc[blocked, "source_row"].isna().sum()) + len(blocked_rows)
        kept = part[~blocked & ~part["source_row"].isin(blocked_rows)]
        if kept.empty:
            continue
        records = kept.drop_duplicates("source_row")
        out.append(Quarantined(
            batch_id=int(batch_id), source_file=str(first["source_file"]),
            source_format=str(first["source_format"]), sha256=str(first["file_sha256"]),
            form=retry_form(form), frame=record_frame(records["record_json"].tolist()),
            keys={int(r): str(k) for r, k in zip(records["source_row"],
                                                 records["respondent_key"], strict=True)},
            quarantine_ids=tuple(int(i) for i in kept["quarantine_id"]),
            failures=failure_set(kept), not_retryable=len(blocked_rows),
        ))
    return out, skipped


def failure_set(frame: pd.DataFrame) -> frozenset[tuple[int, str, str, str]]:
    """(source row, field, rule, reason) of every failure in a quarantine frame."""
    return frozenset((int(r), str(f), str(u), str(why)) for r, f, u, why in zip(
        frame["source_row"], frame["field"], frame["rule"], frame["reason"], strict=True))


def _current_form(registry, stored: pd.Series, batch_id: int) -> Form:
    try:
        return registry.get(str(stored["form_id"]), str(stored["form_version"]))
    except KeyError:
        raise SentimentError(
            f"quarantine of batch {batch_id} ({stored['source_file']}): form "
            f"{stored['form_id']} version {stored['form_version']} is not in the programme "
            "folder; add it back (or pass the right --schemas) to retry these rows") from None


def retry_form(form: Form) -> Form:
    """The form as a stored record can be checked against: its personal fields are not kept,
    so they are not required, and rules on them are left out. A record reaches a retry only
    if none of its failures was on a personal field, so those checks passed the first time
    and the values they checked have not changed."""
    personal = {f.name for f in form.pii_fields}
    fields = tuple(f.model_copy(update={"required": False}) if f.pii else f for f in form.fields)
    rules = tuple(r for r in form.rules if not {r.when.field, r.require.field} & personal)
    return form.model_copy(update={"fields": fields, "rules": rules})


def record_frame(records: list[str]) -> pd.DataFrame:
    """Stored record JSONs back as a reader's frame: text values, meta columns typed."""
    frame = pd.DataFrame([json.loads(r) for r in records])
    for column in META_COLUMNS:
        if column not in frame:
            frame[column] = pd.Series(None, index=frame.index, dtype=object)
    frame["_submitted_at"] = pd.to_datetime(frame["_submitted_at"], utc=True, format="ISO8601")
    frame["_source_row"] = frame["_source_row"].astype("Int64")
    for column in frame.columns:
        if column not in ("_submitted_at", "_source_row"):
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame
