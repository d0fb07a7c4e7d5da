"""XLSForm / Kobo asset import, drafts from exports, `init`, YAML slips and the period wave rule."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from sentiment.errors import SentimentError
from sentiment.forms.draft import write_draft
from sentiment.forms.model import load_form, load_registry
from sentiment.forms.xlsform import import_form, parse_constraint

LANGS = ["label::Indonesian (id)", "label::English (en)"]


def _xlsform(path: Path, survey: list[list[str]], version: str = "2025010101") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", *LANGS, "constraint", "required", "calculation"])
    for row in survey:
        sheet.append(row + [""] * (7 - len(row)))
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *LANGS])
    choices.append(["kegiatan", "kerja_bakti", "Kerja bakti", "Community work"])
    choices.append(["kegiatan", "pengajian", "Pengajian remaja", "Youth study group"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Survei Uji", "survei_uji", version, "Indonesian (id)"])
    book.save(path)
    return path


SURVEY = [
    ["today", "today"],
    ["begin_group", "identitas", "Identitas", "Identity"],
    ["text", "nama", "Nama", "Name", "", "yes"],
    ["integer", "usia", "Usia", "Age", ". >= 12 and . <= 24", "yes"],
    ["integer", "anak", "Jumlah anak", "Children", ". < 20 or . = 99"],
    ["end_group"],
    ["geopoint", "lokasi", "Lokasi", "Location"],
    ["image", "foto", "Foto rumah", "House photo"],
    ["note", "catatan", "Terima kasih", "Thank you"],
    ["calculate", "dua", "", "", "", "", "1 + 1"],
    ["select_multiple kegiatan", "kegiatan", "Kegiatan", "Activities"],
    ["text", "harapan", "Harapan Anda?", "Your hopes?"],
]


def test_xlsform_import_types_labels_groups_and_roles(tmp_path: Path) -> None:
    path, imported = import_form(_xlsform(tmp_path / "uji.xlsx", SURVEY), tmp_path / "prog")
    assert path.name == "survei_uji.2025010101.yaml"
    form = load_form(path)
    by_name = {f.name: f for f in form.fields}
    assert "catatan" not in by_name and "dua" not in by_name  # note and calculate skipped
    assert by_name["lokasi"].type == "geopoint" and by_name["foto"].type == "image"
    assert by_name["usia"].constraints == {"min": 12, "max": 24}
    assert by_name["usia"].path == "identitas/usia" and by_name["usia"].group == "identitas"
    assert by_name["usia"].labels == {"id": "Usia", "en": "Age"}
    assert not by_name["anak"].constraints and "99" in (by_name["anak"].note or "")
    multi = by_name["kegiatan"]
    assert multi.type == "select_multiple"
    assert [(c.value, c.labels["en"]) for c in multi.choices] == [
        ("kerja_bakti", "Community work"), ("pengajian", "Youth study group")]
    assert multi.choices[1].label == "Pengajian remaja"  # default language label
    assert by_name["nama"].pii and by_name["harapan"].type == "free_text"
    text = path.read_text(encoding="utf-8")
    assert "guess" in text
    raw = yaml.safe_load(text)
    assert raw["roles"]["identity"] == ["nama"] and raw["roles"]["age"] == "usia"
    assert raw["roles"]["interview_date"] == "today"
    assert raw["versions_match"] == {"formVersion": "2025010101"}
    assert imported.version == "2025010101"


def test_second_version_is_a_new_file_and_never_overwrites(tmp_path: Path) -> None:
    prog = tmp_path / "prog"
    first, _ = import_form(_xlsform(tmp_path / "a.xlsx", SURVEY), prog)
    before = first.read_text(encoding="utf-8")
    second, _ = import_form(_xlsform(tmp_path / "b.xlsx", SURVEY[:6] + [["text", "baru", "Baru", "New"]], version="2025020101"), prog)
    assert second != first and second.name == "survei_uji.2025020101.yaml"
    assert yaml.safe_load(second.read_text())["versions_match"] == {"formVersion": "2025020101"}
    with pytest.raises(SentimentError, match="already exists"):
        import_form(_xlsform(tmp_path / "c.xlsx", SURVEY[:1]), prog)
    assert first.read_text(encoding="utf-8") == before
    versions = sorted(f.version for f in load_registry(prog / "forms").forms)
    assert versions == ["2025010101", "2025020101"]


def test_older_type_names_are_kept_not_left_out(tmp_path: Path) -> None:
    """`gps`, `phone number` (older .xls forms) and `time` (no time-of-day type: kept as text)."""
    survey = [["gps", "titik", "Titik", "Point"], ["phone number", "telp", "Telepon", "Phone"],
              ["time", "jam", "Jam", "Time"], ["select_one_from_file desa.csv", "desa", "Desa", "Village"]]
    path, imported = import_form(_xlsform(tmp_path / "lama.xlsx", survey), tmp_path / "prog")
    by_name = {f.name: f for f in load_form(path).fields}
    assert by_name["titik"].type == "geopoint"
    assert by_name["telp"].type == "text" and by_name["telp"].pii
    assert by_name["jam"].type == "text"
    # choices from a file: kept as the answers are written, unchecked, and the person is told
    assert by_name["desa"].type == "select_one" and not by_name["desa"].choices
    assert any("'desa'" in note and "choices come from a file" in note for note in imported.warnings)


def test_a_form_named_after_a_long_file_name_loads(tmp_path: Path) -> None:
    """No `form_id` setting: pyxform names the form after the file, as ODK Central does."""
    book = _xlsform(tmp_path / "x.xlsx", SURVEY)
    workbook = openpyxl.load_workbook(book)
    workbook["settings"].delete_rows(1, 2)
    long_name = tmp_path / "Survei_Persepsi_Warga_Kebun_Kelurahan_2026_final_v3.xlsx"
    workbook.save(long_name)
    path, imported = import_form(long_name, tmp_path / "prog")
    assert len(imported.form_id) > 32
    assert load_form(path).form_id == imported.form_id
    assert [f.form_id for f in load_registry(tmp_path / "prog" / "forms").forms] == [imported.form_id]


def test_detect_counts_a_select_multiple_given_as_option_columns(tmp_path: Path) -> None:
    """Kobo's one 0/1 column per option: the form with that question wins over a smaller form
    that merely has all of its few questions in the file."""
    prog = tmp_path / "prog"
    import_form(_xlsform(tmp_path / "a.xlsx", SURVEY), prog)
    small = [["geopoint", "lokasi", "Lokasi", "Location"]]
    book = _xlsform(tmp_path / "b.xlsx", small)
    workbook = openpyxl.load_workbook(book)
    workbook["settings"]["B2"] = "lokasi_saja"
    workbook.save(book)
    import_form(book, prog)
    registry = load_registry(prog / "forms")
    columns = ["today", "identitas/nama", "identitas/usia", "identitas/anak", "lokasi", "foto",
               "kegiatan/kerja_bakti", "kegiatan/pengajian", "harapan"]
    form, share = registry.detect(columns)
    assert form.form_id == "survei_uji" and share == 1.0


def test_repeat_group_is_refused_naming_the_group(tmp_path: Path) -> None:
    survey = [["begin_repeat", "anggota", "Anggota", "Members"], ["text", "nama", "Nama", "Name"],
              ["end_repeat"]]
    with pytest.raises(SentimentError, match="repeat group 'anggota'") as err:
        import_form(_xlsform(tmp_path / "r.xlsx", survey), tmp_path / "prog")
    assert "\n" not in str(err.value)
    assert not (tmp_path / "prog" / "forms").exists() or not list((tmp_path / "prog" / "forms").glob("survei*"))


def test_constraint_parsing() -> None:
    assert parse_constraint(". >= 0 and . <= 60", "integer") == ({"min": 0, "max": 60}, None)
    assert parse_constraint(". > 0", "integer") == ({"min": 1}, None)
    assert parse_constraint(". > 0.5", "decimal")[0] == {}
    assert parse_constraint("regex(., '^[0-9]+$')", "integer")[1] is not None


def _kobo_asset() -> dict:
    """The shape of GET /api/v2/assets/{uid}/ (trimmed): label lists follow `translations`."""
    return {
        "uid": "aKoboUji123", "name": "Survei Kobo Uji", "asset_type": "survey",
        "version_id": "vKobo9xYz", "deployed_version_id": "vKobo9xYz",
        "deployed_versions": {"count": 1, "results": [{"uid": "vKobo9xYz", "date_deployed": "2025-01-01"}]},
        "content": {
            "schema": "1",
            "survey": [
                {"type": "start", "name": "start", "$kuid": "k1", "$autoname": "start"},
                {"type": "begin_group", "name": "resp", "$autoname": "resp", "label": ["Responden", "Respondent"]},
                {"type": "text", "$autoname": "telepon", "label": ["Nomor HP", "Phone"], "required": False},
                {"type": "integer", "name": "usia", "$autoname": "usia", "label": ["Usia", "Age"],
                 "constraint": ". >= 18 and . <= 90", "required": True},
                {"type": "end_group"},
                {"type": "select_one", "select_from_list_name": "yt", "name": "setuju", "$autoname": "setuju",
                 "label": ["Setuju ikut?", "Agree to take part?"], "required": True},
                {"type": "date", "name": "tanggal", "$autoname": "tanggal", "label": ["Tanggal", "Date"]},
                {"type": "audio", "name": "rekaman", "$autoname": "rekaman", "label": ["Rekaman", "Recording"]},
            ],
            "choices": [
                {"list_name": "yt", "name": "ya", "$autoname": "ya", "label": ["Ya", "Yes"], "$kuid": "c1"},
                {"list_name": "yt", "$autoname": "tidak", "label": ["Tidak", "No"], "$kuid": "c2"},
            ],
            "settings": {"default_language": "Indonesian (id)"},
            "translated": ["label"],
            "translations": ["Indonesian (id)", "English (en)"],
        },
    }


def test_kobo_asset_import(tmp_path: Path) -> None:
    source = tmp_path / "asset.json"
    source.write_text(json.dumps(_kobo_asset()), encoding="utf-8")
    path, imported = import_form(source, tmp_path / "prog")
    form = load_form(path)
    by_name = {f.name: f for f in form.fields}
    assert form.form_id == "akobouji123" and "start" not in by_name
    assert by_name["telepon"].pii and by_name["telepon"].path == "resp/telepon"
    assert by_name["usia"].constraints == {"min": 18, "max": 90} and by_name["usia"].required
    assert [c.value for c in by_name["setuju"].choices] == ["ya", "tidak"]
    assert by_name["setuju"].choices[1].labels == {"id": "Tidak", "en": "No"}
    assert by_name["rekaman"].type == "audio" and by_name["tanggal"].type == "date"
    raw = yaml.safe_load(path.read_text())
    assert raw["versions_match"] == {"__version__": "vKobo9xYz"}
    assert raw["roles"]["consent"] == "setuju" and raw["roles"]["interview_date"] == "tanggal"


def test_not_a_kobo_asset(tmp_path: Path) -> None:
    source = tmp_path / "x.json"
    source.write_text('{"results": []}', encoding="utf-8")
    with pytest.raises(SentimentError, match="not a Kobo asset"):
        import_form(source, tmp_path / "prog")


def test_draft_from_kobo_csv(tmp_path: Path) -> None:
    rows = [
        ["2025-01-01", "Siti Fiktif", "15", "-6.2 106.8 0 5", "-6.2", "106.8", "0", "5",
         "kerja_bakti pengajian", "1", "1", "ya", "1.5", "Semoga lingkungan kami tetap aman dan damai untuk semua", "u1"],
        ["2025-01-02", "Budi Fiktif", "17", "-6.3 106.9 0 5", "-6.3", "106.9", "0", "5",
         "pengajian", "0", "1", "ya", "2", "Lebih banyak kegiatan pemuda supaya anak-anak tidak ikut tawuran", "u2"],
        ["2025-01-03", "Ani Fiktif", "16", "-6.4 106.7 0 5", "-6.4", "106.7", "0", "5",
         "kerja_bakti", "1", "0", "tidak", "2.25", "Perlu lampu jalan dekat jembatan karena gelap sekali", "u3"],
    ]
    header = ["today", "identitas/nama", "identitas/usia", "lokasi", "_lokasi_latitude", "_lokasi_longitude",
              "_lokasi_altitude", "_lokasi_precision", "kegiatan", "kegiatan/kerja_bakti", "kegiatan/pengajian",
              "setuju", "berat", "harapan", "_uuid"]
    export = tmp_path / "survei_lapangan.csv"
    pd.DataFrame(rows, columns=header).to_csv(export, sep=";", index=False)
    path = write_draft(export, tmp_path / "prog")
    assert path.name == "survei_lapangan.draft.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# DRAFT") and "review before use" in text
    fields = {f["name"]: f for f in yaml.safe_load(text)["fields"]}
    assert "_uuid" not in fields and not any(n.startswith("_lokasi") for n in fields)
    assert fields["lokasi"]["type"] == "geopoint"
    assert fields["kegiatan"]["type"] == "select_multiple"
    assert [c["value"] for c in fields["kegiatan"]["choices"]] == ["kerja_bakti", "pengajian"]
    assert fields["usia"]["type"] == "integer" and fields["usia"]["path"] == "identitas/usia"
    assert fields["berat"]["type"] == "decimal" and fields["today"]["type"] == "date"
    assert fields["setuju"]["type"] == "select_one" and fields["nama"]["type"] == "text"
    assert fields["harapan"]["type"] == "free_text"
    # drafts are not loaded as forms
    (tmp_path / "prog" / "forms" / "_choices.yaml").write_text("{}\n", encoding="utf-8")
    assert load_registry(tmp_path / "prog" / "forms").forms == ()


def test_yaml_slip_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "_choices.yaml").write_text("{}\n", encoding="utf-8")
    bad = forms / "x.yaml"
    bad.write_text("form_id: x\nversion: v1\nfields:\n  - {name: a, type: text, label: A\n  - {name: b}\n",
                   encoding="utf-8")
    with pytest.raises(SentimentError) as err:
        load_registry(forms)
    message = str(err.value)
    assert "x.yaml line " in message and "\n" not in message


def test_form_mistake_names_the_field(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "f.yaml").write_text(
        "form_id: f\nversion: v1\ntitle: F\nrespondent_group: g\nidentity_fields: []\n"
        "fields:\n  - {name: a, type: txet, label: A}\n", encoding="utf-8")
    with pytest.raises(SentimentError, match=r"f\.yaml: field 'a', type: "):
        load_registry(forms)


def test_long_form_ids_get_distinct_respondent_groups_that_fit() -> None:
    from sentiment.forms.model import GROUP_MAX, group_for

    a, b = (group_for(f"survei_persepsi_warga_kelurahan_{x}") for x in ("utara", "selatan"))
    assert a != b and max(len(a), len(b)) <= GROUP_MAX
    assert group_for("remaja") == "remaja"
