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
    "language",
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


def lexicon_version() -> str:
    """`lexicon-<hash>` of every data file the rule scorer and topic matcher read."""
    from sentiment.nlp.topics import codebook_path

    path = codebook_path()
    return _lexicon_version(str(path), path.stat().st_mtime)


@lru_cache(maxsize=4)
def _lexicon_version(codebook: str, mtime: float) -> str:
    data = Path(__file__).resolve().parent / "data"
    digest = hashlib.sha256()
    for path in (
        data / "lexicon.tsv",
        data / "lexicon_rules.yaml",
        data / "slang.tsv",
        data / "stopwords_extra.txt",
        Path(codebook),
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


def _load_scoring_model(model_path: str | Path | None):  # -> TrainedModel
    try:
        from sentiment.nlp.model import load_model
    except ImportError as exc:
        raise SentimentError(
            "scorer 'model' is not available: sentiment.nlp.model is missing; "
            "use --scorer lexicon or train a model first"
        ) from exc
    return load_model(model_path)


def _model_sentiment(
    model, texts: list[str], normalised: list[str], features: list[tuple[float, ...]]
) -> tuple[np.ndarray, np.ndarray, str]:
    """Model labels and scores for non-blank answers, reusing the rule pass's normalised text."""
    import numpy as np

    result = model.predict_prepared(normalised, features)
    if result is None:  # a model built differently: it prepares the raw texts itself
        frame = model.predict_frame(texts)
        missing = {"sentiment", "sentiment_score"} - set(frame.columns)
        if missing or len(frame) != len(texts):
            raise SentimentError(
                f"model {getattr(model, 'version', 'model')}: predict_frame returned an "
                f"unexpected frame (missing columns {sorted(missing)} or wrong length)"
            )
        result = (frame["sentiment"].to_numpy(dtype=object),
                  frame["sentiment_score"].to_numpy(dtype=float))
    labels, scores = result
    return np.asarray(labels, dtype=object), np.asarray(scores, dtype=float), _model_version(model)


def _model_version(model) -> str:
    return str(getattr(model, "version", None) or getattr(model, "model_version", "model"))


def _widen(keep: list[int], n: int, sentiments, scores, topics, topic_scores, reasons):
    """Columns for all distinct answers from those of the scored ones; the rest stay empty."""
    import numpy as np

    out_sent: list[str | None] = [None] * n
    out_scores = np.full(n, math.nan)
    out_topics, out_topic_scores, out_reasons = [""] * n, ["{}"] * n, ["[]"] * n
    for j, i in enumerate(keep):
        out_sent[i] = sentiments[j]
        out_scores[i] = scores[j]
        out_topics[i], out_topic_scores[i], out_reasons[i] = topics[j], topic_scores[j], reasons[j]
    return out_sent, out_scores, out_topics, out_topic_scores, out_reasons


def _distinct(texts: Sequence[str | None]) -> tuple[list[str], np.ndarray]:
    """Distinct non-blank answers (first-seen order) and each row's position among them.

    Survey answers repeat a lot ("aman", "tidak tahu"): each distinct text is scored once.
    Blank rows get position -1.
    """
    import numpy as np

    position: dict[object, int] = {}
    distinct: list[str] = []
    codes = np.empty(len(texts), dtype=np.intp)
    get = position.get
    for row, text in enumerate(texts):
        code = get(text) if type(text) is str else None
        if code is None:
            if _is_blank(text):
                code = -1
            else:
                key = text if isinstance(text, str) else str(text)
                code = position.get(key)
                if code is None:
                    code = position[key] = len(distinct)
                    distinct.append(key)
            if type(text) is str:
                position[text] = code
        codes[row] = code
    return distinct, codes


from sentiment.settings import NLP_WORKERS_ENV as WORKERS_ENV  # noqa: E402,F401

# Below this many distinct answers one process is as fast as forking others (a forked pool
# starts in well under 0.3 s). Below the pipeline's score chunk (settings.score_batch, 20,000
# answers), or a chunk never reaches it.
PARALLEL_MIN_ANSWERS = 5_000


_PUNCT_START = frozenset(".!?;:,")
# One encoder for all rows: `json.dumps(..., ensure_ascii=False)` builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False)
_ZERO_FEATURES = (0.0,) * len(LEXICON_FEATURE_NAMES)


def _normalised_text(tokens: tuple[str, ...]) -> str:
    """`Normaliser.text` from prepared tokens: punctuation attached to the word before."""
    parts: list[str] = []
    for token in tokens:
        if parts and token[0] in _PUNCT_START:
            parts[-1] += token
        else:
            parts.append(token)
    return " ".join(parts).lower()


def _rule_rows(items: list[object], model_inputs: bool = False) -> tuple[list, ...]:
    """Lexicon label, score, topics, topic scores and reasons for each answer (None if blank).

    With `model_inputs`, two more columns: the normalised text and the lexicon features,
    so the model reuses this pass instead of normalising and scoring the texts again.
    """
    from sentiment.nlp.pipeline import Preparer, row_memo
    from sentiment.nlp.topics import assign_prepared, codebook

    book = codebook()
    preparer = Preparer()
    tag = (preparer.normaliser, book, model_inputs)  # objects, not ids: a key keeps them alive
    n = len(items)
    sentiments: list[str | None] = [None] * n
    scores: list[float] = [math.nan] * n
    topics = [""] * n
    topic_scores = ["{}"] * n
    reasons = ["[]"] * n
    normalised: list[str] = [""] * n
    features: list[tuple[float, ...]] = [_ZERO_FEATURES] * n
    dumps = _JSON.encode
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
                dumps(per_code),
                dumps(result.reasons),
            )
            if model_inputs:
                hit += (_normalised_text(prepared.tokens), tuple(result.features))
            if len(row_memo) >= 200_000:
                row_memo.clear()
            row_memo[key] = hit
        sentiments[row], scores[row], topics[row], topic_scores[row], reasons[row] = hit[:5]
        if model_inputs:
            normalised[row], features[row] = hit[5], hit[6]
    if model_inputs:
        return sentiments, scores, topics, topic_scores, reasons, normalised, features
    return sentiments, scores, topics, topic_scores, reasons


# The model the forked workers predict with (set by the parent just before it forks them:
# children inherit it, nothing is pickled). None: the workers give rule rows only.
_WORKER_MODEL = None


def _rule_rows_worker(job: tuple[list[object], bool]) -> tuple[tuple, dict[str, str]]:
    """Child-process job: the rows plus the stems it had to compute (the parent saves them).
    With a worker model, two more columns: the model's labels and scores of the chunk."""
    from sentiment.nlp.stem import default_cache

    items, model_inputs = job
    rows = _rule_rows(items, model_inputs)
    if _WORKER_MODEL is not None and model_inputs:
        labels, scores, _ = _model_sentiment(_WORKER_MODEL, [str(t) for t in items], rows[5], rows[6])
        rows = (*rows, list(labels), list(scores))
    return rows, default_cache().take_new()


def _worker_count(requested: int | None, n: int) -> int:
    import os

    if requested is None:
        from sentiment.settings import NLP_WORKERS_ENV, _int_env

        requested = _int_env(os.environ, NLP_WORKERS_ENV)
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


def _parallel_rule_rows(items: list[object], workers: int, model_inputs: bool = False,
                        model=None) -> tuple[list, ...]:
    """Split the answers over `workers` forked processes; new stems come back to this one.

    With `model` (and `model_inputs`), the workers also predict their chunk with it and the
    result has two more columns (labels, scores); without a fork it has not.
    """
    global _WORKER_MODEL
    from concurrent.futures import ProcessPoolExecutor

    from sentiment.nlp.stem import default_cache

    context = _fork_context()
    if context is None:
        return _rule_rows(items, model_inputs)
    default_cache()  # build the caches once here; the workers inherit them
    _rule_rows(items[:1], model_inputs)
    size = -(-len(items) // workers)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    _WORKER_MODEL = model
    try:
        with ProcessPoolExecutor(max_workers=len(chunks), mp_context=context) as pool:
            parts = list(pool.map(_rule_rows_worker, [(c, model_inputs) for c in chunks]))
    finally:
        _WORKER_MODEL = None
    cache = default_cache()
    merged: tuple[list, ...] = tuple([] for _ in parts[0][0])
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
    language: str | Sequence[str | None] | None = None,
) -> pd.DataFrame:
    """Sentiment and topics per answer (docs/architecture.md, stage 4).

    Columns: sentiment (positif/netral/negatif; None for a blank answer), sentiment_score in
    [-1, 1], topics (codes joined by '|'), topic_scores (JSON {code: score in [0, 1]}),
    reasons (JSON list of the lexicon evidence: term, weight, effects, value; also given for
    the model scorer, as an explanation next to the model's label), scorer, model_version
    (`lexicon-<hash of the data files>` or the trained model's version). The index follows
    `texts` when it is a Series, else 0..n-1. Stems new to the cache are saved at the end.

    Each distinct answer is scored once and the rows copied to its repeats. One
    normalise/stem pass serves the lexicon, the topics and (scorer "model") the model's
    n-gram and lexicon features.

    language: the answer's ISO 639-1 code ("id" includes Jakarta Malay and slang; None for a
    blank answer). Answers in another language, and answers whose question declares
    `language: none` (`language`: one declared language, or one per text), get no sentiment,
    score, topics or reasons (docs/method.md).

    `workers`: processes for the rule scoring; default `$SENTIMENT_NLP_WORKERS`, else one per
    CPU from 5,000 distinct answers up and a single process below. Workers are forked, and only when
    no other thread runs (else scoring stays in this process).
    """
    if scorer not in SCORERS:
        raise SentimentError(f"unknown scorer {scorer!r}; choose one of {', '.join(SCORERS)}")
    import numpy as np
    import pandas as pd

    from sentiment.nlp.language import detect_languages, is_scored

    model = _load_scoring_model(model_path) if scorer == "model" else None
    distinct, codes = _distinct(texts)
    languages = detect_languages(distinct)
    declared_one = language if isinstance(language, str) or language is None else None
    keep = [i for i, code in enumerate(languages) if is_scored(code, declared_one)]
    unscored = len(keep) < len(distinct)
    full_distinct = distinct
    if unscored:  # score only the answers the Indonesian scorer may read
        distinct = [full_distinct[i] for i in keep]
    with_model = model is not None and bool(distinct)
    count = _worker_count(workers, len(distinct))
    if count > 1:  # the workers also predict with the model when there is one
        columns = _parallel_rule_rows(distinct, count, with_model, model if with_model else None)
    else:
        columns = _rule_rows(distinct, with_model)
    sentiments, score_list, topics, topic_scores, reasons = columns[:5]
    scores = np.asarray(score_list, dtype=float)
    version = lexicon_version()
    if model is not None:
        version = _model_version(model)
    if with_model and len(columns) > 7:
        sentiments, scores = list(columns[7]), np.asarray(columns[8], dtype=float)
    elif with_model:
        labels, model_scores, version = _model_sentiment(model, distinct, columns[5], columns[6])
        sentiments, scores = list(labels), model_scores
    _save_stems()
    if unscored:
        sentiments, scores, topics, topic_scores, reasons = _widen(
            keep, len(full_distinct), sentiments, scores, topics, topic_scores, reasons)

    def spread(values, blank: object, dtype: object = object) -> np.ndarray:
        # One value per distinct answer plus the blank value last: code -1 picks it.
        column = np.empty(len(values) + 1, dtype=dtype)
        column[: len(values)] = values
        column[-1] = blank
        return column[codes]

    out = pd.DataFrame(
        {
            "sentiment": pd.Series(spread(sentiments, None), dtype="object"),
            "sentiment_score": spread(scores, math.nan, float),
            "topics": spread(topics, ""),
            "topic_scores": spread(topic_scores, "{}"),
            "reasons": spread(reasons, "[]"),
            "scorer": scorer,
            "model_version": version,
            "language": pd.Series(spread(languages, None), dtype="object"),
        }
    )
    if declared_one is None and language is not None:
        none = np.array([not is_scored("id", d) for d in language], dtype=bool)
        if none.any():
            out.loc[none, "sentiment"] = None
            out.loc[none, "sentiment_score"] = math.nan
            out.loc[none, ["topics", "topic_scores", "reasons"]] = ["", "{}", "[]"]
    out.index = _index_of(texts)
    return out
