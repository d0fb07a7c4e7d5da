"""Import a form from the tools people already use: an XLSForm (through pyxform) or a Kobo asset.

Both become pyxform's JSON form (one code path), then the project's form definition:
`forms/<form_id>.<version>.yaml`. Roles are guessed from names and types and marked as guesses.
"""

from __future__ import annotations

import json
import re
import warnings as _warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sentiment.config import display_path, parse_yaml
from sentiment.errors import SentimentError
from sentiment.forms.model import group_for

XLSFORM_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".csv")

# pyxform's JSON type (after its aliases) → the project's field type; None: skipped.
_TYPES: dict[str, str | None] = {
    "integer": "integer", "int": "integer", "decimal": "decimal", "range": "decimal",
    "text": "text", "string": "text", "barcode": "text",
    "date": "date", "today": "date", "dateTime": "datetime", "datetime": "datetime",
    "start": "datetime", "end": "datetime",
    "select one": "select_one", "select_one": "select_one",
    "select all that apply": "select_multiple", "select_multiple": "select_multiple",
    "geopoint": "geopoint", "photo": "image", "image": "image", "audio": "audio",
    "video": "video", "file": "file",
    "note": None, "calculate": None, "hidden": None, "acknowledge": None,
    "deviceid": None, "username": None, "phonenumber": "text", "email": "text",
    "start-geopoint": "geopoint", "audit": None, "background-audio": None,
    # names older .xls forms use, which pyxform passes through unchanged
    "gps": "geopoint", "phone number": "text",
    # kept as written (lossless); the pipeline has no time-of-day or shape type
    "time": "text", "geotrace": "text", "geoshape": "text",
}
_REPEAT = {"repeat"}
_GROUP = {"group"}
# Device metadata an export carries as columns of its own; only `today` says when the interview was.
_SKIPPED_META = {"start", "end", "deviceid", "username", "audit", "meta"}

# Role guesses, by question name (whole words of a snake_case name).
_IDENTITY = re.compile(r"(^|_)(nama|name|full_?name|nik|ktp|no_?ktp|phone|telepon|telp|hp|no_?hp|"
                       r"whatsapp|wa|email|surel|id_number|national_id)($|_)", re.I)
_ADDRESS = re.compile(r"(^|_)(alamat|address)($|_)", re.I)
_AGE = re.compile(r"(^|_)(age|usia|umu)r?($|_)", re.I)
_GENDER = re.compile(r"(^|_)(gender|sex|kelamin|jk)($|_)", re.I)
_CONSENT = re.compile(r"(^|_)(consent|persetujuan|izin|setuju)($|_)", re.I)
_DATE = re.compile(r"(^|_)(tanggal|tgl|date|interview|wawancara|today)($|_)", re.I)
_AREA = re.compile(r"(^|_)(r[w]|desa|kelurahan|village|area|district|kecamatan|dusun|ward)($|_)", re.I)
_SUB_AREA = re.compile(r"(^|_)(rt|rukun_tetangga|hamlet|block)($|_)", re.I)
_BOUND = re.compile(r"^\s*\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass
class Imported:
    """A form definition ready to write, plus what the import wants a person to know."""

    form_id: str
    version: str
    document: dict[str, Any]
    role_guesses: dict[str, Any]
    versions_match: dict[str, str]
    source: str
    warnings: list[str] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------

def read_xlsform(path: Path) -> tuple[dict[str, Any], list[str]]:
    """An XLSForm (.xlsx/.xls/.csv) as pyxform's JSON form, and pyxform's warnings."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    warnings: list[str] = []
    # openpyxl/xlrd speak through Python warnings: each becomes one line of the import's notes,
    # except openpyxl's "extension is not supported" (Excel features such as data-validation
    # extensions, nothing of the form).
    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always")
        try:
            form = parse_file_to_json(str(path), warnings=warnings)
        except PyXFormError as exc:
            raise SentimentError(f"{display_path(path)}: not a usable XLSForm: {_one_line(exc)}") from None
    warnings += [f"workbook: {_one_line(w.message)}" for w in caught
                 if "extension is not supported" not in str(w.message)]
    return form, warnings


def kobo_asset_to_workbook(asset: dict[str, Any], source: str) -> dict[str, Any]:
    """A Kobo asset (`GET /api/v2/assets/{uid}/`) as the sheets pyxform reads: survey, choices, settings."""
    content = asset.get("content")
    if not isinstance(content, dict) or not isinstance(content.get("survey"), list):
        raise SentimentError(f"{source}: not a Kobo asset (no `content.survey`); "
                             "save the JSON of GET /api/v2/assets/<uid>/")
    translations = content.get("translations") or [None]

    def columns(row: dict[str, Any], out: dict[str, str]) -> dict[str, str]:
        for key, value in row.items():
            if key.startswith("$") or key in ("list_name", "name", "type", "select_from_list_name"):
                continue
            if isinstance(value, list):  # one entry per translation
                for lang, text in zip(translations, value, strict=False):  # Kobo may trim
                    if text not in (None, ""):
                        out[f"{key}::{lang}" if lang else key] = str(text)
            elif isinstance(value, bool):
                out[key] = "yes" if value else ""
            elif value is not None and not isinstance(value, dict):
                out[key] = str(value)
        return out

    survey = []
    for row in content["survey"]:
        kind = str(row.get("type", ""))
        name = row.get("name") or row.get("$autoname") or ""
        if row.get("select_from_list_name"):
            kind = f"{kind} {row['select_from_list_name']}"
        survey.append(columns(row, {"type": kind, "name": str(name)}))
    choices = [columns(c, {"list_name": str(c.get("list_name", "")),
                           "name": str(c.get("name") or c.get("$autoname") or "")})
               for c in content.get("choices") or []]
    settings = {k: str(v) for k, v in (content.get("settings") or {}).items()
                if isinstance(v, str | int | float) and not isinstance(v, bool)}
    settings.setdefault("form_id", str(settings.get("id_string") or asset.get("uid") or "form"))
    settings.setdefault("form_title", str(asset.get("name") or settings["form_id"]))
    settings.setdefault("version", str(asset.get("version_id") or _deployed_version(asset) or "1"))
    if translations[0] is not None and "default_language" not in settings:
        settings["default_language"] = str(translations[0])
    return {"survey": survey, "choices": choices, "settings": [settings]}


def _deployed_version(asset: dict[str, Any]) -> str | None:
    deployed = asset.get("deployed_versions") or {}
    results = deployed.get("results") if isinstance(deployed, dict) else None
    return str(results[0].get("uid")) if results else asset.get("deployed_version_id")


def read_kobo_asset(path: Path) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """A saved Kobo asset JSON as pyxform's JSON form, warnings, and how its rows are routed."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import DefinitionData

    source = display_path(path)
    try:
        asset = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SentimentError(f"{source}: not JSON ({_one_line(exc)})") from None
    if not isinstance(asset, dict):
        raise SentimentError(f"{source}: not a Kobo asset (expected a JSON object)")
    sheets = kobo_asset_to_workbook(asset, source)
    warnings: list[str] = []
    try:
        form = workbook_to_json(DefinitionData(**sheets, sheet_names=list(sheets)),
                                form_name=sheets["settings"][0]["form_id"], warnings=warnings)
    except PyXFormError as exc:
        raise SentimentError(f"{source}: the asset is not a usable form: {_one_line(exc)}") from None
    # Kobo writes the deployed version's id into every submission's `__version__`.
    kobo_version = asset.get("version_id") or _deployed_version(asset)
    match = {"__version__": str(kobo_version)} if kobo_version else {}
    return form, warnings, match


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300]


# --- converting ----------------------------------------------------------------------------

def language_code(name: str | None) -> str:
    """`Indonesian (id)` → `id`; `English` → `english`; None/`default` → `default`."""
    if not name or name == "default":
        return "default"
    match = re.search(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$", name)
    return match.group(1).lower() if match else re.sub(r"\W+", "_", name.strip().lower())


def _labels(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {language_code(k): str(v) for k, v in value.items() if v not in (None, "")}
    return {"default": str(value)} if value not in (None, "") else {}


def _default_label(labels: dict[str, str], default: str, fallback: str) -> str:
    return labels.get(default) or labels.get("default") or next(iter(labels.values()), fallback)


def parse_constraint(expr: str, kind: str) -> tuple[dict[str, float], str | None]:
    """`. >= 12 and . <= 24` → ({min: 12, max: 24}, None); anything else → ({}, the expression)."""
    if not expr:
        return {}, None
    bounds: dict[str, float] = {}
    for part in re.split(r"\s+and\s+", expr.strip()):
        match = _BOUND.match(part)
        if not match:
            return {}, expr
        op, number = match.group(1), float(match.group(2))
        if op in (">", "<"):
            if kind != "integer" or not number.is_integer():
                return {}, expr  # a strict bound on decimals has no min/max twin
            number += 1 if op == ">" else -1
        key = "min" if op.startswith(">") else "max"
        if key in bounds:
            return {}, expr
        bounds[key] = int(number) if number.is_integer() else number
    return bounds, None


def _required(bind: dict[str, Any]) -> bool:
    return str(bind.get("required", "")).strip().lower() in ("yes", "true", "true()", "1")


def _walk(children: list[dict[str, Any]], path: tuple[str, ...], out: list[tuple[tuple[str, ...], dict]]) -> None:
    for child in children:
        kind = str(child.get("type", ""))
        name = str(child.get("name", ""))
        if kind in _REPEAT:
            where = "/".join((*path, name))
            raise SentimentError(f"repeat group {where!r} is not supported yet; "
                                 "move its questions out of the repeat or leave it out")
        if kind in _GROUP:
            if name == "meta" and not path:
                continue
            _walk(child.get("children") or [], (*path, name), out)
            continue
        out.append((path, child))


def convert(form: dict[str, Any], *, source: str, versions_match: dict[str, str] | None = None,
            warnings: list[str] | None = None) -> Imported:
    """pyxform's JSON form → the project's form definition (plain dict) with guessed roles."""
    default = language_code(form.get("default_language"))
    form_id = _identifier(str(form.get("id_string") or form.get("name") or "form"))
    version = str(form.get("version") or "1")
    fields: list[dict[str, Any]] = []
    # pyxform's advice for phone forms (image max-pixels, ...) is not about the import
    notes = [w for w in warnings or [] if "max-pixels" not in w]
    rows: list[tuple[tuple[str, ...], dict]] = []
    try:
        _walk(form.get("children") or [], (), rows)
    except SentimentError as exc:
        raise SentimentError(f"{source}: {exc}") from None
    for path, child in rows:
        kind = str(child.get("type", ""))
        name = str(child.get("name", ""))
        if kind in _SKIPPED_META or name in _SKIPPED_META:
            continue
        target = _TYPES.get(kind, "unknown")
        if target is None:
            continue
        if target == "unknown":
            notes.append(f"question {name!r}: type {kind!r} is not supported; left out")
            continue
        fields.append(_field(child, target, path, default, notes))
    seen: set[str] = set()
    for f in fields:
        if f["name"] in seen:
            raise SentimentError(f"{source}: two questions are named {f['name']!r} (in different groups); "
                                 "rename one, the pipeline keys answers by name")
        seen.add(f["name"])
    roles = guess_roles(fields)
    for f in fields:
        if f["name"] in (roles.get("identity") or []) or _ADDRESS.search(f["name"]):
            f["pii"] = True
            if f["type"] == "free_text":
                f["type"] = "text"
    languages = sorted({lang for f in fields for lang in f.get("labels", {})} - {"default"})
    document: dict[str, Any] = {
        "form_id": form_id,
        "version": version,
        "title": _default_label(_labels(form.get("title")), default, form_id),
        # the group reports compare (review it); the warehouse keeps up to 16 characters
        "respondent_group": group_for(form_id),
        "identity_fields": list(roles.get("identity") or []),
    }
    if default != "default" and len(default) <= 3:
        document["language"] = default
    elif len(languages) == 1 and len(languages[0]) <= 3:
        document["language"] = languages[0]
    document["fields"] = fields
    document["rules"] = []
    return Imported(form_id=form_id, version=version, document=document, role_guesses=roles,
                    versions_match=dict(versions_match or {"formVersion": version}),
                    source=source, warnings=notes)


def _identifier(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_]+", "_", text).strip("_").lower() or "form"


def _field(child: dict[str, Any], kind: str, path: tuple[str, ...], default: str,
           notes: list[str]) -> dict[str, Any]:
    name = str(child["name"])
    labels = _labels(child.get("label"))
    bind = child.get("bind") or {}
    out: dict[str, Any] = {"name": name, "type": kind, "label": _default_label(labels, default, name)}
    if len(labels) > 1 or (labels and "default" not in labels):
        out["labels"] = {k: v for k, v in labels.items() if k != "default"} or labels
    if path:
        out["group"] = path[-1]
        out["path"] = "/".join((*path, name))
    if _required(bind):
        out["required"] = True
    if (child.get("type") in ("text", "string") and not _IDENTITY.search(name)
            and not _ADDRESS.search(name)):
        out["type"] = "free_text"  # typed-in answers are what the scorer reads (not a
        # barcode, e-mail, phone number, time or shape, which are text too)
    if child.get("type") == "today":
        out["aliases"] = ["today"]
        if not labels:
            out["label"] = "Interview date (recorded by the device)"
    if kind in ("integer", "decimal"):
        bounds, left = parse_constraint(str(bind.get("constraint") or ""), kind)
        if child.get("type") == "range":
            params = child.get("parameters") or {}
            bounds = {"min": float(params.get("start", 1)), "max": float(params.get("end", 10))} | bounds
        if bounds:
            out["constraints"] = bounds
        if left:
            out["note"] = f"constraint not checked by the pipeline: {left}"
            notes.append(f"question {name!r}: constraint {left!r} kept as a note")
    elif bind.get("constraint"):
        out["note"] = f"constraint not checked by the pipeline: {bind['constraint']}"
    if kind in ("select_one", "select_multiple"):
        choices = child.get("choices") or []
        if not choices:
            notes.append(f"question {name!r}: choices come from a file or filter; none imported")
        out["choices"] = [_choice(c, default) for c in choices]
        if kind == "select_one" and _is_scale(out["choices"]):
            out["type"] = "likert"  # an agreement scale: the index can use it (review direction)
            notes.append(f"question {name!r}: choices 1..{len(choices)} read as a Likert scale; "
                         "add `reverse: true` if agreeing means more tension")
    return out


def _is_scale(choices: list[dict[str, Any]]) -> bool:
    """Choice names 1, 2, …, k (3 ≤ k ≤ 11) in order: a rating scale."""
    values = [c["value"] for c in choices]
    return 3 <= len(values) <= 11 and values == [str(i) for i in range(1, len(values) + 1)]


def _choice(raw: dict[str, Any], default: str) -> dict[str, Any]:
    labels = _labels(raw.get("label"))
    value = str(raw.get("name"))
    choice: dict[str, Any] = {"value": value, "label": _default_label(labels, default, value)}
    named = {k: v for k, v in labels.items() if k != "default"}
    if named:
        choice["labels"] = named
    return choice


def guess_roles(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """Which question plays each role, guessed from names and types (a person reviews them)."""
    def first(pattern: re.Pattern[str], *types: str) -> str | None:
        for f in fields:
            if f["type"] in types and pattern.search(f["name"]):
                return str(f["name"])
        return None

    # A question the enumerator answers beats the device's `today`.
    asked = [f for f in fields if "today" not in (f.get("aliases") or [])]
    dates = [f["name"] for f in (*asked, *fields) if f["type"] in ("date",)]
    interview = (next((str(f["name"]) for f in asked if f["type"] == "date"
                       and _DATE.search(f["name"])), None)
                 or first(_DATE, "date") or (dates[0] if dates else None))
    identity = [f["name"] for f in fields if f["type"] in ("text", "free_text", "integer")
                and _IDENTITY.search(f["name"])]
    return {
        "area": first(_AREA, "select_one"),
        "side": None,
        "sub_area": first(_SUB_AREA, "select_one", "integer", "text", "free_text"),
        "interview_date": interview,
        "age": first(_AGE, "integer", "decimal"),
        "gender": first(_GENDER, "select_one"),
        "consent": first(_CONSENT, "select_one"),
        "identity": identity,
    }


# --- writing -------------------------------------------------------------------------------

def _version_tag(version: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "_", version).strip("_") or "1"


def render(imported: Imported) -> str:
    """The form definition as YAML text, with the guessed roles commented for review."""
    doc = imported.document
    head = {k: doc[k] for k in ("form_id", "version", "title", "respondent_group", "identity_fields")}
    lines = [
        f"# Imported from {imported.source} by `sentiment forms import`.",
        "# Check the roles below: they are GUESSES from question names and types.",
        "# Field names are the XLSForm names; `path` is the group path the exports use.",
        _dump(head).rstrip(),
        "# Roles the pipeline knows; null = this form has no such question.",
        "roles:",
    ]
    for role, value in imported.role_guesses.items():
        rendered = json.dumps(value, ensure_ascii=False) if value is not None else "null"
        lines.append(f"  {role}: {rendered}" + ("    # guess: review" if value else ""))
    if imported.versions_match:
        lines.append("# Rows whose version column holds this value belong to this version.")
        lines.append(_dump({"versions_match": imported.versions_match}).rstrip())
    rest = {k: v for k, v in doc.items() if k not in head}
    lines.append(_dump(rest).rstrip())
    return "\n".join(lines) + "\n"


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def _existing_versions(forms_dir: Path, form_id: str) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted(forms_dir.glob("*.yaml")):
        if path.name.startswith("_") or path.name.endswith(".draft.yaml"):
            continue
        try:
            data = parse_yaml(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            continue
        if isinstance(data, dict) and str(data.get("form_id")) == form_id:
            out[str(data.get("version"))] = path
    return out


def write_form(imported: Imported, schemas: Path) -> Path:
    """Write `forms/<form_id>.<version>.yaml`; an existing version is never overwritten."""
    forms_dir = Path(schemas) / "forms"
    forms_dir.mkdir(parents=True, exist_ok=True)
    existing = _existing_versions(forms_dir, imported.form_id)
    if imported.version in existing:
        raise SentimentError(f"{display_path(existing[imported.version])}: form {imported.form_id!r} "
                             f"version {imported.version!r} already exists; nothing written "
                             "(give the new form a new version in its settings)")
    target = forms_dir / f"{imported.form_id}.{_version_tag(imported.version)}.yaml"
    if target.exists():
        raise SentimentError(f"{display_path(target)}: already exists; nothing written")
    choices = forms_dir / "_choices.yaml"
    if not choices.exists():
        choices.write_text("# Choice lists shared by several forms (`choices: <list name>`).\n{}\n",
                           encoding="utf-8")
    target.write_text(render(imported), encoding="utf-8")
    return target


def import_form(source: Path, schemas: Path) -> tuple[Path, Imported]:
    """Import an XLSForm or a saved Kobo asset JSON into the programme folder `schemas`."""
    source = Path(source)
    if not source.is_file():
        raise SentimentError(f"{source}: no such file")
    shown = display_path(source)
    if source.suffix.lower() == ".json":
        form, warnings, match = read_kobo_asset(source)
        imported = convert(form, source=shown, versions_match=match, warnings=warnings)
    elif source.suffix.lower() in XLSFORM_SUFFIXES:
        form, warnings = read_xlsform(source)
        imported = convert(form, source=shown, warnings=warnings)
    else:
        raise SentimentError(f"{shown}: expected an XLSForm (.xlsx, .xls, .csv) or a Kobo asset (.json)")
    return write_form(imported, schemas), imported
