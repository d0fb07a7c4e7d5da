"""Quote picking: typical of the topic whatever the sentiment; personal data redacted or dropped."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sentiment.report.quotes import MAX_CHARS, pick_quotes, safe_quote, trim

FAKE_PHONE = "0812-0000-7788"
FAKE_NIK = "3171000000000002"
FAKE_NAME = "Arkananta Tuladewi"  # fictional, from the sample generator's name parts


def _texts(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """(text, sentiment, topic, score) → v_text_scores-shaped rows in one big cell."""
    return pd.DataFrame(
        [
            {
                "side": "barat",
                "respondent_group": "remaja",
                "text": t,
                "sentiment": s,
                "topics": topic,
                "topic_scores": json.dumps({topic: score}),
            }
            for t, s, topic, score in rows
        ]
    )


LONG_CALM = (
    "Kegiatan futsal bareng anak seberang bikin suasana lebih cair dan kami jadi saling kenal."
)
LONG_ANGRY = (
    "Tawuran kemarin bikin kami marah, anak-anak takut lewat jembatan kalau sore dan malam."
)


def test_the_most_typical_answer_wins_whatever_its_sentiment():
    rows = [
        (LONG_ANGRY, "negatif", "tawuran_kekerasan", 5.0),
        (LONG_CALM + " Tawuran jarang.", "positif", "tawuran_kekerasan", 2.0),
    ]
    picked = pick_quotes(_texts(rows), ["tawuran_kekerasan"], {})
    flipped = [(t, "positif" if s == "negatif" else "negatif", c, sc) for t, s, c, sc in rows]
    picked_flipped = pick_quotes(_texts(flipped), ["tawuran_kekerasan"], {})
    assert [q.text for q in picked] == [LONG_ANGRY]
    assert [q.text for q in picked_flipped] == [q.text for q in picked]


def test_one_quote_per_topic_in_topic_order_and_no_reuse():
    rows = [
        (LONG_ANGRY, "negatif", "tawuran_kekerasan", 5.0),
        (LONG_CALM, "positif", "kegiatan_pemuda", 3.0),
    ]
    frame = _texts(rows)
    # The angry answer also carries kegiatan_pemuda with a high score: it must not be used twice.
    frame.loc[0, "topics"] = "tawuran_kekerasan|kegiatan_pemuda"
    frame.loc[0, "topic_scores"] = json.dumps({"tawuran_kekerasan": 5.0, "kegiatan_pemuda": 9.0})
    quotes = pick_quotes(frame, ["tawuran_kekerasan", "kegiatan_pemuda"], {"kegiatan_pemuda": "K"})
    assert [q.topic for q in quotes] == ["tawuran_kekerasan", "kegiatan_pemuda"]
    assert quotes[1].text == LONG_CALM and quotes[1].topic_label == "K"


def test_same_input_same_quotes():
    rows = [
        (f"{LONG_CALM} Versi {word}.", "netral", "kegiatan_pemuda", 1.0)
        for word in ("satu", "dua", "tiga", "empat")
    ]
    first = pick_quotes(_texts(rows), ["kegiatan_pemuda"], {})
    again = pick_quotes(_texts(list(reversed(rows))), ["kegiatan_pemuda"], {})
    assert first == again


@pytest.mark.parametrize(
    "text",
    [
        f"Kalau ada tawuran telpon saja {FAKE_PHONE} ya, biar cepat datang polisinya ke jembatan.",
        f"NIK saya {FAKE_NIK}, saya sering lihat tawuran di jembatan kalau malam minggu.",
        f"Tanya ke {FAKE_NAME} soal jadwal ronda malam, dia yang paling tahu keadaan kampung.",
        "Kirim email ke ronda.kampung@contohmail.id kalau ada kejadian di sekitar jembatan.",
        "Nomor hp 0812 0000 1234 5 itu punya ketua pemuda, hubungi kalau ada ribut-ribut.",
        f"Kemarin yang ribut itu {FAKE_NAME.upper()} sama temannya, tiap malam di jembatan.",
    ],
)
def test_personal_data_never_survives(text: str):
    quote = safe_quote(text)
    if quote is not None:
        for secret in (FAKE_PHONE, FAKE_NIK, "arkananta", "tuladewi", "@", "0812"):
            assert secret not in quote.casefold()
        assert not any(run.isdigit() and len(run) >= 6 for run in quote.replace("-", "").split())


def test_a_quote_with_a_phone_is_dropped_and_the_next_typical_one_used():
    leaky = f"Tawuran terus tiap malam, hubungi {FAKE_NAME} di {FAKE_PHONE} kalau mau lapor ya pak."
    rows = [
        (leaky, "negatif", "tawuran_kekerasan", 9.0),
        (LONG_ANGRY, "negatif", "tawuran_kekerasan", 1.0),
    ]
    quotes = pick_quotes(_texts(rows), ["tawuran_kekerasan"], {})
    assert len(quotes) == 1
    assert FAKE_PHONE not in quotes[0].text and "Arkananta" not in quotes[0].text


def test_trim_cuts_at_a_word_with_an_ellipsis_and_drops_emoji():
    text = ("kata " * 80).strip() + " 🙏"
    out = trim(text)
    assert len(out) <= MAX_CHARS and out.endswith("…") and "🙏" not in out
    assert trim("semoga aman 🙏🏽 terus") == "semoga aman terus"


def test_a_redacted_answer_is_never_quoted():
    # A tag shows the answer held personal data; its context may still identify someone.
    assert safe_quote(f"Pak RT bilang hubungi {FAKE_PHONE} kalau ada tawuran di jembatan.") is None
    assert safe_quote("Anak SMP sering tawuran di jembatan, TNI dan polisi datang.") is not None
