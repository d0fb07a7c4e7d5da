"""Emerging themes in one wave's answers: NMF over TF-IDF of normalised, redacted texts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from sentiment.errors import SentimentError

# Redaction tags and filler words that would otherwise top every theme.
_EXTRA_STOP = {"nik", "telepon", "email", "akun", "nama", "alamat", "plat", "sih", "deh", "aja",
               "saja", "ya", "yg", "nya", "juga", "lagi", "sudah", "udah", "ada", "jadi", "kalau",
               "karena", "itu", "ini", "yang", "dan", "di", "ke", "dari", "untuk", "dengan",
               "saya", "aku", "gw", "kita", "kami", "mereka", "tidak", "gak", "kok", "kan",
               "pada", "atau", "tapi", "biar", "buat", "sama", "dong", "lah", "pun", "kalo"}


@dataclass(frozen=True)
class Theme:
    """One discovered theme: top terms (weight order), how many answers lean to it, examples."""

    index: int
    terms: list[str]
    size: int
    examples: list[str]


def _stop_words() -> list[str]:
    words = set(_EXTRA_STOP)
    try:
        from sentiment.nlp.tokenise import KEEP_WORDS, stop_words

        # keep negations: "tidak aman" is a theme, not noise
        words |= set(stop_words()) - set(KEEP_WORDS)
    except ImportError:  # the NLP core's tokeniser is optional here
        pass
    return sorted(words)


def _normalise(texts: Sequence[str]) -> list[str]:
    try:
        from sentiment.nlp.normalise import normalise_text
    except ImportError:
        return [t.lower() for t in texts]
    return [normalise_text(t).lower() for t in texts]


def discover_topics(texts: Sequence[str], k: int = 8, seed: int = 0, n_terms: int = 8,
                    n_examples: int = 2) -> list[Theme]:
    """Fit NMF with `k` components; each theme lists its top terms and example answers.

    Examples are the original (already redacted) texts that load most on the theme.
    """
    items = [str(t) for t in texts if t is not None and str(t).strip()]
    if k < 1:
        raise SentimentError("k must be at least 1")
    if len(items) < k:
        raise SentimentError(f"only {len(items)} answers: too few to find {k} themes")
    vectoriser = TfidfVectorizer(ngram_range=(1, 2), min_df=2 if len(items) >= 50 else 1,
                                 max_df=0.6 if len(items) >= 50 else 1.0, sublinear_tf=True,
                                 stop_words=_stop_words(), token_pattern=r"(?u)\b[a-z][a-z-]+\b")
    try:
        matrix = vectoriser.fit_transform(_normalise(items))
    except ValueError as exc:  # every word was a stop word
        raise SentimentError(f"no usable words in the answers ({exc})") from exc
    k = min(k, matrix.shape[1])
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    vocab = np.asarray(vectoriser.get_feature_names_out())
    owner = weights.argmax(axis=1)
    themes = []
    for index, component in enumerate(model.components_):
        terms = vocab[np.argsort(component)[::-1][:n_terms]].tolist()
        order = np.argsort(weights[:, index])[::-1]
        examples: list[str] = []
        for row in order:
            if weights[row, index] <= 0 or len(examples) >= n_examples:
                break
            if items[row] not in examples:
                examples.append(items[row])
        themes.append(Theme(index=index + 1, terms=terms, size=int((owner == index).sum()),
                            examples=examples))
    return sorted(themes, key=lambda t: -t.size)
