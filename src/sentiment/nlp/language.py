"""Language of free-text answers: which ones the Indonesian scorer may read (data/languages.yaml).

Indonesian, Jakarta Malay and slang are "id". Other languages get an ISO 639-1 code
(lingua-language-detector for the world languages, marker words for Javanese and Sundanese,
which lingua does not know) and no Indonesian sentiment. Short answers default to "id".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sentiment.config import parse_yaml

LANGUAGES_FILE = Path(__file__).resolve().parent / "data" / "languages.yaml"
INDONESIAN = "id"
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class LanguageRules:
    """Thresholds and word lists from languages.yaml."""

    scored: frozenset[str]
    detect: tuple[str, ...]
    indonesian: frozenset[str]
    min_words: int
    max_known_share: float
    regional: dict[str, frozenset[str]]
    regional_min_hits: int
    regional_min_share: float


@lru_cache(maxsize=1)
def language_rules(path: Path = LANGUAGES_FILE) -> LanguageRules:
    raw: dict[str, Any] = parse_yaml(path.read_text(encoding="utf-8"))
    return LanguageRules(
        scored=frozenset(raw["scored"]),
        detect=tuple(raw["detect"]),
        indonesian=frozenset(raw["indonesian"]),
        min_words=int(raw["min_words"]),
        max_known_share=float(raw["max_known_share"]),
        regional={code: frozenset(str(w).lower() for w in words)
                  for code, words in (raw.get("regional") or {}).items()},
        regional_min_hits=int(raw["regional_min_hits"]),
        regional_min_share=float(raw["regional_min_share"]),
    )


@lru_cache(maxsize=1)
def _detector():  # -> lingua.LanguageDetector, built once per process
    from lingua import Language, LanguageDetectorBuilder

    names = language_rules().detect
    return (LanguageDetectorBuilder.from_languages(*(Language.from_str(name) for name in names))
            .with_low_accuracy_mode().build())


@lru_cache(maxsize=1)
def _indonesian_words() -> frozenset[str]:
    """Words known as Indonesian or Jakarta slang: Sastrawi roots, slang keys, lexicon terms."""
    from sentiment.nlp.normalise import known_words, load_slang

    return known_words() | frozenset(load_slang())


def _known_share(text: str) -> float:
    """Share of the words, after slang and typo normalisation, that are Indonesian."""
    from sentiment.nlp.normalise import normalise_text

    words = _WORD.findall(normalise_text(text).lower())
    if not words:
        return 0.0
    known = _indonesian_words()
    return sum(1 for w in words if w in known) / len(words)


def _regional(words: list[str], rl: LanguageRules) -> str | None:
    best, best_hits = None, 0
    for code, markers in rl.regional.items():
        hits = sum(1 for w in words if w in markers)
        if hits > best_hits:
            best, best_hits = code, hits
    if best_hits >= rl.regional_min_hits and best_hits >= rl.regional_min_share * len(words):
        return best
    return None


def _iso(language) -> str:  # lingua.Language
    return language.iso_code_639_1.name.lower()


def detect_language(text: object) -> str | None:
    """ISO 639-1 code of one answer ("id" for Indonesian and Jakarta slang); None if blank."""
    if not isinstance(text, str) or not text.strip():
        return None
    rl = language_rules()
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < rl.min_words:
        return INDONESIAN
    regional = _regional(words, rl)
    if regional:
        return regional
    found = _detector().detect_language_of(text)
    if found is None or found.name in rl.indonesian:
        return INDONESIAN
    if _known_share(text) > rl.max_known_share:
        return INDONESIAN  # code-mixed Jakarta answer
    return _iso(found)


def detect_languages(texts: Sequence[object]) -> list[str | None]:
    """The language of each answer (distinct texts detected once)."""
    memo: dict[str, str | None] = {}
    out: list[str | None] = []
    for text in texts:
        if isinstance(text, str):
            if text not in memo:
                memo[text] = detect_language(text)
            out.append(memo[text])
        else:
            out.append(detect_language(text))
    return out


def is_scored(language: str | None, declared: str | None = None) -> bool:
    """Whether the Indonesian scorer reads an answer: its detected language is scored, and the
    question's declared language (form or programme `language:`) is not `none`."""
    if declared is not None and str(declared).lower() == "none":
        return False
    return language is None or language in language_rules().scored
