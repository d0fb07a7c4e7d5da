"""Variable names valid in both SPSS and Stata, derived from warehouse identifiers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Stata allows 32 characters (SPSS 64), but pyreadstat names each Stata value-label set
# `<variable><counter>`, and that name must fit in 32 too: keep room for a 3-digit counter.
MAX_NAME = 29
# Stata reserved names and SPSS reserved keywords (both compared case-insensitively here).
RESERVED = frozenset(
    """
    _all _b byte _coef _cons double float if in int long _n _pi _pred _rc _se _skip str strl
    using with all and by eq ge gt le lt ne not or to
    """.split()
)


def base_name(identifier: str) -> str:
    """`remaja.aman_siang` → `remaja_aman_siang`: letters, digits, `_`; starts with a letter."""
    text = unicodedata.normalize("NFKD", identifier).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower()
    text = re.sub(r"_+", "_", text)
    if not text or not text[0].isalpha():
        text = f"v_{text}" if text else "v"
    if text in RESERVED:
        text = f"{text}_"
    return text[:MAX_NAME].rstrip("_") or "v"


def unique_name(identifier: str, taken: set[str]) -> str:
    """`base_name(identifier)`, suffixed `_2`, `_3`, … until unused; adds it to `taken`
    (lower-cased: SPSS names are case-insensitive)."""
    name = base_name(identifier)
    candidate, k = name, 1
    while candidate.lower() in taken or candidate.lower() in RESERVED:
        k += 1
        suffix = f"_{k}"
        candidate = name[: MAX_NAME - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def variable_names(identifiers: Iterable[str]) -> dict[str, str]:
    """A unique SPSS/Stata name for each identifier; deterministic for a given order."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for identifier in identifiers:
        if identifier not in names:
            names[identifier] = unique_name(identifier, taken)
    return names
