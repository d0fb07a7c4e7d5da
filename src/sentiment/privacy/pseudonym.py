"""Keyed pseudonyms for respondents: HMAC-SHA256 over normalised identity fields.

Why a keyed HMAC and not a plain SHA-256: a NIK is not random. Its 16 digits encode the
province/regency/district (6), the birth date (6, +40 on the day for women) and a serial
(4). For one RW in Central Jakarta the region code is fixed and birth dates of 12-24 year
olds span a few thousand days, so the whole space of plausible NIKs is ~10^7 values: a
plain hash is reversed by enumeration in seconds. Phone numbers (~10^9 per operator
prefix) and names (a phone book) fall the same way. With an HMAC the attacker also needs
the key, which never leaves the environment / Prefect Secret block.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd

from sentiment.forms.model import Form
from sentiment.settings import (  # noqa: F401 - the key lives in settings; re-exported
    MIN_KEY_BYTES,
    PSEUDONYM_KEY_ENV,
    load_key,
    validate_key,
)

_FINGERPRINT_LABEL = b"kali-pasir-pulse/pseudonym-key-fingerprint/v1"

IdentityKind = Literal["nik", "phone", "name"]

# Honorifics and titles that people put in front of (or after) a name on a form; they
# are not part of the identity ("Bpk. Budi" and "budi" are the same respondent).
NAME_TITLES = frozenset(
    """
    bapak bpk bp pak ibu ib bu sdr sdri saudara saudari tn ny nn nona nyonya tuan
    h hj haji hajjah hajah ust ustad ustadz ustaz ustadzah ustazah kh kyai kiai
    dr drs dra ir prof mas mbak mba kak bang abang om tante
    """.split()
)
_DEGREE = re.compile(r",.*$")  # "Budi Santoso, S.Pd." → academic degrees after a comma
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_NIK_SEPARATORS = re.compile(r"[\s.\-/]")
_SIXTEEN_DIGITS = re.compile(r"\d{16}")
_NOT_PHONE_CHARS = re.compile(r"[^\d\s.\-()+/]")
_NON_DIGITS = re.compile(r"\D")
_NIK_EXCEL_FLOAT = re.compile(r"^\s*(\d{16})\.0+\s*$")


def key_fingerprint(key: bytes) -> str:
    """16 hex chars identifying the key (HMAC of a fixed label); reveals nothing about it."""
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


def normalise_nik(value: str) -> str:
    """NIK as its 16 digits; spaces, dots, dashes dropped. Raises ValueError otherwise."""
    text = str(value)
    excel = _NIK_EXCEL_FLOAT.match(text)  # a NIK column read as float: "3171….0"
    digits = excel.group(1) if excel else _NIK_SEPARATORS.sub("", text)
    if not _SIXTEEN_DIGITS.fullmatch(digits):
        raise ValueError("a NIK has exactly 16 digits")
    return digits


def normalise_phone(value: str) -> str:
    """Indonesian phone number in canonical `62…` form (08…, +62…, 62…, 8… accepted).

    Spaces, dashes, dots and brackets are ignored. Raises ValueError if it is not a
    plausible number (10–15 digits once canonical).
    """
    text = str(value).strip()
    if _NOT_PHONE_CHARS.search(text):
        raise ValueError("a phone number holds only digits, spaces, dashes, dots and brackets")
    digits = _NON_DIGITS.sub("", text)
    if digits.startswith("0062"):
        digits = digits[2:]
    if digits.startswith("62"):
        canonical = digits
    elif digits.startswith("0"):
        canonical = "62" + digits[1:]
    elif digits.startswith("8"):
        canonical = "62" + digits  # leading zero lost, e.g. by a spreadsheet
    else:
        raise ValueError("a phone number starts with 08, +62 or 62")
    if canonical.startswith("620") or not 10 <= len(canonical) <= 15:
        raise ValueError("not a plausible Indonesian phone number")
    return canonical


def normalise_name(value: str) -> str:
    """Name folded for matching: case, accents/width, punctuation, titles, spacing."""
    text = unicodedata.normalize("NFKC", str(value))
    text = _DEGREE.sub("", text).casefold()
    words = _SPACES.split(_NON_WORD.sub(" ", text).strip())
    while words and words[0] in NAME_TITLES:
        words = words[1:]
    return " ".join(w for w in words if w)


_NIK_WORDS = frozenset({"nik", "ktp"})
_PHONE_WORDS = frozenset({"telepon", "telp", "tel", "phone", "hp", "wa", "whatsapp", "mobile",
                          "ponsel"})


def identity_kind(field_name: str) -> IdentityKind:
    """Which normaliser an identity field needs, from the words of its name (`no_hp`,
    `nohp`, `phone_number`; whole words only: `nama_warga` is a name, not a WhatsApp number)."""
    words = {w for w in re.split(r"[^0-9a-z]+", field_name.casefold()) if w}
    words |= {w.removeprefix(p) for w in words for p in ("nomor", "no") if w.startswith(p)}
    if words & _NIK_WORDS:
        return "nik"
    if words & _PHONE_WORDS:
        return "phone"
    return "name"


_NORMALISERS = {"nik": normalise_nik, "phone": normalise_phone, "name": normalise_name}


def _identity_message(kind: IdentityKind, value: Any, group: str) -> str | None:
    """The text that is HMAC'ed, or None when the value is missing or unusable."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    try:
        normalised = _NORMALISERS[kind](str(value))
    except ValueError:
        return None
    if not normalised:
        return None
    # NIK is unique per person and links across forms; a phone is often shared inside a
    # household (a youth gives the parent's WhatsApp) and names repeat, so those are
    # scoped to the respondent group.
    return f"nik:{normalised}" if kind == "nik" else f"{kind}:{group}:{normalised}"


def _hmac_hex(key: bytes, message: str) -> str:
    return hmac.digest(key, message.encode("utf-8"), "sha256").hex()


def _root_of(root: Any, submission: Any) -> str | None:
    for value in (root, submission):
        if value is not None and (isinstance(value, str) or not pd.isna(value)):
            return str(value)
    return None


def respondent_key(record: Mapping[str, Any], form: Form, key: bytes) -> str:
    """HMAC-SHA256 hex of the first usable identity field (Form.identity_fields order).

    Format variants of one NIK or phone number give the same key. A record without any
    usable identity field (or a form that declares none) falls back to its submission's root
    id (`_root_id`: Kobo keeps it across edits; else `_submission_id`): one respondent per
    submission. ValueError if that is missing too.
    """
    for field_name in form.identity_fields:
        message = _identity_message(
            identity_kind(field_name), record.get(field_name), form.respondent_group
        )
        if message is not None:
            return _hmac_hex(key, message)
    submission = _root_of(record.get("_root_id"), record.get("_submission_id"))
    if submission is None:
        raise ValueError("record has no usable identity field and no _submission_id")
    return _hmac_hex(key, f"submission:{form.form_id}:{submission}")


def respondent_keys(frame: pd.DataFrame, form: Form, key: bytes) -> pd.Series:
    """`respondent_key` for every row, computed once per distinct identity value."""
    rows = len(frame)
    messages: list[str | None] = [None] * rows
    for field_name in form.identity_fields:
        if field_name not in frame.columns:
            continue
        kind = identity_kind(field_name)
        # normalise each distinct raw value once: the per-value Python call is the cost
        mapped: dict[Any, str | None] = {}
        for i, raw in enumerate(frame[field_name].tolist()):
            if messages[i] is not None or raw is None:
                continue
            if not isinstance(raw, str):
                if pd.isna(raw):
                    continue
                raw = str(raw)  # e.g. a NIK column read as numbers
            if raw not in mapped:
                mapped[raw] = _identity_message(kind, raw, form.respondent_group)
            messages[i] = mapped[raw]
    if any(m is None for m in messages):
        def column(name: str) -> list:
            return frame[name].tolist() if name in frame.columns else [None] * rows

        submissions = [_root_of(r, s) for r, s in zip(column("_root_id"), column("_submission_id"),
                                                       strict=True)]
        for i, message in enumerate(messages):
            if message is None:
                submission = submissions[i]
                if submission is None:
                    raise ValueError(
                        "rows without a usable identity field and without _submission_id"
                    )
                messages[i] = f"submission:{form.form_id}:{submission}"
    digests: dict[str, str] = {}
    keys = []
    for message in messages:
        digest = digests.get(message)  # type: ignore[arg-type]
        if digest is None:
            digest = digests[message] = _hmac_hex(key, message)  # type: ignore[index,arg-type]
        keys.append(digest)
    return pd.Series(keys, index=frame.index, dtype=object, name="_respondent_key")
