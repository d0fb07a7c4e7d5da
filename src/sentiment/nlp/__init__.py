"""Stage 4: score free-text answers in Indonesian: sentiment, topics and the reasons for both."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sentiment.errors import SentimentError
from sentiment.nlp.lexicon import LEXICON_FEATURE_NAMES, score_tokens

if TYPE_CHECKING:  # heavy imports stay lazy: `sentiment.nlp.stem` alone loads fast
    import numpy as np
    import pandas as pd

__all__ = [
    "LEXICON_FEATURE_NAMES",
    "SCORERS",
    "assign_topics",
    "lexicon_features",
    "lexicon_version",
    "score_texts",
]

SCORERS = ("lexicon", "model")
OUTPUT_COLUMNS = [
    "sentiment",
    "sentiment_score",
    "topics",
    "topic_scores",
    "reasons",
    "scorer",
    "model_version",
]


def _is_blank(text: object) -> bool:
    """None, NaN, pd.NA, "" and whitespace are blank answers."""
    if text is None:
        return True
    if isinstance(text, str):
        return not text.strip()
    if isinstance(text, float) and math.isnan(text):
        return True
    import pandas as pd

    try:
        if pd.isna(text):
            return True
    except (TypeError, ValueError):  # array-like cells are not missing values
        pass
    return not str(text).strip()


def lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """Dense rule features per text (columns named by `LEXICON_FEATURE_NAMES`), float64."""
    import numpy as np

    from sentiment.nlp.pipeline import Preparer
    out = np.zeros((len(texts), len(LEXICON_FEATURE_NAMES)), dtype=np.float64)
    preparer = Preparer()
    for row, text in enumerate(texts):
        if _is_blank(text):
            continue
        prepared = preparer(str(text))
        out[row] = score_tokens(prepared.tokens, prepared.stems).features
    _save_stems()
    return out


def assign_topics(texts: Sequence[str | None]) -> tuple[list[list[str]], list[dict[str, float]]]:
    """Topic codes (1–3 per non-empty answer, none for blank) and per-code scores."""
    from sentiment.nlp.pipeline import Preparer
    from sentiment.nlp.topics import assign_prepared, codebook

    book = codebook()
    preparer = Preparer()
    codes: list[list[str]] = []
    scores: list[dict[str, float]] = []
    for text in texts:
        if _is_blank(text):
            codes.append([])
            scores.append({})
            continue
        chosen, per_code = assign_prepared(preparer(str(text)), book)
        codes.append(chosen)
        scores.append(per_code)
    _save_stems()
    return codes, scores


@lru_cache(maxsize=1)
def lexicon_version() -> str:
    """`lexicon-<hash>` of every data file the rule scorer and topic matcher read."""
    from sentiment.nlp.topics import codebook_path

    data = Path(__file__).resolve().parent / "data"
    digest = hashlib.sha256()
    for path in (
        data / "lexicon.tsv",
        data / "lexicon_rules.yaml",
        data / "slang.tsv",
        data / "stopwords_extra.txt",
        codebook_path(),
    ):
        digest.update(path.read_bytes())
    return f"lexicon-{digest.hexdigest()[:10]}"


def _save_stems() -> None:
    from sentiment.nlp.stem import save_cache

    save_cache()


def _index_of(texts: Sequence[str | None]) -> pd.Index:
    import pandas as pd

    if isinstance(texts, pd.Series):
        return texts.index
    return pd.RangeIndex(len(texts))


def _model_sentiment(
    texts: list[str | None], model_path: str | Path | None
) -> tuple[pd.DataFrame, str]:
    try:
        from sentiment.nlp.model import load_model
    except ImportError as exc:
        raise SentimentError(
            "scorer 'model' is not available: sentiment.nlp.model is missing; "
            "use --scorer lexicon or train a model first"
        ) from exc
    model = load_model(model_path)
    frame = model.predict_frame(texts)
    missing = {"sentiment", "sentiment_score"} - set(frame.columns)
    if missing or len(frame) != len(texts):
        raise SentimentError(
            f"model {model_path or 'default'}: predict_frame returned an unexpected frame "
            f"(missing columns {sorted(missing)} or wrong length)"
        )
    version = str(getattr(model, "version", None) or getattr(model, "model_version", "model"))
    return frame.reset_index(drop=True), version


WORKERS_ENV = "SENTIMENT_NLP_WORKERS"
# Below this many answers one process is faster than starting others (about 1-2 s each).
PARALLEL_MIN_ANSWERS = 20_000


def _rule_rows(items: list[object]) -> tuple[list, list, list, list, list]:
    """Lexicon label, score, topics, topic scores and reasons for each answer (None if blank)."""
    from sentiment.nlp.pipeline import Preparer, row_memo
    from sentiment.nlp.topics import assign_prepared, codebook

    book = codebook()
    preparer = Preparer()
    tag = (preparer.normaliser, book)  # objects, not ids: a key keeps them alive
    n = len(items)
    sentiments: list[str | None] = [None] * n
    scores: list[float] = [math.nan] * n
    topics = [""] * n
    topic_scores = ["{}"] * n
    reasons = ["[]"] * n
    dumps = json.dumps
    for row, text in enumerate(items):
        if _is_blank(text):
            continue
        text = text if isinstance(text, str) else str(text)
        key = (text, *tag)
        hit = row_memo.get(key)
        if hit is None:
            prepared = preparer(text)
            result = score_tokens(prepared.tokens, prepared.stems)
            chosen, per_code = assign_prepared(prepared, book)
            hit = (
                result.label,
                round(result.score, 4),
                "|".join(chosen),
                dumps(per_code, ensure_ascii=False),
                dumps(result.reasons, ensure_ascii=False),
            )
            if len(row_memo) >= 200_000:
                row_memo.clear()
            row_memo[key] = hit
        sentiments[row], scores[row], topics[row], topic_scores[row], reasons[row] = hit
    return sentiments, scores, topics, topic_scores, reasons


def _rule_rows_worker(items: list[object]) -> tuple[tuple, dict[str, str]]:
    """Child-process job: the rows plus the stems it had to compute (the parent saves them)."""
    from sentiment.nlp.stem import default_cache

    rows = _rule_rows(items)
    return rows, default_cache().take_new()


def _worker_count(requested: int | None, n: int) -> int:
    import os

    if requested is None:
        env = os.environ.get(WORKERS_ENV)
        if env:
            try:
                requested = int(env)
            except ValueError as exc:
                raise SentimentError(f"{WORKERS_ENV}={env!r}: expected a whole number") from exc
    if requested is None:
        requested = (os.cpu_count() or 1) if n >= PARALLEL_MIN_ANSWERS else 1
    return max(1, min(requested, n // 1000 or 1))


def _fork_context():  # -> multiprocessing context or None
    """Fork when it is safe: POSIX and no other thread that could hold a lock mid-fork.

    Forked workers inherit the warm caches (no start-up cost) and, unlike spawn, never
    re-import the caller's main module (a script without a `__main__` guard would run again).
    Inside threaded hosts (Prefect task runners, web servers) scoring stays in one process.
    """
    import multiprocessing
    import threading

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return None
    return multiprocessing.get_context("fork")


def _parallel_rule_rows(items: list[object], workers: int) -> tuple[list, list, list, list, list]:
    """Split the answers over `workers` forked processes; new stems come back to this one."""
    from concurrent.futures import ProcessPoolExecutor

    from sentiment.nlp.stem import default_cache

    context = _fork_context()
    if context is None:
        return _rule_rows(items)
    default_cache()  # build the caches once here; the workers inherit them
    _rule_rows(items[:1])
    size = -(-len(items) // workers)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=len(chunks), mp_context=context) as pool:
        parts = list(pool.map(_rule_rows_worker, chunks))
    cache = default_cache()
    merged: tuple[list, ...] = ([], [], [], [], [])
    for rows, new_stems in parts:
        cache.add(new_stems)
        for target, column in zip(merged, rows, strict=True):
            target.extend(column)
    return merged  # type: ignore[return-value]


def score_texts(
    texts: Sequence[str | None],
    scorer: str = "lexicon",
    model_path: str | Path | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Sentiment and topics per answer (docs/architecture.md, stage 4).

    Columns: sentiment (positif/netral/negatif; None for a blank answer), sentiment_score in
    [-1, 1], topics (codes joined by '|'), topic_scores (JSON {code: score in [0, 1]}),
    reasons (JSON list of the lexicon evidence: term, weight, effects, value; also given for
    the model scorer, as an explanation next to the model's label), scorer, model_version
    (`lexicon-<hash of the data files>` or the trained model's version). The index follows
    `texts` when it is a Series, else 0..n-1. Stems new to the cache are saved at the end.

    `workers`: processes for the rule scoring; default `$SENTIMENT_NLP_WORKERS`, else one per
    CPU from 20,000 answers up and a single process below. Workers are forked, and only when
    no other thread runs (else scoring stays in this process).
    """
    if scorer not in SCORERS:
        raise SentimentError(f"unknown scorer {scorer!r}; choose one of {', '.join(SCORERS)}")
    import numpy as np
    import pandas as pd

    items = list(texts)
    n = len(items)
    count = _worker_count(workers, n)
    if count > 1:
        sentiments, score_list, topics, topic_scores, reasons = _parallel_rule_rows(items, count)
    else:
        sentiments, score_list, topics, topic_scores, reasons = _rule_rows(items)
    scores = np.asarray(score_list, dtype=float)
    version = lexicon_version()
    if scorer == "model" and n:
        blank = [_is_blank(t) for t in items]
        model_input = [None if b else str(t) for t, b in zip(items, blank, strict=True)]
        frame, version = _model_sentiment(model_input, model_path)
        for row in range(n):
            if blank[row]:
                continue
            sentiments[row] = str(frame.at[row, "sentiment"])
            scores[row] = float(frame.at[row, "sentiment_score"])
    _save_stems()
    out = pd.DataFrame(
        {
            "sentiment": pd.Series(sentiments, dtype="object"),
            "sentiment_score": scores,
            "topics": topics,
            "topic_scores": topic_scores,
            "reasons": reasons,
            "scorer": scorer,
            "model_version": version,
        }
    )
    out.index = _index_of(texts)
    return out
