"""The worked example of docs/method.md §4, with the project's own schemas/index.yaml."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sentiment.analysis.config import load_index_config
from sentiment.analysis.index import index_cells, respondent_scores


def _rows(key: str, group: str, answers: dict[str, int], brawls: int) -> list[dict]:
    base = {"wave_id": "2025-05", "side": "barat", "respondent_group": group, "respondent_key": key}
    rows = [{**base, "question_id": f"{group}.{q}", "value_num": float(v)} for q, v in answers.items()]
    return rows + [{**base, "question_id": f"{group}.tawuran_disaksikan", "value_num": float(brawls)}]


def test_worked_example():
    cfg = load_index_config()
    responses = pd.DataFrame(
        _rows("A", "remaja", {"aman_siang": 4, "aman_malam": 2, "percaya_polisi": 3,
                              "hubungan_seberang": 4, "tekanan_teman": 2, "khawatir_tawuran": 5}, 3)
        + _rows("B", "orang_tua", {"aman_siang": 5, "aman_malam": 4, "percaya_polisi": 4,
                                   "hubungan_seberang": 5, "khawatir_anak": 1,
                                   "khawatir_tawuran": 2}, 0))
    texts = pd.DataFrame([
        {"wave_id": "2025-05", "side": "barat", "respondent_group": "remaja", "respondent_key": "A",
         "question_id": f"remaja.{q}", "sentiment": s, "topics": t, "scorer": "lexicon"}
        for q, s, t in (("kekhawatiran", "negatif", "tawuran_kekerasan|keamanan_lingkungan"),
                        ("harapan", "positif", "kegiatan_pemuda"),
                        ("penyebab_tawuran", "negatif", "media_sosial_provokasi"))])
    resp = respondent_scores(responses, texts, cfg).set_index("respondent_key")
    # A: L = 3.00/6 = 0.5, B = 0.3, X = 2/3 → 100·(0.25 + 0.075 + 0.16667) = 49.17
    assert (resp.loc["A", "likert"], resp.loc["A", "brawls"]) == (0.5, 0.3)
    assert resp.loc["A", "tension_index"] == pytest.approx(49.1667, abs=1e-4)
    # B: L = 0.75/6 = 0.125, B = 0, no text → 100·0.0625/0.75 = 8.33
    assert math.isnan(resp.loc["B", "text"])
    assert resp.loc["B", "tension_index"] == pytest.approx(8.3333, abs=1e-4)
    cells = index_cells(resp.reset_index(), cfg).set_index(["side", "respondent_group"])
    assert cells.loc[("barat", "semua"), "tension_index"] == pytest.approx(28.75, abs=1e-4)
