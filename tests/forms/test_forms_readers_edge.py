"""read_export on tiny hand-made files: errors with addresses, limits, dates, headers, meta."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel

from sentiment.errors import InputError
from sentiment.forms.readers import ReadLimits, read_export

# A minimal Kobo parent export: group paths, `;`, meta columns.
KOBO_HEADER = [
    "identitas/tanggal_wawancara", "identitas/nama", "identitas/rw", "identitas/rt",
    "identitas/jenis_kelamin", "identitas/umur", "rasa_aman/aman_siang", "rasa_aman/aman_malam",
    "rasa_aman/percaya_polisi", "rasa_aman/hubungan_seberang", "rasa_aman/khawatir_anak",
    "rasa_aman/khawatir_tawuran", "pengalaman/tawuran_disaksikan", "pengalaman/kegiatan",
    "cerita/harapan", "_uuid", "_submission_time",
]
KOBO_ROW = ["2024-11-05", "Warga Fiktif", "05", "3", "P", "41", "4", "3", "4", "4", "2", "2", "1",
            "dialog olahraga", "semoga aman", "u-1", "2024-11-05T03:00:00"]


def write_csv(path: Path, header: list[str], rows: list[list[str]], sep: str = ";",
              encoding: str = "utf-8") -> Path:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def kobo_csv(tmp_path: Path, rows: list[list[str]] | None = None, header: list[str] | None = None,
             name: str = "kobo.csv", **kwargs) -> Path:
    return write_csv(tmp_path / name, header or KOBO_HEADER, rows if rows is not None else [KOBO_ROW], **kwargs)


def test_kobo_csv_basic_row(tmp_path, registry):
    batch = read_export(kobo_csv(tmp_path), registry)
    row = batch.frame.iloc[0]
    assert (batch.source_format, batch.form.key) == ("kobo_csv", "orang_tua.v1")
    assert row["rw"] == "05" and row["kegiatan"] == "dialog olahraga" and row["umur"] == "41"
    assert row["_submission_id"] == "u-1" and row["_source_row"] == 2
    assert row["_submitted_at"].isoformat() == "2024-11-05T03:00:00+00:00"
    assert row["telepon"] is None  # missing column → all-null
    assert len(batch.sha256) == 64


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_delimiter_is_sniffed(tmp_path, registry, sep):
    batch = read_export(kobo_csv(tmp_path, sep=sep), registry)
    assert batch.frame.iloc[0]["harapan"] == "semoga aman"


@pytest.mark.parametrize(("head", "body"), [(";", ","), (",", ";"), (",", "\t")])
def test_header_and_rows_with_different_delimiters_are_refused(tmp_path, registry, head, body):
    path = tmp_path / "mixed.csv"
    path.write_text(head.join(KOBO_HEADER) + "\n" + body.join(KOBO_ROW) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"mixed\.csv, row 2: the header row is separated by"):
        read_export(path, registry)


@pytest.mark.parametrize("sep", [" ", ":"])
def test_a_header_that_parses_to_one_column_is_refused(tmp_path, registry, sep):
    path = tmp_path / "one.csv"
    path.write_text(sep.join(KOBO_HEADER) + "\n" + sep.join(KOBO_ROW) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"one\.csv, row 1: the header row is one column") as err:
        read_export(path, registry)
    assert "\n" not in str(err.value)


def test_an_xlsform_in_the_inbox_is_refused_not_loaded_as_answers(tmp_path, registry):
    book = openpyxl.Workbook()
    book.active.title = "survey"
    book.active.append(["type", "name", "label"])
    book.active.append(["text", "nama", "Nama"])
    book.create_sheet("choices").append(["list_name", "name", "label"])
    path = tmp_path / "formulir.xlsx"
    book.save(path)
    with pytest.raises(InputError, match=r"formulir\.xlsx: this is an XLSForm.*forms import"):
        read_export(path, registry)


def test_a_row_with_commas_in_text_under_a_semicolon_header_reads(tmp_path, registry):
    row = [*KOBO_ROW[:14], "aman, tenang, damai", *KOBO_ROW[15:]]
    batch = read_export(kobo_csv(tmp_path, rows=[row], sep=";"), registry)
    assert batch.frame.iloc[0]["harapan"] == "aman, tenang, damai"


def test_blank_lines_keep_the_row_numbers_users_see(tmp_path, registry):
    second = KOBO_ROW[:-2] + ["u-2", "2024-11-06T03:00:00"]
    path = tmp_path / "gaps.csv"
    path.write_text(";".join(KOBO_HEADER) + "\n" + ";".join(KOBO_ROW) + "\n\n" + ";".join(second) + "\n")
    assert read_export(path, registry).frame["_source_row"].tolist() == [2, 4]


def test_excel_sep_line_and_kobo_label_headers_with_groups(tmp_path, registry):
    form = registry.get("orang_tua", "v1")
    header = [f"{h.split('/')[0]}/{form.field(h.split('/')[1]).label}" if "/" in h else h for h in KOBO_HEADER]
    path = tmp_path / "labels.csv"
    path.write_text("sep=,\n" + ",".join(f'"{h}"' for h in header) + "\n" + ",".join(KOBO_ROW) + "\n")
    batch = read_export(path, registry)
    assert batch.form.key == "orang_tua.v1"
    assert batch.frame.iloc[0]["umur"] == "41" and batch.frame.iloc[0]["_source_row"] == 3


def test_cp1252_fallback_warns(tmp_path, registry):
    row = KOBO_ROW[:14] + ["semoga café aman…"] + KOBO_ROW[15:]
    batch = read_export(kobo_csv(tmp_path, [row], encoding="cp1252"), registry)
    assert batch.frame.iloc[0]["harapan"] == "semoga café aman…"
    assert any("cp1252" in w for w in batch.warnings)


def test_the_encoding_is_judged_on_the_whole_file_not_its_first_lines(tmp_path, registry):
    """Only the first MiB is decoded for the delimiter checks; a cp1252 byte after 2 MiB
    still makes the whole file cp1252, and emoji far down a UTF-8 file stay intact."""
    plain = KOBO_ROW[:14] + ["aman"] + KOBO_ROW[15:]
    rows = [plain] * 25_000
    late = rows + [KOBO_ROW[:14] + ["semoga café aman…"] + KOBO_ROW[15:]]
    batch = read_export(kobo_csv(tmp_path, late, encoding="cp1252"), registry)
    assert batch.frame.iloc[-1]["harapan"] == "semoga café aman…"
    assert any("cp1252" in w for w in batch.warnings)
    path = kobo_csv(tmp_path, rows + [KOBO_ROW[:14] + ["mantap 👍🏽 café"] + KOBO_ROW[15:]])
    assert path.stat().st_size > 2 << 20
    batch = read_export(path, registry)
    assert batch.frame.iloc[-1]["harapan"] == "mantap 👍🏽 café"
    assert not any("cp1252" in w for w in batch.warnings)


def test_utf8_bom_reads_without_warning(tmp_path, registry):
    batch = read_export(kobo_csv(tmp_path, encoding="utf-8-sig"), registry)
    assert batch.frame.iloc[0]["tanggal_wawancara"] == "2024-11-05"
    assert not any("cp1252" in w for w in batch.warnings)


def test_formula_like_cells_stay_text(tmp_path, registry):
    row = KOBO_ROW[:14] + ["=HYPERLINK(\"x\")"] + KOBO_ROW[15:]
    assert read_export(kobo_csv(tmp_path, [row]), registry).frame.iloc[0]["harapan"] == '=HYPERLINK("x")'


def test_odk_and_edits(tmp_path, registry):
    header = ["SubmissionDate", *(h.replace("/", "-") for h in KOBO_HEADER[:-2]), "meta-instanceID",
              "meta-deprecatedID", "KEY"]
    row = ["2025-05-10T04:33:12.345Z", *KOBO_ROW[:-2], "uuid:new", "uuid:old", "uuid:new"]
    batch = read_export(write_csv(tmp_path / "odk.csv", header, [row], sep=","), registry)
    got = batch.frame.iloc[0]
    assert batch.source_format == "odk_csv"
    assert (got["_submission_id"], got["_supersedes"]) == ("new", "old")
    assert got["_submitted_at"] == dt.datetime(2025, 5, 10, 4, 33, 12, 345000, tzinfo=dt.UTC)


def test_google_forms_labels_dates_and_timestamp(tmp_path, registry):
    form = registry.get("remaja", "v1")
    answers = {
        "tanggal_wawancara": "15/02/2025", "nama": "Warga Fiktif", "rw": "RW 05", "rt": "3",
        "jenis_kelamin": "Laki-laki", "umur": "16", "persetujuan_ortu": "Ya",
        "aman_siang": "Sangat setuju", "aman_malam": "Ragu-ragu", "percaya_polisi": "Setuju",
        "hubungan_seberang": "Tidak setuju", "tekanan_teman": "Sangat tidak setuju",
        "khawatir_tawuran": "Setuju", "tawuran_disaksikan": "2",
        "kegiatan": "Ronda / patroli bersama, Olahraga bersama, Main catur",
    }
    header = ["Timestamp", *(form.field(n).label for n in answers)]
    path = tmp_path / "gf.csv"
    path.write_text(",".join(f'"{h}"' for h in header) + "\n"
                    + ",".join(f'"{v}"' for v in ["15/02/2025 19:02:11", *answers.values()]) + "\n")
    batch = read_export(path, registry)
    got = batch.frame.iloc[0]
    assert (batch.source_format, batch.form.key) == ("gforms_csv", "remaja.v1")
    assert got["tanggal_wawancara"] == "2025-02-15"
    assert (got["rw"], got["jenis_kelamin"], got["persetujuan_ortu"]) == ("05", "L", "ya")
    assert [got[n] for n in ("aman_siang", "aman_malam", "hubungan_seberang", "tekanan_teman")] == ["5", "3", "2", "1"]
    # an unknown label passes through for validation to quarantine
    assert got["kegiatan"] == "patroli_bersama olahraga Main catur"
    assert got["_submitted_at"].isoformat() == "2025-02-15T12:02:11+00:00"
    assert got["_submission_id"].startswith("gf-")


def _workbook_bytes(rows: list[list[object]], date1904: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    if date1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("date1904", [False, True])
def test_xlsx_date_cells_and_serial_numbers(tmp_path, registry, date1904):
    epoch = CALENDAR_MAC_1904 if date1904 else openpyxl.Workbook().epoch
    day = dt.date(2024, 11, 15)
    rows = [KOBO_HEADER]
    rows.append([day, *KOBO_ROW[1:15], "u-1", dt.datetime(2024, 11, 15, 3, 0)])
    rows.append([to_excel(day, epoch=epoch), *KOBO_ROW[1:15], "u-2", "2024-11-15T04:00:00"])
    rows.append(["=A2+1", *KOBO_ROW[1:15], "u-3", None])
    path = tmp_path / "x.xlsx"
    path.write_bytes(_workbook_bytes(rows, date1904))
    batch = read_export(path, registry)
    frame = batch.frame
    assert batch.source_format == "xlsx"
    assert frame["tanggal_wawancara"].tolist() == ["2024-11-15", "2024-11-15", "=A2+1"]
    assert frame["_submitted_at"].iloc[0].isoformat() == "2024-11-15T03:00:00+00:00"
    assert frame["umur"].iloc[0] == "41"
    assert frame["_source_row"].tolist() == [2, 3, 4]


def test_excel_serial_in_csv_uses_1900_system(tmp_path, registry):
    row = ["45611", *KOBO_ROW[1:]]  # 45611 = 2024-11-15 in Excel's 1900 date system
    assert read_export(kobo_csv(tmp_path, [row]), registry).frame.iloc[0]["tanggal_wawancara"] == "2024-11-15"


def test_kobo_json_nested_groups_and_bare_list(tmp_path, registry):
    record = {"identitas": {"tanggal_wawancara": "2024-11-05", "nama": "Warga Fiktif", "rw": "05",
                            "rt": 3, "jenis_kelamin": "P", "umur": 41},
              "rasa_aman/aman_siang": "4", "rasa_aman/aman_malam": 3, "rasa_aman/percaya_polisi": "4",
              "rasa_aman/hubungan_seberang": "4", "rasa_aman/khawatir_anak": "2",
              "rasa_aman/khawatir_tawuran": "2", "pengalaman/tawuran_disaksikan": "1",
              "_uuid": "u-9", "_attachments": [], "_geolocation": [None, None],
              "meta/deprecatedID": "uuid:u-8", "_submission_time": "2024-11-05T03:00:00"}
    for name, document in (("api.json", {"count": 1, "results": [record]}), ("list.json", [record])):
        path = tmp_path / name
        path.write_text(json.dumps(document))
        batch = read_export(path, registry)
        got = batch.frame.iloc[0]
        assert batch.source_format == "kobo_json"
        assert (got["umur"], got["rt"], got["aman_malam"]) == ("41", "3", "3")
        assert (got["_submission_id"], got["_supersedes"], got["_source_row"]) == ("u-9", "u-8", 1)


def test_kobo_split_option_columns_rebuild_a_missing_multiple(tmp_path, registry):
    header = [h for h in KOBO_HEADER if h != "pengalaman/kegiatan"] + [
        "pengalaman/kegiatan/dialog", "pengalaman/kegiatan/seni"]
    row = [v for h, v in zip(KOBO_HEADER, KOBO_ROW, strict=True) if h != "pengalaman/kegiatan"] + ["1", "0"]
    assert read_export(kobo_csv(tmp_path, [row], header), registry).frame.iloc[0]["kegiatan"] == "dialog"


def test_remaja_v2_detected_by_its_new_questions(tmp_path, registry):
    v1_header = [h.replace("khawatir_anak", "tekanan_teman") for h in KOBO_HEADER]
    v2_header = [h.replace("hubungan_seberang", "hubungan_warga_seberang") for h in v1_header]
    v2 = read_export(kobo_csv(tmp_path, header=v2_header + ["rasa_aman/medsos_provokasi"],
                              rows=[KOBO_ROW + ["4"]]), registry)
    assert v2.form.key == "remaja.v2"
    assert v2.frame.iloc[0]["hubungan_warga_seberang"] == "4"
    v1 = read_export(kobo_csv(tmp_path, header=v1_header, name="v1.csv"), registry)
    assert v1.form.key == "remaja.v1"


# --- errors ---------------------------------------------------------------------------------


def _error(path: Path, registry, limits: ReadLimits | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        read_export(path, registry, limits)
    assert path.name in str(info.value)
    return info.value


def test_empty_and_header_only_files(tmp_path, registry):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty" in _error(empty, registry).message
    header_only = kobo_csv(tmp_path, rows=[], name="header.csv")
    assert "no data rows" in _error(header_only, registry).message
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n  \n")
    assert "empty" in _error(blank, registry).message


def test_two_columns_for_one_question(tmp_path, registry):
    path = kobo_csv(tmp_path, header=KOBO_HEADER + ["umur"], rows=[KOBO_ROW + ["41"]])
    error = _error(path, registry)
    assert error.field == "umur" and "identitas/umur" in error.message


def test_duplicated_meta_column(tmp_path, registry):
    path = kobo_csv(tmp_path, header=KOBO_HEADER + ["_uuid"], rows=[KOBO_ROW + ["u-2"]])
    assert _error(path, registry).field == "_uuid"


def test_unrecognised_form(tmp_path, registry):
    path = write_csv(tmp_path / "other.csv", ["kolom_a", "kolom_b"], [["1", "2"]])
    assert "no known survey form" in _error(path, registry).message


def test_unsupported_suffix_and_bad_json(tmp_path, registry):
    odd = tmp_path / "data.pdf"
    odd.write_bytes(b"%PDF")
    assert "unsupported" in _error(odd, registry).message
    broken = tmp_path / "broken.json"
    broken.write_text('{"results": [')
    assert "not valid JSON" in _error(broken, registry).message
    deep = tmp_path / "deep.json"
    nested: object = {"x": 1}
    for _ in range(12):
        nested = {"x": nested}
    deep.write_text(json.dumps({"results": [nested]}))
    assert "deeper" in _error(deep, registry).message


def test_xlsx_that_is_not_a_zip_or_is_a_bomb(tmp_path, registry):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("identitas/umur;41\n")
    assert "zip" in _error(fake, registry).message
    bomb = tmp_path / "bomb.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 3_000_000)
    bomb.write_bytes(buffer.getvalue())
    assert "zip bomb" in _error(bomb, registry).message
    small = ReadLimits(max_unpacked_bytes=1000)
    assert "unpacks" in _error(bomb, registry, small).message


def test_limits_file_size_rows_and_cells(tmp_path, registry):
    path = kobo_csv(tmp_path, rows=[KOBO_ROW, KOBO_ROW[:-2] + ["u-2", ""]])
    assert "MB" in _error(path, registry, ReadLimits(max_file_bytes=100)).message
    assert "rows" in _error(path, registry, ReadLimits(max_rows=1)).message
    long_row = KOBO_ROW[:14] + ["x" * 50] + KOBO_ROW[15:]
    error = _error(kobo_csv(tmp_path, [KOBO_ROW, long_row], name="long.csv"), registry,
                   ReadLimits(max_cell_chars=40))
    assert (error.row, error.field) == (3, "cerita/harapan")


def test_ragged_csv_names_the_line(tmp_path, registry):
    path = kobo_csv(tmp_path, rows=[KOBO_ROW, KOBO_ROW + ["extra", "cells"]])
    error = _error(path, registry)
    assert error.row == 3


# --- property: any typed text survives every writer → reader round trip -----------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
               max_size=60)


@pytest.fixture(scope="module")
def two_parents(registry):
    from devkit.synthetic import generate_responses

    return generate_responses(2, seed=3, form_id="orang_tua", wave_id="2024-11", invalid_rate=0,
                              registry=registry)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, fmt=st.sampled_from(["kobo_csv", "odk_csv", "gforms_csv", "kobo_json"]))
def test_free_text_round_trips_through_every_format(tmp_path, registry, two_parents, text, fmt):
    from devkit.writers import write_export

    frame = two_parents.copy()
    frame["harapan"] = [text, "biasa saja"]
    suffix = "json" if fmt == "kobo_json" else "csv"
    path = write_export(frame, registry.get("orang_tua", "v1"), tmp_path / f"p.{suffix}", fmt)
    assert read_export(path, registry).frame["harapan"].tolist() == [text.strip() or None, "biasa saja"]
