"""A pull: pages of submissions from a server → export files in a staging folder → the one
stage sequence (`steps.ingest_one`), then the source's cursor moves.

Every page is written as a JSON export the readers accept and loaded like a file someone
downloaded, so hashing, validation, quarantine, pseudonyms, scoring, idempotence and edits
(superseding) are the file path's. The cursor moves only after every page of the pull has
loaded: a pull that stops midway resumes from the last cursor, and what it loaded before is
recognised as already loaded (same file hash, or same submission and content).

After the submissions, a source with a deletion feed (ODK Central) is asked which submissions
were deleted since the cursor the pull started from; each page of them is withdrawn
(`warehouse.withdraw`: every stored version leaves the views, the reason is recorded) in one
transaction, before the cursor moves. Nothing of a deleted submission is written to disk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

from sentiment.flows import steps
from sentiment.settings import Settings
from sentiment.sources.cursor import read_cursor, save_cursor
from sentiment.sources.http import NoDeletionFeed, SourceError


class Page(Protocol):
    number: int
    records: list[dict[str, Any]]
    next_url: str | None


class Source(Protocol):
    """What a server adapter gives the pull (see `sources.kobo_source`, `sources.odk`)."""

    kind: str
    key: str  # the cursor's name in the warehouse: kind:server/…
    slug: str  # for file names

    def ensure_form(self, schemas: Path, staging: Path, run: steps.Run) -> Path | None: ...
    def first_url(self, after: str | None) -> str: ...
    def fetch(self, url: str, number: int) -> Page: ...
    def record_time(self, record: dict[str, Any]) -> str | None: ...
    def record_version(self, record: dict[str, Any]) -> str | None: ...
    def document(self, records: list[dict[str, Any]]) -> Any: ...
    def deletions_url(self, after: str | None) -> str | None: ...  # None: no deletion feed


class DeletionFeed(Source, Protocol):
    """A source that says which submissions were deleted (`deletions_url` gives a URL)."""

    deletion_reason: str

    def withdrawal(self, record: dict[str, Any]) -> Any: ...  # warehouse.withdraw.Withdrawal
    def warehouse_form(self, schemas: Path) -> str: ...


@dataclass
class PullResult:
    """What one pull did, for the CLI line and the flow's artifact (counts, no values)."""

    source: str
    cursor_before: str | None
    cursor_after: str | None
    fetched: int = 0
    pages: int = 0
    rows: list[dict[str, object]] = field(default_factory=list)
    imported_form: Path | None = None
    deleted_seen: int = 0  # submissions the server reported deleted since the cursor
    deleted: int = 0  # of them, newly recorded as withdrawn
    deleted_not_loaded: int = 0  # of those, never loaded (recorded so they never will be)
    withdrawn_responses: int = 0  # stored responses that left the views
    warnings: list[str] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return sum(int(r.get("loaded") or 0) for r in self.rows)


def staging_root(settings: Settings) -> Path:
    """`pulls/` beside a SQLite warehouse file, else in the working directory."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.db_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / "pulls"
    return Path.cwd() / "pulls"


def slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-")[:80] or "source"


def write_page(records: list[dict[str, Any]], document: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return path


def by_version(source: Source, records: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A page's submissions split by the form version they name, in order of first
    appearance: each part is read with its own version's form definition."""
    parts: dict[str | None, list[dict[str, Any]]] = {}
    for record in records:
        parts.setdefault(source.record_version(record), []).append(record)
    return list(parts.values())


def withdraw_deleted(source: Source, after: str | None, settings: Settings,
                     warehouse: steps.Warehouse, run: steps.Run, result: PullResult) -> None:
    """The submissions the source deleted after `after` leave the views, page by page (one
    transaction each; a page seen again records nothing twice)."""
    from sentiment.warehouse.withdraw import withdraw

    url = source.deletions_url(after)
    if url is None:
        return
    feed = cast(DeletionFeed, source)  # a source with a deletion URL has the rest
    form_id = feed.warehouse_form(settings.schemas_path())
    try:
        for page in pages(source, url, run, "fetch-deleted-page"):
            withdrawals = [w for w in map(feed.withdrawal, page.records) if w is not None]
            if len(withdrawals) < len(page.records):
                raise SourceError(f"{source.kind}: deleted submissions, page {page.number}: "
                                  f"{len(page.records) - len(withdrawals)} record(s) without "
                                  "__id or deletedAt; nothing of this page was recorded")
            done = run.step("withdraw-deleted", withdraw, warehouse.engine, form_id, source.key,
                            withdrawals, feed.deletion_reason)
            result.deleted_seen += len(withdrawals)
            result.deleted += done.submissions
            result.deleted_not_loaded += done.not_loaded
            result.withdrawn_responses += done.responses
    except NoDeletionFeed as exc:
        run.warning("%s", exc)
        result.warnings.append(str(exc))


def deleted_line(result: PullResult) -> str:
    """What the deletion feed did, for the CLI and the flow log (counts only)."""
    return (f"{result.deleted} submission(s) marked deleted on the server "
            f"({result.withdrawn_responses} response(s) left the views, "
            f"{result.deleted_not_loaded} never loaded); "
            f"{result.deleted_seen - result.deleted} already recorded")


def pages(source: Source, url: str | None, run: steps.Run, step: str = "fetch-page"
          ) -> Iterator[Page]:
    number = 1
    while url:
        page = run.step(step, source.fetch, url, number)
        yield page
        url, number = page.next_url, number + 1


def pull(source: Source, settings: Settings, run: steps.Run | None = None,
         full: bool = False) -> PullResult:
    """Submissions after the source's cursor (all of them with `full`) into the warehouse."""
    run = run or steps.Run()
    warehouse = steps.prepare(settings, run)
    staging = staging_root(settings) / source.slug
    imported = source.ensure_form(settings.schemas_path(), staging, run)
    if imported is not None:  # the new form's questions join the dimensions
        warehouse = steps.prepare(settings, run)
    before = read_cursor(warehouse.engine, source.key)
    after = None if full else before
    result = PullResult(source.key, before, before, imported_form=imported)
    newest = before
    tag = slug(after or "start")
    # A server's form is known: its pages are read as that form, never as another form of
    # the programme that happens to have the same questions.
    form_of = getattr(source, "warehouse_form", None)
    form_id = form_of(settings.schemas_path()) if form_of is not None else None
    for page in pages(source, source.first_url(after), run):
        result.pages += 1
        if not page.records:
            continue
        result.fetched += len(page.records)
        parts = by_version(source, page.records)
        for number, records in enumerate(parts, 1):
            part = f"-{number}" if len(parts) > 1 else ""
            path = write_page(records, source.document(records), staging /
                              f"{source.kind}-{source.slug}-{tag}-p{page.number:04d}{part}.json")
            row = steps.ingest_one(path, settings, run, warehouse, form_id=form_id)
            result.rows.append(row)
            if str(row.get("status", "")).startswith("failed"):
                raise SourceError(f"{source.kind}: page {page.number} not loaded: "
                                  f"{str(row['status']).removeprefix('failed: ')} (kept in {path}); "
                                  f"cursor left at {before or 'the start'}")
            path.unlink()  # raw answers do not stay on disk once loaded
        times = [t for t in map(source.record_time, page.records) if t]
        newest = max([t for t in (newest, *times) if t], default=newest)
    withdraw_deleted(source, after, settings, warehouse, run, result)
    save_cursor(warehouse.engine, source.key, source.kind, newest, result.fetched)
    result.cursor_after = newest
    run.info("%s: %d submission(s) in %d page(s), %d loaded; cursor %s → %s", source.key,
             result.fetched, result.pages, result.loaded, before or "start", newest or "start")
    if result.deleted_seen or result.deleted:
        run.info("%s: %s", source.key, deleted_line(result))
    run.publish(result.rows)
    return result
