"""Draft a form definition from an export file when no XLSForm is at hand.

Headers give names and group paths, Kobo's `_<name>_latitude` columns give geopoints, and the
values give types. The draft is written as `forms/<stem>.draft.yaml` for a person to review;
the registry ignores drafts until they are renamed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from sentiment.config import display_path
from sentiment.errors import SentimentError
from sentiment.forms.model import group_for
from sentiment.forms.xlsform import _IDENTITY, _dump, _identifier, guess_roles

# Columns the survey tools add to every export: never questions.
_META = re.compile(
    r"^(start|end|today_?meta|_id|_uuid|_index|_submission_time|_submitted_by|_status|_tags|_notes|"
    r"_validation_status|_attachments|_geolocation|_xform_id_string|__version__|_version_|"
    r"_parent_index|_parent_table_name|_submission__\w+|formhub/uuid|meta/.*|meta-.*|"
    r"submissiondate|key|submitterid|submittername|attachmentspresent|attachmentsexpected|"
    r"status|reviewstate|deviceid|edits|formversion|instanceid|timestamp|__system/.*|__id)$",
    re.I,
)
# Kobo splits a geopoint `grp/lokasi` into `_grp/lokasi_latitude`, `_longitude`, `_altitude`, `_precision`.
_GEO_PART = re.compile(r"^_(?P<path>.+)_(?P<part>latitude|longitude|altitude|precision)$")
_INT = re.compile(r"^[+-]?\d+$")
_DEC = re.compile(r"^[+-]?(\d+[.,]\d*|[.,]\d+|\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_TOKEN = re.compile(r"^[A-Za-z0-9_.-]+$")
MAX_CHOICES = 12


def read_export(path: Path) -> pd.DataFrame:
    """An export as text columns: CSV (`,` or `;`), XLSX, or JSON (Kobo `results`, OData `value`)."""
    suffix = path.suffix.lower()
    shown = display_path(path)
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            frame = pd.read_excel(path, dtype=str)
        elif suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8-sig"))
            records = data.get("results", data.get("value")) if isinstance(data, dict) else data
            if not isinstance(records, list):
                raise SentimentError(f"{shown}: expected a list of records, `results` or `value`")
            frame = pd.json_normalize(records, sep="/").astype(object)
            frame = frame.map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v))
                              else (" ".join(map(str, v)) if isinstance(v, list) else str(v)))
        else:
            frame = pd.read_csv(path, dtype=str, sep=None, engine="python", encoding="utf-8-sig")
    except SentimentError:
        raise
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SentimentError(f"{shown}: cannot read the export ({' '.join(str(exc).split())[:200]})") from None
    if frame.shape[1] <= 1:
        raise SentimentError(f"{shown}: the header has one column; is the delimiter right?")
    return frame


def _values(series: pd.Series) -> list[str]:
    return [str(v).strip() for v in series.dropna() if str(v).strip() != ""]


def infer_type(values: list[str], rows: int) -> tuple[str, list[str]]:
    """(type, choice values) from a column's non-empty values."""
    if not values:
        return "text", []
    if all(_INT.match(v) for v in values):
        return "integer", []  # a 1-5 scale stays a number too; a person may make it likert
    if all(_DEC.match(v) for v in values):
        return "decimal", []
    if all(_DATE.match(v) for v in values):
        return "date", []
    if all(_DATETIME.match(v) for v in values):
        return "datetime", []
    distinct = set(values)
    # repeated short codes: a choice list (with tiny exports, repetition is the only hint)
    if len(distinct) <= MAX_CHOICES and len(distinct) < len(values) and all(_TOKEN.match(v) for v in distinct):
        return "select_one", sorted(distinct)
    tokens = [t for v in values for t in v.split()]
    token_set = set(tokens)
    if (any(" " in v for v in values) and len(token_set) <= MAX_CHOICES and all(_TOKEN.match(t) for t in token_set)
            and len(token_set) < len(tokens)):
        return "select_multiple", sorted(token_set)
    return "text", []


def draft_form(frame: pd.DataFrame, stem: str, source: str) -> dict[str, Any]:
    """The draft definition (plain dict) of the columns in `frame`."""
    columns = [str(c) for c in frame.columns]
    geo = {m.group("path") for m in map(_GEO_PART.match, columns) if m}  # geopoint paths
    option_parents = {c.rsplit("/", 1)[0] for c in columns if "/" in c and c.rsplit("/", 1)[0] in columns}
    fields: list[dict[str, Any]] = []
    notes: list[str] = []
    for column in columns:
        if _META.match(column) or _GEO_PART.match(column):
            continue
        parent = column.rsplit("/", 1)[0] if "/" in column else None
        if parent in option_parents:
            continue  # Kobo's 0/1 column for one option of a select_multiple
        name = column.rsplit("/", 1)[-1]
        field: dict[str, Any] = {"name": _identifier(name) if not re.fullmatch(r"\w+", name) else name}
        field["type"] = "text"
        field["label"] = name if re.fullmatch(r"\w+", name) else column
        values = _values(frame[column])
        if _IDENTITY.search(field["name"]):
            pass  # names, phones, NIKs: text, whatever they look like
        elif column in geo:
            field["type"] = "geopoint"
        elif column in option_parents:
            options = [c.rsplit("/", 1)[1] for c in columns if c.startswith(column + "/")]
            field["type"], field["choices"] = "select_multiple", options
        else:
            kind, choices = infer_type(values, len(frame))
            field["type"] = kind
            if choices:
                field["choices"] = choices
        if field["type"] == "text" and not _IDENTITY.search(field["name"]):
            longest = max((len(v) for v in values), default=0)
            if longest > 40:
                field["type"] = "free_text"
        if name != field["name"]:
            field["aliases"] = [column]
        if "/" in column:
            field["group"] = column.split("/")[-2]
            field["path"] = column
        if not values:
            notes.append(f"{column}: empty in this export; type is a guess")
        fields.append(field)
    for column in sorted(geo - set(columns)):  # only the split columns arrived
        entry: dict[str, Any] = {"name": column.rsplit("/", 1)[-1], "type": "geopoint"}
        entry["label"] = entry["name"]
        if "/" in column:
            entry.update(group=column.split("/")[-2], path=column)
        fields.append(entry)
    seen: set[str] = set()
    for f in fields:
        if f["name"] in seen:
            notes.append(f"{f['name']}: the name appears twice (in different groups); rename one")
        seen.add(f["name"])
        if "choices" in f:
            f["choices"] = [{"value": v, "label": v} for v in f["choices"]]
    roles = guess_roles(fields)
    for f in fields:
        if f["name"] in roles["identity"]:
            f["pii"] = True
    form_id = _identifier(stem)
    return {"form_id": form_id, "version": "1", "title": stem, "respondent_group": group_for(form_id),
            "identity_fields": list(roles["identity"]), "roles": roles, "fields": fields, "rules": [],
            "_notes": notes, "_source": source}


def render_draft(document: dict[str, Any]) -> str:
    notes = document.pop("_notes", [])
    source = document.pop("_source", "")
    lines = [
        "# DRAFT form definition: review before use.",
        f"# Inferred by `sentiment forms draft` from the columns and values of {source}.",
        "# Check every type, the choice labels and the roles (all guesses), then rename this file",
        "# to <form_id>.<version>.yaml: files ending in .draft.yaml are not loaded.",
    ]
    lines += [f"# - {note}" for note in notes]
    return "\n".join(lines) + "\n" + _dump(document)


def write_draft(export: Path, schemas: Path) -> Path:
    """Write `forms/<stem>.draft.yaml` next to the programme's forms; an existing draft is replaced."""
    export = Path(export)
    if not export.is_file():
        raise SentimentError(f"{export}: no such file")
    document = draft_form(read_export(export), export.stem, display_path(export))
    forms_dir = Path(schemas) / "forms"
    forms_dir.mkdir(parents=True, exist_ok=True)
    target = forms_dir / f"{_identifier(export.stem)}.draft.yaml"
    target.write_text(render_draft(document), encoding="utf-8")
    return target
