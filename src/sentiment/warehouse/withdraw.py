"""Withdrawals: a submission deleted at its source leaves every view, and the warehouse says why.

`withdraw` takes the submissions a source reports deleted, finds every stored version of each
(following `supersedes` from the ids the source names, in both directions), marks them not
current and records one `response_withdrawal` row per version id, in one transaction. The
load refuses a withdrawn id, and an edit of one (`refuse_withdrawn`), so a submission
withdrawn before it was ever loaded is never loaded. Ids already recorded are left as they
are: withdrawing again records nothing twice.

Ids are matched under every form: an instance id (a UUID the device made) names one
submission, and the readers detect a file's form from its columns, so the form a submission
was stored under need not be the one its server names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sentiment.warehouse import db
from sentiment.warehouse import models as m

_withdrawals = m.ResponseWithdrawal.__table__
_responses = m.FactResponse.__table__


@dataclass(frozen=True)
class Withdrawal:
    """One submission the source deleted: its root id and the version ids the source names."""

    root_id: str
    ids: tuple[str, ...] = ()
    deleted_at: datetime | None = None


@dataclass
class WithdrawSummary:
    submissions: int = 0  # withdrawn submissions recorded for the first time
    responses: int = 0  # stored responses that were current and left the views
    not_loaded: int = 0  # of the submissions newly recorded, those never loaded


def _among(conn: Connection, column: sa.Column, values: Iterable[str]):
    from sentiment.warehouse.load import _among as among

    return among(conn, column, sorted(set(values)))


def _versions(conn: Connection, root_of: dict[str, str]) -> dict[tuple[str, str], tuple[int, bool]]:
    """Stored versions connected to the ids in `root_of` through `supersedes` (an edit names
    the version it replaces), as {(form_id, submission_id): (response_id, is_current)};
    `root_of` gains every id found on the way."""
    stored: dict[tuple[str, str], tuple[int, bool]] = {}
    frontier = set(root_of)
    fr = _responses
    while frontier:
        found = []
        for column in (fr.c.submission_id, fr.c.supersedes):
            for among in _among(conn, column, frontier):
                found += conn.execute(sa.select(fr.c.response_id, fr.c.form_id,
                                                fr.c.submission_id, fr.c.supersedes,
                                                fr.c.is_current).where(among)).all()
        frontier = set()
        for response_id, form, submission, supersedes, current in found:
            if (form, submission) in stored:
                continue
            stored[form, submission] = (response_id, bool(current))
            root = root_of.get(submission) or root_of[supersedes]
            for version in (submission, supersedes):
                if version and version not in root_of:
                    root_of[version] = root
                    frontier.add(version)
    return stored


def _recorded(conn: Connection, column: sa.Column, values: Iterable[str]) -> set:
    """(form_id, value) pairs already recorded for these values of `column`."""
    out: set = set()
    for among in _among(conn, column, values):
        out.update(tuple(r) for r in conn.execute(sa.select(_withdrawals.c.form_id, column)
                                                  .where(among)))
    return out


def withdraw_in(conn: Connection, form_id: str, source: str, withdrawals: list[Withdrawal],
                reason: str, now: datetime | None = None) -> WithdrawSummary:
    """`withdraw` inside the caller's transaction (which holds the loaders' lock). `form_id`
    is the programme's form of the source: the form a version never stored is recorded under."""
    now = now or datetime.now(UTC)
    root_of: dict[str, str] = {}
    deleted_at: dict[str, datetime | None] = {}
    for w in withdrawals:
        for version in (w.root_id, *w.ids):
            root_of.setdefault(version, w.root_id)
        deleted_at.setdefault(w.root_id, w.deleted_at)
    stored = _versions(conn, root_of)
    known_ids = _recorded(conn, _withdrawals.c.submission_id, root_of)
    known_roots = {root for _, root in _recorded(conn, _withdrawals.c.root_id, deleted_at)}
    versions = {(form, version): response_id for (form, version), (response_id, _) in stored.items()}
    unstored = set(root_of) - {version for _, version in stored}
    recorded_ids = {version for _, version in known_ids}
    versions.update({(form_id, version): None for version in unstored
                     if version not in recorded_ids})
    rows = [{"form_id": form, "submission_id": version, "root_id": root_of[version],
             "response_id": response_id, "source": source,
             "deleted_at": deleted_at[root_of[version]], "recorded_at": now, "reason": reason}
            for (form, version), response_id in versions.items()
            if (form, version) not in known_ids]
    if rows:
        conn.execute(_withdrawals.insert(), rows)
    current = [rid for rid, is_current in stored.values() if is_current]
    for among in _among(conn, _responses.c.response_id, current):
        conn.execute(_responses.update().where(among).values(is_current=False))
    new_roots = set(deleted_at) - known_roots
    loaded_roots = {root_of[version] for _, version in stored}
    return WithdrawSummary(submissions=len(new_roots), responses=len(current),
                           not_loaded=len(new_roots - loaded_roots))


def withdraw(engine: Engine, form_id: str, source: str, withdrawals: list[Withdrawal],
             reason: str) -> WithdrawSummary:
    """Take these submissions (and every stored version of them) out of the views, recording
    why, in one transaction; see the module docstring."""
    from sentiment.warehouse.load import loader_lock

    if not withdrawals:
        return WithdrawSummary()
    with db.writing(engine) as conn:
        loader_lock(conn)
        return withdraw_in(conn, form_id, source, withdrawals, reason)


def refuse_withdrawn(conn: Connection, form_id: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """A batch's rows without the withdrawn submissions (under any form) and the edits of one
    (recorded as withdrawn under `form_id`, so their own later edits are refused as well);
    how many were refused."""
    w = _withdrawals
    if frame.empty or conn.execute(sa.select(w.c.withdrawal_id).limit(1)).first() is None:
        return frame, 0  # nothing withdrawn yet: no lookup per id (big loads stay fast)
    ids = frame["_submission_id"].astype(str)
    supersedes = (frame["_supersedes"] if "_supersedes" in frame.columns
                  else pd.Series(None, index=frame.index, dtype=object))
    supersedes = supersedes.map(lambda s: None if s is None or pd.isna(s) else str(s))
    known: dict[str, sa.Row] = {}
    for among in _among(conn, w.c.submission_id, [*ids, *supersedes.dropna()]):
        known.update((row.submission_id, row) for row in conn.execute(
            sa.select(w.c.submission_id, w.c.root_id, w.c.source, w.c.deleted_at, w.c.reason)
            .where(among)))
    if not known:
        return frame, 0
    refused = ids.isin(known)
    now = datetime.now(UTC)
    while True:  # an edit of a refused row, within this batch too
        edits = ~refused & supersedes.isin(known)
        if not edits.any():
            break
        rows = []
        for version, replaced in zip(ids[edits], supersedes[edits], strict=True):
            if version in known:
                continue
            origin = known[replaced]
            rows.append({"form_id": form_id, "submission_id": version, "root_id": origin.root_id,
                         "response_id": None, "source": origin.source,
                         "deleted_at": origin.deleted_at, "recorded_at": now,
                         "reason": origin.reason})
            known[version] = origin
        if rows:
            conn.execute(w.insert(), rows)
        refused |= edits
    return frame[~refused], int(refused.sum())
