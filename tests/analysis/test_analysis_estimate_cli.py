"""`sentiment estimate` on CSV files: the issue's figure (100 coded answers out of 300 cover
every label's true share in at least 85% of draws), the documented columns, answers without a
sentiment left out and counted, and one-line errors naming file, row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sentiment.cli import app
from sentiment.cli.estimate import COLUMNS, estimate

LABELS = np.array(["negatif", "netral", "positif"])


def _files(tmp_path: Path, seed: int, n: int = 300, coded: int = 100) -> tuple[Path, Path, dict]:
    """What `sentiment score` writes for n answers (a machine right 60% of the time, otherwise
    `netral`) and the true labels of a random `coded` of them; returns the true shares."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(LABELS, size=n, p=[0.40, 0.25, 0.35])
    machine = np.where(rng.random(n) < 0.6, truth, "netral")
    ids = [f"a{i:03d}" for i in range(n)]
    scores = tmp_path / f"scored{seed}.csv"
    pd.DataFrame({"id": ids, "text": "jawaban", "sentiment": machine, "sentiment_score": 0.0,
                  "topics": "", "topic_scores": "", "language": "id",
                  "side": np.where(np.arange(n) % 2, "barat", "timur")}).to_csv(scores, index=False)
    sample = rng.choice(n, size=coded, replace=False)
    coded_path = tmp_path / f"coded{seed}.csv"
    pd.DataFrame({"id": np.array(ids)[sample], "sentiment": truth[sample]}).to_csv(coded_path,
                                                                                   index=False)
    return scores, coded_path, {label: float((truth == label).mean()) for label in LABELS}


def test_100_coded_of_300_cover_the_true_share_of_every_label(tmp_path: Path):
    """The issue's must-show, through the command function on files, over 100 draws."""
    draws, hits = 100, dict.fromkeys(LABELS.tolist(), 0)
    for seed in range(draws):
        scores, coded, truth = _files(tmp_path, seed)
        out = tmp_path / f"out{seed}.csv"
        estimate(scores=scores, coded=coded, output=out, quiet=True)
        for row in pd.read_csv(out).itertuples():
            hits[row.label] += row.ci_low <= truth[row.label] <= row.ci_high
    coverage = {label: count / draws for label, count in hits.items()}
    print(f"\ncoverage of the true share over {draws} draws (100 coded of 300):", coverage)
    assert all(value >= 0.85 for value in coverage.values())


def test_writes_the_documented_columns_per_group(tmp_path: Path):
    scores, coded, _ = _files(tmp_path, 7)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["estimate", "--scores", str(scores), "--coded", str(coded),
                                      "--by", "side", "--output", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == COLUMNS == ["by", "label", "estimate", "ci_low", "ci_high",
                                              "machine_share", "n_scored", "n_coded", "method"]
    assert set(frame["by"]) == {"all", "barat", "timur"} and len(frame) == 9
    assert (frame.loc[frame["by"] == "all", ["n_scored", "n_coded"]] == [300, 100]).all().all()
    sides = frame[frame["by"] != "all"].drop_duplicates("by")
    assert sides["n_scored"].sum() == 300 and sides["n_coded"].sum() == 100
    assert set(frame["method"]) <= {"ppi", "classical"}
    assert ((frame["ci_low"] <= frame["estimate"]) & (frame["estimate"] <= frame["ci_high"])).all()
    assert "Corrected shares" in result.output  # the summary table (stderr, mixed in here)


def test_answers_without_a_sentiment_are_left_out_and_counted(tmp_path: Path):
    scores, coded, _ = _files(tmp_path, 3)
    frame = pd.read_csv(scores, dtype=str, keep_default_na=False)
    codes = pd.read_csv(coded, dtype=str)
    english = frame["id"].isin(codes["id"].iloc[:4]) | frame["id"].isin(["a000", "a001"])
    frame.loc[english, ["sentiment", "language"]] = ["", "en"]
    frame.to_csv(scores, index=False)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["estimate", "--scores", str(scores), "--coded", str(coded),
                                      "--output", str(out), "-q"])
    assert result.exit_code == 0, result.output
    left_out = int(english.sum())
    assert f"{left_out} of 300 answers have no sentiment (en {left_out})" in result.output
    assert "4 of them coded" in result.output
    written = pd.read_csv(out)
    assert (written["n_scored"] == 300 - left_out).all() and (written["n_coded"] == 96).all()


def test_a_group_without_coded_answers_is_marked_uncorrected(tmp_path: Path):
    scores, coded, _ = _files(tmp_path, 5)
    codes = pd.read_csv(coded, dtype=str)
    odd = codes["id"].str[1:].astype(int) % 2 == 1  # keep only side "timur" (even rows)
    codes[~odd].to_csv(coded, index=False)
    out = tmp_path / "out.csv"
    estimate(scores=scores, coded=coded, output=out, by="side", quiet=True)
    frame = pd.read_csv(out)
    barat = frame[frame["by"] == "barat"]
    assert (barat["method"] == "uncorrected").all() and barat["estimate"].isna().all()
    assert (barat["n_coded"] == 0).all() and barat["machine_share"].notna().all()


@pytest.mark.parametrize(("which", "content", "expected"), [
    ("coded", "id,sentiment\na001,positif\nzzz,negatif\n", "row 3, field 'id': id 'zzz' is not in"),
    ("coded", "id,sentiment\na001,positif\na002,bagus\n",
     "row 3, field 'sentiment': unknown human label 'bagus'"),
    ("coded", "id,sentiment\na001,positif\na002,\n", "row 3, field 'sentiment': no human label"),
    ("coded", "id,sentiment\na001,positif\na001,negatif\n", "row 3, field 'id': id 'a001' appears twice"),
    ("coded", "id,label\na001,positif\n", "field 'sentiment': no column 'sentiment'"),
    ("scores", "id,text,sentiment\na001,x,positif\na002,y,great\n",
     "row 3, field 'sentiment': unknown machine label 'great'"),
    ("scores", "id,text\na001,x\n", "field 'sentiment': no column 'sentiment'"),
    ("scores", "id,text,sentiment\na001,x,\n", "no answer has a sentiment"),
    ("scores", "id,text,sentiment\na001,x,positif\na001,y,netral\n",
     "row 3, field 'id': id 'a001' appears twice"),
    ("coded", "answer,sentiment\na001,positif\n", "field 'id': no column 'id'"),
])
def test_bad_input_is_one_line_naming_file_row_and_column(tmp_path: Path, which: str,
                                                          content: str, expected: str):
    scores, coded, _ = _files(tmp_path, 8)
    bad = scores if which == "scores" else coded
    bad.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["estimate", "--scores", str(scores), "--coded", str(coded),
                                      "--output", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {bad}") and expected in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


@pytest.mark.parametrize(("options", "expected"), [
    (["--by", "rw"], "field 'rw': no column 'rw'"),
    (["--alpha", "1.5"], "--alpha: must be between 0 and 1"),
])
def test_bad_options_are_one_line(tmp_path: Path, options: list[str], expected: str):
    scores, coded, _ = _files(tmp_path, 9)
    result = CliRunner().invoke(app, ["estimate", "--scores", str(scores), "--coded", str(coded),
                                      "--output", str(tmp_path / "o.csv"), *options])
    assert result.exit_code == 1 and expected in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
