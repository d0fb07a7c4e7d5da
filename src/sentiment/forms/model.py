"""The form model: typed view of `schemas/forms/*.yaml`, the single source of truth.

The validation suite, the warehouse's question dimension, the codebook and export labels
are all generated from these objects.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from sentiment.config import display_path, load_yaml, schemas_dir
from sentiment.errors import SentimentError

FieldType = Literal[
    "integer", "decimal", "select_one", "select_multiple", "likert", "date", "datetime",
    "text", "free_text", "geopoint", "image", "audio", "video", "file",
]
# Attachment questions: the export holds the file name; the media itself is never kept.
MEDIA_TYPES = ("image", "audio", "video", "file")
# A geopoint is stored as these parts, in the order of Kobo/ODK's "lat lon alt accuracy"
# string, each range-checked (low, high). Kobo's split columns call accuracy `_precision`.
GEOPOINT_PARTS = {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0),
                  "altitude": (None, None), "accuracy": (0.0, None)}


def normalise_header(text: str) -> str:
    """Fold a column title for alias matching: case, accents, punctuation and spacing."""
    text = unicodedata.normalize("NFKC", str(text)).casefold().strip()
    text = re.sub(r"[\s_]+", " ", text)
    return re.sub(r"[^\w/ -]+", "", text).strip()


class Choice(BaseModel):
    model_config = ConfigDict(frozen=True)
    value: str
    label: str
    labels: dict[str, str] = {}  # per-language labels (`label` is the default language's)

    @field_validator("value", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> str:
        return str(value)


class Field(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    type: FieldType
    label: str
    group: str | None = None
    required: bool = False
    pii: bool = False
    reverse: bool = False
    scale: str | None = None
    renamed_from: str | None = None
    choices: tuple[Choice, ...] = ()
    constraints: dict[str, float] = {}
    aliases: tuple[str, ...] = ()
    labels: dict[str, str] = {}  # per-language labels (`label` is the default language's)
    path: str | None = None  # group path in the XLSForm, e.g. `identitas/alamat/nama`
    language: str | None = None  # typed-in answers' language (id, en, ... or none: not scored)
    note: str | None = None  # what an import could not express (e.g. a complex constraint)

    @property
    def question_id(self) -> str:
        """Stable identity across form versions: a renamed field keeps its old name."""
        return self.renamed_from or self.name

    @property
    def choice_values(self) -> list[str]:
        return [c.value for c in self.choices]

    @property
    def is_numeric(self) -> bool:
        return self.type in ("integer", "decimal", "likert")

    def found_in(self, normalised: set[str]) -> bool:
        """Whether a file with these (normalised) column titles carries this question; a
        geopoint may come as its parts only (`_<name>_latitude`, ODK's `<name>-Latitude`)."""
        if self.header_aliases() & normalised or self.option_headers().keys() & normalised:
            return True
        return self.type == "geopoint" and bool(
            {normalise_header(f"{p}{self.name}{sep}latitude") for p, sep in (("_", "_"), ("", "-"))}
            & normalised)

    def option_headers(self) -> dict[str, str]:
        """Kobo's one 0/1 column per option of a select_multiple (`<name or path>/<option>`),
        normalised → the option's value; empty for any other type."""
        if self.type != "select_multiple":
            return {}
        return {f"{alias}/{normalise_header(v)}": v for alias in self.header_aliases()
                for v in self.choice_values}

    def header_aliases(self) -> set[str]:
        """Every column title under which this field may arrive, normalised."""
        names = {self.name, self.label, *self.aliases, *self.labels.values()}
        if self.path:
            names.update({self.path, self.path.replace("/", "-")})
        if self.renamed_from:
            names.add(self.renamed_from)
        if self.group:
            for name in list(names):
                if " " not in name:
                    names.update({f"{self.group}/{name}", f"{self.group}-{name}"})
        return {normalise_header(n) for n in names}


class Condition(BaseModel):
    model_config = ConfigDict(frozen=True)
    field: str
    lt: float | None = None
    gt: float | None = None
    equals: str | None = None


class Rule(BaseModel):
    """A conditional rule: when `when` holds, `require` must hold too, else the row is rejected."""

    model_config = ConfigDict(frozen=True)
    id: str
    description: str = ""
    when: Condition
    require: Condition


ROLES = ("area", "side", "sub_area", "interview_date", "age", "gender", "consent")
"""The questions the pipeline treats specially, declared per form under `roles:` (each a
field name or null). area: its value is an areas.yaml code (gives the side); side: a
question that names the side directly; sub_area, interview_date and age are kept on the
response only (never published as answers: together they could single a person out)."""
RESPONSE_ONLY_ROLES = ("sub_area", "interview_date", "age")
LIST_ROLES = ("identity", "text")
"""Roles played by a list of fields: identity (hashed into the pseudonym, in order; none:
one respondent per submission) and text (typed-in questions to score, as `free_text`)."""


GROUP_MAX = 16  # characters of a respondent group (stored in every fact table)


def group_for(form_id: str) -> str:
    """A respondent group named after a form, for a person to review: the form id when it
    fits, else its start and a short hash, so two long ids never share a group by accident."""
    if len(form_id) <= GROUP_MAX:
        return form_id
    import hashlib

    digest = hashlib.sha1(form_id.encode()).hexdigest()[:4]
    return f"{form_id[:GROUP_MAX - 5].rstrip('_')}_{digest}"


class Form(BaseModel):
    model_config = ConfigDict(frozen=True)

    form_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    version: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    title: str
    respondent_group: Annotated[str, StringConstraints(min_length=1, max_length=GROUP_MAX)]
    # Hashed into the pseudonym in this order; none: one respondent per submission (its
    # root id, so an edited submission keeps its respondent).
    identity_fields: tuple[str, ...] = ()
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    language: str | None = None  # default for its free-text fields; else programme.yaml's
    roles: dict[str, str | list[str] | None] = {}
    # The version a submission names, per tool (`forms import` writes it): `formVersion`
    # (ODK: `__system/formVersion`, CSV `FormVersion`) or Kobo's `__version__`.
    versions_match: dict[str, str] = {}

    @field_validator("versions_match", mode="before")
    @classmethod
    def _version_texts(cls, value: Any) -> Any:
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else value

    @model_validator(mode="before")
    @classmethod
    def _list_roles(cls, data: Any) -> Any:
        """`roles: {identity: [...]}` (as `forms import` writes it) is `identity_fields`;
        `roles: {text: [...]}` makes those typed-in questions free text (scored). A single
        field for a list role is a list of one."""
        if not isinstance(data, dict) or not isinstance(data.get("roles"), dict):
            return data
        roles = {k: [v] if k in LIST_ROLES and isinstance(v, str) else v
                 for k, v in data["roles"].items()}
        data = {**data, "roles": roles}
        if not data.get("identity_fields") and roles.get("identity"):
            data["identity_fields"] = roles["identity"]
        text = roles.get("text") or []
        if isinstance(data.get("fields"), list):
            data["fields"] = [
                {**f, "type": "free_text"}
                if isinstance(f, dict) and f.get("name") in text and f.get("type") == "text" else f
                for f in data["fields"]]
        return data

    @model_validator(mode="after")
    def _roles_name_fields(self) -> Form:
        names = {f.name for f in self.fields}
        known = (*ROLES, *LIST_ROLES)
        unknown = [r for r in self.roles if r not in known]
        if unknown:
            raise ValueError(f"unknown role {unknown[0]!r} (roles: {', '.join(known)})")
        for role, value in self.roles.items():
            for name in value if isinstance(value, list) else [value]:
                if name is not None and name not in names:
                    raise ValueError(f"role {role!r} names {name!r}, which is not a field of the form")
        for name in self.roles.get("text") or []:
            field = self.field(name)
            if field.type != "free_text" or field.pii:
                kind = "a personal" if field.pii else f"a {field.type}"
                raise ValueError(f"role 'text' names {name!r}, {kind} question "
                                 "(only typed-in answers that are not personal data are scored)")
        return self

    def role(self, name: str) -> str | None:
        """The field that plays this role (see ROLES), or None when the form has none."""
        value = self.roles.get(name)
        return value if isinstance(value, str) else None

    @property
    def response_only_fields(self) -> set[str]:
        return {f for r in RESPONSE_ONLY_ROLES if (f := self.role(r))}

    @property
    def key(self) -> str:
        return f"{self.form_id}.{self.version}"

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"form {self.key} has no field {name!r}")

    def fields_of(self, *types: str) -> list[Field]:
        return [f for f in self.fields if f.type in types]

    @property
    def pii_fields(self) -> list[Field]:
        return [f for f in self.fields if f.pii]

    @property
    def free_text_fields(self) -> list[Field]:
        return self.fields_of("free_text")

    def alias_map(self) -> dict[str, str]:
        """Normalised column title → field name."""
        return {alias: f.name for f in self.fields for alias in f.header_aliases()}


class FormRegistry(BaseModel):
    """All known forms and versions."""

    forms: tuple[Form, ...]

    @property
    def respondent_groups(self) -> tuple[str, ...]:
        """The respondent groups the forms declare, in the order of the forms."""
        return tuple(dict.fromkeys(f.respondent_group for f in self.forms))

    def get(self, form_id: str, version: str | None = None) -> Form:
        matches = [f for f in self.forms if f.form_id == form_id]
        if version is not None:
            matches = [f for f in matches if f.version == version]
        if not matches:
            raise KeyError(f"unknown form {form_id!r} version {version!r}")
        return max(matches, key=lambda f: _version_number(f.version))

    def by_submitted_version(self, form_id: str, column: str, value: str) -> Form | None:
        """The version of `form_id` whose `versions_match` names this export column (ODK's
        `__system/formVersion` and `FormVersion` both name `formVersion`) and value."""
        key = version_key(column)
        for form in self.forms:
            if form.form_id == form_id and any(
                    version_key(k) == key and v == value for k, v in form.versions_match.items()):
                return form
        return None

    def detect(self, columns: list[str]) -> tuple[Form, float]:
        """The form (and version) whose aliases match most of these column titles.

        Returns the form and the share of its fields found. Ties go to the newer version only
        when a field unique to it is present.
        """
        normalised = {normalise_header(c) for c in columns}
        best: tuple[float, int, Form] | None = None
        for form in self.forms:
            found = sum(1 for f in form.fields if f.found_in(normalised))
            options = {h for f in form.fields for h in f.option_headers()}
            extra = len(normalised - set(form.alias_map()) - options)
            score = (found / len(form.fields), -extra, form)
            if best is None or score[:2] > best[:2]:
                best = score
        if best is None:
            raise LookupError("no forms are defined")
        return best[2], best[0]


def version_key(column: str) -> str:
    """An export's version column folded to the name `versions_match` uses."""
    return column.casefold().removeprefix("__system/").removeprefix("meta/")


def _version_number(version: str) -> int:
    digits = re.sub(r"\D", "", version)
    return int(digits) if digits else 0


def _expand_choices(raw: dict[str, Any], shared: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    choices = raw.get("choices")
    if isinstance(choices, str):
        raw = {**raw, "choices": shared[choices]}
    return raw


def _shared_choices(folder: Path) -> dict[str, Any]:
    path = folder / "_choices.yaml"
    return (load_yaml(path) or {}) if path.is_file() else {}


def load_form(path: Path, shared_choices: dict[str, Any] | None = None) -> Form:
    """One form file; a mistake in it is a one-line `SentimentError` naming the file and field."""
    data = load_yaml(path)
    shared = shared_choices if shared_choices is not None else _shared_choices(path.parent)
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        raise SentimentError(f"{display_path(path)}: a form needs `form_id`, `version` and a `fields:` list")
    try:
        data["fields"] = [_expand_choices(f, shared) for f in data["fields"]]
        return Form.model_validate(data)
    except KeyError as exc:
        raise SentimentError(f"{display_path(path)}: unknown shared choice list {exc} "
                             "(not in _choices.yaml)") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _error_location(data, error["loc"])
        raise SentimentError(f"{display_path(path)}: {where}{error['msg']}") from None


def _error_location(data: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """`field 'age', constraints: ` from pydantic's location (fields named, not numbered)."""
    parts: list[str] = []
    if len(loc) >= 2 and loc[0] == "fields" and isinstance(loc[1], int):
        try:
            parts.append(f"field {data['fields'][loc[1]].get('name', loc[1])!r}")
        except (IndexError, AttributeError):
            parts.append(f"field #{loc[1] + 1}")
        loc = loc[2:]
    parts += [str(p) for p in loc]
    return ", ".join(parts) + ": " if parts else ""


@lru_cache(maxsize=8)
def _registry(folder: str) -> FormRegistry:
    root = Path(folder)
    shared = _shared_choices(root)
    # `_choices.yaml` is shared; `*.draft.yaml` are drafts a person has not reviewed yet.
    paths = [p for p in sorted(root.glob("*.yaml"))
             if not p.name.startswith("_") and not p.name.endswith(".draft.yaml")]
    forms = [load_form(p, shared) for p in paths]
    return FormRegistry(forms=tuple(forms))


def load_registry(folder: Path | None = None) -> FormRegistry:
    """Every form under `schemas/forms/` (or `folder`)."""
    return _registry(str(folder or schemas_dir() / "forms"))
