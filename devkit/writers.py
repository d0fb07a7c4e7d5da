"""Write canonical responses the way KoboToolbox, ODK Central and Google Forms export them.

Used to build the fictional sample exports and benchmark inputs; the readers turn these
files back into the same canonical columns. Output is byte-for-byte deterministic.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sentiment.config import TIMEZONE
from sentiment.forms.model import Field, Form

FORMATS = ("kobo_csv", "odk_csv", "gforms_csv", "xlsx", "kobo_json")
# Fixed zip member time: XLSX bytes must not depend on when the sample was built.
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_CORE_TIME = "2025-01-01T00:00:00Z"


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _labels(f: Field) -> dict[str, str]:
    return {c.value: c.label for c in f.choices}


def label_of(f: Field, value: Any) -> str:
    """A canonical value as the label a form tool shows (unknown values as they are)."""
    text = _text(value)
    if not text or not f.choices:
        return text
    labels = _labels(f)
    if f.type == "select_multiple":
        return ", ".join(labels.get(v, v) for v in text.split())
    return labels.get(text, text)


def _with_uuid(value: Any) -> str:
    text = _text(value)
    return f"uuid:{text}" if text else ""


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _utc_column(frame: pd.DataFrame) -> pd.Series:
    if "_submitted_at" not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    return pd.to_datetime(frame["_submitted_at"], utc=True)


def _strftime(stamps: pd.Series, fmt: str) -> pd.Series:
    return stamps.dt.strftime(fmt).where(stamps.notna(), "").astype(object)


def _kobo_times(frame: pd.DataFrame) -> pd.Series:
    """Kobo's `_submission_time`: UTC without an offset."""
    return _strftime(_utc_column(frame), "%Y-%m-%dT%H:%M:%S")


def _local_iso(frame: pd.DataFrame, minutes: int = 0) -> pd.Series:
    """Device clock times (`start`, `end`): Jakarta time with offset, as Enketo/Collect write them."""
    local = (_utc_column(frame) + pd.Timedelta(minutes=minutes)).dt.tz_convert(TIMEZONE)
    text = _strftime(local, "%Y-%m-%dT%H:%M:%S.000%z")
    return text.map(lambda t: f"{t[:-2]}:{t[-2:]}" if t else t)


def _text_column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    values = frame[name].astype(object)
    return values.where(values.notna(), "").astype(str).astype(object)


def _with_uuid_column(frame: pd.DataFrame, name: str) -> pd.Series:
    return _text_column(frame, name).map(lambda t: f"uuid:{t}" if t else "")


def _label_column(frame: pd.DataFrame, f: Field) -> pd.Series:
    return _text_column(frame, f.name).map(lambda v: label_of(f, v))


def kobo_header(f: Field, style: str) -> str:
    """Column title: `name`, Kobo `group/name`, ODK `group-name` or the question `label`."""
    if style == "label":
        return f.label
    if style == "path" and f.group:
        return f"{f.group}/{f.name}"
    if style == "odk" and f.group:
        return f"{f.group}-{f.name}"
    return f.name


def _write_table(path: Path, columns: list[tuple[str, pd.Series]], *, delimiter: str = ",",
                 encoding: str = "utf-8", quote_all: bool = False, errors: str = "strict") -> None:
    table = pd.DataFrame({i: values.reset_index(drop=True) for i, (_, values) in enumerate(columns)})
    table.columns = [title for title, _ in columns]
    text = table.to_csv(index=False, sep=delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    path.write_bytes(text.encode(encoding, errors=errors))


def _option_flags(values: pd.Series, option: str) -> pd.Series:
    """Kobo's 0/1 column for one option of a select_multiple (empty when unanswered)."""
    chosen = (" " + values.astype(str) + " ").str.contains(f" {option} ", regex=False)
    flags = np.where(values == "", "", np.where(chosen, "1", "0"))
    return pd.Series(flags, index=values.index, dtype=object)


def _has_supersedes(frame: pd.DataFrame) -> bool:
    return "_supersedes" in frame and bool(frame["_supersedes"].notna().any())


def write_kobo_csv(frame: pd.DataFrame, form: Form, path: Path, *, delimiter: str = ";",
                   encoding: str = "utf-8", style: str = "path", split_multiple: bool = True) -> None:
    """KoboToolbox CSV export: start/end, answers (XML values, group paths, 0/1 option columns
    for select_multiple), then Kobo's meta columns; `;`, every cell quoted."""
    n = len(frame)
    index = pd.Series(range(1, n + 1), index=frame.index)
    columns: list[tuple[str, pd.Series]] = [("start", _local_iso(frame, -25)), ("end", _local_iso(frame, -3))]
    for f in form.fields:
        values = _text_column(frame, f.name)
        columns.append((kobo_header(f, style), values))
        if f.type == "select_multiple" and split_multiple:
            columns += [(f"{kobo_header(f, style)}/{v}", _option_flags(values, v)) for v in f.choice_values]
    constant = lambda text: pd.Series(text, index=frame.index, dtype=object)  # noqa: E731
    columns += [
        ("_id", (index + 400_000).astype(str)),
        ("_uuid", _text_column(frame, "_submission_id")),
        ("_submission_time", _kobo_times(frame)),
        ("_validation_status", constant("")), ("_notes", constant("")),
        ("_status", constant("submitted_via_web")), ("_submitted_by", constant("")),
        ("__version__", constant(f"{form.version}KaliPasir")), ("_tags", constant("")),
        ("_index", index.astype(str)),
        ("meta/instanceID", _with_uuid_column(frame, "_submission_id")),
    ]
    if _has_supersedes(frame):
        columns.append(("meta/deprecatedID", _with_uuid_column(frame, "_supersedes")))
    # Excel re-saving in cp1252 loses what that code page lacks (emoji): "?" like Excel does
    _write_table(path, columns, delimiter=delimiter, encoding=encoding, quote_all=True, errors="replace")


def write_odk_csv(frame: pd.DataFrame, form: Form, path: Path, *, bom: bool = True) -> None:
    """ODK Central CSV: `SubmissionDate` (UTC, Z), `group-name` titles, `meta-instanceID`, `KEY`."""
    instance = _with_uuid_column(frame, "_submission_id")
    constant = lambda text: pd.Series(text, index=frame.index, dtype=object)  # noqa: E731
    columns = [("SubmissionDate", _strftime(_utc_column(frame), "%Y-%m-%dT%H:%M:%S.000Z"))]
    columns += [(kobo_header(f, "odk"), _text_column(frame, f.name)) for f in form.fields]
    columns += [("meta-instanceID", instance), ("KEY", instance), ("SubmitterID", constant("7")),
                ("SubmitterName", constant("enumerator-kp")), ("AttachmentsPresent", constant("0")),
                ("AttachmentsExpected", constant("0")), ("Status", constant("")),
                ("ReviewState", constant("")), ("DeviceID", constant("collect:fiktif")),
                ("Edits", constant("0")), ("FormVersion", constant("2024110101"))]
    _write_table(path, columns, encoding="utf-8-sig" if bom else "utf-8")


def write_gforms_csv(frame: pd.DataFrame, form: Form, path: Path) -> None:
    """Google Forms responses: `Timestamp` in Jakarta time, question titles, answer labels."""
    local = _utc_column(frame).dt.tz_convert(TIMEZONE)
    columns = [("Timestamp", _strftime(local, "%d/%m/%Y %H:%M:%S"))]
    for f in form.fields:
        if f.type == "date":
            columns.append((f.label, _text_column(frame, f.name).map(_dmy)))
        else:
            columns.append((f.label, _label_column(frame, f)))
    _write_table(path, columns)


def _dmy(text: str) -> str:
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", text)
    return f"{match.group(3)}/{match.group(2)}/{match.group(1)}" if match else text


def write_kobo_json(frame: pd.DataFrame, form: Form, path: Path, *, indent: int | None = None) -> None:
    """KoboToolbox API v2 `data` response: `{"count", "next", "previous", "results": [...]}`.

    Like Kobo, unanswered questions are left out of a record.
    """
    results = []
    starts, ends, times = _local_iso(frame, -25).tolist(), _local_iso(frame, -3).tolist(), _kobo_times(frame).tolist()
    for i, r in enumerate(_rows(frame), start=1):
        record: dict[str, Any] = {
            "_id": 500_000 + i,
            "formhub/uuid": "0f1ct1f0f1ct1f0f1ct1f0f1ct1f0000",
            "start": starts[i - 1],
            "end": ends[i - 1],
        }
        for f in form.fields:
            text = _text(r.get(f.name))
            if text:
                record[kobo_header(f, "path")] = text
        record.update({
            "__version__": f"{form.version}KaliPasir",
            "meta/instanceID": _with_uuid(r.get("_submission_id")),
        })
        if _text(r.get("_supersedes")):
            record["meta/deprecatedID"] = _with_uuid(r.get("_supersedes"))
        record.update({
            "_xform_id_string": f"kp_{form.form_id}",
            "_uuid": _text(r.get("_submission_id")),
            "_attachments": [],
            "_status": "submitted_via_web",
            "_geolocation": [None, None],
            "_submission_time": times[i - 1],
            "_tags": [],
            "_notes": [],
            "_validation_status": {},
            "_submitted_by": None,
        })
        results.append(record)
    document = {"count": len(results), "next": None, "previous": None, "results": results}
    text = json.dumps(document, ensure_ascii=False, indent=indent, separators=(",", ":") if indent is None else None)
    path.write_text(text + "\n", encoding="utf-8")


def write_xlsx(frame: pd.DataFrame, form: Form, path: Path, *, style: str = "path",
               labels: bool = False, date1904: bool = False, serial_date_every: int = 0,
               time_cells: bool = False) -> None:
    """Kobo-style XLSX: dates as Excel date cells (every `serial_date_every`-th as a bare serial
    number, as when pasted as values), optionally the 1904 date system, labels instead of
    values, and datetime cells for `_submission_time`."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel

    workbook = openpyxl.Workbook(write_only=True)
    if date1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.create_sheet(form.form_id)
    supersedes = _has_supersedes(frame)
    header = [kobo_header(f, style) for f in form.fields] + ["_uuid", "_submission_time", "_index"]
    sheet.append(header + (["meta/deprecatedID"] if supersedes else []))
    times = _utc_column(frame).dt.tz_localize(None)
    time_text = _strftime(_utc_column(frame), "%Y-%m-%dT%H:%M:%S").tolist()

    def dated(value: Any, number_format: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell

    for i, r in enumerate(_rows(frame), start=1):
        cells: list[Any] = []
        for f in form.fields:
            value = _text(r.get(f.name))
            if f.type == "date" and re.match(r"^\d{4}-\d{2}-\d{2}$", value):
                day = dt.date.fromisoformat(value)
                serial = serial_date_every and i % serial_date_every == 0
                cells.append(to_excel(day, epoch=workbook.epoch) if serial else dated(day, "dd/mm/yyyy"))
            elif labels:
                cells.append(label_of(f, value) or None)
            else:
                cells.append(_xlsx_value(f, value))
        stamp = times.iloc[i - 1]
        if time_cells and not pd.isna(stamp):
            cells.append(_text(r.get("_submission_id")) or None)
            cells.append(dated(stamp.to_pydatetime(), "yyyy-mm-dd hh:mm:ss"))
        else:
            cells += [_text(r.get("_submission_id")) or None, time_text[i - 1] or None]
        cells.append(i)
        if supersedes:
            cells.append(_with_uuid(r.get("_supersedes")) or None)
        sheet.append(cells)
    workbook.properties.creator = "Kali Pasir Pulse (fictional sample)"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(stable_zip(buffer.getvalue()))


def _xlsx_value(f: Field, value: Any) -> Any:
    """Numbers as numbers (as Kobo writes integer/likert answers); everything else as text."""
    text = _text(value)
    if not text:
        return None
    if f.type in ("integer", "likert") and re.fullmatch(r"-?\d{1,6}", text):
        return int(text)
    return text


def stable_zip(data: bytes) -> bytes:
    """The same zip with fixed member times and document dates, so builds are reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                                 rb"\g<1>" + _CORE_TIME.encode() + rb"\g<2>", content)
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, content)
    return out.getvalue()


def write_export(frame: pd.DataFrame, form: Form, path: Path, fmt: str, **options: Any) -> Path:
    """Write `frame` (canonical columns + `_submission_id`, `_submitted_at`, `_supersedes`) as `fmt`."""
    writers: dict[str, Callable[..., None]] = {
        "kobo_csv": write_kobo_csv, "odk_csv": write_odk_csv, "gforms_csv": write_gforms_csv,
        "xlsx": write_xlsx, "kobo_json": write_kobo_json,
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = Path(path)
    writers[fmt](frame, form, path, **options)
    return path
