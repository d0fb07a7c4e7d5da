"""`coding sample`: a random sample of respondents, every scored answer of each, without the
machine's labels; the same seed draws the same people."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sample_paths import EXPORTS, TEST_KEY
from typer.testing import CliRunner

from sentiment.flows import steps
from sentiment.settings import Settings


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("in")
    for name in ("2025-05_remaja_kobo.csv", "2025-05_orang_tua_odk.csv"):
        shutil.copy(EXPORTS / name, folder)
    url = f"sqlite:///{folder / 'w.db'}"
    steps.ingest(folder, Settings.resolve(url, key=TEST_KEY))
    return url


def test_sample_holds_every_scored_answer_of_the_drawn_respondents(loaded: str, tmp_path: Path):
    from sentiment.cli import app

    out = tmp_path / "coding.csv"
    result = CliRunner().invoke(app, ["coding", "sample", "--wave", "2025-05", "--n", "20",
                                      "--by", "side,respondent_group", "--seed", "3",
                                      "--out", str(out), "--db", loaded])
    assert result.exit_code == 0, result.output
    sample = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert "sentiment" not in sample.columns and set(sample["label"]) == {""}
    engine = sa.create_engine(loaded)
    with engine.connect() as conn:
        scored = pd.read_sql_query(sa.text(
            "SELECT text_id, respondent_key, side, respondent_group FROM v_text_scores "
            "WHERE wave_id = '2025-05' AND sentiment IS NOT NULL"), conn)
    engine.dispose()
    drawn = scored[scored["text_id"].astype(str).isin(sample["text_id"])]
    people = drawn["respondent_key"].unique()
    assert len(people) == 20
    assert set(scored[scored["respondent_key"].isin(people)]["text_id"].astype(str)) == \
        set(sample["text_id"])  # all their scored answers, nothing else
    # proportional strata: each side × group cell gets about its share of the 20
    cells = drawn.drop_duplicates("respondent_key").groupby(["side", "respondent_group"]).size()
    assert len(cells) == 4 and cells.min() >= 3

    again = tmp_path / "again.csv"
    CliRunner().invoke(app, ["coding", "sample", "--wave", "2025-05", "--n", "20", "--by",
                             "side,respondent_group", "--seed", "3", "--out", str(again),
                             "--db", loaded, "-q"])
    assert pd.read_csv(again, dtype=str)["text_id"].tolist() == sample["text_id"].tolist()


def test_unknown_stratum_is_a_one_line_error(loaded: str, tmp_path: Path):
    from sentiment.cli import app

    result = CliRunner().invoke(app, ["coding", "sample", "--wave", "2025-05", "--by", "gender",
                                      "--out", str(tmp_path / "x.csv"), "--db", loaded])
    assert result.exit_code == 1 and "--by accepts" in result.output


def test_the_coded_sample_corrects_the_wave_through_estimate(loaded: str, tmp_path: Path):
    """The path docs/method.md §10 describes: sample → coders fill `label` → the wave's scored
    answers from v_text_scores → `sentiment estimate`, per side."""
    from sentiment.cli import app

    runner = CliRunner()
    sheet = tmp_path / "coding.csv"
    assert runner.invoke(app, ["coding", "sample", "--wave", "2025-05", "--n", "40", "--by",
                               "side", "--out", str(sheet), "--db", loaded, "-q"]).exit_code == 0
    scored = tmp_path / "scored.csv"
    result = runner.invoke(app, ["query", "SELECT text_id, side, sentiment FROM v_text_scores "
                                 "WHERE wave_id = '2025-05'", "--db", loaded, "-f", "csv",
                                 "-o", str(scored)])
    assert result.exit_code == 0, result.output
    machine = pd.read_csv(scored, dtype=str, keep_default_na=False).set_index("text_id")
    codes = pd.read_csv(sheet, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    codes["label"] = "negatif"  # coders who read every drawn answer as a complaint
    codes.to_csv(sheet, index=False, encoding="utf-8-sig")
    out = tmp_path / "estimate.csv"
    result = runner.invoke(app, ["estimate", "--scores", str(scored), "--coded", str(sheet),
                                 "--id-column", "text_id", "--label-column", "label",
                                 "--by", "side", "--output", str(out), "-q"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out).set_index(["by", "label"])
    n_scored = int((machine["sentiment"] != "").sum())
    assert frame.loc[("all", "negatif"), "n_scored"] == n_scored
    assert frame.loc[("all", "negatif"), "n_coded"] == len(codes)
    assert frame.loc[("all", "negatif"), "estimate"] > frame.loc[("all", "negatif"), "machine_share"]
    assert set(frame.index.get_level_values("by")) == {"all", "barat", "timur"}
