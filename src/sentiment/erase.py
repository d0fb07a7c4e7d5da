"""Right to erasure: remove one respondent (by pseudonym) from every warehouse table in one
transaction, and say how many rows went from each table."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sentiment.errors import SentimentError

RECOMPUTE_NOTE = ("The tension index and other aggregates still include this person until they are "
                  "recomputed: run `sentiment tension` (the tension-index flow).")
_BATCH = 500  # ids per IN (...) list: SQLite's parameter limit is 999 on old builds


def pseudonyms_for(form_id: str, key: bytes, *, nik: str | None = None, phone: str | None = None,
                   name: str | None = None, submission: str | None = None) -> list[str]:
    """Pseudonyms of a person from what they gave on form `form_id` (each identifier alone).

    The pipeline keys a respondent by the first usable of NIK, phone, name; since we do not
    know which one they gave, every identifier passed is turned into its own pseudonym.
    """
    from sentiment.forms import load_registry
    from sentiment.privacy.pseudonym import identity_kind, respondent_key

    try:
        form = load_registry().get(form_id)
    except KeyError:
        forms = sorted({f.form_id for f in load_registry().forms})
        raise SentimentError(f"unknown form {form_id!r}; the programme's forms: "
                             f"{', '.join(forms)}") from None
    given = {"nik": nik, "phone": phone, "name": name}
    keys = []
    for kind, value in given.items():
        if value is None:
            continue
        fields = [f for f in form.identity_fields if identity_kind(f) == kind]
        if not fields:
            raise SentimentError(f"form {form_id} does not record a {kind}")
        try:  # no _submission_id: an unusable value raises instead of falling back
            keys.append(respondent_key({fields[0]: value, "_submission_id": None}, form, key))
        except ValueError:
            raise SentimentError(f"the {kind} given is not a usable {kind} "
                                 "(check the digits or spelling)") from None
    if submission is not None:
        keys.append(respondent_key({"_submission_id": submission}, _no_identity(form), key))
    if not keys:
        raise SentimentError("say who to erase: --respondent, --nik, --phone, --name or --submission")
    return list(dict.fromkeys(keys))


def _no_identity(form):
    return form.model_copy(update={"identity_fields": ()})


def _in_batches(values: list, size: int = _BATCH) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _delete_in(conn: Connection, table: str, column: str, values: list) -> int:
    removed = 0
    for part in _in_batches(values):
        stmt = sa.text(f'DELETE FROM "{table}" WHERE "{column}" IN :ids').bindparams(
            sa.bindparam("ids", expanding=True))
        removed += conn.execute(stmt, {"ids": part}).rowcount or 0
    return removed


def _select_in(conn: Connection, sql: str, values: list) -> list[int]:
    found: list[int] = []
    for part in _in_batches(values):
        stmt = sa.text(sql).bindparams(sa.bindparam("ids", expanding=True))
        found += [row[0] for row in conn.execute(stmt, {"ids": part})]
    return found


def _lock_loaders(conn: Connection) -> None:
    """Wait for any running load, so an erased person is not written back mid-erasure."""
    from sentiment.warehouse.load import loader_lock  # the loaders' PostgreSQL advisory lock

    loader_lock(conn)


def erase_in(conn: Connection, keys: list[str]) -> dict[str, int]:
    """Delete every row of these respondents inside the caller's transaction; rows per table."""
    tables = set(sa.inspect(conn).get_table_names())
    removed: dict[str, int] = {}
    responses = _select_in(conn, "SELECT response_id FROM fact_response WHERE respondent_key IN :ids",
                           keys)
    texts = _select_in(conn, "SELECT text_id FROM fact_text WHERE response_id IN :ids", responses)
    # children first: SQLite only cascades with PRAGMA foreign_keys, so we never rely on it
    if "coding" in tables:
        removed["coding"] = _delete_in(conn, "coding", "text_id", texts)
    if "coding_training" in tables:
        removed["coding_training"] = _delete_in(conn, "coding_training", "text_id", texts)
    removed["fact_text_score"] = _delete_in(conn, "fact_text_score", "text_id", texts)
    removed["fact_text"] = _delete_in(conn, "fact_text", "text_id", texts)
    removed["fact_answer"] = _delete_in(conn, "fact_answer", "response_id", responses)
    removed["fact_extra"] = _delete_in(conn, "fact_extra", "response_id", responses)
    if "response_withdrawal" in tables:  # a withdrawal of theirs, with every version id of it
        roots = _select_in(conn, "SELECT DISTINCT root_id FROM response_withdrawal "
                                 "WHERE response_id IN :ids", responses)
        removed["response_withdrawal"] = (
            _delete_in(conn, "response_withdrawal", "response_id", responses)
            + _delete_in(conn, "response_withdrawal", "root_id", roots))
    for part in _in_batches(responses):  # another response's history link to an erased one
        conn.execute(sa.text("UPDATE fact_response SET superseded_by = NULL "
                             "WHERE superseded_by IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)), {"ids": part})
    removed["fact_response"] = _delete_in(conn, "fact_response", "response_id", responses)
    removed["quarantine"] = _delete_in(conn, "quarantine", "respondent_key", keys)
    # any other table keyed by respondent (added by later migrations) is covered too
    for table in sorted(tables - {"fact_response", "quarantine", "dim_respondent"}):
        columns = {c["name"] for c in sa.inspect(conn).get_columns(table)}
        if "respondent_key" in columns:
            removed[table] = _delete_in(conn, table, "respondent_key", keys)
    removed["dim_respondent"] = _delete_in(conn, "dim_respondent", "respondent_key", keys)
    return removed


def erase_respondents(engine: Engine, keys: list[str], dry_run: bool = False) -> dict[str, int]:
    """Remove these pseudonyms from every table in one transaction (rolled back if `dry_run`)."""
    keys = [k.strip().lower() for k in keys if k and k.strip()]
    if not keys:
        raise SentimentError("no pseudonym given")
    with engine.connect() as conn:
        # SQLite: the warehouse engine then opens with BEGIN IMMEDIATE (the loaders' write lock)
        conn.execution_options(sqlite_begin="IMMEDIATE")
        transaction = conn.begin()
        try:
            _lock_loaders(conn)
            removed = erase_in(conn, keys)
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    return removed


def residual_rows(engine: Engine, keys: list[str], response_ids: Iterable[int] = (),
                  text_ids: Iterable[int] = ()) -> dict[str, int]:
    """Rows still linked to these pseudonyms (or to their former responses/texts), per table."""
    keys = [k.strip().lower() for k in keys]
    responses, texts = list(response_ids), list(text_ids)
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table in inspector.get_table_names():
            columns = {c["name"] for c in inspector.get_columns(table)}
            for column, values in (("respondent_key", keys), ("response_id", responses),
                                   ("text_id", texts)):
                if column in columns and values:
                    counts[table] = counts.get(table, 0) + sum(_select_in(
                        conn, f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" IN :ids', values))
    return counts
