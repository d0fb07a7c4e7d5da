"""redact_text / redact_series behaviour beyond the labelled cases."""

from __future__ import annotations

import pandas as pd
import pytest

from sentiment.privacy.redact import name_parts, redact_series, redact_text


def test_respondent_name_parts_are_whole_words_any_case_and_at_least_three_letters():
    names = ["Bpk. Budi Al Santoso"]
    assert name_parts(names) == frozenset({"budi", "santoso"})  # "al" too short, title dropped
    assert redact_text("BUDI bilang, santoso setuju", names) == "[NAMA] bilang, [NAMA] setuju"
    # inside another word, or a short part: untouched
    assert redact_text("budiman dan al datang", names) == "budiman dan al datang"


def test_name_given_as_a_plain_string_is_not_split_into_letters():
    assert redact_text("kata rohmah tadi", "Siti Rohmah") == "kata [NAMA] tadi"
    assert redact_text("a i u", "Siti Rohmah") == "a i u"


def test_cue_words_and_titles_stay_outside_the_tag():
    assert redact_text("Pak Budi Santoso datang") == "Pak [NAMA] datang"
    assert redact_text("nama saya Rizky Ramadhan") == "nama saya [NAMA]"
    assert redact_text("NIK: 3171 0000 0000 0002") == "NIK: [NIK]"


@pytest.mark.parametrize(
    "text",
    [
        "tawuran tgl 12/08/2025 jam 22.00",
        "harga Rp 50.000 atau 50rb, umur 15, tahun 2024",
        "RT 05/RW 03 #damai telp 110",
        "Pak RT, Pak polisi, Bu guru dan Pak ustadz",
        "  spasi   ganda\tdan tab\n",
        "emoji 😭🙏 dan tanda baca!!!",
    ],
)
def test_text_without_personal_data_comes_back_identical(text):
    out = redact_text(text)
    assert out == text and out.encode() == text.encode()


def test_series_keeps_index_missing_values_and_dtype():
    texts = pd.Series(["nama saya budi", None, "semoga damai"], index=[7, 8, 9], dtype="str")
    out = redact_series(texts, names_per_row=["Budi", None, ["Ani", "Damai Sejahtera"]])
    assert list(out.index) == [7, 8, 9]
    assert out.dtype == texts.dtype
    assert out.iloc[0] == "nama saya [NAMA]"
    assert pd.isna(out.iloc[1])
    assert out.iloc[2] == "semoga [NAMA]"  # the respondent's own name part, as asked


def test_series_needs_one_names_entry_per_text():
    with pytest.raises(ValueError):
        redact_series(["a", "b"], names_per_row=["x"])
