"""The codebook: every variable, label, code and export name, generated from `schemas/`.

`build_codebook()` gives a JSON-serialisable dict; `render_markdown()` the Bahasa Indonesia
document in docs/codebook.md. Exports take their labels and integer codes from it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sentiment.config import load_yaml, schemas_dir
from sentiment.export.names import MAX_NAME, variable_names
from sentiment.forms import Field, Form, FormRegistry, load_registry

CODEBOOK_VERSION = 1
DUMMY_LABELS = [{"value": 0, "label": "Tidak dipilih"}, {"value": 1, "label": "Dipilih"}]
# Attributes that may change between versions of one question; differences are listed.
_VERSIONED = ("name", "label", "type", "required", "reverse", "scale", "constraints", "choices")
_STORAGE = {
    "pii": "tidak disimpan (data pribadi; hanya dipakai untuk kunci pseudonim)",
    "response_only": "disimpan di fact_response saja; tidak ada di view analis maupun ekspor "
                     "(bersama-sama dapat mengenali orang)",
    "free_text": "disimpan setelah redaksi data pribadi; teks, sentimen dan topik di "
                 "v_text_scores",
    "answer": "disimpan; di v_responses_long dan ekspor",
}


def _version_key(version: str) -> int:
    digits = re.sub(r"\D", "", version)
    return int(digits) if digits else 0


def _forms_by_id(registry: FormRegistry) -> dict[str, list[Form]]:
    grouped: dict[str, list[Form]] = {}
    for form in registry.forms:
        grouped.setdefault(form.form_id, []).append(form)
    return {k: sorted(v, key=lambda f: _version_key(f.version)) for k, v in grouped.items()}


def _field_facts(field: Field) -> dict[str, Any]:
    return {
        "name": field.name,
        "label": field.label,
        "type": field.type,
        "required": field.required,
        "reverse": field.reverse,
        "scale": field.scale,
        "constraints": dict(field.constraints),
        "choices": [[c.value, c.label] for c in field.choices],
    }


def _is_numeric_codes(values: list[str]) -> bool:
    return bool(values) and all(re.fullmatch(r"\d+", v) for v in values)


def categorical_labels(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Integer codes for text categories (Stata labels need integers): the code itself when
    every code is a whole number (RW "01" → 1), else the position from 1."""
    numeric = _is_numeric_codes([code for code, _ in pairs])
    return [
        {"value": int(code) if numeric else pos, "code": code, "label": label}
        for pos, (code, label) in enumerate(pairs, start=1)
    ]


def _value_labels(field: Field) -> list[dict[str, Any]]:
    if field.type == "likert" or (field.is_numeric and field.choices):
        return [{"value": _number(c.value), "label": c.label} for c in field.choices]
    if field.type in ("select_one",):
        return categorical_labels([(c.value, c.label) for c in field.choices])
    if field.type == "select_multiple":
        return [{"code": c.value, "label": c.label} for c in field.choices]
    return []


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _storage(form: Form, field: Field) -> str:
    from sentiment.warehouse.load import ANSWER_TYPES

    if field.pii:
        return "pii"
    if field.type == "free_text":
        return "free_text"
    if field.name in form.response_only_fields or field.type not in ANSWER_TYPES:
        return "response_only"
    return "answer"


def _question(form_id: str, versions: list[tuple[Form, Field]]) -> dict[str, Any]:
    """One warehouse question (`<form_id>.<question_id>`) across the versions that ask it."""
    latest_form, latest = versions[-1]
    facts = {form.version: _field_facts(field) for form, field in versions}
    differs = {
        attr: {ver: f[attr] for ver, f in facts.items()}
        for attr in _VERSIONED
        if len({json.dumps(f[attr], sort_keys=True) for f in facts.values()}) > 1
    }
    storage = _storage(latest_form, latest)
    return {
        "question_id": f"{form_id}.{latest.question_id}",
        "form_id": form_id,
        "name": latest.name,
        "versions": [form.version for form, _ in versions],
        "group": latest.group,
        "type": latest.type,
        "label": latest.label,
        "required": latest.required,
        "scale": latest.scale,
        "reverse": latest.reverse,
        "constraints": dict(latest.constraints),
        "value_labels": [] if latest.pii else _value_labels(latest),
        "pii": latest.pii,
        "stored": not latest.pii,
        "storage": storage,
        "storage_note": _STORAGE[storage],
        "differs_by_version": differs,
    }


def _questions(registry: FormRegistry) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for form_id, forms in _forms_by_id(registry).items():
        # Order: the newest version's field order, then questions only older versions had.
        order: list[str] = []
        for form in reversed(forms):
            order += [f.question_id for f in form.fields if f.question_id not in order]
        for qid in order:
            versions = [(form, f) for form in forms for f in form.fields if f.question_id == qid]
            out.append(_question(form_id, versions))
    return out


def _optional_yaml(name: str) -> Any:
    path = schemas_dir() / name
    return load_yaml(path) if path.is_file() else None


def _group_label(group: str) -> str:
    return group.replace("_", " ").capitalize()


def _age_bands(registry: FormRegistry) -> dict[str, list[str]]:
    """Age bands per respondent group: the programme's, else the ten-year bands the loader
    gives over each form's age range."""
    from sentiment.study import age_band, age_bands

    declared = age_bands()
    bands: dict[str, list[str]] = {g: [band.label for band in b] for g, b in declared.items()}
    for form in registry.forms:
        name = form.role("age")
        age = form.field(name) if name else None
        if form.respondent_group in declared or age is None:
            continue
        if "min" not in age.constraints or "max" not in age.constraints:
            continue
        found = bands.setdefault(form.respondent_group, [])
        for years in range(int(age.constraints["min"]), int(age.constraints["max"]) + 1):
            label = age_band(form.respondent_group, years, declared)
            if label and label not in found:
                found.append(label)
    return bands


def _reference(registry: FormRegistry) -> dict[str, Any]:
    from sentiment.study import areas

    waves = load_yaml("waves.yaml")
    programme = areas()
    groups = list(dict.fromkeys(f.respondent_group for f in registry.forms))
    gender = next((form.field(name) for form in registry.forms
                   if (name := form.role("gender"))), None)
    return {
        "waves": [
            {"wave_id": str(w["wave_id"]), "label": str(w.get("label", "")),
             "start": str(w["start"]), "end": str(w["end"])}
            for w in waves.get("waves") or []
        ],
        "waves_timezone": str(waves.get("timezone", "")),
        "sides": [{"side": k, "label": v} for k, v in programme.sides.items()],
        "areas": [{"code": a.code, "side": a.side, "label": a.label} for a in programme.areas],
        "respondent_groups": [{"code": g, "label": _group_label(g)} for g in groups],
        "genders": [{"code": c.value, "label": c.label} for c in (gender.choices if gender else ())],
    }


def _derived(ref: dict[str, Any], registry: FormRegistry) -> list[dict[str, Any]]:
    """Variables the pipeline adds to every response (all in v_responses_long)."""
    forms = _forms_by_id(registry)
    age_bands = _age_bands(registry)
    band_text = "; ".join(f"{g}: {', '.join(b)}" for g, b in age_bands.items())
    return [
        {"name": "respondent_key", "label": "Kunci pseudonim responden",
         "type": "text", "source": "privacy.respondent_key",
         "description": "HMAC-SHA256 dari NIK, nomor HP atau nama (urutan sesuai identity_fields "
                        "formulir); sama untuk orang yang sama di semua gelombang. Tidak dapat "
                        "dibalik tanpa kunci rahasia.",
         "value_labels": []},
        {"name": "wave_id", "label": "Gelombang survei", "type": "select_one",
         "source": "waves.yaml",
         "description": "Gelombang yang jendela lapangannya memuat tanggal wawancara "
                        "(atau waktu kirim bila tanggal tidak ada), zona waktu "
                        f"{ref['waves_timezone'] or 'Asia/Jakarta'}.",
         "value_labels": categorical_labels([(w["wave_id"], w["label"]) for w in ref["waves"]])},
        {"name": "form_id", "label": "Formulir", "type": "select_one", "source": "forms",
         "description": "Kuesioner yang diisi.",
         "value_labels": categorical_labels([(k, v[-1].title) for k, v in forms.items()])},
        {"name": "form_version", "label": "Versi formulir", "type": "text", "source": "forms",
         "description": "Versi kuesioner (lihat kolom 'versi' tiap pertanyaan).",
         "value_labels": []},
        {"name": "respondent_group", "label": "Kelompok responden", "type": "select_one",
         "source": "forms (respondent_group)",
         "description": "Orang tua atau remaja, menurut formulir.",
         "value_labels": categorical_labels(
             [(g["code"], g["label"]) for g in ref["respondent_groups"]])},
        {"name": "side", "label": "Sisi", "type": "select_one", "source": "areas.yaml",
         "description": "Sisi wilayah program menurut area tempat tinggal (areas.yaml); "
                        "'unknown' bila formulir tidak menanyakan area.",
         "value_labels": categorical_labels([(s["side"], s["label"]) for s in ref["sides"]])},
        {"name": "area", "label": "Area tempat tinggal", "type": "select_one", "source": "areas.yaml",
         "description": "Area tempat tinggal responden (peran `area` di formulir); "
                        "'unknown' bila tidak ditanyakan.",
         "value_labels": categorical_labels([(a["code"], a["label"]) for a in ref["areas"]])},
        {"name": "gender", "label": "Jenis kelamin", "type": "select_one",
         "source": "roles.gender",
         "description": "Dari pertanyaan yang berperan `gender` di formulir; 'unknown' bila tidak ada.",
         "value_labels": categorical_labels([(g["code"], g["label"]) for g in ref["genders"]])},
        {"name": "age_band", "label": "Kelompok umur", "type": "select_one", "source": "roles.age",
         "description": "Umur (tahun) dikelompokkan per kelompok responden"
                        + (f" ({band_text})" if band_text else "")
                        + "; umur persis tidak dipublikasikan.",
         "value_labels": categorical_labels(
             [(b, b) for bands in age_bands.values() for b in bands])},
    ]


def _scales(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    scales: dict[tuple[str, str], dict[str, Any]] = {}
    for q in questions:
        if q["scale"]:
            entry = scales.setdefault(
                (q["scale"], q["form_id"]),
                {"scale": q["scale"], "form_id": q["form_id"], "items": [], "reverse_items": []},
            )
            entry["items"].append(q["question_id"])
            if q["reverse"]:
                entry["reverse_items"].append(q["question_id"])
    return list(scales.values())


def _tension_index(registry: FormRegistry) -> dict[str, Any] | None:
    raw = _optional_yaml("index.yaml")
    if not raw:
        return None
    comp = raw.get("components", {})
    likert, brawls, text = comp.get("likert", {}), comp.get("brawls", {}), comp.get("text", {})
    forms = {f.respondent_group: f.form_id for f in registry.forms}
    reverse = {
        f"{form.form_id}.{fld.question_id}": fld.reverse
        for form in registry.forms for fld in form.fields
    }
    items = []
    for group, names in (likert.get("items") or {}).items():
        for name in names:
            qid = f"{forms.get(group, group)}.{name}"
            items.append({"respondent_group": group, "question_id": qid,
                          "reverse": bool(reverse.get(qid, False))})
    cells = raw.get("cells", {})
    return {
        "name": "tension_index",
        "label": "Indeks ketegangan (0-100, makin tinggi makin tegang)",
        "method_version": str(raw.get("method_version", "")),
        "source": "index.yaml; rumus lengkap di docs/method.md",
        "components": {
            "likert": {"weight": likert.get("weight"), "items": items,
                       "scale_min": likert.get("scale_min"), "scale_max": likert.get("scale_max"),
                       "min_items": likert.get("min_items")},
            "brawls": {"weight": brawls.get("weight"),
                       "question": brawls.get("question"), "cap": brawls.get("cap")},
            "text": {"weight": text.get("weight"), "topics": list(text.get("topics") or []),
                     "negative_label": text.get("negative_label", "negatif")},
        },
        "min_cell_n": cells.get("min_n"),
        "total_label": cells.get("total"),
        "published_in": "v_tension_by_wave (wave, side, respondent_group, tension_index, "
                        "ci_low, ci_high, n)",
    }


def _topics() -> dict[str, Any] | None:
    raw = _optional_yaml("topics.yaml")
    if not raw:
        return None
    return {
        "version": raw.get("version"),
        "fallback": raw.get("fallback"),
        "codes": [
            {"code": code, "label": str(spec.get("label", code)),
             "description": " ".join(str(spec.get("description", "")).split())}
            for code, spec in (raw.get("codes") or {}).items()
        ],
    }


def _export_variables(
    derived: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Columns of the wide export, in order, with SPSS/Stata names and labels."""
    rows: list[dict[str, Any]] = []
    for d in derived:
        kind = "categorical" if d["type"] == "select_one" else "text"
        rows.append({"source": d["name"], "option": None, "label": d["label"], "kind": kind,
                     "form_id": None, "value_labels": d["value_labels"]})
    for q in questions:
        if q["storage"] != "answer":  # only what v_responses_long publishes
            continue
        base = {"source": q["question_id"], "form_id": q["form_id"]}
        if q["type"] == "select_multiple":
            for choice in q["value_labels"]:
                rows.append({**base, "option": choice["code"],
                             "label": f"{q['label']}: {choice['label']}", "kind": "dummy",
                             "value_labels": DUMMY_LABELS})
        elif q["type"] == "select_one":
            rows.append({**base, "option": None, "label": q["label"], "kind": "categorical",
                         "value_labels": q["value_labels"]})
        elif q["type"] in ("likert", "integer", "decimal"):
            rows.append({**base, "option": None, "label": q["label"], "kind": "numeric",
                         "value_labels": q["value_labels"]})
        else:
            rows.append({**base, "option": None, "label": q["label"], "kind": "text",
                         "value_labels": []})
    # Derived columns keep their plain names; questions get `<form>_<question>[_<option>]`.
    keys = [r["source"] if r["form_id"] is None else
            f"{r['source']}.{r['option']}" if r["option"] else r["source"] for r in rows]
    names = variable_names(keys)
    for row, key in zip(rows, keys, strict=True):
        row["name"] = names[key]
    return rows


def build_codebook(registry: FormRegistry | None = None) -> dict[str, Any]:
    """The machine-readable codebook (JSON-serialisable, deterministic: no dates or paths)."""
    registry = registry or load_registry()
    questions = _questions(registry)
    ref = _reference(registry)
    derived = _derived(ref, registry)
    export_vars = _export_variables(derived, questions)
    names = {(v["source"], v["option"]): v["name"] for v in export_vars}
    for q in questions:
        q["export_name"] = None if q["type"] == "select_multiple" else names.get(
            (q["question_id"], None))
        if q["type"] == "select_multiple" and q["storage"] == "answer":
            q["export_names"] = {c["code"]: names[(q["question_id"], c["code"])]
                                 for c in q["value_labels"]}
    return {
        "codebook_version": CODEBOOK_VERSION,
        "title": "Buku kode Kali Pasir Pulse",
        "generated_from": ["schemas/forms/*.yaml", "schemas/areas.yaml", "schemas/waves.yaml",
                           "schemas/topics.yaml", "schemas/index.yaml"],
        "forms": [
            {"form_id": f.form_id, "version": f.version, "title": f.title,
             "respondent_group": f.respondent_group,
             "identity_fields": list(f.identity_fields),
             "rules": [{"id": r.id, "description": r.description} for r in f.rules]}
            for f in sorted(registry.forms, key=lambda f: (f.form_id, _version_key(f.version)))
        ],
        "questions": questions,
        "pii_not_stored": [
            {"question_id": q["question_id"], "label": q["label"], "versions": q["versions"]}
            for q in questions if q["pii"]
        ],
        "derived": derived,
        "scales": _scales(questions),
        "tension_index": _tension_index(registry),
        "topics": _topics(),
        "reference": ref,
        "views": {
            "v_responses_long": "satu baris per jawaban (per opsi terpilih untuk pilihan ganda)",
            "v_text_scores": "satu baris per jawaban teks bebas (sudah diredaksi) dengan "
                             "sentimen dan kode topik",
            "v_tension_by_wave": "indeks ketegangan per gelombang, sisi dan kelompok",
            "v_topic_share_by_wave": "bagian jawaban teks per kode topik",
            "v_text_estimates": "angka teks (sentimen, topik, komponen teks) per gelombang, "
                                "sisi dan kelompok: angka mesin dan angka yang dikoreksi "
                                "dengan jawaban yang dinilai petugas; 'uncorrected' bila "
                                "belum ada yang dinilai",
            "v_scale_reliability": "alfa Cronbach skala indeks per gelombang dan kelompok",
            "v_tension_change": "perubahan indeks dari gelombang sebelumnya, dengan selang "
                                "kepercayaan",
            "v_tension_trend": "tren indeks antargelombang (Mann-Kendall, kemiringan Sen)",
        },
        "export": {
            "max_name_length": MAX_NAME,
            "missing": "sel kosong (system-missing di SPSS/Stata) bila pertanyaan tidak ada "
                       "di versi formulir itu atau tidak dijawab",
            "variables": export_vars,
        },
    }


# ---------------------------------------------------------------------------------------------
# Markdown


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _labels_text(labels: list[dict[str, Any]]) -> str:
    parts = []
    for item in labels:
        key = item.get("code", item.get("value"))
        parts.append(f"{key} = {item['label']}")
    return "; ".join(parts)


def _question_rows(questions: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for q in questions:
        notes = []
        if q["reverse"]:
            notes.append("dibalik (setuju = lebih tegang)")
        notes.append({"pii": "**tidak disimpan** (data pribadi)",
                      "response_only": "tidak dipublikasikan",
                      "free_text": "teks teredaksi di `v_text_scores`",
                      "answer": ""}[q["storage"]])
        for attr, per_version in q["differs_by_version"].items():
            if attr == "name":
                notes.append("nama: " + ", ".join(f"{v}: `{n}`" for v, n in per_version.items()))
            elif attr != "choices":
                notes.append(f"{attr} berbeda per versi")
        name = q.get("export_name") or (
            ", ".join(f"`{n}`" for n in q.get("export_names", {}).values()) or "-")
        if q.get("export_name"):
            name = f"`{name}`"
        rows.append([
            f"`{q['question_id']}`", name, q["type"], q["label"], ", ".join(q["versions"]),
            q["scale"] or "", _labels_text(q["value_labels"]), "; ".join(n for n in notes if n),
        ])
    return rows


def render_markdown(codebook: dict[str, Any]) -> str:
    """docs/codebook.md: the codebook for people (Bahasa Indonesia)."""
    cb = codebook
    out: list[str] = [
        f"# {cb['title']}",
        "",
        "Dokumen ini dibuat otomatis dari `schemas/` dengan `sentiment codebook --out docs`;",
        "jangan disunting manual. Versi mesin: `codebook.json`.",
        "",
        "Semua data yang keluar dari gudang data dibaca dari *view* analis (`v_…`).",
        "Nama variabel ekspor (SPSS/Stata) paling panjang "
        f"{cb['export']['max_name_length']} karakter. Nilai hilang: {cb['export']['missing']}.",
        "",
        "## Formulir",
        "",
    ]
    out += _table(["formulir", "versi", "judul", "kelompok", "aturan"], [
        [f"`{f['form_id']}`", f["version"], f["title"], f["respondent_group"],
         "; ".join(f"{r['id']}: {r['description']}" for r in f["rules"])]
        for f in cb["forms"]
    ])
    out += ["## Pertanyaan", "",
            "Kode pertanyaan di gudang data: `<formulir>.<pertanyaan>`, tetap sama antarversi "
            "(pertanyaan yang diganti namanya memakai nama lamanya). Butir *dibalik* ditulis "
            "sehingga setuju berarti lebih tegang; nilai yang diekspor adalah jawaban asli "
            "(tidak dibalik).", ""]
    header = ["kode", "nama ekspor", "tipe", "label", "versi", "skala", "label nilai",
              "catatan"]
    for form_id in dict.fromkeys(q["form_id"] for q in cb["questions"]):
        out += [f"### {form_id}", ""]
        out += _table(header, _question_rows([q for q in cb["questions"]
                                              if q["form_id"] == form_id]))
    out += ["## Data pribadi yang tidak disimpan", "",
            "Kolom ini hanya dipakai untuk membuat kunci pseudonim (HMAC-SHA256) lalu dibuang "
            "sebelum data masuk gudang; tidak pernah ada di ekspor.", ""]
    out += _table(["kode", "label", "versi"], [
        [f"`{p['question_id']}`", p["label"], ", ".join(p["versions"])]
        for p in cb["pii_not_stored"]
    ])
    out += ["## Variabel turunan", ""]
    out += _table(["nama", "label", "sumber", "keterangan", "label nilai"], [
        [f"`{d['name']}`", d["label"], d["source"], d["description"],
         _labels_text(d["value_labels"])]
        for d in cb["derived"]
    ])
    out += ["## Skala", ""]
    out += _table(["skala", "formulir", "butir", "butir dibalik"], [
        [s["scale"], s["form_id"], ", ".join(f"`{i}`" for i in s["items"]),
         ", ".join(f"`{i}`" for i in s["reverse_items"])]
        for s in cb["scales"]
    ])
    idx = cb["tension_index"]
    if idx:
        comp = idx["components"]
        out += ["## Indeks ketegangan", "",
                f"`{idx['name']}`: {idx['label']}. Versi metode {idx['method_version']}; "
                f"sumber: {idx['source']}.", "",
                f"- Butir Likert (bobot {comp['likert']['weight']}, skala "
                f"{comp['likert']['scale_min']}-{comp['likert']['scale_max']}, minimal "
                f"{comp['likert']['min_items']} butir terjawab): "
                + ", ".join(f"`{i['question_id']}`" + (" (dibalik)" if i["reverse"] else "")
                            for i in comp["likert"]["items"]),
                f"- Tawuran yang disaksikan (bobot {comp['brawls']['weight']}): "
                f"`{comp['brawls']['question']}`, dibatasi {comp['brawls']['cap']}",
                f"- Teks bebas (bobot {comp['text']['weight']}): bagian jawaban "
                f"`{comp['text']['negative_label']}` dengan topik "
                + ", ".join(f"`{t}`" for t in comp["text"]["topics"]),
                f"- Sel dengan n < {idx['min_cell_n']} tidak dipublikasikan; total diberi label "
                f"`{idx['total_label']}`.",
                f"- Tersedia di {idx['published_in']}.", ""]
    topics = cb["topics"]
    if topics:
        out += ["## Kode topik teks bebas", "",
                f"Versi {topics['version']}; bila tidak ada yang cocok: `{topics['fallback']}`.",
                ""]
        out += _table(["kode", "label", "deskripsi"], [
            [f"`{t['code']}`", t["label"], t["description"]] for t in topics["codes"]
        ])
    ref = cb["reference"]
    out += ["## Gelombang", ""]
    out += _table(["gelombang", "label", "mulai", "selesai"], [
        [w["wave_id"], w["label"], w["start"], w["end"]] for w in ref["waves"]
    ])
    out += ["## Wilayah", ""]
    out += _table(["area", "sisi", "label"], [[a["code"], a["side"], a["label"]] for a in ref["areas"]])
    out += ["## View analis", ""]
    out += _table(["view", "isi"], [[f"`{k}`", v] for k, v in cb["views"].items()])
    out += ["## Variabel ekspor (SPSS/Stata)", "",
            "Ekspor lebar (`sentiment export`): satu baris per pengisian formulir. Kategori "
            "disimpan sebagai angka berlabel di .sav/.dta (kode asli di antara tanda `…`) dan "
            "sebagai kode asli di CSV/Parquet/XLSX. Pilihan ganda menjadi satu variabel 0/1 "
            "per opsi.", ""]
    out += _table(["nama", "sumber", "opsi", "jenis", "label", "label nilai"], [
        [f"`{v['name']}`", v["source"], v["option"] or "", v["kind"], v["label"],
         "; ".join(f"{lab['value']} = {lab['label']}"
                   + (f" (`{lab['code']}`)" if "code" in lab and str(lab["code"]) != str(
                       lab["value"]) else "")
                   for lab in v["value_labels"])]
        for v in cb["export"]["variables"]
    ])
    return "\n".join(out).rstrip() + "\n"


def write_codebook(out_dir: Path, codebook: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """Write `codebook.json` and `codebook.md` into `out_dir`; return both paths."""
    codebook = codebook or build_codebook()
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "codebook.json", out_dir / "codebook.md"
    json_path.write_text(dumps(codebook), encoding="utf-8")
    md_path.write_text(render_markdown(codebook), encoding="utf-8")
    return json_path, md_path


def dumps(codebook: dict[str, Any]) -> str:
    """The canonical JSON text of a codebook (what docs/codebook.json holds)."""
    return json.dumps(codebook, ensure_ascii=False, indent=2) + "\n"
