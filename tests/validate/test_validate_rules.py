"""Each kind of bad row lands in quarantine under the right field and rule, for every form."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from validate_batches import good_answers, make_batch

from sentiment.forms.model import Form
from sentiment.validate import validate_batch
from sentiment.validate.checks import form_checks

FORMS = [("orang_tua", "v1"), ("remaja", "v1"), ("remaja", "v2")]


def bad_rows(form: Form) -> list[tuple[dict[str, Any], tuple[str, str]]]:
    """(answers, expected (field, rule)) per kind of mistake, derived from the form."""
    good = good_answers(form)
    umur = form.field("umur")
    likert = form.fields_of("likert")[0].name
    required_choice = next(
        f.name for f in form.fields if f.required and not f.pii and f.type == "select_one"
    )
    cases = [
        ({**good, "umur": str(int(umur.constraints["max"]) + 3)}, ("umur", "between")),
        ({**good, likert: "7"}, (likert, "in_set")),
        ({**good, "rw": "09"}, ("rw", "area")),
        ({**good, "nama": None}, ("nama", "required")),
        ({**good, required_choice: "  "}, (required_choice, "required")),
        ({**good, "tanggal_wawancara": "2025-03-15"}, ("tanggal_wawancara", "wave")),
        ({**good, "tanggal_wawancara": "2024-11-31"}, ("tanggal_wawancara", "date")),
        ({**good, "tanggal_wawancara": "10/11/2024"}, ("tanggal_wawancara", "date")),
        ({**good, "rt": "dua"}, ("rt", "integer")),
        ({**good, "kegiatan": "dialog futsal"}, ("kegiatan", "in_set")),
    ]
    for rule in form.rules:
        young = str(int(rule.when.lt) - 2)
        cases.append(
            (
                {**good, rule.when.field: young, rule.require.field: "tidak"},
                (rule.require.field, rule.id),
            )
        )
        cases.append(
            (
                {**good, rule.when.field: young, rule.require.field: None},
                (rule.require.field, rule.id),
            )
        )
    return cases


@pytest.mark.parametrize(("form_id", "version"), FORMS)
def test_each_bad_row_is_quarantined_with_field_and_rule(registry, form_id, version):
    form = registry.get(form_id, version)
    cases = bad_rows(form)
    batch = make_batch(form, [good_answers(form)] + [answers for answers, _ in cases])
    result = validate_batch(batch)

    assert result.valid["_source_row"].tolist() == [2]
    q = result.quarantine
    for i, (_, (field, rule)) in enumerate(cases):
        row = i + 3  # header is row 1, the good row is row 2
        hits = q[(q["source_row"] == row) & (q["field"] == field) & (q["rule"] == rule)]
        assert len(hits) == 1, (
            f"row {row}: expected {field}/{rule}, got {q[q['source_row'] == row]}"
        )
        assert field in hits["reason"].iloc[0]
    assert set(q["source_row"]) == {i + 3 for i in range(len(cases))}
    assert sorted(result.rejected["_source_row"]) == [i + 3 for i in range(len(cases))]


def test_reason_names_value_and_bounds(registry):
    form = registry.get("remaja", "v1")
    result = validate_batch(make_batch(form, [{**good_answers(form), "umur": "27"}]))
    row = result.quarantine.iloc[0]
    assert (row["field"], row["rule"], row["value"]) == ("umur", "between", "27")
    assert row["reason"] == "umur=27 outside 12–24"
    assert row["source_file"] == "contoh.csv" and row["submission_id"] == "uuid-0000"


def test_youth_consent_rule_only_applies_under_the_age_limit(registry):
    form = registry.get("remaja", "v2")
    good = good_answers(form)
    rows = [{**good, "umur": "19", "persetujuan_ortu": None}, {**good, "umur": "16"}]
    result = validate_batch(make_batch(form, rows))
    assert len(result.valid) == 2 and result.quarantine.empty


def test_submitted_at_places_the_wave_in_jakarta_time_without_interview_date(registry):
    base = registry.get("orang_tua", "v1")
    form = base.model_copy(update={
        "fields": tuple(f for f in base.fields if f.name != "tanggal_wawancara"),
        "roles": {**base.roles, "interview_date": None},
    })
    good = good_answers(form)
    rows = [
        # 20:00 UTC on 31 January is 03:00 on 1 February in Jakarta: the February wave.
        {**good, "_submitted_at": pd.Timestamp("2025-01-31 20:00", tz="UTC")},
        {**good, "_submitted_at": pd.Timestamp("2025-01-31 10:00", tz="UTC")},
    ]
    result = validate_batch(make_batch(form, rows))
    assert result.valid["_wave_id"].tolist() == ["2025-02"]
    assert result.valid["_side"].tolist() == ["barat"]  # RW 02 in schemas/areas.yaml
    q = result.quarantine
    assert (q["field"].tolist(), q["rule"].tolist(), q["value"].tolist()) == (
        ["_submitted_at"],
        ["wave"],
        ["2025-01-31"],
    )


def test_the_suite_run_equals_gx_as_shipped_and_leaves_gx_unchanged(registry):
    """`run_suite` lets each expectation build its configuration once per run: the
    results are those of GX's own property, and the property is GX's again afterwards."""
    from great_expectations.expectations.expectation import Expectation

    from sentiment.validate.checks import gx_frame, prepare
    from sentiment.validate.reference import load_areas, load_waves, waves_timezone
    from sentiment.validate.suite import RESULT_FORMAT, _context, run_suite, suite_for

    shipped = Expectation.__dict__["configuration"]
    form = registry.get("remaja", "v1")
    cases = bad_rows(form)
    frame = make_batch(form, [good_answers(form)] + [answers for answers, _ in cases]).frame
    checks = form_checks(form, load_areas())
    prepared = gx_frame(prepare(frame, form, load_areas(), load_waves(), waves_timezone()), checks)

    run = run_suite(form, prepared)
    assert Expectation.__dict__["configuration"] is shipped
    suite, _ = suite_for(form)
    batch = _context()[1].get_batch(batch_parameters={"dataframe": prepared})
    plain = batch.validate(suite, result_format=RESULT_FORMAT)

    def failed(results) -> dict[str, list]:
        return {item.expectation_config.meta["check"]: item.result.get("unexpected_index_list")
                for item in results if not item.success}

    assert failed(run.result.results) == failed(plain.results)
    assert len(failed(plain.results)) >= len(cases) - 2  # the bad rows did fail checks


def test_validation_leaves_no_thread_behind(registry):
    """GX's (disabled) tqdm bars used to start tqdm's monitor thread, and any live thread
    keeps the scorer in one process (sentiment.nlp._fork_context)."""
    import threading

    form = registry.get("remaja", "v1")
    validate_batch(make_batch(form, [good_answers(form), {**good_answers(form), "umur": "99"}]))
    assert [t.name for t in threading.enumerate() if "monitor" in t.name.lower()
            or type(t).__name__ == "TMonitor"] == []
