"""The codebook mirrors schemas/ and the committed docs/codebook.json never drifts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sentiment.config import schemas_dir
from sentiment.export.codebook import build_codebook, dumps, render_markdown
from sentiment.export.names import MAX_NAME

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def codebook() -> dict:
    return build_codebook()


def _raw_forms() -> list[dict]:
    folder = schemas_dir() / "forms"
    return [yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.yaml")) if not p.name.startswith("_")]


def _warehouse_id(form: dict, field: dict) -> str:
    return f"{form['form_id']}.{field.get('renamed_from') or field['name']}"


def test_reverse_coded_items_are_exactly_those_the_yaml_declares(codebook: dict) -> None:
    declared = {_warehouse_id(form, f) for form in _raw_forms() for f in form["fields"]
                if f.get("reverse")}
    listed = {q["question_id"] for q in codebook["questions"] if q["reverse"]}
    assert declared and listed == declared
    scaled = {_warehouse_id(form, f) for form in _raw_forms() for f in form["fields"]
              if f.get("reverse") and f.get("scale")}
    assert {i for s in codebook["scales"] for i in s["reverse_items"]} == scaled


def test_pii_fields_are_listed_as_not_stored_and_never_exported(codebook: dict) -> None:
    pii = {_warehouse_id(form, f) for form in _raw_forms() for f in form["fields"] if f.get("pii")}
    assert {p["question_id"] for p in codebook["pii_not_stored"]} == pii
    exported = {v["source"] for v in codebook["export"]["variables"]}
    assert not exported & pii
    markdown = render_markdown(codebook)
    assert all(f"`{qid}`" in markdown for qid in pii)


def test_every_question_and_version_is_listed(codebook: dict) -> None:
    expected: dict[str, set[str]] = {}
    for form in _raw_forms():
        for f in form["fields"]:
            expected.setdefault(_warehouse_id(form, f), set()).add(form["version"])
    assert {q["question_id"]: set(q["versions"]) for q in codebook["questions"]} == expected


def test_renamed_question_keeps_its_id_and_shows_both_names(codebook: dict) -> None:
    renamed = [(form, f) for form in _raw_forms() for f in form["fields"] if f.get("renamed_from")]
    assert renamed
    for form, f in renamed:
        q = next(q for q in codebook["questions"] if q["question_id"] == _warehouse_id(form, f))
        assert q["differs_by_version"]["name"][form["version"]] == f["name"]


def test_export_names_are_valid_for_spss_and_stata(codebook: dict) -> None:
    names = [v["name"] for v in codebook["export"]["variables"]]
    assert len({n.lower() for n in names}) == len(names)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) and len(n) <= min(MAX_NAME, 32) for n in names)


def test_topic_codes_match_topics_yaml(codebook: dict) -> None:
    raw = yaml.safe_load((schemas_dir() / "topics.yaml").read_text(encoding="utf-8"))
    assert [(t["code"], t["label"]) for t in codebook["topics"]["codes"]] == [
        (code, spec["label"]) for code, spec in raw["codes"].items()
    ]


def test_committed_codebook_matches_a_fresh_build(codebook: dict) -> None:
    committed = ROOT / "docs" / "codebook.json"
    assert committed.read_text(encoding="utf-8") == dumps(codebook), (
        "docs/codebook.json is stale: run `sentiment codebook --out docs`"
    )
    assert (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8") == render_markdown(codebook)
