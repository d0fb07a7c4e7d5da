"""Training, saving, loading and predicting with the sentiment model (tiny data)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer import Typer
from typer.testing import CliRunner

from sentiment.errors import InputError, SentimentError
from sentiment.nlp.model import DEFAULT_MODEL_DIR, METADATA_FILE, load_model
from sentiment.nlp.train import normalise_labels, read_labelled, train_model

POS = ["semoga aman terus", "sekarang sudah damai", "alhamdulillah aman", "senang ada futsal",
       "warga rukun sekali", "lampu sudah terang, mantap"]
NEG = ["tawuran terus tiap malam", "gak aman lewat jembatan", "takut anak ikut tawuran",
       "lampu mati gelap banget", "banyak yang mabuk", "polisi telat terus"]
NEU = ["patroli jam sepuluh", "gak tau", "sekolah dekat pasar", "tinggal di sisi timur",
       "ngaji tiap malam jumat", "kerja di pasar"]
TEXTS = POS + NEG + NEU
LABELS = ["positif"] * 6 + ["negatif"] * 6 + ["netral"] * 6


@pytest.fixture(scope="module")
def tiny_model():
    return train_model(TEXTS, LABELS, extra={"note": "tiny"}, cv_folds=2)


def test_saved_artifact_has_metadata_and_reloads_to_same_predictions(tiny_model, tmp_path: Path):
    folder = tiny_model.save(tmp_path / "m")
    meta = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
    assert len(meta["data_sha256"]) == 64
    assert meta["model_version"] == tiny_model.version and meta["model_version"].startswith("model-")
    assert meta["cv"]["folds"] == 2 and 0.0 <= meta["cv"]["macro_f1"] <= 1.0
    assert meta["class_counts"] == {"negatif": 6, "netral": 6, "positif": 6}
    assert meta["note"] == "tiny" and meta["sklearn_version"]
    probe = ["aman sekali sekarang", "tawuran lagi", "gak tau", None]
    again = load_model(folder)
    pd.testing.assert_frame_equal(tiny_model.predict_frame(probe), again.predict_frame(probe))
    assert again.version == tiny_model.version


def test_same_data_gives_same_hash_and_other_data_another(tiny_model):
    other = train_model(TEXTS[:-1] + ["kerja di pabrik"], LABELS, cv_folds=0)
    same = train_model(TEXTS, LABELS, cv_folds=0)
    assert same.metadata["data_sha256"] == tiny_model.metadata["data_sha256"]
    assert same.version == tiny_model.version
    assert other.metadata["data_sha256"] != tiny_model.metadata["data_sha256"]
    assert other.version != tiny_model.version
    from sentiment.nlp.model import ModelConfig

    tuned = train_model(TEXTS, LABELS, cv_folds=0, config=ModelConfig(C=0.5))
    assert tuned.version != tiny_model.version  # hyper-parameters are part of the version


def test_predict_frame_columns_and_range(tiny_model):
    texts = ["aman", "tawuran terus", "", None, float("nan"), "patroli jam sepuluh"]
    frame = tiny_model.predict_frame(texts)
    assert list(frame.columns) == ["sentiment", "sentiment_score"]
    assert len(frame) == len(texts)
    filled = frame.dropna()
    assert set(filled["sentiment"]) <= {"positif", "netral", "negatif"}
    assert filled["sentiment_score"].between(-1, 1).all()
    assert frame.loc[[2, 3, 4], "sentiment"].isna().all()
    proba = tiny_model.predict_proba(["aman"])
    assert np.isclose(frame.at[0, "sentiment_score"], proba.at[0, "positif"] - proba.at[0, "negatif"], atol=1e-3)


def test_english_labels_are_accepted_and_unknown_ones_name_the_row():
    model = train_model(TEXTS, [{"positif": "positive", "negatif": "Negative", "netral": "neutral"}[x]
                                for x in LABELS], cv_folds=0)
    assert set(model.pipeline.classes_) == {"positif", "netral", "negatif"}
    assert normalise_labels(["POS", "neutral", "negatif"]) == ["positif", "netral", "negatif"]
    with pytest.raises(InputError, match="row 3"):
        normalise_labels(["positive", "happy"], "x.csv")


def test_one_class_is_refused():
    with pytest.raises(SentimentError, match="two classes"):
        train_model(["a", "b"], ["positif", "positif"], cv_folds=0)


def test_read_labelled_checks_columns(tmp_path: Path):
    path = tmp_path / "d.csv"
    pd.DataFrame({"kalimat": ["aman", ""], "kelas": ["positive", "negative"]}).to_csv(path, index=False)
    frame = read_labelled(path, "kalimat", "kelas")
    assert frame.to_dict("records") == [{"text": "aman", "label": "positif"}]
    with pytest.raises(InputError, match="no column 'text'"):
        read_labelled(path, "text", "kelas")


def test_version_mismatch_warns(tiny_model, tmp_path: Path):
    folder = tiny_model.save(tmp_path / "old")
    meta = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
    meta["sklearn_version"] = "0.0.1"
    (folder / METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.warns(UserWarning, match="scikit-learn 0.0.1"):
        load_model(folder)


def test_missing_model_is_a_user_error(tmp_path: Path):
    with pytest.raises(SentimentError, match="no trained model"):
        load_model(tmp_path)


def test_shipped_default_model_loads_and_scores_hard_cases():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the shipped model matches the installed scikit-learn
        model = load_model()
    assert (DEFAULT_MODEL_DIR / METADATA_FILE).is_file()
    assert model.version.startswith("model-")
    # "semoga gak ada korban lagi" voices a worry (devkit/blind/GUIDE.md S7): negatif
    frame = model.predict_frame(["semoga gak ada korban lagi", "udah gak ada tawuran lagi",
                                 "gak aman klo lewat jembatan malem2", "gak tau",
                                 "semoga aman terus"])
    assert frame["sentiment"].tolist() == ["negatif", "positif", "negatif", "netral", "positif"]


def test_retrain_default_reads_the_dev_sets_indonesian_rows(tmp_path: Path):
    from sentiment.nlp.train import read_dev_set

    path = tmp_path / "dev.csv"
    pd.DataFrame({"id": ["D1", "D2", "D3"], "text": ["aman", "the bridge is fine", "takut"],
                  "sentiment": ["positif", "positif", "negatif"],
                  "language": ["id", "en", "id"]}).to_csv(path, index=False)
    frame = read_dev_set(path)
    assert frame.to_dict("list") == {"text": ["aman", "takut"], "label": ["positif", "negatif"]}


def test_score_texts_uses_the_model_scorer():
    from sentiment.nlp import score_texts

    out = score_texts(["semoga aman terus", None], scorer="model")
    assert out.at[0, "sentiment"] in {"positif", "netral", "negatif"}
    assert out.at[0, "model_version"].startswith("model-")
    assert out.at[1, "sentiment"] is None


def test_cli_train_writes_a_model(tmp_path: Path):
    from sentiment.cli.coding import register

    data = tmp_path / "labels.csv"
    pd.DataFrame({"kalimat": TEXTS, "kelas": [{"positif": "positive", "negatif": "negative",
                                               "netral": "neutral"}[x] for x in LABELS]}).to_csv(data, index=False)
    app = Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps typer in multi-command mode
    out = tmp_path / "model"
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--text-column", "kalimat",
                                      "--label-column", "kelas", "--out", str(out),
                                      "--no-include-corpus", "--cv-folds", "2"])
    assert result.exit_code == 0, result.output
    assert "CV macro-F1" in result.output
    meta = json.loads((out / METADATA_FILE).read_text(encoding="utf-8"))
    assert meta["n_rows"] == len(TEXTS) and meta["sources"] == {"user_rows": 18, "user_weight": 1.0}
    bad = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "nope.csv"), "--out", str(out)])
    assert bad.exit_code == 1 and "file not found" in bad.output
