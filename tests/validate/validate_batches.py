"""Hand-made RawBatches for the validation tests: one good row, then one bad row per kind."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sentiment.forms.batch import META_COLUMNS, RawBatch
from sentiment.forms.model import Form

FAKE_NAME = "Sitimarlina Contohwati"  # fictional; searched for in every output
FAKE_NIK = "3171000000009999"  # NIK-shaped but fake


def good_answers(form: Form) -> dict[str, Any]:
    """A valid answer per field, derived from the form (first choice, lower bound, ...)."""
    answers: dict[str, Any] = {}
    for f in form.fields:
        if f.type in ("select_one", "likert"):
            answers[f.name] = f.choice_values[-1]
        elif f.type == "select_multiple":
            answers[f.name] = " ".join(f.choice_values[:2])
        elif f.type == "integer":
            answers[f.name] = str(int(f.constraints.get("min", 0)) + 1)
        elif f.type == "date":
            answers[f.name] = "2024-11-10"
        elif f.type == "free_text":
            answers[f.name] = "Semoga jembatan aman untuk semua."
        else:
            answers[f.name] = None
    answers.update(nama=FAKE_NAME, nik=FAKE_NIK, telepon="0812-0000-0001", rw="02")
    if "persetujuan_ortu" in answers:
        answers["persetujuan_ortu"] = "ya"
    return answers


def make_batch(form: Form, rows: list[dict[str, Any]], file: str = "contoh.csv") -> RawBatch:
    """A RawBatch as the reader would produce it: text values plus the meta columns."""
    records = []
    for i, answers in enumerate(rows):
        record = {f.name: answers.get(f.name) for f in form.fields}
        record.update(
            _source_file=file,
            _source_row=i + 2,
            _submission_id=answers.get("_submission_id", f"uuid-{i:04d}"),
            _supersedes=None,
            _submitted_at=answers.get("_submitted_at", pd.Timestamp("2024-11-10 03:00", tz="UTC")),
            _form_id=form.form_id,
            _form_version=form.version,
        )
        records.append(record)
    columns = [f.name for f in form.fields] + list(META_COLUMNS)
    frame = pd.DataFrame.from_records(records, columns=columns)
    for f in form.fields:  # text columns as the reader delivers them (None stays None)
        frame[f.name] = frame[f.name].astype(object)
    return RawBatch(file, "0" * 64, "kobo_csv", form, frame)
