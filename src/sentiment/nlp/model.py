"""The trained sentiment scorer: TF-IDF word + character n-grams and lexicon features → logistic regression.

`load_model()` loads the shipped default (src/sentiment/nlp/models/default/); `TrainedModel`
is what `score_texts(..., scorer="model")` calls.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler

from sentiment.errors import SentimentError
from sentiment.nlp.labels import LABELS  # noqa: F401  (re-exported)

MODELS_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_MODEL_DIR = MODELS_DIR / "default"
MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
FEATURE_SET = "word12+charwb25+lexicon/v1"
# Answers per sparse n-gram matrix at prediction: bounds memory, costs no speed.
PREDICT_BATCH = 10_000


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters; the defaults were chosen by cross-validation (see train.py)."""

    C: float = 2.0
    class_weight: str | None = "balanced"
    word_max_features: int = 40_000
    char_max_features: int = 80_000
    char_min_df: int = 2
    lexicon_weight: float = 1.0
    # Sigmoid-calibrated class probabilities (3-fold CalibratedClassifierCV); off by default.
    calibrate: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def normalise_many(texts: Sequence[object]) -> list[str]:
    """Normalised text per answer (the NLP core's slang/typo normaliser), lower-cased."""
    from sentiment.nlp.normalise import normalise_text

    return [normalise_text(_text(t)).lower() for t in texts]


def lexicon_many(texts: Sequence[object]) -> np.ndarray:
    """The lexicon scorer's rule features per answer (negation, hope, contrast, ...)."""
    from sentiment.nlp import lexicon_features

    return lexicon_features([_text(t) for t in texts])


def build_pipeline(config: ModelConfig = ModelConfig()) -> Pipeline:
    """Unfitted pipeline: raw texts in, class probabilities out."""
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                            max_features=config.word_max_features, token_pattern=r"(?u)\b\w+\b",
                            dtype=np.float32)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                            min_df=config.char_min_df, max_features=config.char_max_features,
                            dtype=np.float32)
    text_features = Pipeline([
        ("normalise", FunctionTransformer(normalise_many)),
        ("ngrams", FeatureUnion([("word", words), ("char", chars)])),
    ])
    lexicon = Pipeline([
        ("rules", FunctionTransformer(lexicon_many)),
        ("scale", MaxAbsScaler()),
    ])
    features = FeatureUnion(
        [("text", text_features), ("lexicon", lexicon)],
        transformer_weights={"text": 1.0, "lexicon": config.lexicon_weight},
    )
    classifier = LogisticRegression(C=config.C, class_weight=config.class_weight, max_iter=3000)
    if config.calibrate:
        from sklearn.calibration import CalibratedClassifierCV

        classifier = CalibratedClassifierCV(classifier, method="sigmoid", cv=3)
    return Pipeline([("features", features), ("classify", classifier)])


@dataclass
class TrainedModel:
    """A fitted pipeline plus the metadata written beside it."""

    pipeline: Pipeline
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.metadata.get("model_version", "model-unversioned"))

    def predict_proba(self, texts: Sequence[object]) -> pd.DataFrame:
        """P(label) per text, one column per label in `LABELS`."""
        items = [_text(t) for t in texts]
        if not items:
            return pd.DataFrame(columns=list(LABELS), dtype=float)
        proba = self.pipeline.predict_proba(items)
        classes = list(self.pipeline.classes_)
        frame = pd.DataFrame(proba, columns=classes)
        for label in LABELS:
            if label not in frame:
                frame[label] = 0.0
        return frame[list(LABELS)]

    def _parts(self) -> tuple[Any, Any, float, float, Any] | None:
        """(n-gram union, lexicon scaler, their weights, classifier) of a `build_pipeline` model."""
        try:
            features = self.pipeline.named_steps["features"]
            steps = dict(features.transformer_list)
            ngrams = steps["text"].named_steps["ngrams"]
            scale = steps["lexicon"].named_steps["scale"]
            classifier = self.pipeline.named_steps["classify"]
        except (AttributeError, KeyError, TypeError):
            return None
        if [name for name, _ in features.transformer_list] != ["text", "lexicon"]:
            return None
        weights = features.transformer_weights or {}
        return ngrams, scale, weights.get("text", 1.0), weights.get("lexicon", 1.0), classifier

    def predict_prepared(
        self, normalised: Sequence[str], lexicon: Sequence[Sequence[float]],
        batch: int = PREDICT_BATCH,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Labels and P(pos) − P(neg) from texts the NLP core already normalised and scored.

        Skips the pipeline's own normalising and lexicon steps (the caller ran them once for
        all scorers); the same numbers as `predict_frame` on the raw texts. Works in batches
        so the sparse n-gram matrix stays small. None when the pipeline is not from
        `build_pipeline` (call `predict_frame` then).
        """
        parts = self._parts()
        if parts is None:
            return None
        ngrams, scale, text_weight, lexicon_weight, classifier = parts
        classes = list(classifier.classes_)
        labels = np.empty(len(normalised), dtype=object)
        scores = np.zeros(len(normalised), dtype=float)
        pos = classes.index("positif") if "positif" in classes else None
        neg = classes.index("negatif") if "negatif" in classes else None
        for start in range(0, len(normalised), batch):
            stop = start + batch
            text_x = ngrams.transform(list(normalised[start:stop]))
            lex_x = scale.transform(np.asarray(lexicon[start:stop], dtype=np.float64))
            if text_weight != 1.0:
                text_x = text_x * text_weight
            if lexicon_weight != 1.0:
                lex_x = lex_x * lexicon_weight
            x = sparse.hstack([text_x, sparse.csr_matrix(lex_x)], format="csr")
            proba = classifier.predict_proba(x)
            # idxmax order of predict_frame: the first of LABELS among equal maxima
            ordered = np.column_stack([
                proba[:, classes.index(label)] if label in classes else np.zeros(len(proba))
                for label in LABELS
            ])
            labels[start:stop] = np.asarray(LABELS, dtype=object)[ordered.argmax(axis=1)]
            p_pos = proba[:, pos] if pos is not None else 0.0
            p_neg = proba[:, neg] if neg is not None else 0.0
            scores[start:stop] = np.clip(p_pos - p_neg, -1.0, 1.0).round(4)
        return labels, scores

    def predict_frame(self, texts: Sequence[object]) -> pd.DataFrame:
        """sentiment (positif/netral/negatif) and sentiment_score = P(pos) − P(neg) in [-1, 1].

        A blank answer (None, NaN, "") gets sentiment None and score NaN.
        """
        items = list(texts)
        proba = self.predict_proba(items)
        labels = proba.idxmax(axis=1).astype(object) if len(proba) else pd.Series(dtype=object)
        score = (proba["positif"] - proba["negatif"]).clip(-1.0, 1.0)
        blank = np.array([not _text(t).strip() for t in items], dtype=bool)
        out = pd.DataFrame({"sentiment": labels.to_numpy(dtype=object),
                            "sentiment_score": score.to_numpy(dtype=float).round(4)})
        if blank.any():
            out.loc[blank, "sentiment"] = None
            out.loc[blank, "sentiment_score"] = np.nan
        return out

    def save(self, directory: str | Path) -> Path:
        """Write model.joblib + metadata.json into `directory` (created if needed)."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        joblib.dump(self.pipeline, target / MODEL_FILE, compress=("xz", 6))
        (target / METADATA_FILE).write_text(
            json.dumps(self.metadata, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        return target


def _resolve(path: str | Path | None) -> Path:
    folder = Path(path) if path is not None else DEFAULT_MODEL_DIR
    if folder.is_file():
        folder = folder.parent
    if not (folder / MODEL_FILE).is_file():
        raise SentimentError(
            f"{folder}: no trained model here (expected {MODEL_FILE}); "
            "train one with `sentiment train` or use --scorer lexicon"
        )
    return folder


def load_model(path: str | Path | None = None) -> TrainedModel:
    """Load a saved model folder (default: the shipped model), warning on a scikit-learn mismatch."""
    folder = _resolve(path)
    return _load_cached(str(folder.resolve()), (folder / MODEL_FILE).stat().st_mtime)


@lru_cache(maxsize=4)
def _load_cached(folder: str, mtime: float) -> TrainedModel:
    root = Path(folder)
    meta_path = root / METADATA_FILE
    metadata = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    trained_with = metadata.get("sklearn_version")
    if trained_with and trained_with != sklearn.__version__:
        warnings.warn(
            f"model {metadata.get('model_version', folder)} was trained with scikit-learn "
            f"{trained_with}, running {sklearn.__version__}: predictions may differ; retrain "
            "with `sentiment train` if scores look wrong",
            UserWarning,
            stacklevel=3,
        )
    try:
        with warnings.catch_warnings():
            # sklearn's own pickle-version warning repeats ours above
            warnings.simplefilter("ignore", category=UserWarning)
            pipeline = joblib.load(root / MODEL_FILE)
    except Exception as exc:  # a corrupt or foreign file: say which one
        raise SentimentError(f"{root / MODEL_FILE}: cannot load model ({exc})") from exc
    return TrainedModel(pipeline=pipeline, metadata=metadata)
