"""THE stage sequence: the only place where read → validate → protect → score → load is
called in order, for every caller.

The CLI and the tests call it with `Run()` (plain calls, no Prefect); the Prefect flows in
this package pass a `Run` whose steps are Prefect tasks; the benchmark passes one that times
every step. Nothing here imports prefect or reads the environment: settings arrive as a
`Settings` value.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sentiment.errors import InputError
from sentiment.settings import Settings

EXPORT_SUFFIXES = (".csv", ".xlsx", ".json")
log = logging.getLogger("sentiment.ingest")
log.addHandler(logging.NullHandler())  # the CLI prints its own summary; flows log to Prefect


class Run:
    """How the steps of the sequence are executed and reported: plainly, in this process.

    Subclasses wrap steps (Prefect tasks, timers), log elsewhere, or publish the summary.
    """

    flow_run_id: str | None = None

    def step(self, name: str, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    def score(self, texts: pd.DataFrame, settings: Settings) -> pd.DataFrame:
        """`texts` joined with their scores, one chunk of `settings.score_batch` after another."""
        return self.step("score", score_chunks, texts, settings)

    def info(self, message: str, *args: Any) -> None:
        log.info(message, *args)

    def warning(self, message: str, *args: Any) -> None:
        log.warning(message, *args)

    def progress(self, name: str, total: int | None = None) -> None:
        from sentiment import progress

        if total is not None:
            progress.start(name, total=total)
        else:
            progress.advance(name)

    def publish(self, summaries: list[dict[str, object]]) -> None:
        """The run's summary, where its caller shows it (the CLI prints its own table)."""


# --- the steps, as plain functions ---------------------------------------------------------


def discover_exports(source: str | Path) -> list[Path]:
    """Export files under a folder (or matching a glob), in a stable order.

    Order matters: an edited submission must load after the one it replaces, so files sort
    by name, which the field teams prefix with the wave (`2025-02_…`).
    """
    source_path = Path(source)
    if source_path.is_dir():
        candidates: Iterable[Path] = source_path.iterdir()
    elif source_path.is_file():
        candidates = [source_path]
    else:
        candidates = Path().glob(str(source))
    return sorted(
        p for p in candidates
        if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES and not p.name.startswith(".")
    )


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def read(path: Path, settings: Settings, form_id: str | None = None):
    """The file's RawBatches (one per form version its rows name; usually one), or the
    InputError saying why it cannot be used: returned, not raised, because one unusable file
    is an outcome of the run, not a crash of it. `form_id`: the file is known to hold that
    form (a page pulled from a server's form), so only its versions are considered."""
    from sentiment.forms import load_registry
    from sentiment.forms.model import FormRegistry
    from sentiment.forms.readers import ReadLimits, read_export_versions
    from sentiment.study import programme

    largest = settings.max_file_bytes or programme().max_file_bytes
    limits = ReadLimits(max_file_bytes=largest) if largest else None
    versions = tuple(f for f in load_registry().forms if f.form_id == form_id) if form_id else ()
    registry = FormRegistry(forms=versions) if versions else None
    try:
        return read_export_versions(path, registry=registry, limits=limits)
    except InputError as exc:
        return exc


def validate(batch):
    from sentiment.validate import validate_batch

    return validate_batch(batch)


def protect(batch, result, key: bytes,
            keys: dict[int, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Valid rows pseudonymised and redacted, and the quarantine with each rejected record
    attached (PII removed, free text redacted) and its pseudonym, so erasure reaches it.

    `keys` (source row → pseudonym): pseudonyms computed earlier, kept as they are. A
    quarantined record no longer holds its identity fields, so its pseudonym cannot be
    computed again when it is retried."""
    from sentiment.privacy.protect import RESPONDENT_KEY_COLUMN, protect_frame

    protected = protect_frame(result.valid, batch.form, key)
    quarantine = quarantine_rows(result, batch, key)
    if keys is not None:
        protected[RESPONDENT_KEY_COLUMN] = _kept_keys(protected["_source_row"], keys)
        quarantine["respondent_key"] = _kept_keys(quarantine["source_row"], keys)
    return protected, quarantine


def _kept_keys(rows: pd.Series, keys: dict[int, str]) -> pd.Series:
    kept = rows.map(lambda row: None if pd.isna(row) else keys.get(int(row)))
    if kept.isna().any():
        raise ValueError("a retried row has no stored pseudonym")
    return kept.astype(object)


def quarantine_rows(result, batch, key: bytes) -> pd.DataFrame:
    from sentiment.privacy.protect import protect_record_json
    from sentiment.privacy.pseudonym import respondent_keys

    quarantine = result.quarantine.copy()
    if quarantine.empty:
        return quarantine.assign(record_json=pd.Series(dtype="str"),
                                 respondent_key=pd.Series(dtype="str"))
    rejected = result.rejected.drop_duplicates("_source_row").set_index("_source_row", drop=False)
    keys = respondent_keys(rejected, batch.form, key)
    records = {row: protect_record_json(rejected.loc[row], batch.form) for row in rejected.index}
    quarantine["record_json"] = quarantine["source_row"].map(records)
    quarantine["respondent_key"] = quarantine["source_row"].map(keys)
    return quarantine


def text_rows(protected: pd.DataFrame, form) -> pd.DataFrame:
    """Long table of non-empty redacted free-text answers: one row per response × question."""
    fields = [f.name for f in form.free_text_fields if f.name in protected.columns]
    if not fields or protected.empty:
        return pd.DataFrame(columns=["_submission_id", "question_id", "text_redacted"])
    long = protected[["_submission_id", *fields]].melt(
        id_vars="_submission_id", var_name="question_id", value_name="text_redacted"
    )
    text = long["text_redacted"].astype("string").str.strip()
    long = long.assign(text_redacted=text)
    long = long[text.notna() & (text != "") & (text != "-")]
    declared = declared_languages(form)
    long["declared_language"] = long["question_id"].map(declared).astype(object)
    return long.reset_index(drop=True)


def chunk_bounds(n: int, size: int) -> list[tuple[int, int]]:
    """[start, stop) ranges covering 0..n in order, each at most `size` long."""
    return [(start, min(start + size, n)) for start in range(0, n, size)]


def score_one_chunk(texts: pd.Series, settings: Settings,
                    declared: pd.Series | None = None) -> pd.DataFrame:
    """Scores of one chunk of answers; the index is the chunk's own, so chunks concatenate
    back in order. `declared`: each answer's declared language (`none`: not scored)."""
    from sentiment.nlp import score_texts

    return score_texts(texts, scorer=settings.scorer, model_path=settings.model_dir,
                       workers=settings.nlp_workers,
                       language=None if declared is None else declared.tolist())


def score_chunks(texts: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    column = texts["text_redacted"]
    declared = texts["declared_language"] if "declared_language" in texts.columns else None
    bounds = chunk_bounds(len(column), settings.score_batch) or [(0, 0)]
    return texts.join(pd.concat([
        score_one_chunk(column.iloc[a:b], settings,
                        None if declared is None else declared.iloc[a:b])
        for a, b in bounds]))


def declared_languages(form) -> dict[str, str | None]:
    """Declared language of each free-text field: the field's, the form's, else the
    programme's `language:` (None when nobody declared one)."""
    from sentiment.study import programme

    default = getattr(form, "language", None) or programme().language
    return {f.name: getattr(f, "language", None) or default for f in form.free_text_fields}


def load(engine, batch, result, protected, quarantine, texts, fingerprint: str,
         flow_run_id: str | None = None, retry: Retry | None = None):
    from sentiment.warehouse.load import LoadBatch, load_batch

    return load_batch(engine, LoadBatch(
        source_file=retry.source_file if retry else batch.source_file, sha256=batch.sha256,
        source_format=batch.source_format, form=batch.form, flow_run_id=flow_run_id,
        key_fingerprint=fingerprint, responses=protected, texts=texts, quarantine=quarantine,
        rows_read=batch.rows, rows_duplicate=result.duplicates, warnings=list(batch.warnings),
        retried=retry.quarantine_ids if retry else (),
        quarantine_batch_id=retry.batch_id if retry else None,
    ))


# --- summary rows --------------------------------------------------------------------------

COUNTS = ("read", "valid", "quarantined", "duplicate", "loaded")


@dataclass
class StageCounts:
    """What happened to one file, for the batch summary."""

    source_file: str
    form: str
    read: int
    valid: int
    quarantined: int
    duplicate: int
    loaded: int = 0
    skipped: bool = False
    conflicts: int = 0
    superseded: int = 0
    withdrawn: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_row(self) -> dict[str, object]:
        return dict(self.__dict__)


def summary_row(batch, result, loaded) -> dict[str, object]:
    """One line of the batch summary (read / valid / quarantined / duplicate / loaded)."""
    return StageCounts(
        source_file=batch.source_file,
        form=batch.form.key,
        read=batch.rows,
        valid=len(result.valid),
        quarantined=len(result.rejected) + int(getattr(loaded, "conflicts", 0)),
        duplicate=int(result.duplicates) + int(getattr(loaded, "duplicates", 0)),
        loaded=int(getattr(loaded, "responses_inserted", 0)),
        skipped=bool(getattr(loaded, "skipped", False)),
        conflicts=int(getattr(loaded, "conflicts", 0)),
        superseded=int(getattr(loaded, "superseded", 0)),
        withdrawn=int(getattr(loaded, "withdrawn", 0)),
        warnings=[str(w) for w in [*(getattr(batch, "warnings", []) or []),
                                   *(getattr(loaded, "notes", []) or [])]],
    ).as_row()


def merge_rows(rows: list[dict[str, object]]) -> dict[str, object]:
    """One summary row for a file read as several form versions: counts added, forms joined."""
    if len(rows) == 1:
        return rows[0]
    merged = dict(rows[0])
    for key in (*COUNTS, "conflicts", "superseded", "withdrawn"):
        merged[key] = sum(int(r[key]) for r in rows)
    merged["form"] = " + ".join(str(r["form"]) for r in rows)
    merged["skipped"] = all(bool(r["skipped"]) for r in rows)
    merged["warnings"] = [w for r in rows for w in r.get("warnings") or []]
    return merged


def skipped_row(path: Path) -> dict[str, object]:
    return StageCounts(source_file=path.name, form="", read=0, valid=0, quarantined=0,
                       duplicate=0, skipped=True).as_row()


def failed_row(path: Path, message: str) -> dict[str, object]:
    """Summary row of a file that could not be used at all (counts 0, status says why)."""
    return {**skipped_row(path), "skipped": False, "status": f"failed: {message}"}


def summary_line(row: dict[str, object]) -> str:
    return ", ".join(f"{k} {row[k]}" for k in COUNTS)


def totals_markdown(rows: list[dict[str, object]]) -> str:
    """Headline figures of an ingest run, for the Prefect artifact (counts only, no values)."""
    totals = {k: sum(int(r[k]) for r in rows) for k in COUNTS}
    skipped = sum(1 for r in rows if r["skipped"])
    # The readers' warnings name files, columns and questions, never a cell's value.
    warnings = [f"- {r['source_file']}: {w}" for r in rows for w in r.get("warnings") or []]
    return "\n".join([
        "# Ingest summary", "",
        f"Files: {len(rows)} ({skipped} already loaded, skipped)", "",
        "| " + " | ".join(COUNTS) + " |",
        "|" + "---|" * len(COUNTS),
        "| " + " | ".join(str(totals[k]) for k in COUNTS) + " |",
        *(["", "## Warnings", "", *warnings] if warnings else []),
    ])


# --- the sequence --------------------------------------------------------------------------


@dataclass
class Warehouse:
    """The prepared warehouse of one run: engine and key fingerprint."""

    engine: Any
    fingerprint: str


def prepare(settings: Settings, run: Run | None = None) -> Warehouse:
    """Fail fast, before any file is read: the key is set and is the one this warehouse was
    built with, and the warehouse schema is current (migrated)."""
    from sentiment.privacy.pseudonym import key_fingerprint
    from sentiment.warehouse import db

    run = run or Run()
    fingerprint = key_fingerprint(settings.pseudonym_key)  # no key → stop here
    engine = run.step("prepare-warehouse", db.prepare, settings.db_url, fingerprint)
    return Warehouse(engine, fingerprint)


def ingest_one(path: Path, settings: Settings, run: Run, warehouse: Warehouse,
               sha256: str | None = None, form_id: str | None = None) -> dict[str, object]:
    """One export file through every stage, loaded in one transaction; its summary row.
    `form_id` names the form the file holds when that is known (a pulled page)."""
    from sentiment.warehouse import db

    if db.is_loaded(settings.db_url, sha256 or file_sha256(path)):
        run.info("Skipping %s: a file with the same SHA-256 is already loaded", path.name)
        return skipped_row(path)
    batches = run.step("read-export", read, path, settings, form_id)
    if isinstance(batches, InputError):  # nothing of this file is loaded; the others still are
        run.warning("%s: not loaded: %s", path.name, batches)
        return failed_row(path, str(batches))
    rows = []
    for batch in batches:  # one per form version the rows name, each its own transaction
        for warning in getattr(batch, "warnings", []) or []:
            run.warning("%s: %s", path.name, warning)
        result, loaded = process(batch, settings, run, warehouse)
        rows.append(summary_row(batch, result, loaded))
    row = merge_rows(rows)
    run.info("%s: %s", path.name, summary_line(row))
    return row


@dataclass(frozen=True)
class Retry:
    """Quarantined rows of one loaded file, read back for another try (sentiment.warehouse.
    quarantine): the rows to delete once they are dealt with, and their stored pseudonyms."""

    batch_id: int  # the file's ingest_batch
    source_file: str  # the retry's own ingest_batch name, "retry of <file>"
    quarantine_ids: tuple[int, ...]
    keys: dict[int, str]  # source row → respondent_key


def process(batch, settings: Settings, run: Run, warehouse: Warehouse,
            retry: Retry | None = None, result=None):
    """validate → protect → score → load of one read batch: (ValidationResult, LoadSummary).

    With `retry`, the batch is rebuilt from the quarantine: pseudonyms are the stored ones,
    and the load deletes the retried quarantine rows in its own transaction (rows still
    failing are stored again under their file with their current reasons). `result`: the
    batch's validation, when the caller has already run it."""
    if result is None:
        result = run.step("validate", validate, batch)
    protected, quarantine = run.step("protect", protect, batch, result, settings.pseudonym_key,
                                     retry.keys if retry else None)
    texts = run.score(text_rows(protected, batch.form), settings)
    loaded = run.step("load", load, warehouse.engine, batch, result, protected, quarantine,
                      texts, warehouse.fingerprint, run.flow_run_id, retry)
    return result, loaded


def ingest(source: str | Path | Iterable[Path], settings: Settings, run: Run | None = None,
           inbox: bool = False) -> list[dict[str, object]]:
    """Every export under `source` (a folder, a file, a glob, or a list of files) into the
    warehouse, one transaction per file.

    `inbox`: `source` is an inbox folder, and each file is moved to `archive/` or
    `rejected/` once dealt with (sentiment.inbox).
    """
    from sentiment import inbox as inbox_folder

    run = run or Run()
    warehouse = prepare(settings, run)
    files = discover_exports(source) if isinstance(source, str | Path) else list(source)
    run.progress("ingest", total=len(files))
    summaries = []
    for path in files:
        sha256 = file_sha256(path)
        summaries.append(ingest_one(path, settings, run, warehouse, sha256))
        if inbox:
            moved = inbox_folder.settle(path, summaries[-1], sha256)
            run.info("%s moved to %s/", path.name, moved.parent.name)
        run.progress("ingest")
    run.publish(summaries)
    return summaries


def compute_index(settings: Settings, run: Run | None = None, wave: str | None = None,
                  dry_run_alerts: bool = False) -> dict[str, Any]:
    """Index, reliability, change, trend and topic shares per wave, then the alert rules."""
    from sentiment.analysis.compute import compute_all, run_alerts
    from sentiment.warehouse import db

    run = run or Run()
    engine = db.get_engine(settings.db_url)
    db.ensure_schema(engine)
    summary = run.step("compute-index", lambda: compute_all(engine, wave).as_dict())
    firings = run.step("check-alerts", run_alerts, engine, wave, dry_run=dry_run_alerts)
    columns = [c for c in ("rule_id", "wave_id", "side", "respondent_group", "topic", "value",
                           "threshold", "new", "sent") if c in firings.columns]
    fired = firings[columns].astype(object).where(firings[columns].notna(), None).to_dict("records")
    run.info("Tension index for %s: %d cells (%d suppressed); %d alert(s)%s",
             ", ".join(summary["waves"]) or "no wave", summary["cells"],
             summary["cells_suppressed"], len(fired), " (dry run)" if dry_run_alerts else "")
    return {"summary": summary, "alerts": fired}


def write_reports(settings: Settings, run: Run | None = None, wave: str = "latest",
                  out: str | Path = "reports") -> dict[str, Any]:
    """The leaders' wave report (HTML + PDF) for `wave`."""
    from sentiment.report import write_report

    run = run or Run()
    return run.step("write-report", write_report, settings.db_url, wave=wave, out_dir=out)


# --- quarantined rows, once more -----------------------------------------------------------


def retry_quarantine(settings: Settings, run: Run | None = None, batch: int | None = None,
                     rule: str | None = None,
                     dry_run: bool = False) -> tuple[list[dict[str, object]], int]:
    """Validate quarantined records again against the current programme folder and load
    those that pass, through the same steps as a file (one transaction per file they came
    from: a new `ingest_batch` "retry of <file>", their quarantine rows deleted, the rows
    still failing stored again with their current reasons). A second retry loads nothing.

    `dry_run`: validate only; nothing in the warehouse changes. Returns one summary row per
    file and the number of rows that cannot be retried (see `warehouse.quarantine.to_retry`).
    """
    import uuid

    from sentiment.forms import load_registry
    from sentiment.forms.batch import RawBatch
    from sentiment.warehouse.quarantine import failure_set, to_retry

    run = run or Run()
    warehouse = prepare(settings, run)
    groups, not_retryable = to_retry(warehouse.engine, load_registry(), batch=batch, rule=rule)
    if not_retryable:
        run.info("%d quarantined row(s) cannot be retried: conflicts found at load time, or "
                 "failures on personal fields (their values are not kept)", not_retryable)
    summaries = []
    for group in groups:
        token = f"retry:{group.sha256}:{','.join(map(str, group.quarantine_ids))}:{uuid.uuid4()}"
        rebuilt = RawBatch(source_file=group.source_file,
                           sha256=hashlib.sha256(token.encode()).hexdigest(),
                           source_format=group.source_format, form=group.form,
                           frame=group.frame)
        retry = Retry(batch_id=group.batch_id, source_file=f"retry of {group.source_file}",
                      quarantine_ids=group.quarantine_ids, keys=group.keys)
        result = run.step("validate", validate, rebuilt)
        # Nothing passes and every reason is the same: nothing to load or to update.
        unchanged = result.valid.empty and failure_set(result.quarantine) == group.failures
        loaded = None if dry_run or unchanged else \
            process(rebuilt, settings, run, warehouse, retry, result)[1]
        row = {**summary_row(rebuilt, result, loaded), "source_file": group.source_file,
               "batch_id": group.batch_id, "retry_batch_id": getattr(loaded, "batch_id", None),
               "failures_before": len(group.failures), "failures_now": len(result.quarantine),
               "unchanged": unchanged, "not_retryable": group.not_retryable, "dry_run": dry_run}
        run.info("%s: retried %d row(s): %s%s", group.source_file, rebuilt.rows,
                 summary_line(row), " (dry run)" if dry_run else "")
        summaries.append(row)
    return summaries, not_retryable
