"""Property-based checks of redaction (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sentiment.privacy.redact import redact_text

# Everyday answer words: no titles, cue words, names or address words.
FILLER = (
    "tawuran di jembatan malam warga takut anak muda sering lewat sekolah lapangan semoga "
    "damai kegiatan futsal ronda lampu gelap polisi patroli banyak orang luka kemarin tadi "
    "harus ada pos keamanan rumah pulang kerja pasar masjid musholla ribut batu lempar "
    "kampung seberang barat timur kali pasir aman terus dan yang ke dari tapi juga lagi "
    "udah belum gak banget kasian perlu bantuan pemerintah kelurahan CCTV Semoga Tawuran"
).split()
PUNCT = ["", "", "", ",", ".", "!", "?", " -", ":"]
CLEAN_NUMBERS = [
    "12/08/2025",
    "12-08-2025",
    "1/9/2025",
    "22.00",
    "22:00",
    "08.30",
    "jam 7",
    "umur 15",
    "Rp 50.000",
    "Rp1.500.000",
    "50rb",
    "2 jt",
    "2024",
    "tahun 2019",
    "RT 05",
    "RW 03",
    "RT 05/RW 03",
    "rt 5 rw 2",
    "#damai",
    "#stoptawuran",
    "110",
    "112",
    "113",
    "3x",
    "kelas 9",
    "20-30 orang",
    "skor 3-2",
    "4 dari 5",
    "2024/2025",
    "no 1",
]
ROLES = ["Pak RT", "Pak RW", "Pak polisi", "Bu guru", "Pak ustadz", "Pak Lurah", "Bu RT"]

words = st.sampled_from(FILLER)
punct = st.sampled_from(PUNCT)


@st.composite
def filler(draw, min_words: int = 0, max_words: int = 8) -> str:
    parts = draw(st.lists(st.tuples(words, punct), min_size=min_words, max_size=max_words))
    return " ".join(w + p for w, p in parts)


@st.composite
def clean_text(draw) -> str:
    """Filler with numbers, dates, prices, hashtags and roles, never two numbers in a row."""
    chunks = []
    for _ in range(draw(st.integers(1, 5))):
        chunks.append(draw(filler(min_words=1, max_words=5)))
        if draw(st.booleans()):
            chunks.append(draw(st.sampled_from(CLEAN_NUMBERS + ROLES)))
    return " ".join(chunks)


@st.composite
def phone_variant(draw) -> str:
    rest = draw(st.text("0123456789", min_size=8, max_size=10))
    body = "8" + draw(st.sampled_from("12357895")) + rest
    prefix = draw(st.sampled_from(["0", "62", "+62", "+62 ", "+62-", "0"]))
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    # people type groups of 3-4 digits (0812-0000-1234, 0812 000 01234) or none
    pieces, rest_body = [], body
    while len(rest_body) > 4 and draw(st.booleans()):
        size = draw(st.integers(3, 4))
        pieces.append(rest_body[:size])
        rest_body = rest_body[size:]
    pieces.append(rest_body)
    number = sep.join(p for p in pieces if p)
    if prefix == "0" and draw(st.booleans()):
        return f"(0{body[:3]}) {body[3:7]}-{body[7:]}"
    return prefix + number


@st.composite
def nik_variant(draw) -> str:
    digits = draw(st.sampled_from("123456789")) + draw(
        st.text("0123456789", min_size=15, max_size=15)
    )
    layout = draw(st.sampled_from([(16,), (4, 4, 4, 4), (6, 6, 4), (2, 2, 2, 6, 4)]))
    sep = draw(st.sampled_from([" ", "-", "."])) if len(layout) > 1 else ""
    pieces, start = [], 0
    for size in layout:
        pieces.append(digits[start : start + size])
        start += size
    return sep.join(pieces)


emails = st.from_regex(
    r"[a-z][a-z0-9._]{1,12}[a-z0-9]@[a-z]{3,8}\.(com|co\.id|or\.id|id)", fullmatch=True
)

# Mixed answers: filler plus personal data and the cues around it.
PII_SNIPPETS = st.one_of(
    phone_variant(),
    nik_variant(),
    emails,
    st.sampled_from(
        [
            "nama saya budi",
            "Pak Budi Santoso",
            "anak saya si ucok",
            "bu ani",
            "@geng_barat",
            "ig: rizky.pasir",
            "B 1234 XYZ",
            "b1234xyz",
            "Jl. Kenari No. 12 RT 05/RW 03",
            "gg mawar 3 rt 5 rw 2",
            "Saya Rizky,",
            "panggil aja joni",
            "nik 3171 0000 0000 0001",
            "wa 812 0000 1234",
            "Pak Haji Karim",
            "Bu guru Rina",
            "[NAMA]",
            "[TELEPON]",
        ]
    ),
)


@st.composite
def mixed_text(draw) -> str:
    chunks = []
    for _ in range(draw(st.integers(1, 5))):
        chunks.append(
            draw(st.one_of(filler(0, 4), PII_SNIPPETS, st.sampled_from(CLEAN_NUMBERS + ROLES)))
        )
    return draw(st.sampled_from([" ", ", ", ". ", "\n"])).join(chunks)


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(mixed_text())
def test_redaction_is_idempotent_on_mixed_answers(text):
    once = redact_text(text)
    assert redact_text(once) == once


@SETTINGS
@given(st.text(max_size=80))
def test_redaction_is_idempotent_on_any_text(text):
    once = redact_text(text)
    assert redact_text(once) == once


@SETTINGS
@given(filler(), phone_variant(), filler())
def test_any_phone_variant_in_filler_is_removed(before, phone, after):
    out = redact_text(f"{before} {phone} {after}".strip())
    assert "[TELEPON]" in out
    assert not re.search(r"\d", out), out


@SETTINGS
@given(filler(), nik_variant(), filler())
def test_any_nik_variant_in_filler_is_removed(before, nik, after):
    out = redact_text(f"{before} {nik} {after}".strip())
    assert "[NIK]" in out
    assert not re.search(r"\d", out), out


@SETTINGS
@given(filler(), emails, filler())
def test_any_email_in_filler_is_removed(before, email, after):
    out = redact_text(f"{before} {email} {after}".strip())
    assert "[EMAIL]" in out and "@" not in out


@SETTINGS
@given(clean_text())
def test_text_without_personal_data_is_unchanged(text):
    assert redact_text(text) == text
