"""Text → normalised tokens + Sastrawi stems, memoised per distinct answer."""

from __future__ import annotations

from dataclasses import dataclass

from sentiment.nlp.normalise import get_normaliser
from sentiment.nlp.stem import default_cache
from sentiment.nlp.tokenise import is_word

_MEMO_LIMIT = 200_000
_memo: dict[tuple[str, object], Prepared] = {}
# Finished rows per distinct answer: survey answers repeat ("aman", "tidak tahu", "-").
row_memo: dict[tuple, tuple] = {}
# Token → stem for every token kind (punctuation and numbers stem to themselves).
_token_stems: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class Prepared:
    """One answer ready for scoring: normalised tokens and their stems (same length)."""

    tokens: tuple[str, ...]
    stems: tuple[str, ...]


class Preparer:
    """Prepares many answers with one normaliser and one stem cache (looked up once)."""

    def __init__(self) -> None:
        self.normaliser = get_normaliser()
        self.cache = default_cache()
        self._tag = self.normaliser  # the object (not its id) so a key keeps it alive

    def __call__(self, text: str) -> Prepared:
        key = (text, self._tag)
        hit = _memo.get(key)
        if hit is not None:
            return hit
        tokens = self.normaliser.tokens(text)
        try:  # every token seen before: one C-level pass of dict lookups
            stems = tuple(map(_token_stems.__getitem__, tokens))
        except KeyError:
            stems = tuple(map(self._stem_of, tokens))
        prepared = Prepared(tuple(tokens), stems)
        if len(_memo) >= _MEMO_LIMIT:
            _memo.clear()
        _memo[key] = prepared
        return prepared

    def _stem_of(self, token: str) -> str:
        hit = _token_stems.get(token)
        if hit is None:
            # Numbers, punctuation, tags and emoji are their own stems (Sastrawi leaves digits alone).
            hit = self.cache.known.get(token) or (
                self.cache.stem(token) if token[0].isalpha() and is_word(token) else token
            )
            if len(_token_stems) >= _MEMO_LIMIT:
                _token_stems.clear()
            _token_stems[token] = hit
        return hit


def prepare(text: str) -> Prepared:
    """Normalise, tokenise and stem one answer (punctuation tokens stem to themselves)."""
    return Preparer()(text)


def clear_memo() -> None:
    """Forget memoised answers (after changing slang or the stem cache)."""
    _memo.clear()
    row_memo.clear()
    _token_stems.clear()
