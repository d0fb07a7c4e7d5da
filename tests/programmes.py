"""A programme folder for a test: `sentiment init` plus one form of the test's own."""

from __future__ import annotations

from pathlib import Path

from sentiment.scaffold import init_programme


def empty_programme(folder: Path) -> Path:
    """What `sentiment init` writes, without its example form: a programme with no form yet."""
    init_programme(folder)
    for example in (folder / "forms").glob("contoh*.yaml"):
        example.unlink()
    return folder


def programme_with_form(folder: Path, form_id: str, form_yaml: str) -> Path:
    """`init` writes the folder; its example form is replaced by `form_yaml`."""
    empty_programme(folder)
    (folder / "forms" / f"{form_id}.v1.yaml").write_text(form_yaml, encoding="utf-8")
    return folder
