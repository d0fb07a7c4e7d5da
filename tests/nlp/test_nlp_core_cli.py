"""`sentiment score` and `sentiment eval` on tiny CSV files."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import typer
from sklearn.metrics import accuracy_score, f1_score
from typer.testing import CliRunner

from sentiment.cli.nlp import register
from sentiment.nlp import score_texts

ROWS = [
    ("semoga tidak ada korban lagi", "negative", "tawuran_kekerasan"),
    ("lampu jembatan mati, gelap banget", "negative", "fasilitas_infrastruktur"),
    ("patroli lewat jam 10an biasanya", "neutral", "patroli_polisi"),
    ("gw takut lewat jembatan malem2", "negative", "keamanan_lingkungan"),
    ("karang taruna sekarang seru", "positive", "kegiatan_pemuda"),
]


pytestmark = pytest.mark.usefixtures("private_stem_cache")


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "labelled.csv"
    pd.DataFrame(ROWS, columns=["answer", "label", "codes"]).to_csv(path, index=False)
    return path


def test_eval_with_english_labels(app, labelled):
    result = CliRunner().invoke(app, ["eval", "--input", str(labelled), "--text-column",
                                      "answer", "--label-column", "label",
                                      "--topics-column", "codes"], terminal_width=200)
    assert result.exit_code == 0, result.output
    gold = [{"positive": "positif", "negative": "negatif", "neutral": "netral"}[r[1]]
            for r in ROWS]
    pred = score_texts([r[0] for r in ROWS])["sentiment"].tolist()
    accuracy = re.search(r"accuracy\s*│\s*([0-9.]+)", result.output).group(1)
    macro = re.search(r"macro-F1\s*│\s*([0-9.]+)", result.output).group(1)
    assert float(accuracy) == pytest.approx(accuracy_score(gold, pred), abs=5e-4)
    assert float(macro) == pytest.approx(f1_score(gold, pred, average="macro"), abs=5e-4)
    assert "Confusion matrix" in result.output and "micro-F1" in result.output


def test_eval_rejects_unknown_label(app, tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"t": ["aman"], "y": ["great"]}).to_csv(path, index=False)
    result = CliRunner().invoke(app, ["eval", "--input", str(path), "--text-column", "t",
                                      "--label-column", "y"])
    assert result.exit_code == 1
    assert "row 2" in result.output and "Traceback" not in result.output


def test_score_writes_input_columns_plus_scores(app, labelled, tmp_path):
    out = tmp_path / "out" / "scored.csv"
    result = CliRunner().invoke(app, ["score", "--input", str(labelled), "--text-column",
                                      "answer", "--output", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out)
    assert list(scored.columns) == ["answer", "label", "codes", "sentiment", "sentiment_score",
                                    "topics", "topic_scores", "language"]
    assert scored["sentiment"].isin(["positif", "netral", "negatif"]).all()
    assert scored["topics"].str.len().gt(0).all()
    assert (scored["language"] == "id").all()


def test_score_missing_column_is_a_one_line_error(app, labelled, tmp_path):
    result = CliRunner().invoke(app, ["score", "--input", str(labelled), "--text-column",
                                      "nope", "--output", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert "column 'nope' not found" in result.output


def test_score_with_model_folder_uses_the_model(app, labelled, tmp_path):
    """`--model DIR` alone means the model scorer (it used to fall back to the lexicon)."""
    from sentiment.nlp.model import DEFAULT_MODEL_DIR

    out = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["score", "--input", str(labelled), "--text-column",
                                      "answer", "--output", str(out),
                                      "--model", str(DEFAULT_MODEL_DIR)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "scorer model" in result.output
    expected = score_texts([r[0] for r in ROWS], scorer="model", model_path=DEFAULT_MODEL_DIR)
    assert pd.read_csv(out)["sentiment_score"].round(6).tolist() == (
        expected["sentiment_score"].astype(float).round(6).tolist())


@pytest.mark.parametrize("command", ["score", "eval"])
def test_lexicon_scorer_with_model_folder_is_a_one_line_error(app, labelled, tmp_path, command):
    args = ["--input", str(labelled), "--text-column", "answer", "--scorer", "lexicon",
            "--model", str(tmp_path)]
    args += ["--output", str(tmp_path / "o.csv")] if command == "score" else [
        "--label-column", "label"]
    result = CliRunner().invoke(app, [command, *args], terminal_width=200)
    assert result.exit_code == 1
    assert "needs the model scorer, not --scorer lexicon" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_run_and_ingest_refuse_lexicon_with_model(tmp_path):
    from sentiment.cli import app as main_app

    for command in ("run", "ingest"):
        result = CliRunner().invoke(main_app, [command, str(tmp_path), "--db",
                                               f"sqlite:///{tmp_path / 'w.db'}", "--scorer",
                                               "lexicon", "--model", str(tmp_path)],
                                    terminal_width=200)
        assert result.exit_code != 0
        assert "needs the model scorer" in result.output, result.output


def test_settings_model_folder_implies_model_scorer(tmp_path):
    from sentiment.settings import Settings

    settings = Settings.resolve(model_dir=tmp_path, env={})
    assert (settings.scorer, settings.model_dir) == ("model", tmp_path)
    assert Settings.resolve(env={}).scorer == "model"  # the default, chosen by the blind set
    assert Settings.resolve(scorer="lexicon", env={}).scorer == "lexicon"
