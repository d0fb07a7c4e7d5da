"""The stem cache gives Sastrawi's stems, persists new ones and survives a corrupt file."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from sentiment.nlp import stem as stem_module
from sentiment.nlp.stem import StemCache, shipped_words

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SENTIMENT_CACHE_DIR", str(tmp_path / "cache"))
    stem_module.reset_default_cache()
    yield
    stem_module.reset_default_cache()


def test_shipped_cache_is_identical_to_sastrawi_on_a_sample():
    words = sorted(shipped_words())
    assert len(words) > 10_000
    sample = random.Random(3).sample(words, 400) + ["keamanan", "tawuran", "anak-anak"]
    sastrawi = StemmerFactory().create_stemmer()
    cache = StemCache(user_path=None)
    assert [cache.stem(w) for w in sample] == [sastrawi.stem(w) for w in sample]


def test_new_stems_match_sastrawi_and_are_persisted(tmp_path):
    path = tmp_path / "cache" / "stems.json"
    words = ["dipersengketakannya", "kebersihannya", "mengompor-ngompori"]
    cache = StemCache(user_path=path)
    fresh = [w for w in words if w not in cache]
    assert fresh, "pick words the shipped cache does not hold"
    sastrawi = StemmerFactory().create_stemmer()
    assert cache.stem_many(words) == [sastrawi.stem(w) for w in words]
    assert cache.save() is True
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert set(fresh) <= set(stored["stems"]) | set(stored["same"])
    assert cache.save() is False  # nothing new since


def test_persisted_cache_is_reused_in_a_fresh_process(tmp_path):
    word = "dipersengketakannya"
    cache = StemCache(user_path=tmp_path / "cache" / "stems.json")
    expected = cache.stem(word)
    cache.save()
    script = (
        "import json\n"
        "from sentiment.nlp.stem import default_cache, sastrawi_stemmer\n"
        f"c = default_cache(); hit = {word!r} in c; s = c.stem({word!r})\n"
        "print(json.dumps([hit, s, sastrawi_stemmer.cache_info().currsize]))\n"
    )
    env = dict(os.environ, SENTIMENT_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(SRC))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True)
    hit, stem, sastrawi_built = json.loads(out.stdout)
    assert hit is True and stem == expected
    assert sastrawi_built == 0  # Sastrawi was never needed


def test_corrupt_cache_is_ignored_and_rewritten(tmp_path):
    path = tmp_path / "cache" / "stems.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    cache = StemCache(user_path=path)
    assert cache.stem("dipersengketakannya") == StemmerFactory().create_stemmer().stem(
        "dipersengketakannya"
    )
    assert cache.save() is True
    assert "dipersengketakannya" in json.loads(path.read_text(encoding="utf-8"))["stems"]
    assert not list(path.parent.glob(".stems-*"))  # no temporary file left behind


def test_cache_from_another_stemmer_is_not_trusted(tmp_path):
    path = tmp_path / "stems.json"
    path.write_text(json.dumps({"stemmer": "other 0.1", "stems": {"keamanan": "xx"}}))
    assert StemCache(user_path=path).stem("keamanan") == "aman"
