"""Stage 3: keyed pseudonyms for respondents and redaction of personal data in free text."""

from sentiment.privacy.protect import RESPONDENT_KEY_COLUMN, protect_frame, protect_record_json
from sentiment.privacy.pseudonym import (
    key_fingerprint,
    load_key,
    normalise_name,
    normalise_nik,
    normalise_phone,
    respondent_key,
    respondent_keys,
)
from sentiment.privacy.redact import TAGS, redact_series, redact_text
from sentiment.privacy.safe_export import neutralise_formula, neutralise_frame

__all__ = [
    "RESPONDENT_KEY_COLUMN",
    "TAGS",
    "key_fingerprint",
    "load_key",
    "neutralise_formula",
    "neutralise_frame",
    "normalise_name",
    "normalise_nik",
    "normalise_phone",
    "protect_frame",
    "protect_record_json",
    "redact_series",
    "redact_text",
    "respondent_key",
    "respondent_keys",
]
