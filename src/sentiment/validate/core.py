"""Stage 2: split one RawBatch into typed valid rows, quarantine rows and duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sentiment.forms.batch import META_COLUMNS, RawBatch
from sentiment.forms.model import Form
from sentiment.validate import quarantine as q
from sentiment.validate.checks import ROW, date_column, gx_frame, num_column, prepare, to_object
from sentiment.validate.reference import load_areas, load_waves, waves_timezone
from sentiment.validate.suite import SuiteRun, run_suite, suite_for


@dataclass
class ValidationResult:
    """See docs/architecture.md, stage 2. `valid + rejected + duplicates == read` always."""

    valid: pd.DataFrame
    quarantine: pd.DataFrame
    rejected: pd.DataFrame
    duplicates: int
    summary: dict[str, int] = field(default_factory=dict)
    statistics: dict[str, Any] = field(default_factory=dict)  # GX counts only, never values


def resubmissions(frame: pd.DataFrame, form: Form) -> tuple[pd.Series, pd.Series]:
    """(exact repeats of an earlier row, rows reusing an earlier id with other answers)."""
    has_id = frame["_submission_id"].notna()
    answers = [f.name for f in form.fields if f.name in frame]
    exact = frame.duplicated(subset=["_submission_id", *answers], keep="first") & has_id
    conflict = frame["_submission_id"].duplicated(keep="first") & has_id & ~exact
    return exact, conflict


def typed_frame(raw: pd.DataFrame, prepared: pd.DataFrame, form: Form) -> pd.DataFrame:
    """Field columns typed per the form; other input columns as read; `_wave_id`, `_side` added."""
    out = raw.copy()
    for f in form.fields:
        if f.type == "integer" or (f.type == "likert" and _numeric_choices(f.choice_values)):
            out[f.name] = prepared[num_column(f.name)].astype("Int64")
        elif f.type == "decimal":
            out[f.name] = prepared[num_column(f.name)].astype("Float64")
        elif f.type == "date":
            stamps = prepared[date_column(f.name)]
            out[f.name] = to_object(stamps.dt.date.where(stamps.notna(), None))
        elif f.type == "datetime":
            out[f.name] = pd.to_datetime(prepared[f.name], errors="coerce", format="ISO8601")
        else:
            out[f.name] = to_object(prepared[f.name])
    out["_wave_id"] = prepared["_wave_id"]
    out["_side"] = prepared["_side"]
    return out.reset_index(drop=True)


def _numeric_choices(values: list[str]) -> bool:
    return bool(values) and all(v.lstrip("-").isdigit() for v in values)


def _complete(frame: pd.DataFrame, form: Form) -> pd.DataFrame:
    """The contract's columns, even if a hand-built frame lacks some (missing → all-null)."""
    frame = frame.reset_index(drop=True)
    for name in [*META_COLUMNS, *(f.name for f in form.fields)]:
        if name not in frame:
            frame[name] = pd.Series(None, index=frame.index, dtype=object)
    return frame


def validate_batch(batch: RawBatch) -> ValidationResult:
    """Run the form's GX suite once over the batch and split its rows."""
    form = batch.form
    frame = _complete(batch.frame, form)
    exact, conflict = resubmissions(frame, form)
    kept = frame[~exact].reset_index(drop=True)
    conflict = conflict[~exact].reset_index(drop=True)

    prepared = prepare(kept, form, load_areas(), load_waves(), waves_timezone())
    _, checks = suite_for(form)
    run = run_suite(form, gx_frame(prepared, checks)) if len(kept) else SuiteRun([], {})
    failures = pd.concat(
        [q.conflict_rows(kept, conflict), q.failure_rows(run.failures, form, kept, prepared)],
        ignore_index=True,
    ).sort_values(ROW, kind="stable")
    bad = kept.index.isin(failures[ROW].astype(int).unique())

    quarantine = failures.drop(columns=ROW).reset_index(drop=True)
    quarantine["source_row"] = quarantine["source_row"].astype("Int64")
    result = ValidationResult(
        valid=typed_frame(kept[~bad], prepared[~bad], form),
        quarantine=quarantine,
        rejected=kept[bad].reset_index(drop=True),
        duplicates=int(exact.sum()),
    )
    result.summary = {
        "read": len(frame),
        "valid": len(result.valid),
        "quarantined": len(result.rejected),
        "duplicates": result.duplicates,
        "conflicts": int(conflict.sum()),
        "failures": len(quarantine),
    }
    result.statistics = _statistics(run)
    assert result.summary["valid"] + result.summary["quarantined"] + result.duplicates == len(frame)
    return result


def _statistics(run: SuiteRun) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "evaluated_expectations": int(run.statistics.get("evaluated_expectations", 0)),
        "successful_expectations": int(run.statistics.get("successful_expectations", 0)),
        "unsuccessful_expectations": int(run.statistics.get("unsuccessful_expectations", 0)),
    }
    stats["failed_rows_by_check"] = {f"{c.field}:{c.rule}": len(rows) for c, rows in run.failures}
    return stats
