"""Normalise informal Indonesian: case, repeated letters, "2" reduplication, slang (data file)."""

from __future__ import annotations

import itertools
import os
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from sentiment.errors import SentimentError
from sentiment.nlp.tokenise import is_punct, raw_tokens

_DATA = Path(__file__).resolve().parent / "data"
SLANG_FILE = _DATA / "slang.tsv"
from sentiment.settings import SLANG_EXTRA_ENV, slang_extra_path  # noqa: E402,F401

_REDUP_RE = re.compile(r"^([a-z]{2,})2([a-z]*)$")
_RUN_RE = re.compile(r"([a-z])\1+")
_RUN3_RE = re.compile(r"([a-z])\1\1")
_LAUGH_RES = (
    (re.compile(r"^(?=.*wk)[wk]+$"), "wkwk"),
    (re.compile(r"^(?=.*ha)[ah]+$"), "haha"),
    (re.compile(r"^(?=.*he)[eh]+$"), "hehe"),
    (re.compile(r"^(?=.*hi)[ih]+$"), "hihi"),
)
_MEMO_LIMIT = 400_000
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def read_slang_file(path: str | Path) -> dict[str, str]:
    """Parse a slang file: `informal<TAB>standard` per line, `#` comments, blank lines ignored."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SentimentError(f"slang file {path}: cannot read ({exc.strerror})") from exc
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        parts = line.split("\t") if "\t" in line else line.split(None, 1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise SentimentError(
                f"slang file {path}, line {number}: expected 'informal<TAB>standard'"
            )
        entries[parts[0].strip().lower()] = " ".join(parts[1].lower().split())
    return entries


def load_slang(extra: str | Path | Mapping[str, str] | None = None) -> dict[str, str]:
    """The shipped slang dictionary, updated with `extra` (a mapping or a file path)."""
    slang = read_slang_file(SLANG_FILE)
    if isinstance(extra, Mapping):
        slang.update({k.lower(): v.lower() for k, v in extra.items()})
    elif extra:
        for part in str(extra).split(os.pathsep):
            if part:
                slang.update(read_slang_file(part))
    return slang


@lru_cache(maxsize=1)
def _sastrawi_roots() -> frozenset[str]:
    from Sastrawi.Stemmer import StemmerFactory as factory_module

    path = Path(factory_module.__file__).resolve().parent / "data" / "kata-dasar.txt"
    return frozenset(w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())


def _topics_key() -> tuple[str, float]:
    """The programme's topics.yaml and its mtime: what the vocabulary caches are keyed by, so
    one process serving several programmes never mixes their topic terms."""
    from sentiment.config import schemas_dir

    path = schemas_dir() / "topics.yaml"
    return str(path), path.stat().st_mtime if path.is_file() else 0.0


def known_words() -> frozenset[str]:
    """Words a repeated-letter variant may collapse to: Sastrawi roots, slang, lexicon, stems."""
    return _known_words(*_topics_key())


@lru_cache(maxsize=4)
def _known_words(topics: str, mtime: float) -> frozenset[str]:
    from sentiment.nlp.stem import shipped_words

    words = set(_sastrawi_roots()) | _core_words(topics, mtime) | shipped_words()
    words.update(read_slang_file(SLANG_FILE))
    return frozenset(words)


def core_words() -> frozenset[str]:
    """Words the scorer and topic coder act on: a typo is first corrected towards these."""
    return _core_words(*_topics_key())


@lru_cache(maxsize=4)
def _core_words(topics: str, mtime: float) -> frozenset[str]:
    from sentiment.config import parse_yaml
    from sentiment.nlp.lexicon import RULES_FILE, lexicon_terms

    words = set(lexicon_terms())
    for value in read_slang_file(SLANG_FILE).values():  # targets only: keys are abbreviations
        words.update(value.split())
    rules = parse_yaml(RULES_FILE.read_text(encoding="utf-8"))
    for value in rules.values():
        if isinstance(value, list):
            words.update(w for item in value for w in str(item).replace("_", " ").split())
    try:
        codebook = parse_yaml(Path(topics).read_text(encoding="utf-8"))
        for spec in codebook["codes"].values():
            for term in (spec.get("terms") or []) + (spec.get("weak_terms") or []):
                words.update(str(term).lstrip("=").lower().split())
    except (OSError, KeyError, TypeError):  # no codebook: correct towards the lexicon only
        pass
    return frozenset(w for w in words if w.isalpha() or "-" in w)


class Normaliser:
    """Maps raw tokens to normalised tokens; memoised because answers repeat words a lot."""

    def __init__(self, slang: Mapping[str, str], vocabulary: frozenset[str] | None = None):
        self.slang = dict(slang)
        self._vocabulary = vocabulary
        self._memo: dict[str, tuple[str, ...]] = {}

    @property
    def vocabulary(self) -> frozenset[str]:
        if self._vocabulary is None:
            self._vocabulary = known_words() | frozenset(self.slang)
        return self._vocabulary

    def token(self, raw: str) -> tuple[str, ...]:
        """One raw token → one or more normalised tokens ("gpp" → "tidak", "apa-apa")."""
        hit = self._memo.get(raw)
        if hit is None:
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
            hit = self._memo[raw] = self._normalise(raw)
        return hit

    def tokens(self, text: str) -> list[str]:
        """Normalised tokens of a text (punctuation kept as tokens)."""
        raws = raw_tokens(unicodedata.normalize("NFKC", text))
        try:  # every token seen before: C-level lookups, no Python loop
            parts = list(map(self._memo.__getitem__, raws))
        except KeyError:
            parts = list(map(self.token, raws))
        return list(itertools.chain.from_iterable(parts))

    def text(self, text: str) -> str:
        """Normalised text: tokens joined by spaces, punctuation attached to the word before."""
        parts: list[str] = []
        for token in self.tokens(text):
            if parts and is_punct(token):
                parts[-1] += token
            else:
                parts.append(token)
        return " ".join(parts)

    def _normalise(self, raw: str) -> tuple[str, ...]:
        if raw[0] == "[" or not raw[0].isalnum():
            return (raw,)
        if raw in self.slang:
            return tuple(self.slang[raw].split())
        redup = _REDUP_RE.match(raw)
        if redup:
            base, suffix = redup.groups()
            word = self._word(base)
            if " " not in word:
                return (f"{word}-{word}{suffix}",)
        if "-" in raw:
            parts = [self._word(p) for p in raw.split("-")]
            if all(" " not in p for p in parts):
                return ("-".join(parts),)
            return (raw,)
        return tuple(self._word(raw).split())

    def _word(self, word: str) -> str:
        slang = self.slang
        if word in slang:
            return slang[word]
        for pattern, replacement in _LAUGH_RES:
            if len(word) >= 4 and pattern.match(word):
                return replacement
        vocabulary = self.vocabulary
        if word in vocabulary:
            return word
        if not _RUN_RE.search(word):
            fixed = self._correct(word)
            return self._word(fixed) if fixed else word
        if not _RUN3_RE.search(word):
            from sentiment.nlp.stem import default_cache

            if default_cache().stem(word) != word:
                return word  # "makannya" is makan + nya, not a stretched "makanya"
        for candidate in _collapse_candidates(word):
            if candidate in slang:
                return slang[candidate]
            if candidate in vocabulary:
                return candidate
        # Unknown word: stretched letters (3+) are emphasis; a plain double may be real.
        return re.sub(r"([a-z])\1{2,}", r"\1", word)

    def _correct(self, word: str) -> str | None:
        """A one-edit typo fix (swap, doubled or missing letter) towards a known word, else None.

        Words Sastrawi can reduce to a root are real words with affixes and stay as they are.
        """
        if len(word) < 5 or not word.isalpha():
            return None
        core = core_words()
        swaps = [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)]
        # An extra letter is only dropped when it doubles its neighbour ("mennjabat").
        drops = [word[:i] + word[i + 1 :] for i in range(1, len(word)) if word[i] == word[i - 1]]
        adds = [word[:i] + c + word[i:] for i in range(1, len(word) + 1) for c in _LETTERS]
        # Only towards words the scorer or coder uses: correcting names and loan words
        # ("resto", "promo") towards general vocabulary does more harm than good.
        pick = next((c for c in swaps + drops + adds if c != word and c in core), None)
        if pick is None:
            return None
        from sentiment.nlp.stem import default_cache

        root = default_cache().stem(word)
        if root != word and len(root) >= 4:
            return None  # an affixed form of a real root, e.g. "diomelin"
        return pick


def _collapse_candidates(word: str) -> list[str]:
    """Spellings with each run of a repeated letter reduced to one or two letters."""
    pieces = [(m.start(), m.end(), m.group(1)) for m in _RUN_RE.finditer(word)]
    if len(pieces) > 5:  # keep the search small; such words are noise anyway
        return [_RUN_RE.sub(r"\1", word)]
    options = []
    for choice in itertools.product((2, 1), repeat=len(pieces)):
        out, last = [], 0
        for (start, end, letter), keep in zip(pieces, choice, strict=True):
            out.append(word[last:start] + letter * min(keep, end - start))
            last = end
        out.append(word[last:])
        options.append("".join(out))
    return list(dict.fromkeys(o for o in options if o != word))


@lru_cache(maxsize=8)
def _normaliser_for(extra: str | None, topics: tuple[str, float]) -> Normaliser:
    return Normaliser(load_slang(extra))


def get_normaliser(extra_slang: str | Path | Mapping[str, str] | None = None) -> Normaliser:
    """The shared normaliser; extra slang from the argument or `$SENTIMENT_SLANG_EXTRA`."""
    if isinstance(extra_slang, Mapping):
        return Normaliser(load_slang(extra_slang))
    extra = str(extra_slang) if extra_slang else slang_extra_path()
    return _normaliser_for(extra, _topics_key())  # its memo holds programme-specific fixes


def normalise_text(
    text: str | None, extra_slang: str | Path | Mapping[str, str] | None = None
) -> str:
    """Normalised form of one answer ("gw gak ngerasa aman" → "saya tidak merasa aman")."""
    if not text:
        return ""
    return get_normaliser(extra_slang).text(text)


def normalise_tokens(
    text: str | None, extra_slang: str | Path | Mapping[str, str] | None = None
) -> list[str]:
    """Normalised tokens of one answer, punctuation included."""
    if not text:
        return []
    return get_normaliser(extra_slang).tokens(text)
