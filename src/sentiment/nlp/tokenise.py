"""Tokenising, stop words, n-grams and collocations for Indonesian text (NLTK, no downloads)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"

# Redaction tags from the privacy stage, words (with inner hyphen/apostrophe, "malem2"),
# punctuation runs (kept: they end clauses), and single emoji.
TOKEN_PATTERN = (
    r"\[[a-z]+\]"
    r"|[a-z0-9]+(?:[-'][a-z0-9]+)*"
    r"|[.!?;:,]+"
    r"|[\U0001F300-\U0001FAFF\u2600-\u27BF]"
)
# NLTK's RegexpTokenizer with this pattern is the reference tokenizer (`nltk_tokens`). Two
# costs keep NLTK off the hot path: importing `nltk` pulls in scipy.stats (1-2 s per process,
# paid again by every CLI run and worker), and its wrapper runs the pattern through a ReDoS
# guard that triples the cost per call. The pattern has no nested quantifiers, so scoring
# runs the same pattern compiled by `re`; a test checks both give identical tokens.
_FAST_TOKENS = re.compile(TOKEN_PATTERN, re.UNICODE | re.MULTILINE | re.DOTALL).findall


@lru_cache(maxsize=1)
def nltk_tokenizer():  # -> nltk.tokenize.RegexpTokenizer (imported lazily)
    """NLTK's RegexpTokenizer for `TOKEN_PATTERN` (no data to download)."""
    from nltk.tokenize import RegexpTokenizer

    return RegexpTokenizer(TOKEN_PATTERN)
_URL_RE = re.compile(r"https?://\S+|www\.\S+|@\w+")
_PUNCT_RE = re.compile(r"^[.!?;:,]+$")
_WORD_RE = re.compile(r"^[a-z0-9]+(?:[-'][a-z0-9]+)*$")

# Never removed as stop words: the scorer needs negations and contrast words.
NEGATIONS = frozenset(
    "tidak tak bukan belum jangan tanpa enggak nggak gak ga kagak tiada bukanlah "
    "bukannya jangankan janganlah belumlah".split()
)
CONTRASTS = frozenset(
    "tapi tetapi namun sayangnya cuma hanya hanyalah padahal walaupun meskipun walau "
    "meski biarpun sedangkan melainkan justru malah kurang".split()
)
KEEP_WORDS = NEGATIONS | CONTRASTS


def raw_tokens(text: str) -> list[str]:
    """Lower-cased tokens of `text` (URLs and @mentions dropped), before normalisation."""
    lowered = text.lower()
    if "http" in lowered or "www." in lowered or "@" in lowered:
        lowered = _URL_RE.sub(" ", lowered)
    return _FAST_TOKENS(lowered)


def nltk_tokens(text: str) -> list[str]:
    """The same tokens as `raw_tokens`, produced by NLTK's RegexpTokenizer."""
    return nltk_tokenizer().tokenize(_URL_RE.sub(" ", text.lower()))


def is_punct(token: str) -> bool:
    """True for a run of clause-ending punctuation."""
    return bool(_PUNCT_RE.match(token))


def is_word(token: str) -> bool:
    """True for an alphanumeric word token (not punctuation, tag or emoji)."""
    return bool(_WORD_RE.match(token))


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Sastrawi's Indonesian stop words plus ours, never including negations or contrasts."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    words = set(StopWordRemoverFactory().get_stop_words())
    extra = _DATA / "stopwords_extra.txt"
    for line in extra.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line)
    return frozenset(words - KEEP_WORDS)


def remove_stop_words(tokens: Iterable[str]) -> list[str]:
    """Tokens that are words and not stop words (negations and contrasts stay)."""
    stops = stop_words()
    return [t for t in tokens if t not in stops and is_word(t)]


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """Contiguous n-grams of a token list (nltk.util.ngrams)."""
    from nltk.util import ngrams as nltk_ngrams

    return list(nltk_ngrams(tokens, n))


def bigram_keys(tokens: Sequence[str]) -> list[str]:
    """Adjacent word pairs joined by a space ("lampu jalan"), for phrase matching."""
    return [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def collocations(
    documents: Iterable[Sequence[str]], top: int = 20, min_freq: int = 3
) -> list[tuple[str, str]]:
    """The `top` bigrams by PMI across tokenised documents (stop words already removed)."""
    from nltk.collocations import BigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures

    finder = BigramCollocationFinder.from_documents(documents)
    finder.apply_freq_filter(min_freq)
    return finder.nbest(BigramAssocMeasures.pmi, top)
