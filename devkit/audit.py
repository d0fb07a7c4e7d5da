"""Evidence that nothing is lost and nothing leaks: a corpus of broken export files, and
scans of the warehouse, logs and exports for personal data (used by `make audit` and tests)."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

# --- broken-file corpus ---------------------------------------------------------------------

CSV_SAMPLE = "2025-05_remaja_kobo.csv"
XLSX_SAMPLE = "2024-11_remaja_susulan_1904.xlsx"
JSON_SAMPLE = "2025-08_remaja_kobo_api.json"
FORMULAS = ('=HYPERLINK("http://contoh.invalid/x","klik")', "+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1,1)", "=1+1")


@dataclass(frozen=True)
class BrokenFile:
    """One malformed input: `expect` is "error" (the file must be refused with an InputError)
    or "rows" (it may be read; bad rows go to quarantine)."""

    name: str
    data: bytes
    expect: str = "error"


def _csv_rows(sample: Path) -> list[list[str]]:
    text = sample.read_bytes().decode("cp1252", errors="replace")  # sample has one cp1252 file
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def _column(rows: list[list[str]], suffix: str) -> int:
    return next(i for i, h in enumerate(rows[0]) if h.endswith(suffix))


def _zip(members: dict[str, bytes], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _workbook(rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _nested(depth: int) -> object:
    node: object = "x"
    for _ in range(depth):
        node = {"n": node}
    return node


def csv_cases(samples: Path) -> list[BrokenFile]:
    raw = (samples / CSV_SAMPLE).read_bytes()
    rows = _csv_rows(samples / CSV_SAMPLE)
    header, body = rows[0], rows[1:]
    umur, harapan = _column(rows, "/umur"), _column(rows, "/harapan")
    nama, uuid = _column(rows, "/nama"), header.index("_uuid")
    rng = random.Random(20241101)
    formula_rows = [list(r) for r in body[:5]]
    for row, formula in zip(formula_rows, FORMULAS, strict=True):
        row[harapan], row[nama] = formula, formula
    huge = [list(r) for r in body[:3]]
    huge[1][harapan] = "a" * 1_000_000
    dup_col = [r[:umur + 1] + [r[umur]] + r[umur + 1:] for r in rows[:6]]
    dup_uuid = [r + [r[uuid]] for r in rows[:6]]
    ragged = [list(r) for r in rows[:6]]
    ragged[3] = ragged[3] + ["extra", "cells"]
    cut_in_quote = _csv_bytes(rows[:6]).rstrip(b"\n")
    cut_in_quote = cut_in_quote[: cut_in_quote.rfind(b'";"') + 4] + b"tidak ditutup"
    return [
        BrokenFile("empty.csv", b""),
        BrokenFile("blank_lines.csv", b"\n \n\r\n;;;\n"),
        BrokenFile("header_only.csv", _csv_bytes([header])),
        BrokenFile("random_bytes.csv", rng.randbytes(4096)),
        BrokenFile("random_text.csv", bytes(rng.choice(b"abc;,\"\n\r\t 0123") for _ in range(4096))),
        BrokenFile("truncated_mid_row.csv", raw[: int(len(raw) * 0.6)], "rows"),
        BrokenFile("truncated_in_quote.csv", cut_in_quote),
        BrokenFile("utf16_no_bom.csv", _csv_bytes(rows[:6]).decode().encode("utf-16-le")),
        BrokenFile("utf16_bom.csv", b"\xff\xfe" + _csv_bytes(rows[:6]).decode().encode("utf-16-le"),
                   "rows"),
        BrokenFile("latin1.csv", _csv_bytes(rows[:6], "latin-1"), "rows"),
        BrokenFile("undefined_cp1252.csv", _csv_bytes(rows[:6]).replace(b"a", b"\x81\x8d", 3), "rows"),
        BrokenFile("nul_bytes.csv", _csv_bytes(rows[:6]).replace(b";", b";\x00", 5)),
        BrokenFile("missing_header.csv", _csv_bytes(body[:6])),
        BrokenFile("blank_header.csv", _csv_bytes([[""] * len(header), *body[:5]])),
        BrokenFile("unknown_form.csv", b"kolom_a,kolom_b,kolom_c\n1,2,3\n4,5,6\n"),
        BrokenFile("duplicated_question_header.csv", _csv_bytes(dup_col)),
        BrokenFile("duplicated_uuid_header.csv", _csv_bytes(dup_uuid)),
        BrokenFile("ragged_row.csv", _csv_bytes(ragged)),
        BrokenFile("cell_1mb.csv", _csv_bytes([header, *huge])),
        BrokenFile("formula_injection.csv", _csv_bytes([header, *formula_rows]), "rows"),
        BrokenFile("control_chars.csv", _csv_bytes([header, *[
            [c.replace("a", "a\x1b[31m\u202e\u200b") for c in r] for r in body[:4]]]), "rows"),
        BrokenFile("sep_hint_wrong.csv", b"sep=|\n" + _csv_bytes(rows[:6])),
        BrokenFile("one_long_line.csv", b"x" * 2_000_000),
    ]


def xlsx_cases(samples: Path) -> list[BrokenFile]:
    raw = (samples / XLSX_SAMPLE).read_bytes()
    rows = _csv_rows(samples / CSV_SAMPLE)
    header, body = rows[0], rows[1:6]
    harapan = _column(rows, "/harapan")
    formula = [list(r) for r in body]
    formula[0][harapan] = FORMULAS[0]
    big = [list(r) for r in body]
    big[2][harapan] = "b" * 32_000  # Excel's own cell limit is 32,767 characters
    # "billion laughs": nine levels of entities, each ten of the one below (10^9 "lol")
    entities = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">{entities}]>'.encode()
    with zipfile.ZipFile(io.BytesIO(_workbook([header, *body]))) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    cell = sheet.index(b"<t>", sheet.index(b'r="2"')) + 3
    parts["xl/worksheets/sheet1.xml"] = (b'<?xml version="1.0"?>' + doctype + sheet[:cell]
                                         + b"&lol9;" + sheet[cell:])
    return [
        BrokenFile("empty.xlsx", b""),
        BrokenFile("not_a_zip.xlsx", random.Random(7).randbytes(5000)),
        BrokenFile("csv_renamed.xlsx", _csv_bytes(rows[:4])),
        BrokenFile("truncated.xlsx", raw[: len(raw) // 2]),
        BrokenFile("zip_not_workbook.xlsx", _zip({"hello.txt": b"halo"})),
        BrokenFile("zip_bomb.xlsx", _zip({"xl/worksheets/sheet1.xml": b"\0" * 30_000_000})),
        BrokenFile("entity_bomb.xlsx", _zip(parts)),
        BrokenFile("empty_workbook.xlsx", _workbook([])),
        BrokenFile("header_only.xlsx", _workbook([header])),
        BrokenFile("formula_injection.xlsx", _workbook([header, *formula]), "rows"),
        BrokenFile("cell_32k.xlsx", _workbook([header, *big])),
    ]


def json_cases(samples: Path) -> list[BrokenFile]:
    raw = (samples / JSON_SAMPLE).read_bytes()
    document = json.loads(raw)
    records = document["results"][:5]
    nested = [dict(r) for r in records]
    nested[0]["cerita/harapan"] = _nested(20)
    odd_values = [dict(r) for r in records]
    odd_values[0]["identitas/umur"] = [17, 18]
    odd_values[1]["identitas/rw"] = {"a": {"b": 1}}
    odd_values[2]["rasa_aman/aman_siang"] = 1e308
    odd_values[3]["identitas/nama"] = True
    surrogate = [dict(r) for r in records]
    surrogate[0]["cerita/harapan"] = "\ud800 sendiri"

    def dump(value: object) -> bytes:
        return json.dumps(value).encode()

    return [
        BrokenFile("empty.json", b""),
        BrokenFile("not_json.json", b"{bukan json"),
        BrokenFile("truncated.json", raw[: len(raw) // 2]),
        BrokenFile("scalar.json", b"42"),
        BrokenFile("string.json", b'"teks"'),
        BrokenFile("null.json", b"null"),
        BrokenFile("object_without_results.json", dump({"data": records})),
        BrokenFile("results_not_list.json", dump({"results": {"a": 1}})),
        BrokenFile("empty_list.json", b"[]"),
        BrokenFile("empty_results.json", dump({"count": 0, "results": []})),
        BrokenFile("list_of_lists.json", dump([[1, 2], [3]])),
        BrokenFile("list_of_nulls.json", dump([None, None])),
        BrokenFile("records_unknown_form.json", dump([{"foo": 1, "bar": 2}])),
        BrokenFile("nested_20_levels.json", dump({"results": nested})),
        BrokenFile("nested_100k_brackets.json", b"[" * 100_000 + b"]" * 100_000),
        BrokenFile("odd_value_types.json", dump({"results": odd_values}), "rows"),
        BrokenFile("nan_infinity.json", raw.replace(b'"17"', b"NaN", 2).replace(b'"3"', b"Infinity", 2),
                   "rows"),
        BrokenFile("lone_surrogate.json", dump({"results": surrogate}), "rows"),
        BrokenFile("utf16.json", raw.decode().encode("utf-16")),
        BrokenFile("cell_1mb.json", dump({"results": [{**records[0], "cerita/harapan": "c" * 1_000_000},
                                                      *records[1:]]})),
    ]


def broken_files(samples: Path) -> list[BrokenFile]:
    """Every malformed input of the corpus, built from the sample exports in `samples`."""
    return [*csv_cases(samples), *xlsx_cases(samples), *json_cases(samples)]


def write_corpus(folder: Path, samples: Path) -> list[tuple[Path, BrokenFile]]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for case in broken_files(samples):
        path = folder / case.name
        path.write_bytes(case.data)
        written.append((path, case))
    return written


@dataclass
class Outcome:
    """What the read → validate path did with one file."""

    status: str  # "error" (InputError), "rows" (read; rows valid or quarantined) or "crash"
    message: str = ""
    read: int = 0
    valid: int = 0
    quarantined: int = 0
    duplicate: int = 0

    @property
    def rows_lost(self) -> int:
        return self.read - self.valid - self.quarantined - self.duplicate


def try_file(path: Path, limits=None, validate: bool = True) -> Outcome:
    """Read (and validate) one file the way the flow does; classify what happened."""
    from sentiment.errors import InputError
    from sentiment.forms.readers import read_export
    from sentiment.validate import validate_batch

    try:
        batch = read_export(path, limits=limits)
    except InputError as exc:
        return Outcome("error", str(exc))
    except Exception as exc:  # noqa: BLE001 - a crash is what we are counting
        return Outcome("crash", f"read_export: {type(exc).__name__}: {exc}"[:500])
    if not validate:
        return Outcome("rows", read=batch.rows, valid=batch.rows)
    try:
        result = validate_batch(batch)
    except Exception as exc:  # noqa: BLE001
        return Outcome("crash", f"validate_batch: {type(exc).__name__}: {exc}"[:500], read=batch.rows)
    rejected = result.rejected["_source_row"].nunique() if not result.rejected.empty else 0
    return Outcome("rows", read=batch.rows, valid=len(result.valid), quarantined=int(rejected),
                   duplicate=int(result.duplicates))


# --- personal-data scans ------------------------------------------------------------------

NIK_PATTERN = re.compile(r"(?<![0-9A-Za-z])(?:\d{16}|\d{4}[ .-]\d{4}[ .-]\d{4}[ .-]\d{4})(?![0-9A-Za-z])")
PHONE_PATTERN = re.compile(
    r"(?<![0-9A-Za-z+])(?:\+62|62|0)[ .-]?8\d{1,3}[ .-]?\d{3,4}[ .-]?\d{3,5}(?![0-9A-Za-z])")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+\.[A-Za-z]{2,}")
TEXT_LISTS = ("names", "phones", "niks", "emails", "handles", "addresses", "plates")
DIGIT_LISTS = ("phone_digits", "nik_digits")
_NON_DIGITS = re.compile(r"\D")
# digits as people write numbers: runs of digits joined by spaces, dots, dashes, brackets, "+"
_DIGIT_RUN = re.compile(r"\d[\d \t.\-()+/]{6,}\d")  # 8+ characters


@dataclass
class Needles:
    """Known personal values to look for: text (case-folded) and digit-only sequences."""

    text: dict[str, str] = field(default_factory=dict)  # folded value → list name
    digits: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # exact values (canaries, the key)

    @property
    def count(self) -> int:
        return len(self.text) + len(self.digits) + len(self.extra)


def load_needles(path: Path, extra: Iterable[str] = ()) -> Needles:
    """Needles from a `sample_pii.json`-shaped file (lists named as in TEXT_LISTS / DIGIT_LISTS)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    needles = Needles()
    for name in TEXT_LISTS:
        for value in data.get(name, []):
            if str(value).strip():
                needles.text[str(value).casefold()] = name
    for name in DIGIT_LISTS:
        for value in data.get(name, []):
            digits = _NON_DIGITS.sub("", str(value))
            if len(digits) >= 8:
                needles.digits[digits] = name
    needles.extra.update({v: "canary" for v in extra if v})
    return needles


@dataclass(frozen=True)
class Hit:
    where: str  # "table.column", a file name or "log"
    kind: str  # list name or pattern name
    value_hint: str  # never the value itself: its length and first characters masked

    def __str__(self) -> str:
        return f"{self.where}: {self.kind} ({self.value_hint})"


def _hint(value: str) -> str:
    return f"{len(value)} chars, starts {value[:2]}…"


PATTERNS = {"nik_pattern": NIK_PATTERN, "phone_pattern": PHONE_PATTERN, "email_pattern": EMAIL_PATTERN}
_WORDS = re.compile(r"\w+")


def scan_texts(texts: Iterable[str], needles: Needles, where: str,
               patterns: bool | Iterable[str] = False) -> list[Hit]:
    """Hits of known values (and of NIK/phone/e-mail shapes: `patterns` True or some of
    PATTERNS' names) in `texts`."""
    values = [t for t in texts if t]
    if not values:
        return []
    blob = "\n".join(values)
    folded = blob.casefold()
    words = set(_WORDS.findall(folded))  # a value can only occur if all its words do
    hits = [Hit(where, kind, _hint(v)) for v, kind in needles.text.items()
            if all(w in words for w in _WORDS.findall(v)) and v in folded]
    hits += [Hit(where, kind, _hint(v)) for v, kind in needles.extra.items() if v in blob]
    if needles.digits:
        lengths = sorted({len(d) for d in needles.digits})
        found: set[str] = set()
        for match in _DIGIT_RUN.finditer(blob):
            digits = _NON_DIGITS.sub("", match.group())
            if len(digits) >= lengths[0]:
                found |= {digits[i:i + n] for n in lengths for i in range(len(digits) - n + 1)}
        hits += [Hit(where, needles.digits[d], _hint(d)) for d in found & needles.digits.keys()]
    chosen = PATTERNS if patterns is True else {} if patterns is False else {
        name: PATTERNS[name] for name in patterns}
    for name, pattern in chosen.items():
        hits += [Hit(where, name, _hint(m.group())) for m in pattern.finditer(blob)]
    return hits


def text_columns(engine: sa.Engine) -> dict[str, list[str]]:
    """Every table's character columns (the places text could hide)."""
    inspector = sa.inspect(engine)
    out = {}
    for table in inspector.get_table_names():
        columns = [c["name"] for c in inspector.get_columns(table)
                   if isinstance(c["type"], sa.String | sa.Text)]
        if columns:
            out[table] = columns
    return out


def scan_warehouse(url: str, needles: Needles, patterns: bool | Iterable[str] = True
                   ) -> tuple[list[Hit], int]:
    """Hits in every text column of every table, and the number of values scanned."""
    engine = sa.create_engine(url)
    hits: list[Hit] = []
    scanned = 0
    try:
        columns = text_columns(engine)
        with engine.connect() as conn:
            for table, names in columns.items():
                for name in names:
                    values = [str(v) for (v,) in conn.execute(
                        sa.text(f'SELECT "{name}" FROM "{table}" WHERE "{name}" IS NOT NULL'))]
                    scanned += len(values)
                    hits += scan_texts(values, needles, f"{table}.{name}", patterns)
    finally:
        engine.dispose()
    return hits, scanned


def scan_files(paths: Iterable[Path], needles: Needles, patterns: bool | Iterable[str] = False,
               reader: Callable[[Path], str] | None = None) -> tuple[list[Hit], int]:
    """Hits in text files (binary parts decoded leniently); the number of files scanned."""
    hits: list[Hit] = []
    count = 0
    for path in paths:
        if not path.is_file():
            continue
        count += 1
        text = reader(path) if reader else path.read_bytes().decode("utf-8", errors="replace")
        hits += scan_texts(text.splitlines(), needles, path.name, patterns)
    return hits, count


def file_text(path: Path) -> str:
    """Text of an export file for scanning: XLSX/parquet/sav/dta opened with pandas."""
    import pandas as pd

    suffix = path.suffix.lower()
    readers = {".xlsx": pd.read_excel, ".parquet": pd.read_parquet, ".sav": pd.read_spss,
               ".dta": pd.read_stata}
    if suffix in readers:
        frame = readers[suffix](path)
        return frame.astype(str).to_csv(index=False)
    return path.read_bytes().decode("utf-8", errors="replace")
