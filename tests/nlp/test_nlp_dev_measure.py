"""The development set's k-fold figure (devkit.measure --dev-cv): the only dev figure of a
model trained on the dev set, so each row must be predicted by a model that never saw it."""

from __future__ import annotations

import pandas as pd
import pytest

from devkit import measure

pytestmark = pytest.mark.usefixtures("private_stem_cache")

ROWS = [
    ("aman banget sekarang", "positif"), ("seru futsalnya", "positif"),
    ("alhamdulillah damai", "positif"), ("makin rukun warganya", "positif"),
    ("takut lewat jembatan", "negatif"), ("tawuran terus tiap malam", "negatif"),
    ("lampu jalan mati", "negatif"), ("parah, ribut lagi", "negatif"),
    ("patroli lewat jam 10", "netral"), ("ga tau", "netral"),
    ("anak saya sekolah di SMK", "netral"), ("rapat RT hari Sabtu", "netral"),
]


def test_dev_folds_are_fixed_by_the_id():
    assert measure.dev_fold("DA001", 5) == measure.dev_fold("DA001", 5)
    assert {measure.dev_fold(f"D{i}", 5) for i in range(50)} == set(range(5))


def test_dev_cross_validation_holds_each_fold_out(tmp_path, monkeypatch):
    path = tmp_path / "dev.csv"
    rows = [(f"D{i:03d}", "remaja", t, y, "kl", "informal", "id") for i, (t, y) in enumerate(ROWS)]
    rows.append(("D999", "remaja", "the bridge is fine", "positif", "kl", "formal", "en"))
    pd.DataFrame(rows, columns=["id", "respondent_group", "text", "sentiment", "topic",
                                "register", "language"]).to_csv(path, index=False)
    seen: list[set[str]] = []
    real = measure.train_model

    def spy(texts, labels, **kwargs):
        seen.append(set(texts))
        return real(texts, labels, **kwargs)

    monkeypatch.setattr(measure, "train_model", spy)
    out = measure.dev_cross_validated(path, folds=2, include_corpus=False)
    assert out["rows"] == len(ROWS) and out["folds"] == 2  # Indonesian rows only
    assert len(seen) == 2
    folds = {t: measure.dev_fold(f"D{i:03d}", 2) for i, (t, _y) in enumerate(ROWS)}
    for k, trained_on in enumerate(seen):
        assert trained_on == {t for t, f in folds.items() if f != k}
    assert 0.0 <= out["model_macro_f1"] <= 1.0 and "model_check" in out
