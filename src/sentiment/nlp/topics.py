"""Multi-label topic coding from the codebook (schemas/topics.yaml): seed terms on stems and phrases.

Passes over one scan of the answer: seed terms (`_scan`, where a place named after a locative
word is a setting and weighs as a weak term), attribution cues that give the credited
intervention priority (`_attribution_pass`), then the selection (`select_codes`): primary
code first, the fallback for answers without topical content.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sentiment.config import load_yaml, schemas_dir
from sentiment.errors import SentimentError
from sentiment.nlp.pipeline import Prepared, prepare
from sentiment.nlp.tokenise import is_word

CODEBOOK_FILE = "topics.yaml"
WEAK_WEIGHT = 0.35
# Weak terms alone never add a second code: their sum per code stays below `min_score`.
WEAK_CAP = 0.7
_MAX_N = 3
# Markers in the surface index for phrases that are not seed terms ("" is an ignored filler).
_CUE = "~cue"


def codebook_path() -> Path:
    """Path of the topic codebook in `schemas/`."""
    return schemas_dir() / CODEBOOK_FILE


@dataclass(frozen=True, eq=False)  # identity hash: a memo key holds the book itself
class Codebook:
    """Codes with labels and descriptions, and the term index built from their seed terms."""

    codes: tuple[str, ...]
    labels: dict[str, str]
    descriptions: dict[str, str]
    fallback: str
    max_codes: int
    min_score: float
    min_share: float
    surface: dict[tuple[str, ...], dict[str, float]]
    stems: dict[tuple[str, ...], dict[str, float]]
    surface_heads: frozenset[str]
    stem_heads: frozenset[str]
    # tie order of the selection: `selection.priority` first, then the codebook's order
    priority: dict[str, int] = field(default_factory=dict)
    # a primary code needs this score (one strong or two weak terms); below it: the fallback
    primary_min: float = 0.0
    attribution_window: int = 0
    attribution_bonus: float = 0.0
    # outcome codes (fights, safety): never credited as the intervention
    attribution_outcomes: frozenset[str] = frozenset()
    # place terms (surface and stem keys) and the locative words that make them a setting
    places: frozenset[tuple[str, ...]] = frozenset()
    setting_words: frozenset[str] = frozenset()
    # token → `_token_entry`: most tokens match nothing, one lookup tells
    token_memo: dict[str, tuple] = field(default_factory=dict)
    # first word → second words of the multi-word terms (a phrase lookup only when it can hit)
    surface_next: dict[str, frozenset[str]] = field(default_factory=dict)
    stem_next: dict[str, frozenset[str]] = field(default_factory=dict)


def _add(index: dict[tuple[str, ...], dict[str, float]], key: tuple[str, ...], code: str,
         weight: float) -> None:
    if not key or len(key) > _MAX_N:
        return
    slot = index.setdefault(key, {})
    slot[code] = max(slot.get(code, 0.0), weight)


def build_codebook(raw: dict[str, Any]) -> Codebook:
    """Index seed terms by normalised surface form and by Sastrawi stems."""
    codes = raw.get("codes")
    if not isinstance(codes, dict) or not codes:
        raise SentimentError("topics codebook: 'codes' must map each code to its definition")
    surface: dict[tuple[str, ...], dict[str, float]] = {}
    stems: dict[tuple[str, ...], dict[str, float]] = {}
    labels, descriptions = {}, {}
    for code, spec in codes.items():
        labels[code] = str(spec.get("label", code))
        descriptions[code] = " ".join(str(spec.get("description", "")).split())
        for key, weight in (("terms", 1.0), ("weak_terms", WEAK_WEIGHT)):
            for term in spec.get(key) or []:
                term = str(term)
                exact = term.startswith("=")
                prepared = prepare(term.lstrip("="))
                words = [(t, s) for t, s in zip(prepared.tokens, prepared.stems, strict=True)
                         if is_word(t)]
                _add(surface, tuple(t for t, _ in words), code, weight)
                if not exact:
                    _add(stems, tuple(s for _, s in words), code, weight)
    attribution = raw.get("attribution") or {}
    for marker, phrases in (("", raw.get("ignore")), (_CUE, attribution.get("cues"))):
        for phrase in phrases or []:
            prepared = prepare(str(phrase))
            _add(surface, tuple(t for t in prepared.tokens if is_word(t)), marker, 0.0)
    setting = raw.get("setting") or {}
    places: set[tuple[str, ...]] = set()
    for term in setting.get("places") or []:
        exact = str(term).startswith("=")
        prepared = prepare(str(term).lstrip("="))
        words = [(t, s) for t, s in zip(prepared.tokens, prepared.stems, strict=True) if is_word(t)]
        places.add(tuple(t for t, _ in words))
        if not exact:
            places.add(tuple(s for _, s in words))
    setting_words = {t for word in setting.get("before") or [] for t in prepare(str(word)).tokens}
    selection = raw.get("selection") or {}
    fallback = str(raw.get("fallback") or next(iter(codes)))
    if fallback not in codes:
        raise SentimentError(f"topics codebook: fallback {fallback!r} is not a code")
    priority = [str(c) for c in selection.get("priority") or []]
    unknown = sorted(set(priority) - set(codes))
    if unknown:
        raise SentimentError(f"topics codebook: selection.priority names unknown codes {unknown}")
    tie_order = priority + [c for c in codes if c not in priority]
    outcomes = frozenset(str(c) for c in attribution.get("outcomes") or [])
    if outcomes - set(codes):
        raise SentimentError(f"topics codebook: attribution.outcomes names unknown codes "
                             f"{sorted(outcomes - set(codes))}")
    book = Codebook(
        codes=tuple(codes),
        labels=labels,
        descriptions=descriptions,
        fallback=fallback,
        max_codes=int(selection.get("max_codes", 3)),
        min_score=float(selection.get("min_score", 0.9)),
        min_share=float(selection.get("min_share", 0.34)),
        surface=surface,
        stems=stems,
        surface_heads=frozenset(k[0] for k in surface if len(k) > 1),
        stem_heads=frozenset(k[0] for k in stems if len(k) > 1),
        priority={code: i for i, code in enumerate(tie_order)},
        primary_min=float(selection.get("primary_min", 0.0)),
        attribution_window=int(attribution.get("window", 0)),
        attribution_bonus=float(attribution.get("bonus", 0.0)),
        attribution_outcomes=outcomes,
        places=frozenset(places),
        setting_words=frozenset(setting_words),
    )
    for index, follow in ((surface, book.surface_next), (stems, book.stem_next)):
        pairs: dict[str, set[str]] = {}
        for key in index:
            if len(key) > 1:
                pairs.setdefault(key[0], set()).add(key[1])
        follow.update({head: frozenset(words) for head, words in pairs.items()})
    return book


@lru_cache(maxsize=4)
def _codebook_for(path: str, mtime: float) -> Codebook:
    return build_codebook(load_yaml(Path(path)))


def codebook() -> Codebook:
    """The codebook from schemas/topics.yaml (rebuilt when the file changes)."""
    path = codebook_path()
    return _codebook_for(str(path), path.stat().st_mtime)


def _token_entry(book: Codebook, tok: str, st: str) -> tuple:
    """(stem, may start a phrase, single-word key, its codes or None) of one token, memoised."""
    key: tuple[str, ...] = (tok,)
    hit = book.surface.get(key)
    if hit is None:
        key = (st,)
        hit = book.stems.get(key)
    entry = (st, book.surface_next.get(tok), book.stem_next.get(st), key, hit)
    memo = book.token_memo
    if len(memo) >= 200_000:
        memo.clear()
    memo[tok] = entry
    return entry


def _word_pairs(prepared: Prepared) -> list[tuple[str, str]]:
    """(token, stem) of the words, numbers and tags: punctuation and emoji dropped."""
    return [(t, s) for t, s in zip(prepared.tokens, prepared.stems, strict=True)
            if t[0].isalnum()]


def raw_topic_scores(prepared: Prepared, book: Codebook | None = None) -> dict[str, float]:
    """Sum of matched seed-term weights per code; longest phrase wins, each term counts once."""
    return _raw_scores(_word_pairs(prepared), book or codebook())


@dataclass
class _Scan:
    """What one pass over an answer's words found: seed-term totals per code, where each
    strong term starts (and its codes), and where each attribution cue ends."""

    totals: dict[str, float]
    strong: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    cue_ends: list[int] = field(default_factory=list)


def _raw_scores(pairs: list[tuple[str, str]], book: Codebook) -> dict[str, float]:
    return _scan(pairs, book).totals


def _scan(pairs: list[tuple[str, str]], book: Codebook) -> _Scan:
    surface_get, stems_get = book.surface.get, book.stems.get
    memo_get = book.token_memo.get
    seen: set[tuple[str, ...]] = set()
    totals: dict[str, float] = {}
    weak: dict[str, float] = {}
    scan = _Scan(totals)
    i, n = 0, len(pairs)
    while i < n:
        tok, st = pairs[i]
        entry = memo_get(tok)
        if entry is None or entry[0] != st:
            entry = _token_entry(book, tok, st)
        _, surface_next, stem_next, key, hit = entry
        size = 1
        if (surface_next or stem_next) and i + 1 < n and (
            (surface_next and pairs[i + 1][0] in surface_next)
            or (stem_next and pairs[i + 1][1] in stem_next)
        ):
            window = pairs[i : i + _MAX_N]
            for size in range(len(window), 1, -1):
                phrase = tuple(t for t, _ in window[:size])
                found = surface_get(phrase)
                if found is None:
                    phrase = tuple(s for _, s in window[:size])
                    found = stems_get(phrase)
                if found is not None:
                    key, hit = phrase, found
                    break
            else:
                size = 1
        elif hit is None:
            i += 1
            continue
        start = i
        i += size
        if hit is None:
            continue
        if _CUE in hit:
            scan.cue_ends.append(i)  # every cue counts, also a repeated one
        if key in seen:
            continue
        seen.add(key)
        # "di balai", "ke masjid", "dekat halte": the place is where, not what (a setting)
        setting = start > 0 and key in book.places and pairs[start - 1][0] in book.setting_words
        strong: list[str] = []
        for code, weight in hit.items():
            if not code or code == _CUE:
                continue  # an ignored filler phrase
            if setting:
                weak[code] = weak.get(code, 0.0) + min(weight, WEAK_WEIGHT)
            elif weight < 1.0:
                weak[code] = weak.get(code, 0.0) + weight
            else:
                totals[code] = totals.get(code, 0.0) + weight
                strong.append(code)
        if strong:
            scan.strong.append((start, tuple(strong)))
    for code, value in weak.items():
        totals[code] = totals.get(code, 0.0) + min(value, WEAK_CAP)
    return scan


def _attribution_pass(scan: _Scan, book: Codebook) -> dict[str, float]:
    """GUIDE T2: "sejak ada futsal…", "setelah lampunya diganti…", "berkat pos ronda…": the
    first strong term of an intervention code within `window` words after a cue names the
    credited intervention; its codes get `bonus`, so the intervention outranks the outcome
    it is credited with. Outcome codes (fights, safety) are never credited ("gara-gara
    ribut" names a cause, not an intervention)."""
    totals = scan.totals
    if not scan.cue_ends or not book.attribution_bonus:
        return totals
    boosted = dict(totals)
    outcomes = book.attribution_outcomes
    for end in scan.cue_ends:
        for start, codes in scan.strong:
            if start < end:
                continue
            if start >= end + book.attribution_window:
                break
            credited = [code for code in codes if code not in outcomes]
            if credited:
                for code in credited:
                    boosted[code] += book.attribution_bonus
                break
    return boosted


def select_codes(totals: dict[str, float], book: Codebook | None = None) -> list[str]:
    """Primary code first (highest score, ties by `selection.priority`); further codes up to
    `max_codes` with at least `min_score` and `min_share` of the primary's score. Answers
    whose best code scores below `primary_min` (a single weak word, or nothing) get the
    fallback."""
    book = book or codebook()
    if not totals:
        return [book.fallback]
    priority = book.priority
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], priority[kv[0]]))
    best = ranked[0][1]
    if best < book.primary_min:
        return [book.fallback]
    chosen = [ranked[0][0]]
    for code, value in ranked[1:]:
        if len(chosen) >= book.max_codes:
            break
        if value >= book.min_score and value >= book.min_share * best:
            chosen.append(code)
    return chosen


_SHARES: dict[float, float] = {}  # totals are sums of a few weights: few distinct values


def _share(value: float) -> float:
    share = round(1.0 - math.exp(-value), 3)
    if len(_SHARES) < 10_000:
        _SHARES[value] = share
    return share


def _by_value(item: tuple[str, float]) -> float:
    return -item[1]


def assign_prepared(
    prepared: Prepared, book: Codebook | None = None
) -> tuple[list[str], dict[str, float]]:
    """Codes for one prepared answer and a score in [0, 1] per matched code."""
    book = book or codebook()
    pairs = _word_pairs(prepared)
    if not pairs:  # only punctuation or emoji ("-", "..."): no content, GUIDE T8
        return [book.fallback], {book.fallback: 0.0}
    scan = _scan(pairs, book)
    totals = scan.totals
    chosen = select_codes(_attribution_pass(scan, book), book)
    scores = {
        code: _SHARES.get(value) or _share(value)
        for code, value in sorted(totals.items(), key=_by_value)
    }
    if not totals:
        scores = {book.fallback: 0.0}
    return chosen, scores
