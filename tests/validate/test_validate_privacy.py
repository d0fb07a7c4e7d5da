"""PII and free text never reach GX's output or the quarantine table."""

from __future__ import annotations

import json

import pandas as pd
from validate_batches import FAKE_NAME, FAKE_NIK, good_answers, make_batch

from sentiment.forms.model import Condition, Form, Rule
from sentiment.validate import validate_batch
from sentiment.validate.checks import form_checks, gx_frame, prepare
from sentiment.validate.quarantine import PII_MASK
from sentiment.validate.reference import load_areas, load_waves, waves_timezone
from sentiment.validate.suite import run_suite

STORY = "Rumah saya di Gang Fiktif 7, tanya Pak Contoh 0812-0000-7777"


def strict_nik_form(base: Form) -> Form:
    """The youth form with `nik` as a bounded integer: a PII field whose value can fail."""
    fields = tuple(
        f.model_copy(
            update={
                "type": "integer",
                "required": True,
                "constraints": {"min": 1e15, "max": 1e16 - 1},
            }
        )
        if f.name == "nik"
        else f
        for f in base.fields
    )
    return base.model_copy(update={"fields": fields})


def rows(form: Form) -> list[dict]:
    good = {**good_answers(form), "harapan": STORY}
    return [
        good,
        {**good, "nik": "31710000000099XX", "umur": "99"},  # PII fails its own check
        {**good, "nik": "12345"},  # PII out of range
        {**good, "jenis_kelamin": None},  # a row holding PII fails on another field
        {**good, "_submission_id": "uuid-0000", "kekhawatiran": STORY + "!"},  # conflict
    ]


def text_of(*objects) -> str:
    return json.dumps(
        [o.to_dict(orient="records") if isinstance(o, pd.DataFrame) else o for o in objects],
        default=str,
    )


def test_pii_never_in_quarantine_or_statistics(registry):
    form = strict_nik_form(registry.get("remaja", "v1"))
    result = validate_batch(make_batch(form, rows(form)))

    q = result.quarantine
    nik = q[q["field"] == "nik"]
    assert set(nik["rule"]) == {"integer", "between"}
    assert set(nik["value"]) == {PII_MASK}
    out = text_of(q, result.statistics, result.summary)
    for secret in (FAKE_NAME, FAKE_NIK, "31710000000099XX", "12345", "Gang Fiktif", "0812-0000"):
        assert secret not in out
    # The rejected rows keep PII on purpose (the protect stage strips it before storage).
    assert FAKE_NAME in text_of(result.rejected)


def test_gx_sees_no_pii_or_free_text(registry):
    form = strict_nik_form(registry.get("remaja", "v1"))
    frame = make_batch(form, rows(form)).frame
    checks = form_checks(form, load_areas())
    prepared = prepare(frame, form, load_areas(), load_waves(), waves_timezone())
    gx_input = gx_frame(prepared, checks)
    run = run_suite(form, gx_input)

    sensitive = {f.name for f in form.fields if f.pii or f.type in ("text", "free_text")}
    assert not sensitive & set(gx_input.columns)
    assert run.failures  # the suite did flag the bad NIK rows...
    serialised = json.dumps(run.result.to_json_dict(), default=str)
    for secret in (FAKE_NAME, FAKE_NIK, "31710000000099XX", "12345", "Gang Fiktif", "0812-0000"):
        assert secret not in serialised  # ...without echoing any value


def test_free_text_value_is_reduced_to_its_length(registry):
    base = registry.get("remaja", "v2")
    story_rule = Rule(
        id="cerita_contoh",
        when=Condition(field="umur", lt=18),
        require=Condition(field="harapan", equals="ok"),
    )
    form = base.model_copy(update={"rules": (*base.rules, story_rule)})
    good = {**good_answers(form), "harapan": STORY, "umur": "16"}
    result = validate_batch(make_batch(form, [good]))

    row = result.quarantine.iloc[0]
    assert (row["field"], row["rule"]) == ("harapan", "cerita_contoh")
    assert row["value"] == f"[{len(STORY)} karakter]"
    assert STORY not in text_of(result.quarantine)
    assert "Gang Fiktif" not in row["reason"]
