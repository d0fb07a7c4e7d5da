"""Pick 3–5 short, redacted quotes that represent the wave's main topics (never by sentiment)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from sentiment.privacy.redact import TAG_PATTERN, TAGS, is_ordinary_word, redact_text

MAX_CHARS = 200
# Answers shorter than this say little; longer ones are trimmed, so prefer ones near the middle.
MIN_CHARS = 40
IDEAL_CHARS = 120
QUOTE_SEED = "kali-pasir-quotes-v1"

_DIGIT_RUN = re.compile(r"\d(?:[ \t.\-/]?\d){5,}")  # six digits, even written 0812-0000-…
_TAG_NEXT_TO_NAME = re.compile(
    r"\[(?:"
    + "|".join(TAGS)
    + r")\][ \t,]+[A-Z][a-z]|[A-Z][a-z]+[ \t,]+\[(?:"
    + "|".join(TAGS)
    + r")\]"
)
# Title-case words, and all-caps words longer than an acronym (SMP, TNI, RW stay).
_CAPITALISED = re.compile(r"(?<![\w\[])([A-Z][a-z]{2,}|[A-Z]{5,})(?![\w\]])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"'(…])\s*$")
_EMOJI_JOINERS = frozenset("\u200d\ufe0e\ufe0f")
# Capitalised words that may appear mid-sentence without being anybody's name.
_SAFE_PROPER = frozenset(
    """jakarta indonesia tiktok instagram facebook whatsapp youtube twitter google
    barat timur utara selatan bhabinkamtibmas babinsa polsek polres satpol karang taruna ramadan lebaran
    idul fitri agustus agustusan senin selasa rabu kamis jumat sabtu minggu""".split()
)


@dataclass(frozen=True)
class Quote:
    topic: str
    topic_label: str
    text: str
    side: str
    respondent_group: str


def _printable(text: str) -> str:
    # Emoji and other pictographs print as empty boxes in the PDF; they carry no topic.
    return "".join(
        c
        for c in text
        if unicodedata.category(c) not in ("So", "Cs", "Co")
        and c not in _EMOJI_JOINERS
        and not "\U0001f3fb" <= c <= "\U0001f3ff"
    )


def trim(text: str, limit: int = MAX_CHARS) -> str:
    """Pictographs dropped, whitespace collapsed; cut at a word boundary with an ellipsis when
    longer than `limit`."""
    text = " ".join(_printable(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def _safe_words() -> frozenset[str]:
    """The words above, and the programme's own places and institutions (`programme.yaml`
    `report: proper_words`, its place, and the labels of its sides and areas)."""
    from sentiment.errors import SentimentError
    from sentiment.study import Areas, areas, programme

    report = programme().report
    try:
        known = areas()
    except SentimentError:  # no areas.yaml: nothing to add
        known = Areas({}, ())
    phrases = [*report.proper_words, report.place or "",
               *known.sides.values(), *(a.label for a in known.areas)]
    return _SAFE_PROPER | {w.casefold() for p in phrases for w in str(p).split()}


def _has_unknown_name(text: str) -> bool:
    """A capitalised word mid-sentence (or an all-caps one) that is no dictionary word: maybe a
    name the redactor missed."""
    _SAFE_PROPER = _safe_words()  # noqa: N806 (the module's list, with the programme's words)
    for match in _CAPITALISED.finditer(text):
        word = match.group(1)
        if word.isupper() and word.casefold() not in _SAFE_PROPER and not is_ordinary_word(word):
            return True  # all caps mid-text or at the start: names are often typed this way
        if _SENTENCE_START.search(text[: match.start()]):
            continue
        if word.casefold() in _SAFE_PROPER or is_ordinary_word(word):
            continue
        return True
    return False


def safe_quote(text: str) -> str | None:
    """The text redacted again and trimmed, or None when anything personal may remain.

    Dropped: a run of six or more digits (phone, NIK), an @ (e-mail, account), a redaction tag
    next to a capitalised word (a name only half caught), an unknown capitalised or all-caps
    word mid-sentence, and any redaction tag at all: an answer that held personal data may
    identify someone through what surrounds it ("kata … hubungi [TELEPON]"), and a quote
    full of tags reads badly. The checks run on the full text, before trimming.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    redacted = redact_text(" ".join(text.split()))
    if _DIGIT_RUN.search(redacted) or "@" in redacted or _TAG_NEXT_TO_NAME.search(redacted):
        return None
    if TAG_PATTERN.search(redacted):
        return None
    if _has_unknown_name(redacted):
        return None
    return trim(redacted)


def topic_score(row_topics: str, row_scores: object, topic: str) -> float:
    """The answer's score for `topic` (`topic_scores` JSON); else 1 as first code, 0.5 after."""
    if isinstance(row_scores, str) and row_scores:
        try:
            scores = json.loads(row_scores)
        except ValueError:
            scores = {}
        if isinstance(scores, dict) and topic in scores:
            try:
                return float(scores[topic])
            except (TypeError, ValueError):
                pass
    codes = str(row_topics or "").split("|")
    return 1.0 if codes and codes[0] == topic else 0.5


def _tiebreak(text: str) -> str:
    # A fixed-seed hash: the same warehouse always gives the same quotes, with no hidden order.
    return hashlib.sha256(f"{QUOTE_SEED}|{text}".encode()).hexdigest()


def rank_candidates(texts: pd.DataFrame, topic: str, text_col: str) -> pd.DataFrame:
    """Answers carrying `topic`, most typical first: highest topic score, then length near
    the middle (tagged texts last), then the seeded hash. Sentiment plays no part."""
    codes = texts["topics"].fillna("").astype(str).str.split("|")
    part = texts[codes.map(lambda c: topic in c)].copy()
    if part.empty:
        return part
    scores = part["topic_scores"] if "topic_scores" in part else pd.Series("", index=part.index)
    part["_score"] = [topic_score(t, s, topic) for t, s in zip(part["topics"], scores, strict=True)]
    length = part[text_col].astype(str).str.len()
    part["_short"] = length < MIN_CHARS
    part["_tagged"] = part[text_col].astype(str).str.contains(TAG_PATTERN)
    part["_distance"] = (length - IDEAL_CHARS).abs()
    part["_hash"] = part[text_col].astype(str).map(_tiebreak)
    return part.sort_values(
        ["_short", "_tagged", "_score", "_distance", "_hash"],
        ascending=[True, True, False, True, True],
    )


def pick_quotes(
    texts: pd.DataFrame,
    topics: Sequence[str],
    labels: dict[str, str],
    text_col: str = "text",
    limit: int = 5,
) -> list[Quote]:
    """One quote per topic, in the order given (the wave's main topics), at most `limit`.

    `texts` must already hold only answers from publishable cells.
    """
    quotes: list[Quote] = []
    used: set[str] = set()
    for topic in topics:
        if len(quotes) >= limit:
            break
        for row in rank_candidates(texts, topic, text_col).itertuples(index=False):
            original = str(getattr(row, text_col))
            if original in used:
                continue
            clean = safe_quote(original)
            if clean is None:
                continue
            used.add(original)
            quotes.append(
                Quote(
                    topic, labels.get(topic, topic), clean, str(row.side), str(row.respondent_group)
                )
            )
            break
    return quotes


def publishable_cells(cells: Iterable[tuple[str, str, int]], min_n: int) -> set[tuple[str, str]]:
    """(side, group) pairs whose published n reaches the threshold."""
    return {(side, group) for side, group, n in cells if n is not None and int(n) >= min_n}
