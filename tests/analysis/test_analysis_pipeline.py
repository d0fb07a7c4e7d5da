"""analyse(): suppression carried into every table; config read from schemas/."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import long_rows, make_cfg

from sentiment.analysis.config import ConfigError, load_alert_config, load_index_config
from sentiment.analysis.pipeline import analyse
from sentiment.analysis.topics import topic_shares
from sentiment.config import schemas_dir


def _frames(sizes: dict[tuple[str, str], int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    rows, texts = [], []
    for (wave, side), n in sizes.items():
        for i in range(n):
            key = f"{wave}-{side}-{i}"
            a, b, c = rng.integers(1, 6, 3)
            rows += long_rows(wave, side, "g", key, {"t.a": a, "t.b": b, "t.c": c,
                                                     "t.tawuran_disaksikan": int(rng.integers(0, 5))})
            texts.append({"wave_id": wave, "side": side, "respondent_group": "g",
                          "respondent_key": key, "question_id": "t.harapan",
                          "sentiment": "negatif" if i % 2 else "positif",
                          "topics": "tawuran_kekerasan"})
    return pd.DataFrame(rows), pd.DataFrame(texts)


def test_small_cell_is_withheld_everywhere():
    cfg = make_cfg(resamples=200)
    responses, texts = _frames({("W1", "barat"): 12, ("W1", "timur"): 5,
                                ("W2", "barat"): 12, ("W2", "timur"): 14,
                                ("W3", "barat"): 12, ("W3", "timur"): 14})
    a = analyse(responses, texts, cfg, ["tawuran_kekerasan"], order=["W1", "W2", "W3"])
    shown = a.cells.loc[~a.cells["suppressed"] & (a.cells["wave_id"] == "W1"),
                        ["side", "respondent_group"]]
    # timur (5) is primary; barat (12) goes too, else 17 − 12 = 5 gives it back; with a single
    # group, barat/semua and timur/semua equal barat/g and timur/g and go with them.
    assert sorted(map(tuple, shown.to_numpy())) == [("semua", "g"), ("semua", "semua")]
    assert a.cells["suppressed"].sum() == 4
    # topic shares: the same cells are withheld
    w1 = a.topics[a.topics["wave_id"] == "W1"]
    assert set(w1.loc[w1["suppressed"], "side"]) == {"barat", "timur"}
    # changes touching a withheld cell are withheld
    hidden = a.changes[a.changes["suppressed"]]
    assert set(hidden["prev_wave_id"]) == {"W1"} and set(hidden["side"]) == {"barat", "timur"}
    # trends use only published cells: barat and timur have 2 published waves → no trend row
    assert set(a.trends["side"]) == {"semua"}
    assert a.reliability["suppressed"].sum() == 0


def test_topic_shares_by_hand(tiny, cfg):
    table = topic_shares(tiny[1], cfg, ["tawuran_kekerasan", "keamanan_lingkungan"])
    row = table.set_index(["side", "respondent_group", "topic"]).loc[("barat", "g", "tawuran_kekerasan")]
    # 5 texts; tawuran_kekerasan on 2 (r1 negatif, r4 netral) → share 2/5, negative share 1/2
    assert (row["n"], row["n_topic"], row["n_negative"]) == (5, 2, 1)
    assert row["share"] == 0.4 and row["negative_share"] == 0.5
    assert row["ci_low"] < 0.4 < row["ci_high"]
    kl = table.set_index(["side", "respondent_group", "topic"]).loc[("semua", "semua", "keamanan_lingkungan")]
    assert (kl["n_topic"], kl["n_negative"]) == (2, 2)  # r2 and r4, both negatif


def test_project_config_resolves_items_and_directions():
    cfg = load_index_config()
    by_id = {i.question_id: i for i in cfg.items}
    assert by_id["orang_tua.khawatir_anak"].reverse and by_id["remaja.tekanan_teman"].reverse
    assert not by_id["remaja.aman_malam"].reverse
    # renamed in remaja v2, same warehouse id; the v2-only item stays out of the index
    assert "remaja.hubungan_seberang" in by_id and "remaja.medsos_provokasi" not in by_id
    assert set(cfg.groups) == {"orang_tua", "remaja"}
    assert cfg.likert_weight + cfg.brawls_weight + cfg.text_weight == pytest.approx(1.0)
    rules = load_alert_config()
    assert rules.notify_block is None and {r.metric for r in rules.rules} == {
        "tension_index", "mean_brawls", "topic_negative_share"}


def test_unknown_item_is_refused(tmp_path):
    source = (schemas_dir() / "index.yaml").read_text(encoding="utf-8")
    path = tmp_path / "index.yaml"
    path.write_text(source.replace("tekanan_teman", "tekanan_tetangga"), encoding="utf-8")
    with pytest.raises(ConfigError, match="tekanan_tetangga"):
        load_index_config(path)


def test_unknown_alert_condition_is_refused(tmp_path):
    path = tmp_path / "alerts.yaml"
    path.write_text(textwrap.dedent("""
        rules:
          - {id: x, metric: tension_index, conditions: {rise_by: 5}, message: m, message_en: m}
    """))
    with pytest.raises(ConfigError, match="rise_by"):
        load_alert_config(path)
