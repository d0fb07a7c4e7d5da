"""Topic codebook and multi-label assignment."""

from __future__ import annotations

import json

import pytest

from sentiment.config import load_yaml
from sentiment.nlp import assign_topics, score_texts

CODES = {
    "keamanan_lingkungan", "tawuran_kekerasan", "patroli_polisi", "kegiatan_pemuda",
    "pendidikan_sekolah", "ekonomi_pekerjaan", "media_sosial_provokasi", "narkoba_miras",
    "keluarga_pengasuhan", "fasilitas_infrastruktur", "hubungan_antarwarga",
    "tokoh_agama_masyarakat",
}


pytestmark = pytest.mark.usefixtures("private_stem_cache")


def test_codebook_has_exactly_the_twelve_codes_with_labels_and_terms():
    book = load_yaml("topics.yaml")
    assert set(book["codes"]) == CODES
    for spec in book["codes"].values():
        assert spec["label"] and spec["description"] and len(spec["terms"]) >= 20


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("tawuran tiap malam minggu, ada yang kena celurit", "tawuran_kekerasan"),
        ("lampu jalan di jembatan mati, gelap banget", "fasilitas_infrastruktur"),
        ("polisi jarang patroli di gang kami", "patroli_polisi"),
        ("anak2 saling tantang di ig terus janjian", "media_sosial_provokasi"),
        ("banyak yg mabok ciu di kolong jembatan", "narkoba_miras"),
        ("ustadz di musala rajin ngajak remaja pengajian", "tokoh_agama_masyarakat"),
        ("susah cari kerja, lulusan smk aja nganggur", "ekonomi_pekerjaan"),
        ("karang taruna bikin turnamen futsal", "kegiatan_pemuda"),
    ],
)
def test_central_code_is_found(text, code):
    codes, scores = assign_topics([text])
    assert code in codes[0]
    assert scores[0][code] > 0


def test_every_answer_gets_one_to_three_codes_from_the_codebook():
    texts = [
        "gw takut anak gw ikut tawuran, ortu sibuk kerja, sekolah gak peduli, polisi telat",
        "ok",
        "semoga kampung aman",
    ]
    codes, scores = assign_topics(texts + [None, "  "])
    for row in codes[:3]:
        assert 1 <= len(row) <= 3
        assert set(row) <= CODES
    assert codes[3] == [] and codes[4] == []
    frame = score_texts(texts)
    assert all(set(t.split("|")) <= CODES for t in frame["topics"])
    assert all(isinstance(json.loads(s), dict) for s in frame["topic_scores"])
