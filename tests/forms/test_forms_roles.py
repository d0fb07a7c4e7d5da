"""A form's `roles:`: which question plays each role, checked when the form loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentiment.errors import SentimentError
from sentiment.forms.model import load_form

HEAD = """\
form_id: f
version: v1
title: T
respondent_group: g
fields:
  - {name: nama_warga, type: text, pii: true, label: Nama}
  - {name: cerita, type: text, label: Cerita}
  - {name: catatan, type: text, label: Catatan}
  - {name: zona, type: select_one, label: Zona, choices: [{value: a, label: A}]}
"""


def _form(tmp_path: Path, roles: str):
    path = tmp_path / "f.v1.yaml"
    path.write_text(HEAD + f"roles: {roles}\n", encoding="utf-8")
    return load_form(path, {})


def test_text_role_makes_typed_in_questions_scored_and_identity_a_list(tmp_path: Path) -> None:
    form = _form(tmp_path, "{area: zona, identity: nama_warga, text: [cerita]}")
    assert [f.name for f in form.free_text_fields] == ["cerita"]
    assert form.field("catatan").type == "text"  # not listed: kept redacted, not scored
    assert form.identity_fields == ("nama_warga",) and form.role("area") == "zona"
    assert form.role("age") is None


@pytest.mark.parametrize(("roles", "message"), [
    ("{place: zona}", "unknown role 'place'"),
    ("{area: rw}", "role 'area' names 'rw', which is not a field"),
    ("{text: [zona]}", "role 'text' names 'zona', a select_one question"),
    ("{text: [nama_warga]}", "role 'text' names 'nama_warga', a personal question"),
    ("{identity: [nik]}", "role 'identity' names 'nik'"),
])
def test_a_wrong_role_is_one_line_naming_the_file(tmp_path: Path, roles: str, message: str) -> None:
    with pytest.raises(SentimentError, match=message) as caught:
        _form(tmp_path, roles)
    assert "f.v1.yaml" in str(caught.value) and "\n" not in str(caught.value)
