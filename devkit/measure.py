"""Developer measurement of the scorers (not used by the pipeline).

    python -m devkit.measure [--nusax DIR] [--C 4] [--dev] [--dev-cv 5]

Reports template-held-out macro-F1 on the corpus (whole seed templates kept out of training,
a stand-in for unseen real answers) for the model and the lexicon scorer, and, when a folder
with NusaX-style train.csv/valid.csv (text,label) is given, the default model and a model
trained on that train split, measured on its valid split.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import classification_report, f1_score

from devkit.corpus import build_rows
from sentiment.nlp.model import LABELS, ModelConfig
from sentiment.nlp.train import (
    load_general,
    normalise_labels,
    train_model,
    training_corpus,
    training_frame,
)


def _id_hash(text: str) -> int:
    """A fixed hash of an id (or seed), for splits that never change between runs."""
    return int(hashlib.sha1(text.encode()).hexdigest(), 16)


def _held_out(seed_id: str, fold: int, folds: int = 5) -> bool:
    return _id_hash(seed_id) % folds == fold


def template_split(fold: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train rows share no seed with test rows; test rows come only from held-out seeds."""
    rows = build_rows()
    train, test = [], []
    for r in rows:
        flags = [_held_out(s, fold) for s in r.seeds]
        if all(flags):
            test.append((r.text, r.label))
        elif not any(flags):
            train.append((r.text, r.label))
    cols = ["text", "label"]
    return pd.DataFrame(train, columns=cols), pd.DataFrame(test, columns=cols)


def lexicon_labels(texts: list[str]) -> list[str]:
    from sentiment.nlp import score_texts

    return score_texts(texts, scorer="lexicon")["sentiment"].fillna("netral").tolist()


def macro(y, pred) -> float:
    return round(float(f1_score(y, pred, average="macro", labels=list(LABELS))), 4)


BLIND = Path(__file__).resolve().parent / "blind" / "blind_set.csv"
DEV = Path(__file__).resolve().parent / "dev" / "dev_set.csv"


def dev_split(path: Path = DEV) -> dict[str, pd.DataFrame]:
    """The development set in two fixed parts by a hash of the id: 'tune' (about 2/3: read
    its misses, change rules) and 'check' (about 1/3: figures only, never read its misses)."""
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    check = rows["id"].map(is_check)
    return {"tune": rows[~check].reset_index(drop=True), "check": rows[check].reset_index(drop=True)}


def is_check(row_id: str) -> bool:
    """Whether a development row is in the 'check' part (figures only)."""
    return _id_hash(row_id) % 3 == 0


def dev_fold(row_id: str, folds: int) -> int:
    """The cross-validation fold of a development row: a fixed hash of its id (independent
    of the tune/check split, which uses the same hash modulo 3)."""
    return _id_hash(row_id) % folds


def dev_cross_validated(path: Path = DEV, folds: int = 5, config: ModelConfig | None = None,
                        user_weight: float | None = None, include_corpus: bool = True
                        ) -> dict:
    """Macro-F1 of a model trained on the corpus plus the development set's Indonesian rows,
    each row predicted by the model trained without its fold (k-fold by `dev_fold`).

    This is the only figure to quote for a model that saw the development set: its plain dev
    figure would be measured on its own training rows. The rows get the weight
    `sentiment train` gives user data (`user_weight`, default USER_SHARE x the corpus).
    Reported for all Indonesian rows and for the 'tune' and 'check' parts, with the lexicon
    on the same rows beside it.
    """
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = rows[rows["language"].eq("id")].reset_index(drop=True)
    fold = rows["id"].map(lambda i: dev_fold(i, folds))
    check = rows["id"].map(is_check)
    pred = pd.Series([""] * len(rows), dtype=object)
    proba = np.zeros((len(rows), len(LABELS)))
    for k in range(folds):
        held = fold.eq(k)
        train = rows[~held].rename(columns={"sentiment": "label"})[["text", "label"]]
        frame, _sources = training_frame(train, include_corpus, user_weight=user_weight)
        model = train_model(frame["text"].tolist(), frame["label"].tolist(), config=config,
                            weights=frame["weight"].tolist(), cv_folds=0)
        texts = rows.loc[held, "text"].tolist()
        pred[held.to_numpy()] = model.predict_frame(texts)["sentiment"].fillna("netral").to_numpy()
        proba[held.to_numpy()] = model.predict_proba(texts).to_numpy()
    lex = pd.Series(lexicon_labels(rows["text"].tolist()), dtype=object)
    gold = rows["sentiment"]
    onehot = np.stack([gold.eq(label).to_numpy() for label in LABELS], axis=1)
    out = {"folds": folds, "rows": len(rows),
           "model_macro_f1": macro(gold, pred), "lexicon_macro_f1": macro(gold, lex),
           "model_brier": round(float(((proba - onehot) ** 2).sum(axis=1).mean()), 4)}
    for part, mask in (("tune", ~check), ("check", check)):
        out[f"model_{part}"] = macro(gold[mask], pred[mask])
        out[f"lexicon_{part}"] = macro(gold[mask], lex[mask])
    return out


def blind_figures(path: Path | pd.DataFrame = BLIND, scorer: str = "lexicon",
                  model_path: Path | None = None) -> dict:
    """Figures on a labelled set (the blind set by default: written without reading the
    rules, devkit/blind/GUIDE.md; or a part of the development set).

    Sentiment macro-F1 on the Indonesian rows; topic micro-F1 of the predicted codes against
    the one gold topic per row, and the share of rows whose gold topic is among the codes;
    for rows in another language, the share that got no Indonesian sentiment.
    """
    from sentiment.nlp import score_texts

    gold = path if isinstance(path, pd.DataFrame) else pd.read_csv(path, dtype=str, keep_default_na=False)
    scored = score_texts(gold["text"].tolist(), scorer=scorer, model_path=model_path)
    indonesian = gold["language"].eq("id").to_numpy()
    sentiment = scored["sentiment"].fillna("netral").to_numpy()
    codes = [set(filter(None, str(t or "").split("|"))) for t in scored["topics"]]
    hits = sum(g in c for g, c in zip(gold["topic"], codes, strict=True))
    predicted = sum(len(c) for c in codes)
    precision = hits / predicted if predicted else 0.0
    recall = hits / len(gold)
    other = ~indonesian
    unscored = scored["sentiment"].isna().to_numpy() | ~scored.get(
        "language", pd.Series(["id"] * len(gold))).eq("id").to_numpy()
    return {
        "rows": len(gold),
        "sentiment_macro_f1_id": macro(gold["sentiment"][indonesian], sentiment[indonesian]),
        "sentiment_accuracy_id": round(float((gold["sentiment"][indonesian] == sentiment[indonesian]).mean()), 4),
        "topic_micro_f1": round(2 * precision * recall / (precision + recall), 4) if hits else 0.0,
        "topic_gold_in_codes": round(hits / len(gold), 4),
        "topic_codes_per_answer": round(predicted / len(gold), 3),
        "other_language_rows": int(other.sum()),
        "other_language_unscored": round(float(unscored[other].mean()), 4) if other.any() else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blind", nargs="?", const=BLIND, type=Path,
                        help="also report the blind set (default devkit/blind/blind_set.csv)")
    parser.add_argument("--dev", nargs="?", const=DEV, type=Path,
                        help="report both parts of the development set (default devkit/dev/dev_set.csv)")
    parser.add_argument("--dev-cv", type=int, default=0, metavar="K",
                        help="k-fold figures of a model trained on the corpus + the other folds "
                             "of the development set (the only figure for such a model)")
    parser.add_argument("--dev-weight", type=float, default=None,
                        help="weight per development row in --dev-cv (default: as sentiment train)")
    parser.add_argument("--nusax", type=Path)
    parser.add_argument("--C", type=float, default=ModelConfig().C)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--lexicon-weight", type=float, default=ModelConfig().lexicon_weight)
    parser.add_argument("--calibrate", action="store_true",
                        help="sigmoid-calibrated probabilities (CalibratedClassifierCV)")
    parser.add_argument("--skip-templates", action="store_true")
    args = parser.parse_args()
    config = ModelConfig(C=args.C, lexicon_weight=args.lexicon_weight, calibrate=args.calibrate)
    if args.dev:
        from sentiment.nlp.model import load_model

        saw_dev = "dev_set" in load_model().metadata  # the shipped model was trained on it
        for part, rows in dev_split(args.dev).items():
            for scorer in ("lexicon", "model"):
                if scorer == "model" and saw_dev:
                    print(f"dev {part}, model: the shipped model was trained on the dev set; "
                          "its only dev figure is --dev-cv K")
                    continue
                print(f"dev {part} ({len(rows)} rows), {scorer}:", blind_figures(rows, scorer=scorer))
    if args.dev_cv:
        print(f"dev {args.dev_cv}-fold, model trained on corpus + other folds:",
              dev_cross_validated(args.dev or DEV, args.dev_cv, config, args.dev_weight))
    if args.blind:
        for scorer in ("lexicon", "model"):  # the model: the shipped default model
            print(f"blind set, {scorer}:", blind_figures(args.blind, scorer=scorer))
    if not args.skip_templates:
        model_f1, lex_f1 = [], []
        general = load_general()  # the shipped model always has these too
        for fold in range(args.folds):
            train, test = template_split(fold)
            train = pd.concat([train, general], ignore_index=True)
            model = train_model(train.text, train.label, config=config, cv_folds=0)
            pred = model.predict_frame(test.text.tolist())["sentiment"].tolist()
            model_f1.append(macro(test.label, pred))
            lex_f1.append(macro(test.label, lexicon_labels(test.text.tolist())))
            print(f"fold {fold}: train {len(train)} test {len(test)} "
                  f"model {model_f1[-1]} lexicon {lex_f1[-1]}")
        print(f"template-held-out macro-F1: model {sum(model_f1) / len(model_f1):.4f} "
              f"lexicon {sum(lex_f1) / len(lex_f1):.4f}")
    if args.nusax:
        tr = pd.read_csv(args.nusax / "train.csv")
        va = pd.read_csv(args.nusax / "valid.csv")
        tr["label"] = normalise_labels(tr["label"].tolist())
        va["label"] = normalise_labels(va["label"].tolist())
        corpus = training_corpus()
        print("lexicon on valid:", macro(va.label, lexicon_labels(va.text.tolist())))
        print("lexicon on train (rules were developed on it):",
              macro(tr.label, lexicon_labels(tr.text.tolist())))
        default = train_model(corpus.text, corpus.label, config=config, cv_folds=0)
        pred = default.predict_frame(va.text.tolist())["sentiment"]
        print("corpus model on valid:", macro(va.label, pred))
        pred = default.predict_frame(tr.text.tolist())["sentiment"]
        print("corpus model on train (never trained on it):", macro(tr.label, pred))
        only = train_model(tr.text, tr.label, config=config, cv_folds=0)
        print("nusax-only model on valid:", macro(va.label, only.predict_frame(va.text)["sentiment"]))
        for weight in (6.0 * len(corpus) / len(tr),):  # what `sentiment train` uses
            both = pd.concat([tr.assign(w=weight), corpus[["text", "label"]].assign(w=1.0)])
            m = train_model(both.text, both.label, config=config, weights=both.w.tolist(),
                            cv_folds=0)
            pred = m.predict_frame(va.text.tolist())["sentiment"]
            print(f"nusax+corpus (w={weight:.1f}) on valid:", macro(va.label, pred))
        print(classification_report(va.label, pred, digits=3))


if __name__ == "__main__":
    main()
