"""Stage 1: read one field-tool export (CSV, XLSX, JSON) into a `RawBatch` of canonical text columns.

The low-level readers only turn bytes into a table of cells; `to_batch` does everything that
knows about forms (detection, header mapping, label → value, dates, meta columns).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sentiment.config import TIMEZONE
from sentiment.errors import InputError
from sentiment.forms.batch import RawBatch
from sentiment.forms.cells import (
    WINDOWS_EPOCH,
    as_object,
    cell_text,
    converter,
    geo_number,
    is_missing,
    map_unique,
    nulls,
    parse_times,
)
from sentiment.forms.model import (
    GEOPOINT_PARTS,
    Field,
    Form,
    FormRegistry,
    load_registry,
    normalise_header,
)

SOURCE_FORMATS = ("kobo_csv", "odk_csv", "gforms_csv", "xlsx", "kobo_json", "odk_json")  # RawBatch.source_format
# A file must carry at least this share of a form's fields to count as that form.
MIN_FORM_SHARE = 0.5
_DELIMITERS = (";", ",", "\t", "|")

# Meta columns by tool, as lower-cased header titles, in order of preference.
_ID_HEADERS = ("_uuid", "meta/instanceid", "meta-instanceid", "instanceid", "key", "__id")
_SUPERSEDES_HEADERS = ("meta/deprecatedid", "meta-deprecatedid", "deprecatedid")
# Same on every edit: Kobo's rootUuid; ODK Central OData's `__id` (the first version's instanceID)
_ROOT_HEADERS = ("meta/rootuuid", "meta-rootuuid", "rootuuid", "__id")
EXTRA_PREFIX = "_extra:"  # frame columns holding an undeclared column's values, by header
_UTC_TIME_HEADERS = ("_submission_time", "submissiondate", "submission_time",
                     "__system/submissiondate")
_LOCAL_TIME_HEADERS = ("timestamp", "stempel waktu", "cap waktu")
# The form version each submission was filled in (Kobo, ODK Central OData, ODK CSV).
_VERSION_HEADERS = ("__version__", "__system/formversion", "formversion")
_KOBO_MARKERS = ("_uuid", "_submission_time", "_index", "_id")
_ODK_MARKERS = ("submissiondate", "key", "meta-instanceid")
# Tool bookkeeping columns not worth a warning when ignored.
_TOOL_PREFIXES = ("_", "meta/", "meta-", "formhub/", "formhub-")
_TOOL_COLUMNS = {
    "start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber",
    "submitterid", "submittername", "attachmentspresent", "attachmentsexpected", "status",
    "reviewstate", "edits", "formversion", "key", "submissiondate", "instanceid",
    *_LOCAL_TIME_HEADERS, "alamat email", "email address",
}



@dataclass(frozen=True)
class ReadLimits:
    """Upper bounds that keep a malformed or hostile file from exhausting the machine."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_cell_chars: int = 10_000
    max_rows: int = 1_000_000
    max_json_depth: int = 10
    # XLSX is a zip: its unpacked size and per-member compression ratio are checked first
    max_unpacked_bytes: int = 500 * 1024 * 1024
    max_compression_ratio: float = 200.0


@dataclass
class RawTable:
    """Cells of one file as read: positional columns (titles may repeat), no form knowledge."""

    headers: list[str]
    cells: pd.DataFrame  # columns 0..n-1, values str / number / datetime / None
    rows: np.ndarray  # the row number the user sees for each record
    kind: str  # "csv", "xlsx" or "json"
    epoch: dt.datetime = WINDOWS_EPOCH  # Excel date system for serial numbers
    warnings: list[str] = field(default_factory=list)


# --- entry point ------------------------------------------------------------------------


def read_export(
    path: Path | str, registry: FormRegistry | None = None, limits: ReadLimits | None = None
) -> RawBatch:
    """Read one export file into a RawBatch (see docs/architecture.md, stage 1).

    Raises InputError naming the file (and row/field where known) when it cannot be used.
    """
    table, sha256 = read_table(path, limits or ReadLimits())
    return to_batch(table, Path(path).name, sha256, registry or load_registry(), limits or ReadLimits())


def read_export_versions(
    path: Path | str, registry: FormRegistry | None = None, limits: ReadLimits | None = None
) -> list[RawBatch]:
    """Like `read_export`, but a file whose rows name several declared versions of its form
    (a Kobo export of every version, `__version__`) gives one RawBatch per version, each read
    with its own version's definition and identified by the file's hash and the version.
    A file of one version gives one RawBatch, exactly `read_export`'s."""
    limits = limits or ReadLimits()
    registry = registry or load_registry()
    name = Path(path).name
    table, sha256 = read_table(path, limits)
    lowered = [h.casefold() for h in table.headers]
    form = detect_form(table.headers, registry, name)
    parts, notes = version_parts(form, table.cells, lowered, registry)
    if len(parts) <= 1:
        return [to_batch(table, name, sha256, registry, limits)]
    batches = []
    for version_form, mask in parts:
        part = RawTable(table.headers, table.cells.loc[mask], table.rows[mask], table.kind,
                        table.epoch, list(table.warnings))
        part_sha = hashlib.sha256(f"{sha256}:{version_form.key}".encode()).hexdigest()
        batch = to_batch(part, name, part_sha, registry, limits, form=version_form)
        batch.warnings[:0] = [f"{int(mask.sum())} row(s) read with form {version_form.key}"
                              " (the version they name)", *notes]
        notes = []  # said once, on the first part
        batches.append(batch)
    return batches


def version_parts(form: Form, cells: pd.DataFrame, lowered: list[str], registry: FormRegistry,
                  ) -> tuple[list[tuple[Form, np.ndarray]], list[str]]:
    """Rows per declared version of `form` their version column names (rows naming no
    declared version go with the most common declared one, with a warning); no parts when
    the file has no version column or its rows name at most one declared version."""
    for header in _VERSION_HEADERS:
        if header not in lowered:
            continue
        named = map_unique(cells[lowered.index(header)], cell_text)
        forms = {v: registry.by_submitted_version(form.form_id, header, str(v))
                 for v in named.dropna().unique()}
        declared = {v: f for v, f in forms.items() if f is not None}
        if len({f.key for f in declared.values()}) <= 1:
            return [], []
        keys = named.map({v: f.key for v, f in declared.items()})
        main = keys.value_counts().index[0]
        unknown = sorted(str(v) for v in forms if v not in declared)
        notes = [f"form version(s) {', '.join(map(repr, unknown))} not declared by any version of "
                 f"form {form.form_id!r} (versions_match): those rows read as {main}"] if unknown else []
        keys = keys.fillna(main).to_numpy()
        by_key = {f.key: f for f in declared.values()}
        return [(by_key[k], keys == k) for k in dict.fromkeys(keys)], notes
    return [], []


def read_table(path: Path | str, limits: ReadLimits) -> tuple[RawTable, str]:
    """The file's cells and its SHA-256, after the size checks."""
    path = Path(path)
    data = read_bytes(path, limits)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        table = read_csv_table(data, path.name, limits)
    elif suffix in (".xlsx", ".xlsm"):
        table = read_xlsx_table(data, path.name, limits)
    elif suffix == ".json":
        table = read_json_table(data, path.name, limits)
    else:
        raise InputError(path.name, f"unsupported file type {suffix or '(none)'!r}; "
                                    "expected .csv, .xlsx or .json")
    return table, hashlib.sha256(data).hexdigest()


def read_bytes(path: Path, limits: ReadLimits) -> bytes:
    """The file's bytes, after the size checks (no point parsing what we would refuse)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(path.name, f"cannot open the file: {exc.strerror or exc}") from exc
    if size == 0:
        raise InputError(path.name, "the file is empty")
    if size > limits.max_file_bytes:
        raise InputError(path.name, f"the file is {size / 1e6:.1f} MB, above the limit of "
                                    f"{limits.max_file_bytes / 1e6:.0f} MB; split the export")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path.name, f"cannot read the file: {exc.strerror or exc}") from exc


# --- CSV ----------------------------------------------------------------------------------


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether all of `data` decodes, checked 1 MiB at a time (no copy of the whole file as
    text: with one emoji in it, CPython stores every character in 4 bytes)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def csv_bytes(data: bytes, name: str) -> tuple[bytes, str, list[str]]:
    """A CSV's bytes (BOM removed), their encoding and any warning: UTF-8 (with or without
    BOM), UTF-16 with BOM (re-encoded as UTF-8), else Windows-1252 with a warning."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-8", []
        except UnicodeDecodeError as exc:
            raise InputError(name, "the file starts like UTF-16 text but cannot be decoded") from exc
    if b"\x00" in data[:65536]:
        raise InputError(name, "this is not a text CSV file (it holds binary data); "
                               "export the survey again as CSV")
    if _decodes(data, "utf-8"):
        return data, "utf-8", []
    # Excel on Windows saves "CSV" in the ANSI code page; cp1252 covers Indonesian text
    encoding = "cp1252" if _decodes(data, "cp1252") else "latin-1"
    return data, encoding, ["file is not UTF-8: read as Windows-1252 (cp1252); check accented "
                            "letters and save the export as 'CSV UTF-8' next time"]


_HEAD_BYTES = 1 << 20  # at least 200,000 characters: the header and first data line scans


def _delimiter_counts(text: str) -> tuple[dict[str, int], int]:
    """Delimiters outside quotes on the first line that has any, and where that line ends."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for position, char in enumerate(text[:200_000]):
        if char == '"':
            quoted = not quoted
        elif not quoted:
            if char in "\r\n":
                if any(counts.values()):
                    return counts, position
            elif char in counts:
                counts[char] += 1
    return counts, len(text)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line most often (outside quotes)."""
    counts, _ = _delimiter_counts(text)
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def check_body_delimiter(text: str, delimiter: str, name: str, first_row: int) -> None:
    """Refuse a file whose header and first data row use different delimiters (a header
    typed with `;` over rows exported with `,`): read as is, every row would be rejected."""
    header, end = _delimiter_counts(text)
    if not header[delimiter]:
        return
    body, _ = _delimiter_counts(text[end:].lstrip("\r\n"))
    other = max((d for d in _DELIMITERS if d != delimiter), key=lambda d: body[d])
    if not body[delimiter] and body[other]:
        shown = {"\t": "tab"}.get(other, repr(other))
        raise InputError(name, f"the header row is separated by {delimiter!r} but the data rows "
                               f"by {shown}: save the export again with one delimiter",
                         row=first_row + 1)


def read_csv_table(data: bytes, name: str, limits: ReadLimits) -> RawTable:
    body, encoding, warnings = csv_bytes(data, name)
    # The delimiter checks look at the first lines only; pandas decodes the bytes itself.
    head = body[:_HEAD_BYTES].decode(encoding, errors="ignore")
    first_row = 1
    hint = re.match(r"^sep=(.)\r?\n", head)  # Excel's "sep=;" first line names the delimiter
    if hint:
        delimiter, first_row = hint.group(1), 2
        body = body[len(hint.group(0).encode(encoding)):]
        head = head[hint.end():]
    else:
        delimiter = sniff_delimiter(head)
    check_body_delimiter(head, delimiter, name, first_row)
    encoded = io.BytesIO(body)
    try:
        cells = pd.read_csv(
            encoded, encoding=encoding, sep=delimiter, header=None, dtype=object, keep_default_na=False,
            na_filter=False, skip_blank_lines=False, engine="c", nrows=limits.max_rows + 2,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.EmptyDataError as exc:
        raise InputError(name, "the file is empty") from exc
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise InputError(name, f"cannot parse the CSV: {str(exc).strip()}",
                         row=int(line.group(1)) if line else None) from exc
    rows = np.arange(first_row, first_row + len(cells))
    return _split_header(cells, rows, "csv", name, limits, warnings)


def _split_header(cells: pd.DataFrame, rows: np.ndarray, kind: str, name: str, limits: ReadLimits,
                  warnings: list[str], epoch: dt.datetime = WINDOWS_EPOCH) -> RawTable:
    """First non-blank record is the header; blank records are dropped (numbering kept)."""
    cells = cells.reset_index(drop=True)
    cells.columns = range(cells.shape[1])
    blank = _blank_rows(cells)
    keep = np.flatnonzero(~blank)
    if len(keep) == 0:
        raise InputError(name, "the file is empty (no header row)")
    header_pos = keep[0]
    headers = ["" if is_missing(v) else str(v).strip() for v in cells.iloc[header_pos]]
    if sum(1 for h in headers if h) <= 1:
        shown = next((h for h in headers if h), "")
        raise InputError(name, f"the header row is one column ({shown[:60]!r}): not an export with "
                               "one column per question, or separated by something other than "
                               "',', ';', tab or '|'", row=int(rows[header_pos]))
    body_pos = keep[1:]
    if len(body_pos) == 0:
        raise InputError(name, "the file has a header row but no data rows")
    if len(body_pos) > limits.max_rows:
        raise InputError(name, f"more than {limits.max_rows:,} data rows; split the export")
    body = cells.iloc[body_pos].reset_index(drop=True)
    return RawTable(headers, body, rows[body_pos], kind, epoch, warnings)


def _blank_rows(cells: pd.DataFrame) -> np.ndarray:
    blank = np.ones(len(cells), dtype=bool)
    for column in cells.columns:
        values = cells[column]
        text = values.where(values.notna(), "").astype(str).str.strip()
        blank &= (text == "").to_numpy(dtype=bool)
    return blank


# --- XLSX ---------------------------------------------------------------------------------


def check_zip(data: bytes, name: str, limits: ReadLimits) -> None:
    """Refuse a non-zip or a zip bomb before openpyxl unpacks anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputError(name, "not a valid .xlsx workbook (it is not a zip archive); "
                               "open it in Excel and save it as .xlsx again") from exc
    with archive:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        if unpacked > limits.max_unpacked_bytes:
            raise InputError(name, f"the workbook unpacks to {unpacked / 1e6:.0f} MB, above the "
                                   f"limit of {limits.max_unpacked_bytes / 1e6:.0f} MB")
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1_000_000 and ratio > limits.max_compression_ratio:
                raise InputError(name, f"workbook part {member.filename!r} is compressed "
                                       f"{ratio:.0f}:1: refused as a possible zip bomb")


def read_xlsx_table(data: bytes, name: str, limits: ReadLimits) -> RawTable:
    import openpyxl

    check_zip(data, name, limits)
    try:
        # data_only=False: a formula cell comes back as its text ("=..."), never evaluated
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise InputError(name, f"cannot open the workbook: {exc}") from exc
    try:
        if not workbook.worksheets:
            raise InputError(name, "the workbook has no sheets")
        sheets = {title.strip().casefold() for title in workbook.sheetnames}
        if "survey" in sheets and sheets & {"choices", "settings"}:
            raise InputError(name, "this is an XLSForm (a form definition: 'survey' and 'choices' "
                                   "sheets), not an export of answers; import it with "
                                   "`sentiment forms import`")
        sheet = workbook.worksheets[0]  # Kobo puts the main table first, repeat groups after
        sheet.reset_dimensions()  # some writers store a wrong sheet size; read every row
        records: list[tuple[Any, ...]] = []
        numbers: list[int] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            records.append(values)
            numbers.append(number)
            if len(records) > limits.max_rows + 1:
                raise InputError(name, f"more than {limits.max_rows:,} data rows; split the export")
        epoch = workbook.epoch
    except InputError:
        raise
    except Exception as exc:
        raise InputError(name, f"cannot read the workbook: {exc}") from exc
    finally:
        workbook.close()
    width = max((len(r) for r in records), default=0)
    cells = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in records], dtype=object)
    return _split_header(cells, np.asarray(numbers, dtype=np.int64), "xlsx", name, limits, [], epoch)


# --- JSON ---------------------------------------------------------------------------------


def json_depth(document: Any) -> int:
    """Nesting depth of a parsed JSON document (a scalar is 0), without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _is_geojson_point(value: dict[str, Any]) -> bool:
    return value.get("type") == "Point" and isinstance(value.get("coordinates"), list)


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested groups become Kobo paths: {"group": {"age": 17}} → {"group/age": 17}."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and not _is_geojson_point(value):
            flat.update(_flatten(value, f"{path}/"))
        else:
            flat[path] = value
    return flat


def _scrub_surrogates(value):
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, list):
        return [_scrub_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_scrub_surrogates(k): _scrub_surrogates(v) for k, v in value.items()}
    return value


def read_json_table(data: bytes, name: str, limits: ReadLimits) -> RawTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, "JSON must be UTF-8 text") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(name, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    except RecursionError as exc:
        raise InputError(name, f"JSON nested deeper than {limits.max_json_depth} levels") from exc
    if json_depth(document) > limits.max_json_depth:
        raise InputError(name, f"JSON nested deeper than {limits.max_json_depth} levels")
    warnings: list[str] = []
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        # "\ud800" escapes decode to lone surrogates, which no UTF-8 store accepts
        document = _scrub_surrogates(document)
        warnings.append(f"{name}: invalid characters (lone UTF-16 surrogates) replaced by U+FFFD")
    if isinstance(document, dict):
        records = document.get("results")
        if not isinstance(records, list):  # ODK Central OData: {"@odata.context": …, "value": [...]}
            records = document.get("value")
        if not isinstance(records, list):
            raise InputError(name, 'expected a Kobo API export ({"results": [...]}), an ODK '
                                   'Central OData document ({"value": [...]}) or a list of records')
        count = document.get("count")
        if isinstance(count, int) and count > len(records):
            warnings.append(f"the file holds {len(records)} of {count} submissions (one page of a "
                            "paged API download); download the remaining pages too")
    elif isinstance(document, list):
        records = document
    else:
        raise InputError(name, "expected a list of submission records")
    if not records:
        raise InputError(name, "the file holds no submissions")
    if len(records) > limits.max_rows:
        raise InputError(name, f"more than {limits.max_rows:,} records; split the export")
    flat = []
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InputError(name, "a submission is not a JSON object", row=position)
        flat.append(_flatten(record))
    headers = list(dict.fromkeys(key for record in flat for key in record))
    cells = pd.DataFrame([[record.get(h) for h in headers] for record in flat], dtype=object)
    cells.columns = range(len(headers))
    return RawTable(headers, cells, np.arange(1, len(flat) + 1), "json", WINDOWS_EPOCH, warnings)


# --- table → RawBatch ----------------------------------------------------------------------


def to_batch(table: RawTable, name: str, sha256: str, registry: FormRegistry,
             limits: ReadLimits, form: Form | None = None) -> RawBatch:
    """Detect the form (unless given), map columns to fields, convert values and derive the
    meta columns."""
    headers = table.headers
    lowered = [h.casefold() for h in headers]
    if form is None:
        form, version_warnings = route_version(detect_form(headers, registry, name), table.cells,
                                               lowered, registry)
    else:
        version_warnings = []
    positions = map_headers(headers, form, name)
    _check_meta_unique(lowered, name)
    undeclared = _undeclared(headers, positions, form)
    check_cell_sizes(table, [*positions.values(), *_meta_positions(lowered),
                             *(i for i, _ in undeclared)], name, limits)

    cells = table.cells
    out: dict[str, pd.Series] = {}
    missing: list[str] = []  # questions no column of the file holds
    for f in form.fields:
        column = None
        if f.name in positions:
            column = map_unique(cells[positions[f.name]], converter(f, table.epoch))
        elif f.type == "select_multiple":
            column = _from_split_columns(cells, headers, f)
        elif f.type == "geopoint":
            column = _geopoint_from_parts(cells, headers, f)
        if column is None:
            missing.append(f.name)
        out[f.name] = nulls(cells.index) if column is None else column
    frame = pd.DataFrame(out, index=cells.index)

    source_format = detect_source_format(table.kind, lowered)
    frame["_source_file"] = name
    frame["_source_row"] = table.rows.astype(np.int64)
    frame["_submission_id"] = submission_ids(cells, lowered)
    frame["_supersedes"] = _first_text(cells, lowered, _SUPERSEDES_HEADERS, strip_uuid=True)
    frame["_root_id"] = _first_text(cells, lowered, _ROOT_HEADERS, strip_uuid=True).fillna(
        frame["_submission_id"])
    frame["_submitted_at"] = submitted_at(cells, lowered)
    frame["_form_id"] = form.form_id
    frame["_form_version"] = form.version
    for i, header in undeclared:
        frame[EXTRA_PREFIX + header] = cells[i].map(_extra_text)
    warnings = [*table.warnings, *version_warnings,
                *_column_warnings(headers, positions, form, missing)]
    return RawBatch(name, sha256, source_format, form, frame.reset_index(drop=True), warnings)


def detect_form(headers: list[str], registry: FormRegistry, name: str) -> Form:
    titles = [h for h in headers if h]
    # Kobo label exports prefix the question label with its group: "identitas/Umur (tahun)"
    titles += [h.rsplit("/", 1)[1] for h in titles if "/" in h]
    try:
        form, share = registry.detect(titles)
    except LookupError as exc:
        raise InputError(name, str(exc)) from exc
    if share < MIN_FORM_SHARE:
        raise InputError(name, f"no known survey form recognised in the column titles (best match "
                               f"{form.key} with {share:.0%} of its questions); check that this is "
                               f"an export of one of the programme's forms "
                               f"({', '.join(sorted({f.form_id for f in registry.forms}))}) "
                               "with its header row")
    return form


def route_version(form: Form, cells: pd.DataFrame, lowered: list[str],
                  registry: FormRegistry) -> tuple[Form, list[str]]:
    """The version of the detected form that the submissions name (`__version__`,
    `__system/formVersion`, `FormVersion`) when the programme declares it (`versions_match`),
    else the form the headers matched; warnings when rows name several versions or one the
    programme does not know."""
    for header in _VERSION_HEADERS:
        if header not in lowered:
            continue
        counts = map_unique(cells[lowered.index(header)], cell_text).dropna().value_counts()
        if counts.empty:
            continue
        version = str(counts.index[0])
        routed = registry.by_submitted_version(form.form_id, header, version)
        warnings = []
        if len(counts) > 1:
            shown = ", ".join(f"{v!r} ({n} rows)" for v, n in counts.items())
            warnings.append(f"rows of {len(counts)} form versions ({shown}) all read with form "
                            f"{(routed or form).key}; export each version separately")
        declared = [f for f in registry.forms if f.form_id == form.form_id and f.versions_match]
        if routed is None and declared:
            warnings.append(f"form version {version!r} is not declared by any version of form "
                            f"{form.form_id!r} (versions_match); read as {form.key} by its "
                            "columns: import the new version with `sentiment forms import`")
        return routed or form, warnings
    return form, []


def map_headers(headers: list[str], form: Form, name: str) -> dict[str, int]:
    """Field name → column position; two columns for one field is an error (which one is right?)."""
    aliases = form.alias_map()
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        field_name = _field_for(header, aliases) if header else None
        if field_name is None:
            continue
        if field_name in positions:
            first = headers[positions[field_name]]
            raise InputError(name, f"columns {first!r} and {header!r} both hold question "
                                   f"{field_name!r}; remove one of them", field=field_name)
        positions[field_name] = position
    return positions


def _field_for(header: str, aliases: dict[str, str]) -> str | None:
    """The field a column title names; `group/Question label` (Kobo label export) by its last part.

    The last part is not used when the rest names a field: `kegiatan/dialog` is one option's
    0/1 column, not a question.
    """
    key = normalise_header(header)
    if key in aliases:
        return aliases[key]
    if "/" in key:
        prefix, last = key.rsplit("/", 1)
        if prefix.strip() not in aliases:
            return aliases.get(last.strip())
    return None


def _check_meta_unique(lowered: list[str], name: str) -> None:
    for header in (*_ID_HEADERS, *_SUPERSEDES_HEADERS, *_ROOT_HEADERS, *_UTC_TIME_HEADERS,
                   *_LOCAL_TIME_HEADERS):
        if lowered.count(header) > 1:
            raise InputError(name, f"column {header!r} appears more than once", field=header)


def _meta_positions(lowered: list[str]) -> list[int]:
    known = {*_ID_HEADERS, *_SUPERSEDES_HEADERS, *_ROOT_HEADERS, *_UTC_TIME_HEADERS,
             *_LOCAL_TIME_HEADERS}
    return [i for i, h in enumerate(lowered) if h in known]


def check_cell_sizes(table: RawTable, positions: list[int], name: str, limits: ReadLimits) -> None:
    for position in positions:
        column = table.cells[position]
        lengths = map_unique(column, lambda v: len(v) if isinstance(v, str) else 0)
        lengths = lengths.fillna(0).to_numpy(dtype=np.int64)
        too_long = np.flatnonzero(lengths > limits.max_cell_chars)
        if len(too_long):
            raise InputError(name, f"a cell holds {lengths[too_long[0]]:,} characters, above the "
                                   f"limit of {limits.max_cell_chars:,}",
                             row=int(table.rows[too_long[0]]), field=table.headers[position])


def _from_split_columns(cells: pd.DataFrame, headers: list[str], f: Field) -> pd.Series | None:
    """Rebuild a select_multiple from Kobo's one-0/1-column-per-option layout, if that is all
    we have (None when the file has no such column)."""
    wanted = f.option_headers()
    found = [(i, wanted[normalise_header(h)]) for i, h in enumerate(headers) if normalise_header(h) in wanted]
    if not found:
        return None
    chosen = pd.DataFrame({
        value: map_unique(cells[i], lambda v: cell_text(v) in ("1", "true", "True")) for i, value in found
    })
    joined = chosen.apply(lambda row: " ".join(v for v, on in row.items() if on), axis=1)
    return joined.where(joined != "", None).astype(object)


def detect_source_format(kind: str, lowered: list[str]) -> str:
    if kind == "xlsx":
        return "xlsx"
    if kind == "json":
        return "odk_json" if "__system/submissiondate" in lowered else "kobo_json"
    present = set(lowered)
    if present & set(_KOBO_MARKERS):
        return "kobo_csv"
    if present & set(_ODK_MARKERS) or any(h.startswith("meta-") for h in present):
        return "odk_csv"
    if present & set(_LOCAL_TIME_HEADERS):
        return "gforms_csv"
    return "kobo_csv"


def _column(cells: pd.DataFrame, lowered: list[str], candidates: tuple[str, ...]) -> pd.Series | None:
    for candidate in candidates:
        if candidate in lowered:
            return cells[lowered.index(candidate)]
    return None


def _first_text(cells: pd.DataFrame, lowered: list[str], candidates: tuple[str, ...],
                strip_uuid: bool = False) -> pd.Series:
    """Per row, the first non-empty value among the candidate columns."""
    out = nulls(cells.index)
    for candidate in candidates:
        if candidate not in lowered:
            continue
        values = map_unique(cells[lowered.index(candidate)], cell_text)
        if strip_uuid:
            values = values.map(lambda v: v.removeprefix("uuid:") if isinstance(v, str) else v)
        out = out.where(out.notna(), values)
    return as_object(out)


def submission_ids(cells: pd.DataFrame, lowered: list[str]) -> pd.Series:
    """Tool ids (Kobo `_uuid`, ODK instanceID/KEY, `uuid:` dropped); else a hash of the row.

    Google Forms has no id: `gf-` + SHA-1 of the timestamp and answers, stable across re-reads.
    """
    ids = _first_text(cells, lowered, _ID_HEADERS, strip_uuid=True)
    missing = ids.isna().to_numpy()
    if missing.any():
        prefix = "gf-" if set(lowered) & set(_LOCAL_TIME_HEADERS) else "row-"
        texts = [map_unique(cells[i], cell_text).fillna("").astype(str) for i in cells.columns]
        joined = texts[0].str.cat(texts[1:], sep="\x1f") if len(texts) > 1 else texts[0]
        hashed = [prefix + hashlib.sha1(s.encode("utf-8")).hexdigest()
                  for s in joined[missing].tolist()]
        ids = ids.copy()
        ids.iloc[np.flatnonzero(missing)] = hashed
    return as_object(ids)


def submitted_at(cells: pd.DataFrame, lowered: list[str]) -> pd.Series:
    """`_submitted_at` as UTC: Kobo/ODK times are UTC (naive or with offset), Google Forms local."""
    utc_column = _column(cells, lowered, _UTC_TIME_HEADERS)
    if utc_column is not None:
        return parse_times(map_unique(utc_column, cell_text), None)
    local_column = _column(cells, lowered, _LOCAL_TIME_HEADERS)
    if local_column is not None:
        return parse_times(map_unique(local_column, cell_text), TIMEZONE)
    return pd.Series(pd.NaT, index=cells.index, dtype="datetime64[us, UTC]")


# Column suffixes of each geopoint part: Kobo `_<name>_precision`, ODK `<name>-Accuracy`.
_GEO_SUFFIXES = {"latitude": ("latitude",), "longitude": ("longitude",),
                 "altitude": ("altitude",), "accuracy": ("accuracy", "precision")}
assert tuple(_GEO_SUFFIXES) == tuple(GEOPOINT_PARTS)


def _part_headers(f: Field, part: str) -> set[str]:
    """Normalised titles a geopoint part's column may have."""
    stems = [f.name, *([f.path] if f.path else [])]
    return {normalise_header(f"{prefix}{stem}{sep}{suffix}")
            for stem in stems for suffix in _GEO_SUFFIXES[part]
            for prefix, sep in (("_", "_"), ("", "_"), ("", "-"), ("", "/"))}


def _geopoint_from_parts(cells: pd.DataFrame, headers: list[str], f: Field) -> pd.Series | None:
    """Kobo's `_<name>_latitude` … `_<name>_precision` (ODK: `<name>-Latitude` …
    `<name>-Accuracy`) columns joined into the one "lat lon alt accuracy" value; None when
    the file has no latitude and longitude columns for it.

    The value is positional: parts after the first empty one are dropped (an accuracy
    without an altitude would otherwise be read as the altitude)."""
    names = {normalise_header(h): i for i, h in enumerate(headers)}
    found = [next((names[k] for k in _part_headers(f, part) if k in names), None)
             for part in GEOPOINT_PARTS]
    if found[0] is None or found[1] is None:
        return None
    parts = [map_unique(cells[i], geo_number) if i is not None else nulls(cells.index)
             for i in found]
    values = []
    for row in zip(*parts, strict=True):
        if row[0] is None or row[1] is None:
            values.append(None)
            continue
        kept = list(row[:2])
        for v in row[2:]:
            if v is None:
                break
            kept.append(v)
        values.append(" ".join(kept))
    return pd.Series(values, index=cells.index, dtype=object)


def _undeclared(headers: list[str], positions: dict[str, int], form: Form) -> list[tuple[int, str]]:
    """Columns the form does not declare (a newer form version, a question added on the
    server): kept as `_extra:<header>` columns, never dropped. Tool meta columns are not."""
    used = set(positions.values())
    meta = {*_ID_HEADERS, *_SUPERSEDES_HEADERS, *_ROOT_HEADERS, *_UTC_TIME_HEADERS,
            *_LOCAL_TIME_HEADERS}
    seen: set[str] = set()
    out = []
    for i, h in enumerate(headers):
        if (h and i not in used and h not in seen and not h.casefold().startswith(_TOOL_PREFIXES)
                and h.casefold() not in _TOOL_COLUMNS and "@odata." not in h
                and h.casefold() not in meta
                and not _is_split_option(h, form) and not _is_geopoint_part(h, form)):
            seen.add(h)
            out.append((i, h))
    return out


def _extra_text(value: object) -> str | None:
    """An undeclared column's cell as text (JSON for a nested value), None when empty."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False) if value else None
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _column_warnings(headers: list[str], positions: dict[str, int], form: Form,
                     missing: list[str]) -> list[str]:
    warnings = []
    unknown = [h for _, h in _undeclared(headers, positions, form)]
    if unknown:
        shown = ", ".join(repr(h) for h in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        warnings.append(f"{len(unknown)} column(s) not in form {form.key} kept as extra answers "
                        f"(redacted, table fact_extra): {shown}")
    repeats = [h.split("@odata.")[0] for h in headers if h.endswith("@odata.navigationLink")]
    if repeats:
        warnings.append(f"repeat group(s) {', '.join(repr(r) for r in repeats)} are links to "
                        "another OData table, not in this file: their rows are not loaded")
    if missing:
        warnings.append(f"question(s) of form {form.key} missing from the file: {', '.join(missing)}")
    return warnings


def _is_geopoint_part(header: str, form: Form) -> bool:
    key = normalise_header(header)
    return any(key in _part_headers(f, part)
               for f in form.fields_of("geopoint") for part in GEOPOINT_PARTS)


def _is_split_option(header: str, form: Form) -> bool:
    key = normalise_header(header)
    for f in form.fields_of("select_multiple"):
        for alias in f.header_aliases():
            if key.startswith(f"{alias}/"):
                return True
    return False
