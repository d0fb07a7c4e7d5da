"""The GX suite is generated from the form definition, not written by hand."""

from __future__ import annotations

import pytest

from sentiment.validate import build_suite

FORMS = [("orang_tua", "v1"), ("remaja", "v1"), ("remaja", "v2")]


def by_field_rule(suite) -> dict[tuple[str, str], object]:
    return {(e.meta["field"], e.meta["rule"]): e for e in suite.expectations}


@pytest.mark.parametrize(("form_id", "version"), FORMS)
def test_suite_covers_the_form(registry, form_id, version):
    form = registry.get(form_id, version)
    suite = build_suite(form)
    checks = by_field_rule(suite)
    for f in form.fields:
        if f.required:
            assert (f.name, "required") in checks
        if f.type in ("select_one", "likert"):
            exp = checks[(f.name, "in_set")]
            if not f.pii:
                assert list(exp.value_set) == f.choice_values
        if f.type == "select_multiple":
            assert all(v in checks[(f.name, "in_set")].regex for v in f.choice_values)
        if f.type == "integer":
            assert (f.name, "integer") in checks
            if f.constraints:
                between = checks[(f.name, "between")]
                assert (between.min_value, between.max_value) == (
                    f.constraints.get("min"),
                    f.constraints.get("max"),
                )
        if f.type == "date":
            assert (f.name, "date") in checks
    for rule in form.rules:
        assert (rule.require.field, rule.id) in checks
    assert ("rw", "area") in checks
    assert any(rule == "wave" for _, rule in checks)


@pytest.mark.parametrize(("form_id", "version"), FORMS)
def test_suite_never_reads_a_pii_or_free_text_column(registry, form_id, version):
    form = registry.get(form_id, version)
    sensitive = {f.name for f in form.fields if f.pii or f.type in ("text", "free_text")}
    columns = {e.column for e in build_suite(form).expectations}
    assert not columns & sensitive
    # Required PII is still checked, through a derived pass/fail column.
    assert "nama__required_ok" in columns


def test_suites_differ_by_form_version_and_are_stable(registry):
    v1, v2 = registry.get("remaja", "v1"), registry.get("remaja", "v2")
    assert build_suite(v1).name == build_suite(v1).name
    assert build_suite(v1).name != build_suite(v2).name
    assert ("hubungan_warga_seberang", "in_set") in by_field_rule(build_suite(v2))
    assert ("hubungan_warga_seberang", "in_set") not in by_field_rule(build_suite(v1))
