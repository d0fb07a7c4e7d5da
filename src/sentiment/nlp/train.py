"""Train and save the sentiment model: labelled data (+ the shipped corpus, + human codes) → artifact."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from sentiment.errors import InputError, SentimentError
from sentiment.nlp.labels import LABEL_ALIASES
from sentiment.nlp.model import (
    FEATURE_SET,
    LABELS,
    ModelConfig,
    TrainedModel,
    build_pipeline,
)

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CORPUS_PATH = CORPUS_DIR / "labelled.csv"
GENERAL_PATH = CORPUS_DIR / "general.txt"

USER_SHARE = 6.0

def normalise_labels(labels: Sequence[object], source: str = "labels") -> list[str]:
    """Map Indonesian/English label spellings to positif/netral/negatif; unknown → InputError."""
    out = []
    for row, value in enumerate(labels, start=2):  # row 1 is the header in a file
        key = str(value).strip().lower() if value is not None else ""
        if key not in LABEL_ALIASES:
            raise InputError(source, f"unknown label {value!r}; use positif/netral/negatif "
                             "(or positive/neutral/negative)", row=row)
        out.append(LABEL_ALIASES[key])
    return out


def load_corpus(path: str | Path = CORPUS_PATH) -> pd.DataFrame:
    """The shipped labelled corpus: text, label, topics, group."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load_general(path: str | Path = GENERAL_PATH) -> pd.DataFrame:
    """Everyday sentences outside the survey (food, shops, services): text, label."""
    symbols = {"+": "positif", "0": "netral", "-": "negatif"}
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((text.strip(), symbols[label.strip()]))
    return pd.DataFrame(rows, columns=["text", "label"])


def training_corpus() -> pd.DataFrame:
    """What the shipped model learns from: the survey-style corpus plus the everyday sentences."""
    return pd.concat([load_corpus()[["text", "label"]], load_general()], ignore_index=True)


def read_labelled(path: str | Path, text_column: str, label_column: str) -> pd.DataFrame:
    """Columns text/label from a CSV or XLSX file; blank texts dropped, labels normalised."""
    source = Path(path)
    if not source.is_file():
        raise InputError(source.name, "file not found")
    try:
        if source.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(source, dtype=str)
        else:
            frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    except Exception as exc:  # unreadable file: name it
        raise InputError(source.name, f"cannot read ({exc})") from exc
    for column in (text_column, label_column):
        if column not in frame.columns:
            raise InputError(source.name, f"no column {column!r} (has: {', '.join(map(str, frame.columns))})")
    frame = frame[[text_column, label_column]].rename(columns={text_column: "text",
                                                                 label_column: "label"})
    frame["text"] = frame["text"].fillna("").astype(str)
    frame["label"] = normalise_labels(frame["label"].tolist(), source.name)
    return frame[frame["text"].str.strip() != ""].reset_index(drop=True)


def data_sha256(texts: Sequence[str], labels: Sequence[str], weights: Sequence[float] | None = None) -> str:
    digest = hashlib.sha256()
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        digest.update(text.encode("utf-8") + b"\x1f" + label.encode("utf-8"))
        if weights is not None:
            digest.update(f"\x1f{weights[i]:.4f}".encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def cross_validate(texts: Sequence[str], labels: Sequence[str], config: ModelConfig,
                   folds: int = 5, seed: int = 0, weights: Sequence[float] | None = None,
                   focus: Sequence[bool] | None = None) -> dict[str, float]:
    """Stratified k-fold macro-F1 and accuracy (mean and std).

    `focus` marks the rows that matter most (the user's own data): their held-out macro-F1
    is reported separately as `focus_macro_f1`, since corpus rows inflate the overall figure.
    """
    x = np.asarray(texts, dtype=object)
    y = np.asarray(labels, dtype=object)
    w = None if weights is None else np.asarray(weights, dtype=float)
    smallest = int(pd.Series(y).value_counts().min())
    k = min(folds, smallest)
    if k < 2:
        return {"folds": 0}
    mask = None if focus is None else np.asarray(focus, dtype=bool)
    f1s, accs, focus_f1s = [], [], []
    for train_idx, test_idx in StratifiedKFold(k, shuffle=True, random_state=seed).split(x, y):
        pipe = build_pipeline(config)
        fit_params = {} if w is None else {"classify__sample_weight": w[train_idx]}
        pipe.fit(x[train_idx].tolist(), y[train_idx], **fit_params)
        pred = pipe.predict(x[test_idx].tolist())
        f1s.append(f1_score(y[test_idx], pred, average="macro", labels=list(LABELS)))
        accs.append(accuracy_score(y[test_idx], pred))
        if mask is not None and mask[test_idx].any():
            sel = mask[test_idx]
            focus_f1s.append(f1_score(y[test_idx][sel], pred[sel], average="macro",
                                      labels=list(LABELS)))
    out = {"folds": k, "macro_f1": round(float(np.mean(f1s)), 4),
           "macro_f1_std": round(float(np.std(f1s)), 4),
           "accuracy": round(float(np.mean(accs)), 4)}
    if focus_f1s:
        out["focus_macro_f1"] = round(float(np.mean(focus_f1s)), 4)
    return out


def train_model(texts: Sequence[str], labels: Sequence[str], extra: Mapping[str, Any] | None = None,
                *, config: ModelConfig | None = None, weights: Sequence[float] | None = None,
                focus: Sequence[bool] | None = None, cv_folds: int = 5,
                seed: int = 0) -> TrainedModel:
    """Fit the pipeline on all rows and attach metadata (data hash, CV metrics, versions).

    `labels` may be Indonesian or English; `extra` is merged into the metadata (e.g. sources);
    `weights` are per-row sample weights (e.g. to let a small in-domain set count more).
    """
    config = config or ModelConfig()
    texts = [str(t) for t in texts]
    labels = normalise_labels(labels)
    if len(texts) != len(labels):
        raise SentimentError("texts and labels differ in length")
    present = sorted(set(labels))
    if len(present) < 2:
        raise SentimentError(f"need at least two classes to train, got {present}")
    sha = data_sha256(texts, labels, weights)
    metrics = (cross_validate(texts, labels, config, cv_folds, seed, weights, focus)
               if cv_folds else {})
    pipeline = build_pipeline(config)
    fit_params = {} if weights is None else {"classify__sample_weight": np.asarray(weights, float)}
    pipeline.fit(texts, np.asarray(labels, dtype=object), **fit_params)
    from sentiment.nlp import lexicon_version

    # the version changes with the data, the features' lexicon and the hyper-parameters
    identity = json.dumps([sha, lexicon_version(), FEATURE_SET, config.as_dict(),
                           sklearn.__version__], sort_keys=True)
    metadata: dict[str, Any] = {
        "model_version": f"model-{hashlib.sha256(identity.encode()).hexdigest()[:10]}",
        "data_sha256": sha,
        "trained_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "sklearn_version": sklearn.__version__,
        "feature_set": FEATURE_SET,
        "lexicon_version": lexicon_version(),
        "config": config.as_dict(),
        "n_rows": len(texts),
        "class_counts": {label: labels.count(label) for label in LABELS},
        "cv": metrics,
    }
    metadata.update(dict(extra or {}))
    return TrainedModel(pipeline=pipeline, metadata=metadata)


def coded_answers(db_url: str) -> pd.DataFrame:
    """text/label from the warehouse `coding` table: the majority human label per text."""
    from sentiment.nlp.coding import consensus_labels

    return consensus_labels(db_url)


def training_frame(data: pd.DataFrame | None, include_corpus: bool = True,
                   coded: pd.DataFrame | None = None, user_weight: float | None = None
                   ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Rows to train on (text, label, weight, source) and a description of the sources.

    User data (a file or human codes) gets `user_weight` per row; by default enough that it
    weighs `USER_SHARE` times the corpus in total: it is the domain being scored, and on
    NusaX a 500-row train split mixed in at that weight scored as well as it alone while
    keeping the corpus's survey vocabulary (devkit/measure.py).
    """
    parts, sources = [], {}
    user = pd.concat([f for f in (data, coded) if f is not None and len(f)], ignore_index=True) \
        if any(f is not None and len(f) for f in (data, coded)) else None
    corpus = training_corpus() if include_corpus else None
    if user is not None:
        weight = user_weight
        if weight is None:
            weight = max(1.0, USER_SHARE * len(corpus) / len(user)) if corpus is not None else 1.0
        parts.append(user.assign(weight=weight, source="user"))
        sources["user_rows"] = len(user)
        sources["user_weight"] = round(weight, 3)
    if corpus is not None:
        parts.append(corpus.assign(weight=1.0, source="corpus"))
        sources["corpus_rows"] = len(corpus)
    if not parts:
        raise SentimentError("nothing to train on: give --data, --from-coding or --include-corpus")
    frame = pd.concat(parts, ignore_index=True)
    return frame, sources


def train_and_save(out: str | Path, data: pd.DataFrame | None = None, include_corpus: bool = True,
                   coded: pd.DataFrame | None = None, config: ModelConfig | None = None,
                   user_weight: float | None = None, cv_folds: int = 5,
                   extra: Mapping[str, Any] | None = None) -> TrainedModel:
    """Train on the chosen sources and write the artifact folder `out`."""
    frame, sources = training_frame(data, include_corpus, coded, user_weight)
    weights = frame["weight"].tolist() if frame["weight"].nunique() > 1 else None
    mixed = frame["source"].nunique() > 1
    model = train_model(frame["text"].tolist(), frame["label"].tolist(),
                        extra={"sources": sources, **dict(extra or {})}, config=config,
                        weights=weights, cv_folds=cv_folds,
                        focus=(frame["source"] == "user").tolist() if mixed else None)
    model.save(out)
    return model


def read_dev_set(path: str | Path) -> pd.DataFrame:
    """text/label of a development set's Indonesian rows (columns id, text, sentiment,
    language: devkit/dev/dev_set.csv)."""
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "language" in rows:
        rows = rows[rows["language"].eq("id")]
    frame = rows.rename(columns={"sentiment": "label"})[["text", "label"]]
    frame["label"] = normalise_labels(frame["label"].tolist(), Path(path).name)
    return frame.reset_index(drop=True)


def retrain_default(dev_set: str | Path | None = None) -> TrainedModel:
    """Rebuild the shipped default model from the shipped corpus and, when given, the
    development set's Indonesian rows (weighted as `sentiment train` weighs user data).

    Run after changing the corpus, the normaliser or the lexicon:
    `python -m sentiment.nlp.train devkit/dev/dev_set.csv`. A model trained on the dev set has
    no plain dev figure: quote `python -m devkit.measure --dev-cv 5` (k-fold over the dev set).
    """
    from sentiment.nlp.model import DEFAULT_MODEL_DIR

    data = read_dev_set(dev_set) if dev_set else None
    note = "shipped default: trained on sentiment/nlp/corpus (labelled.csv, general.txt)"
    if data is not None:
        note += (f" and the {len(data)} Indonesian rows of the development set "
                 f"({Path(dev_set).name}); its dev figure is only the k-fold one "
                 "(devkit.measure --dev-cv)")
    extra: dict[str, Any] = {"note": note}
    if data is not None:
        extra["dev_set"] = {"file": Path(dev_set).name, "rows": len(data),
                            "sha256": data_sha256(data["text"].tolist(), data["label"].tolist())}
    return train_and_save(DEFAULT_MODEL_DIR, data, include_corpus=True, extra=extra)


if __name__ == "__main__":
    import sys

    trained = retrain_default(sys.argv[1] if len(sys.argv) > 1 else None)
    print(trained.version, trained.metadata["cv"])
