"""Keyed pseudonyms: stability, key handling and identity normalisation."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from sentiment import settings as settings_module
from sentiment.errors import MissingKeyError
from sentiment.privacy.pseudonym import (
    identity_kind,
    key_fingerprint,
    load_key,
    normalise_name,
    normalise_nik,
    normalise_phone,
    respondent_key,
    respondent_keys,
)

KEY = b"test-key-not-secret-0123456789abcdef"
OTHER_KEY = b"another-test-key-not-secret-987654"
PHONE_VARIANTS = [
    "0812-0000-1234",
    "0812 0000 1234",
    "+62 812 0000 1234",
    "+62-812-0000-1234",
    "62812.0000.1234",
    "(0812) 0000-1234",
    "081200001234",
    "812 0000 1234",
]
NIK_VARIANTS = [
    "3171000000000001",
    "3171 0000 0000 0001",
    "3171-0000-0000-0001",
    "3171.0000.0000.0001",
    "317100 000000 0001",
    "3171000000000001.0",
]


@pytest.fixture
def form(registry):
    return registry.get("orang_tua", "v1")


def test_phone_variants_normalise_to_one_canonical_number():
    assert {normalise_phone(v) for v in PHONE_VARIANTS} == {"6281200001234"}


@pytest.mark.parametrize("bad", ["12345", "abc 0812", "0000000000", "911", "+1 202 555 0100 99999"])
def test_implausible_phone_numbers_are_refused(bad):
    with pytest.raises(ValueError):
        normalise_phone(bad)


def test_nik_variants_normalise_to_sixteen_digits():
    assert {normalise_nik(v) for v in NIK_VARIANTS} == {"3171000000000001"}


@pytest.mark.parametrize("bad", ["317100000000001", "31710000000000011", "3171-0000-0000-000x"])
def test_nik_needs_exactly_sixteen_digits(bad):
    with pytest.raises(ValueError):
        normalise_nik(bad)


def test_name_drops_titles_case_punctuation_and_degrees():
    assert normalise_name("Bpk.  BUDI   Santoso, S.Pd.") == "budi santoso"
    assert normalise_name("Ibu Hj. Siti Aminah") == "siti aminah"
    assert normalise_name("budi santoso") == "budi santoso"


def test_phone_variants_give_one_respondent_key(form):
    keys = {respondent_key({"telepon": v, "nama": "X"}, form, KEY) for v in PHONE_VARIANTS}
    assert len(keys) == 1


def test_nik_variants_give_one_respondent_key(form):
    keys = {respondent_key({"nik": v}, form, KEY) for v in NIK_VARIANTS}
    assert len(keys) == 1


def test_identity_fields_are_used_in_form_order(form):
    nik_only = respondent_key({"nik": "3171000000000001"}, form, KEY)
    phone_only = respondent_key({"telepon": "0812-0000-1234"}, form, KEY)
    both = respondent_key({"nik": "3171000000000001", "telepon": "0812-0000-1234"}, form, KEY)
    assert both == nik_only != phone_only
    # an unusable NIK (15 digits) falls through to the phone number
    bad_nik = respondent_key({"nik": "317100000000001", "telepon": "0812 0000 1234"}, form, KEY)
    assert bad_nik == phone_only


def test_name_key_ignores_titles_and_is_scoped_to_the_respondent_group(registry, form):
    youth = registry.get("remaja", "v2")
    a = respondent_key({"nama": "Bpk. Budi Santoso"}, form, KEY)
    assert a == respondent_key({"nama": "budi  santoso"}, form, KEY)
    assert a != respondent_key({"nama": "Budi Santoso"}, youth, KEY)


def test_key_is_not_a_plain_hash_and_differs_across_keys(form):
    import hashlib

    record = {"nik": "3171000000000001"}
    first = respondent_key(record, form, KEY)
    assert first != respondent_key(record, form, OTHER_KEY)
    assert first not in {
        hashlib.sha256(b"3171000000000001").hexdigest(),
        hashlib.sha256(b"nik:3171000000000001").hexdigest(),
    }
    assert len(first) == 64 and int(first, 16) >= 0


def test_record_without_identity_uses_the_submission_id(form):
    a = respondent_key({"nama": None, "_submission_id": "uuid-1"}, form, KEY)
    b = respondent_key({"nama": "  ", "_submission_id": "uuid-2"}, form, KEY)
    assert a != b
    with pytest.raises(ValueError):
        respondent_key({"nama": None}, form, KEY)


def test_vectorised_keys_match_the_row_function(form):
    frame = pd.DataFrame(
        {
            "nik": ["3171 0000 0000 0001", None, "123", None, None],
            "telepon": [None, "+62 812 0000 1234", "0812-0000-1234", None, None],
            "nama": ["Ani", "Budi", "Citra", "Bu Dewi", None],
            "_submission_id": ["s1", "s2", "s3", "s4", "s5"],
        },
        index=[10, 11, 12, 13, 14],
    ).astype({"nik": "str", "telepon": "str", "nama": "str"})
    keys = respondent_keys(frame, form, KEY)
    expected = [respondent_key(row, form, KEY) for row in frame.to_dict("records")]
    assert keys.tolist() == expected
    assert list(keys.index) == [10, 11, 12, 13, 14]
    assert keys.iloc[1] == keys.iloc[2]  # same phone, two spellings


def test_keys_are_stable_across_processes(form):
    """No per-process salt (e.g. Python's randomised hash()) leaks into the key."""
    here = respondent_key({"telepon": "0812-0000-1234"}, form, KEY)
    code = textwrap.dedent(
        f"""
        from sentiment.forms import load_registry
        from sentiment.privacy import respondent_key
        form = load_registry().get("orang_tua", "v1")
        print(respondent_key({{"telepon": "+62 812 0000 1234"}}, form, {KEY!r}))
        """
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()
    assert there == here


def test_fingerprint_is_short_stable_and_reveals_nothing():
    fp = key_fingerprint(KEY)
    assert len(fp) == 16 and int(fp, 16) >= 0
    assert fp == key_fingerprint(KEY) != key_fingerprint(OTHER_KEY)
    assert fp not in KEY.hex() and fp not in KEY.decode()


def test_load_key_reads_the_environment_without_asking_prefect(monkeypatch):
    def fail(_name):
        raise AssertionError("Prefect must not be asked when the env var is set")

    monkeypatch.setattr(settings_module, "secret_block_value", fail)
    monkeypatch.setenv("SENTIMENT_PSEUDONYM_KEY", KEY.decode())
    assert load_key() == KEY


def test_load_key_falls_back_to_the_prefect_secret(monkeypatch):
    monkeypatch.delenv("SENTIMENT_PSEUDONYM_KEY", raising=False)
    monkeypatch.setattr(settings_module, "secret_block_value", lambda name: "k" * 32)
    assert load_key() == b"k" * 32


def test_missing_key_tells_the_user_to_set_the_env_var(monkeypatch):
    monkeypatch.delenv("SENTIMENT_PSEUDONYM_KEY", raising=False)
    monkeypatch.setattr(settings_module, "secret_block_value", lambda name: None)
    with pytest.raises(MissingKeyError, match="SENTIMENT_PSEUDONYM_KEY"):
        load_key()


@pytest.mark.parametrize("short", ["short", "x" * 15])
def test_short_keys_are_refused(monkeypatch, short):
    monkeypatch.setenv("SENTIMENT_PSEUDONYM_KEY", short)
    with pytest.raises(MissingKeyError, match="too short"):
        load_key()


def test_prefect_secret_block_is_read_only_when_an_api_is_configured(monkeypatch):
    from prefect.blocks.system import Secret
    from prefect.settings import PREFECT_API_URL, temporary_settings

    calls = []

    class FakeSecret:
        def get(self):
            return "secret-from-prefect-0123456789"

    def fake_load(name, **kwargs):
        calls.append(name)
        return FakeSecret()

    monkeypatch.setattr(Secret, "load", fake_load)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):  # no API configured
        assert settings_module.secret_block_value("sentiment-pseudonym-key") is None
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        value = settings_module.secret_block_value("sentiment-pseudonym-key")
    assert value == "secret-from-prefect-0123456789"
    assert calls == ["sentiment-pseudonym-key"]


def test_unreachable_prefect_gives_missing_key_error():
    """Real Prefect client against a closed port: a user error, not a traceback."""
    code = textwrap.dedent(
        """
        from sentiment.errors import MissingKeyError
        from sentiment.privacy import load_key
        try:
            load_key()
        except MissingKeyError as exc:
            print("MissingKeyError:", exc)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "SENTIMENT_PSEUDONYM_KEY"}
    env.update(
        PREFECT_API_URL="http://127.0.0.1:9/api",
        PREFECT_CLIENT_MAX_RETRIES="0",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "MissingKeyError:" in result.stdout
    assert "SENTIMENT_PSEUDONYM_KEY" in result.stdout


def test_vectorised_keys_accept_numeric_identity_columns(form):
    frame = pd.DataFrame({"nik": [3171000000000001, None], "nama": ["A", "B"]})
    frame["nik"] = frame["nik"].astype("Int64")
    keys = respondent_keys(frame, form, KEY)
    assert keys.iloc[0] == respondent_key({"nik": "3171 0000 0000 0001"}, form, KEY)
    assert keys.iloc[1] == respondent_key({"nama": "B"}, form, KEY)


@pytest.mark.parametrize(("name", "kind"), [
    ("nik", "nik"), ("nomor_ktp", "nik"), ("telepon", "phone"), ("no_hp", "phone"),
    ("nohp", "phone"), ("nomor_wa", "phone"), ("phone_number", "phone"), ("nama", "name"),
    # words, not letters inside words: these are names (a phone normaliser refuses them)
    ("nama_warga", "name"), ("teknik_kerja", "name"), ("kode_kawasan", "name"),
])
def test_identity_kind_reads_whole_words_of_the_field_name(name: str, kind: str) -> None:
    assert identity_kind(name) == kind
