"""Free-text redaction: personal data in Indonesian answers becomes [NIK] [TELEPON] [EMAIL]
[AKUN] [NAMA] [ALAMAT] [PLAT]; text without any is returned byte for byte.
"""

# Detectors run in a fixed order, each on the previous one's output. Tags are opaque to
# later detectors, so a second run changes nothing (tests/privacy checks this with
# hypothesis). Cheap token gates decide which detectors run at all.

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import pandas as pd

TAGS = ("NIK", "TELEPON", "EMAIL", "AKUN", "NAMA", "ALAMAT", "PLAT")
TAG_PATTERN = re.compile(r"\[(?:" + "|".join(TAGS) + r")\]")
MIN_NAME_PART = 3

# --- word lists ---------------------------------------------------------------------------


def _word_file(name: str) -> frozenset[str]:
    text = resources.files("sentiment.privacy").joinpath("data").joinpath(name).read_text("utf-8")
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


@cache
def given_names() -> frozenset[str]:
    """Common given names and nicknames, many also dictionary words (budi, indah, bowo)."""
    return _word_file("given_names.txt")


@cache
def roles() -> frozenset[str]:
    """Roles and offices that follow a title but are no name (Pak RT, Bu guru, Pak polisi)."""
    return _word_file("roles.txt")


@cache
def not_names() -> frozenset[str]:
    """Roles plus the function words and slang that follow a title without being a name."""
    return _word_file("not_names.txt") | roles()


@cache
def _dictionary() -> frozenset[str]:
    """Indonesian root words shipped with PySastrawi (~30k)."""
    path = resources.files("Sastrawi.Stemmer").joinpath("data").joinpath("kata-dasar.txt")
    return frozenset(w.strip() for w in path.read_text("utf-8").splitlines() if w.strip())


@cache
def _stemmer() -> Any:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@cache
def _stopwords() -> frozenset[str]:
    """PySastrawi's Indonesian stop words (~750 function words)."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words())


@lru_cache(maxsize=65536)
def is_function_or_derived(word: str) -> bool:
    """A function word, or a word carrying Indonesian affixes around a dictionary root.

    Names are rarely either, even when they are dictionary words themselves (Jali, Bintang):
    "Tawuran" (tawur + -an) and "Semoga" are not names, "Bang Jali" is.
    """
    lower = word.casefold()
    if lower in not_names() or lower in _stopwords():
        return True
    dictionary = _dictionary()
    for form in _jakarta_variants(lower):
        stem = _stemmer().stem(form)
        if stem and stem != form and stem in dictionary:
            return True
    return False


_ELONGATED = re.compile(r"(.)\1{2,}")
_VOWEL = re.compile(r"[aiueoy]", re.IGNORECASE)


@lru_cache(maxsize=65536)
def is_typo_of_word(word: str) -> bool:
    """A word one keystroke away from an ordinary word: 'taktu' (takut), 'sngat' (sangat).

    Checked only where an unknown lowercase word would otherwise be taken for a name.
    """
    lower = word.casefold()
    if len(lower) < 5:
        return False
    dictionary = _dictionary() | _stopwords()
    variants = {lower[:i] + lower[i + 1] + lower[i] + lower[i + 2 :] for i in range(len(lower) - 1)}
    if len(lower) >= 6:  # an extra key: "sekolaah"; short words would hit too often
        variants |= {lower[:i] + lower[i + 1 :] for i in range(len(lower))}
    if len(_VOWEL.findall(lower)) <= 1:  # a dropped vowel: "sngat", "tmpat" (names keep theirs)
        variants |= {lower[:i] + c + lower[i:] for i in range(len(lower) + 1) for c in "aiueo"}
    return any(v in dictionary for v in variants)


def _unknown_word(word: str) -> bool:
    """A lowercase word that is no dictionary word, slang, abbreviation or typo of one."""
    return (
        bool(_VOWEL.search(word))  # "pngjn", "bsk", "dgn": chat abbreviations have no vowels
        and not is_ordinary_word(word)
        and not is_typo_of_word(word)
    )


def _jakarta_variants(word: str) -> set[str]:
    """Standard forms of Jakarta slang for the dictionary look-up.

    anak2 → anak; perhatiin → perhatikan; ngajarin → mengajarkan; ngajak → mengajak.
    """
    forms = {word, word.rstrip("2")}
    if _ELONGATED.search(word):  # "polisiiii", "karenaaa": chat elongation
        forms.update({_ELONGATED.sub(r"\1", word), _ELONGATED.sub(r"\1\1", word)})
    for form in list(forms):
        if form.endswith("in") and len(form) > 4:
            forms.update({form[:-2] + "kan", form[:-2] + "i", form[:-2]})
    for form in list(forms):
        if form.startswith(("ng", "ny")) and len(form) > 4:
            forms.add("me" + form)
    return forms


@lru_cache(maxsize=65536)
def is_ordinary_word(word: str) -> bool:
    """A word that is an Indonesian dictionary word, directly, after stemming, or as slang."""
    lower = word.casefold()
    if lower in not_names():
        return True
    dictionary = _dictionary()
    for form in _jakarta_variants(lower):
        if form in dictionary:
            return True
        stem = _stemmer().stem(form)
        if stem and stem != form and stem in dictionary:
            return True
    return False


# --- numbers: NIK and phone -----------------------------------------------------------------

# one separator between digit groups: space, dot or dash (optionally spaced), never a newline
_SEP = r"(?:[ \t]?[.\-][ \t]?|[ \t])"
# phone groups may also be bracketed: (021) 555-0101, +62 (812) 0000 1111
_PSEP = r"(?:\)?(?:[ \t]?[.\-][ \t]?|[ \t])?\(?)"
_DIGITS_SEP = rf"\d(?:{_SEP}?\d)"
_NON_DIGITS = re.compile(r"\D")
_DIGIT_RUNS = re.compile(r"\d+")
_HANDLE_MARKS = re.compile(r"[_.\d]")
_CURRENCY_BEFORE = re.compile(r"(?:rp|idr)\.?\s*$", re.IGNORECASE)

_NIK_CUE = re.compile(
    r"(?P<cue>\b(?:nik|no\.?[ \t]*ktp|nomor[ \t]+ktp|nmr[ \t]+ktp|ktp|no\.?[ \t]*kk|nomor[ \t]+kk|kk)\b"
    r"(?:[ \t]+(?:saya|aku|gue|gw|anak[ \t]+saya|nya))?\.?[ \t]*(?:[:=][ \t]*)?)"
    rf"(?P<num>{_DIGITS_SEP}{{9,19}})(?!\d)",
    re.IGNORECASE,
)
# NIK and phone patterns sit inside a lookahead so that every start position yields a
# candidate: a rejected candidate (a date run, a price) must not hide a real number that
# starts inside it, or a second redaction would find what the first one missed.
_NIK = re.compile(rf"(?=(?<![\w+\-.])(?P<num>{_DIGITS_SEP}{{15}})(?!\d)(?![.\-]\d))")
_PHONE_CUE = re.compile(
    r"(?P<cue>\b(?:wa|whatsapp|whatsap|hp|telp|telpon|telepon|tlp|tlpn|telfon|no\.?[ \t]*hp|"
    r"no\.?[ \t]*wa|nomor|nomer|nmr|kontak|hubungi|call|sms|cp)\b"
    r"(?:[ \t]+(?:saya|aku|gue|gw|nya|ku|anak[ \t]+saya))?\.?[ \t]*(?:[:=][ \t]*)?)"
    rf"(?P<num>\+?\(?\d(?:{_PSEP}\d){{8,13}}\)?)(?!\d)",
    re.IGNORECASE,
)
_PHONE = re.compile(
    rf"(?=(?<![\w+(])(?<!\d[.\-])(?P<num>(?:\+[ \t]?|\(\+?)?(?:62|0)(?:{_PSEP})?[2-9](?:{_PSEP}\d){{7,12}}\)?)(?!\d))"
)
_DIGIT_GROUP_SEP = re.compile(_SEP)
_DATE = re.compile(r"\b\d{1,2}[ \t]?[-./][ \t]?\d{1,2}[ \t]?[-./][ \t]?(?:19|20)\d{2}\b")


def _preceded_by_currency(text: str, start: int) -> bool:
    return bool(_CURRENCY_BEFORE.search(text[max(0, start - 5) : start]))


def _sub_candidates(
    pattern: re.Pattern[str], decide: Callable[[re.Match[str]], str], text: str
) -> str:
    """Replace the `num` group of accepted candidates, left to right, without overlaps.

    `decide` returns the replacement, or the candidate itself to reject it.
    """
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        start, end = match.span("num")
        if start < last:
            continue
        replacement = decide(match)
        if replacement == match.group("num"):
            continue
        out.append(text[last:start])
        out.append(replacement)
        last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _nik_sub(match: re.Match[str]) -> str:
    num = match.group("num")
    if num[0] == "0" or _preceded_by_currency(match.string, match.start()):
        return num  # no region code starts with 0: a long phone number, left to that pass
    groups = _DIGIT_GROUP_SEP.split(num)
    # runs of dates or clock times ("12-08-2025 10-11-2025", "10.00 11.00 12.00 13.00")
    # also add up to 16 digits; NIKs are typed in groups of 4 or 6
    if len(groups) > 1 and sum(len(g) <= 2 for g in groups) >= 4:
        return num
    return "[NIK]"


def _phone_sub(match: re.Match[str]) -> str:
    num = match.group("num")
    digits = _NON_DIGITS.sub("", num)
    if digits.startswith("62") and digits[2:3] not in ("2", "8"):
        return num
    # dates and clock times in a row ("08.00-10.00", "08-12-2025 10.00") start with a
    # group of 1–2 digits and have several; a phone number starts with 3–4 digits once a
    # separately typed prefix ("+62 ", "0 ") is set aside
    groups = _DIGIT_RUNS.findall(num)
    if len(groups) > 1 and groups[0] in ("0", "62"):
        groups = groups[1:]
    if _preceded_by_currency(match.string, match.start()):
        return num
    # a mobile number with the country code is never a date or a time
    plainly_phone = digits.startswith("628") or num.startswith("+")
    if not plainly_phone and (
        _DATE.search(num) or (len(groups[0]) <= 2 and sum(len(g) <= 2 for g in groups) >= 3)
    ):
        return num
    if num.startswith("(") and num.endswith(")") and num.count("(") == num.count(")") == 1:
        return "([TELEPON])"  # "Pak Budi (0812-…)": the brackets belong to the sentence
    return "[TELEPON]"


@cache
def _cue_sub(tag: str) -> Callable[[re.Match[str]], str]:
    def sub(match: re.Match[str]) -> str:
        return match.group("cue") + tag

    return sub


# --- email, accounts, plates ----------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9_])?@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b"
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
_HANDLE_CUE = re.compile(
    r"(?P<cue>\b(?:ig|instagram|insta|tiktok|twitter|fb|facebook|akun(?:[ \t]+(?:ig|instagram|tiktok|fb))?)"
    r"(?:[ \t]+(?:saya|aku|gue|gw|nya|dia))?)(?P<sep>[ \t]*:[ \t]*|[ \t]+)"
    r"(?P<handle>(?![\[@])[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)",
    re.IGNORECASE,
)


def _handle_cue_sub(match: re.Match[str]) -> str:
    handle = match.group("handle")
    # "ig nya" is not a handle; "ig: budi" and "ig budi_keren99" are
    if ":" in match.group("sep") or _HANDLE_MARKS.search(handle):
        if handle.casefold() not in not_names():
            return match.group("cue") + match.group("sep") + "[AKUN]"
    return match.group(0)


# Region codes of Indonesian number plates (B = Jakarta).
_PLATE_REGIONS = (
    "AA AB AD AE AG BA BB BD BE BG BH BK BL BM BN BP DA DB DC DD DE DG DH DK DL DM DN DR DT DW "
    "EA EB ED KB KH KT KU PA PB A B D E F G H K L M N P R S T W Z"
).split()
_PLATE_REGION_SET = frozenset(_PLATE_REGIONS)
_PLATE = re.compile(  # a lookahead, like _NIK: "RW 03 B 1234 XYZ" must reach the B
    r"(?=\b(?P<num>(?P<region>[A-Za-z]{1,2})(?P<s1>[ \t]?)(?P<digits>\d{1,4})(?P<s2>[ \t]?)"
    r"(?P<suffix>[A-Za-z]{1,3}))\b)"
)
# a cue up to two words before: "plat nomor b 4321 kjl", "motor vario b 3002 pqr"
_PLATE_CUE = re.compile(
    r"\b(?:plat|pelat|nopol|motor|motornya|mobil|mobilnya|kendaraan|angkot|truk|mobil[ \t]+bak)\b"
    r"(?:[ \t]+[\w.]+){0,2}[ \t]*:?[ \t]*$",
    re.IGNORECASE,
)
# suffixes that make "<code> <number> <word>" an ordinary phrase: units, times, RT/RW
_PLATE_NOT_SUFFIX = frozenset(
    "rt rw wib wit wita km kg rb ribu jt juta th thn tahun am pm x kali jam org orang hr hari bln m cm"
    " ya yg an di ke dr dan ini itu aja sih kok deh lah pun kan gak ga nya ada apa mau".split()
)


def _plate_sub(match: re.Match[str]) -> str:
    region, digits, suffix = match.group("region"), match.group("digits"), match.group("suffix")
    if region.upper() not in _PLATE_REGION_SET or suffix.casefold() in _PLATE_NOT_SUFFIX:
        return match.group("num")
    upper = region.isupper() and suffix.isupper()
    cued = bool(_PLATE_CUE.search(match.string[max(0, match.start() - 40) : match.start()]))
    # lowercase plates are believed with a cue word, or with a 3–4 digit number: b1234xyz,
    # b 1234 xyz (counts and years are followed by words longer than three letters)
    if upper or cued or len(digits) >= 3:
        return "[PLAT]"
    return match.group("num")


# --- addresses ------------------------------------------------------------------------------

_ADDRESS_STOP = (
    "yang|yg|dan|di|ke|dari|deket|dekat|sama|sm|tapi|tp|kalo|kalau|klo|sering|ada|itu|ini|udah|"
    "sudah|sdh|banyak|rame|ramai|sepi|jadi|juga|jg|masih|pas|waktu|jam|tiap|setiap|mau|gak|nggak|"
    "ngga|ga|gk|tidak|tdk|bisa|harus|perlu|malam|malem|siang|pagi|sore|tempat|buat|untuk|utk|"
    "karena|krn|soalnya|pada|suka|lewat|arah|depan|belakang|samping|ujung|sebelah|sampai|sampe|"
    "rumah|tinggal|tawuran|anak|warga|orang|atau|dong|sih|nih|tuh|deh|kok|aja|ya|biar|supaya|agar|"
    "ketika|saat|sejak|lalu|terus|trus|kemudian|habis|abis|sekitar|dekatnya|sana|sini|situ|"
    "no|nomor|nmr|nomer|rt|rw|blok|pak|bu|ibu|bapak|mas|mbak|kak|bang|lagi|lg|kemarin|kmrn|tadi|"
    "gelap|terang|lampu|jalan|jln|jl|gang|gg|kelurahan|kel|kecamatan|kec|kota|jakarta"
)
_ADDRESS = re.compile(
    # only abbreviations take a dot: after "jalan." a new sentence starts
    r"(?P<cue>\b(?:(?:jl|jln|gg|komp|perum)\b\.?|(?:jalan|gang|komplek|kompleks|perumahan)\b))"
    r"(?P<names>(?:(?:[ \t]+|(?<=\.))(?!(?i:" + _ADDRESS_STOP + r")\b)"
    r"(?:[A-Z]\.(?=[ \t])|[^\W\d_][\w'’\-]*)){0,5})"
    r"(?P<tail>(?:(?P<num>[ \t]*,?[ \t]*(?:(?i:no|nomor|nmr|nomer)\.?[ \t]*\d{1,4}[A-Za-z]?(?:[/\-]\d{1,4}[A-Za-z]?)?"
    r"|(?:(?<=[^\W\d_])|(?<=\.))[ \t]+\d{1,4}[A-Za-z]?(?:[/\-]\d{1,4}[A-Za-z]?)?(?![\w.:])))?"
    r"(?P<blok>[ \t]*,?[ \t]*(?i:blok)[ \t]*[A-Za-z]{0,2}[ \t]?\d{0,3}[A-Za-z]?\b)?"
    r"(?P<rtrw>[ \t]*,?[ \t]*(?:(?i:rt)[ \t.]*\d{1,3}(?:[ \t]*[/,]?[ \t]*(?:(?i:rw)[ \t.]*)?\d{1,3})?"
    r"|(?i:rw)[ \t.]*\d{1,3}))?){0,3})",
    re.IGNORECASE,
)
# "jalan" and "gang" are also everyday words ("jalan kaki", "anak gang"): only an address
# with a capitalised name, a house number or RT/RW
_AMBIGUOUS_ADDRESS_CUES = frozenset({"jalan", "gang"})
_GENERIC_ROADS = frozenset(
    "raya utama besar kecil tikus setapak protokol tol layang buntu sempit lebar gelap baru".split()
)


def _caps_informative(text: str) -> bool:
    """Whether capitals in this text mark names ("TOLONG DAMAI wkwk" is shouting)."""
    if text.islower() or text == text.lower():  # C-level shortcuts: no capitals at all
        return True
    return 2 * len(_UPPER_LETTER.findall(text)) < len(_ANY_LETTER.findall(text))


_UPPER_LETTER = re.compile(r"[A-Z]")
_ANY_LETTER = re.compile(r"[^\W\d_]")


def _address_sub(match: re.Match[str]) -> str:
    cue = match.group("cue").rstrip(".").casefold()
    names = match.group("names").split()
    has_number = bool(match.group("tail").strip())
    if not has_number and names and all(n.casefold() in _GENERIC_ROADS for n in names):
        return match.group(0)  # "Jalan Raya", "gang kecil": a kind of road, not an address
    if cue in _AMBIGUOUS_ADDRESS_CUES:
        capitalised = bool(names) and names[0][0].isupper() and _caps_informative(match.string)
        if not names or not (capitalised or has_number):
            return match.group(0)
    elif not names and not has_number:
        return match.group(0)
    return "[ALAMAT]"


# --- names ----------------------------------------------------------------------------------

_TITLES_FULL = (
    "pak|bapak|bu|ibu|bang|abang|mas|mbak|mba|kak|kakak|om|tante|ustadz|ustad|ustaz|ustadzah|"
    "ustazah|haji|hajjah|kang|akang|teh|neng|mpok|si|saudara|saudari|adik|adek|dek|koh|cici|engkong|opa|oma|"
    "bro|sis|gan|cuy|coy|bray|emak|mak|nyak|enyak|babeh|abah|umi|abi|encang|encing|mang|bibi|bi|"
    "paman|pakde|bude|bulik|paklik|eyang|mbah|nenek|kakek|uwa|wak"
)
_TITLES_ABBR = r"bpk|bp|hj|h|sdr|sdri|ust|kh|dr|drs"
_TITLES_FULL_SET = frozenset(_TITLES_FULL.split("|"))
_TITLES_ABBR_SET = frozenset(_TITLES_ABBR.split("|"))
_TITLE_WORDS = _TITLES_FULL_SET | _TITLES_ABBR_SET
_ABBR_WITHOUT_DOT = {"bpk": "Bpk", "hj": "Hj", "sdr": "Sdr", "ust": "Ust"}


@cache
def _title_pattern(word: str) -> re.Pattern[str]:
    """One title as it appears before a name: 'Pak', 'bu', 'H.', 'Bpk' (one regex per title
    found in the text is much faster than one alternation of all titles)."""
    forms = []
    if word in _TITLES_FULL_SET:
        forms.append(rf"(?i:{word})(?![\w\-])")
    if word in _TITLES_ABBR_SET:
        forms.append(rf"(?i:{word})\.")
    if word in _ABBR_WITHOUT_DOT:
        forms.append(rf"{_ABBR_WITHOUT_DOT[word]}(?![\w\-])")
    return re.compile(r"(?<![\w\[\-])(?:" + "|".join(forms) + ")")


@lru_cache(maxsize=8192)
def _word_pattern(word: str) -> re.Pattern[str]:
    """A whole word, any case, not inside a tag."""
    return re.compile(rf"(?<![\w\[])(?i:{re.escape(word)})(?![\w\]])")


_STRONG_CUE = re.compile(
    r"(?<![\w\[])(?i:(?:nama|nm)[ \t]+(?:saya|sy|sya|saia|aku|aq|gue|gua|gw|ku|anak[ \t]+saya|anakku|beliau)|namaku|namanya|"
    r"panggil[ \t]+(?:aja|saja|ajah)|dipanggil|biasa[ \t]+dipanggil|bernama|yang[ \t]+bernama|"
    r"nama(?:[ \t]+(?:lengkap|asli|panggilan|anak|ortu|orang[ \t]+tua|ibu|bapak|ayah|wali|suami|istri))?"
    r"(?=[ \t]*[:=])|a\.[ \t]?n\.?|atas[ \t]+nama)"
    r"(?:[ \t]+(?i:adalah|itu))?(?:[ \t]*[:=])?(?![\w\-])"
)
_SELF_INTRO = re.compile(
    r"(?:^|(?<=[.!?\n])|(?<=[.!?,][ \t])|(?i:(?<![\w])(?:halo|hai|hallo|assalamualaikum|salam|perkenalkan)[,!]?[ \t]+))"
    r"[ \t]*(?i:saya|sy|sya|aku|aq|gue|gua|gw)(?![\w\-])"
)
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)?)(?![\w\-])")
_MAX_NAME_WORDS = 3


def _looks_like_name(word: str, strong: bool) -> bool:
    """Whether a word right after a title or cue is a person's name."""
    lower = word.casefold()
    if lower in not_names():
        return False
    if lower in given_names():
        return True
    if strong:
        return True
    if word[0].isupper():
        # "Bang Jali", "Pak Bintang": a capital after a title marks a name even when it is a
        # dictionary word, but not a function word or an affixed word, which phone-typed
        # run-on sentences capitalise at random ("makasih Pak Semoga sukses")
        return not _is_acronym(word) and not is_function_or_derived(lower)
    return _unknown_word(lower)


def _clear_name(word: str) -> bool:
    """A known given name, or a capitalised word that is no ordinary word."""
    lower = word.casefold()
    if lower in not_names():
        return False
    if lower in given_names():
        return True
    return word[0].isupper() and not _is_acronym(word) and not is_ordinary_word(lower)


def _is_acronym(word: str) -> bool:
    """CCTV, LSM, SMP: capitals that mark an abbreviation, not a name."""
    return word.isupper() and len(word) <= 5


def _name_continues(word: str, first_capitalised: bool) -> bool:
    lower = word.casefold()
    if lower in not_names() or len(word) < 3:
        return False
    if lower in given_names():
        return True
    if word[0].isupper() != first_capitalised or _is_acronym(word):
        return False
    return not is_ordinary_word(lower)


def _name_span_after(text: str, pos: int, strong: bool) -> tuple[int, int] | None:
    """(start, end) of the name that follows a cue ending at pos, or None."""
    match = _NEXT_WORD.match(text, pos)
    if strong and match and match.group(1).casefold() in _SELF_INTRO_TOKENS:
        match = _NEXT_WORD.match(text, match.end())  # "panggil aja saya emak odah"
    # titles chain: "Pak Haji Salim", "Bu Hj. Ani", "anak saya si Ucok"
    chained = False
    while match and match.group(1).casefold() in _TITLE_WORDS:
        chained = True
        pos = match.end()
        if text.startswith(".", pos):
            pos += 1
        match = _NEXT_WORD.match(text, pos)
    if chained and match and match.group(1)[0].isupper():
        # "Pak Ustad Mahmud": a capital after two titles is a name even if a dictionary word
        word = match.group(1)
        strong = strong or not (_is_acronym(word) or is_function_or_derived(word))
    if match and match.group(1).casefold() in roles():
        # "Bu guru Rina", "Pak RT Budi": after a role only a clear name counts
        nxt = _NEXT_WORD.match(text, match.end())
        if not nxt or not _clear_name(nxt.group(1)):
            return None
        match = nxt
    elif not match or not _looks_like_name(match.group(1), strong):
        return None
    start, end = match.start(1), match.end(1)
    first_capitalised = match.group(1)[0].isupper()
    for _ in range(_MAX_NAME_WORDS - 1):
        nxt = _NEXT_WORD.match(text, end)
        if not nxt or not _name_continues(nxt.group(1), first_capitalised):
            break
        end = nxt.end(1)
    return start, end


_COORDINATION = re.compile(r"[ \t]*(?:,|&|/|(?i:dan|sama|sm|ama)(?![\w\-]))")


def _coordinated_names(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Names listed after a name: 'namanya gilang sama rafi', 'si andi, bagas dan dimas'.

    Only words typed like the first name (both capitalised or both lowercase) count:
    'dipanggil Ucup sama temen2' lists no second name.
    """
    capitalised = text[start].isupper()
    spans = []
    for _ in range(3):
        joint = _COORDINATION.match(text, end)
        nxt = _NEXT_WORD.match(text, joint.end()) if joint else None
        if not nxt:
            break
        word = nxt.group(1)
        if len(word) < 3 or word.casefold() in _CUE_TOKENS | _PHONE_CUE_TOKENS:
            break
        if word[0].isupper() != capitalised:
            break
        if not (_clear_name(word) or (word.islower() and _unknown_word(word))):
            break
        spans.append(nxt.span(1))
        end = nxt.end(1)
    return spans


def _self_intro_span(text: str, pos: int) -> tuple[int, int] | None:
    """'Saya Budi, …': a known given name, a capitalised non-word, or 'gw ucup,'."""
    match = _NEXT_WORD.match(text, pos)
    if not match:
        return None
    word = match.group(1)
    lower = word.casefold()
    if lower in not_names() or len(word) < 3:
        return None
    if lower in given_names() or (word[0].isupper() and not is_ordinary_word(lower)):
        return _name_span_after(text, pos, strong=True)
    # a lowercase unknown word closed by a comma, the end or what people say next about
    # themselves: "gw ucup, anak rw 04", "aku farel kelas 11"
    if _INTRO_END.match(text, match.end()) and _unknown_word(lower):
        return match.span(1)
    return None


_INTRO_END = re.compile(
    r"[ \t]*(?:[,.!]|$|(?i:kelas|dari|dr|umur|usia|warga|ortu|orang[ \t]+tua|"
    r"tinggal|rt|rw|sekolah|smp|sma|smk|siswa|pelajar|mahasiswa|asal|ketua|pengurus|"
    r"mau|ingin|pengen|pgn)(?![\w\-]))"
)


def _name_spans(text: str, tokens: set[str], name_parts: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of names; `tokens` (the text's lowercase words) gate each costly detector."""
    spans: list[tuple[int, int]] = []
    if not tokens.isdisjoint(_STRONG_CUE_TOKENS):
        for cue in _STRONG_CUE.finditer(text):
            span = _name_span_after(text, cue.end(), strong=True)
            if span:
                spans.append(span)
                spans.extend(_coordinated_names(text, *span))
    for word in tokens & _TITLE_WORDS:
        for title in _title_pattern(word).finditer(text):
            span = _name_span_after(text, title.end(), strong=False)
            if span:
                spans.append(span)
    if not tokens.isdisjoint(_RELATIVE_TOKENS):
        for cue in _RELATIVE_CUE.finditer(text):
            nxt = _NEXT_WORD.match(text, cue.end())
            if nxt and _clear_name(nxt.group(1)) and nxt.group(1).casefold() not in roles():
                span = _name_span_after(text, cue.end(), strong=True)
                if span:
                    spans.append(span)
    if not tokens.isdisjoint(_SELF_INTRO_TOKENS):
        for intro in _SELF_INTRO.finditer(text):
            span = _self_intro_span(text, intro.end())
            if span:
                spans.append(span)
    for part in tokens & name_parts:
        spans.extend(m.span() for m in _word_pattern(part).finditer(text))
    for name in (tokens & given_names()) - name_parts:
        spans.extend(m.span() for m in _word_pattern(name).finditer(text) if _standalone_name(m))
    return spans


_STRONG_CUE_TOKENS = frozenset("nama nm namaku namanya panggil dipanggil bernama n atas".split())
_SELF_INTRO_TOKENS = frozenset("saya sy sya aku aq gue gua gw".split())
# "anak sy Rendi umur 16": a relative or neighbour followed by a clear name
_RELATIVE_CUE = re.compile(
    r"(?<![\w\[])(?i:anak|adik|adek|kakak|kakaknya|adiknya|suami|istri|temen|teman|tetangga|"
    r"ponakan|keponakan|cucu|sepupu|pacar)(?:[ \t]+(?i:saya|sy|aku|gw|gue|kami|kita)|(?i:ku|nya))"
    r"(?![\w\-])"
)
_RELATIVE_TOKENS = frozenset(
    "anak adik adek kakak kakaknya adiknya suami istri temen teman tetangga ponakan keponakan "
    "cucu sepupu pacar anakku adikku anaknya temenku temannya".split()
)


# given names that are also common non-name tokens in Jakarta texts
_NOT_STANDALONE = frozenset(
    {"made", "tri", "sri", "eka", "nur", "ade", "oki", "nia", "ana", "ina", "ida"}
)
_SENTENCE_START = re.compile(r"(?:^|[.!?\n:;\"'(])[ \t]*$")


def _standalone_name(word: re.Match[str]) -> bool:
    """A given name with no cue: 'ortu dari dimas', 'kata Indah'.

    Lowercase only when the name is no dictionary word; capitalised dictionary names
    (Indah, Sari) only mid-sentence, where capitals mark names.
    """
    text = word.group(0)
    lower = text.casefold()
    if lower not in given_names() or lower in not_names() or lower in _NOT_STANDALONE:
        return False
    if lower not in _dictionary():  # raw look-up: the stemmer reads "dimas" as di- + mas
        return True
    if not text[0].isupper() or text.isupper():
        return False
    before = word.string[max(0, word.start() - 3) : word.start()]
    return not _SENTENCE_START.search(before)


_ONLY_SPACE = re.compile(r"[ \t]*")


def _apply_name_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace name spans with one [NAMA] each; overlapping or space-adjacent spans merge."""
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or _ONLY_SPACE.fullmatch(text, merged[-1][1], start)):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(text[last:start])
        out.append("[NAMA]")
        last = end
    out.append(text[last:])
    return "".join(out)


def name_parts(names: Iterable[str] | str | None) -> frozenset[str]:
    """The respondent's own name words worth matching: casefolded, titles removed, >= 3 letters."""
    from sentiment.privacy.pseudonym import NAME_TITLES, normalise_name

    if names is None:
        return frozenset()
    if isinstance(names, str):
        names = [names]
    parts: set[str] = set()
    for name in names:
        if name is None or (not isinstance(name, str) and pd.isna(name)):
            continue
        for part in normalise_name(str(name)).split():
            if len(part) >= MIN_NAME_PART and part not in NAME_TITLES and not part.isdigit():
                parts.add(part)
    return frozenset(parts)


# --- the pipeline ---------------------------------------------------------------------------

_EMAIL_PASSES = ((_EMAIL, "[EMAIL]"), (_HANDLE, "[AKUN]"))
_NIK_CUE_TOKENS = frozenset("nik ktp kk".split())
_PHONE_CUE_TOKENS = frozenset(
    "wa whatsapp whatsap hp telp telpon telepon tlp tlpn telfon nomor nomer nmr kontak hubungi "
    "call sms cp".split()
)
_HANDLE_CUE_TOKENS = frozenset("ig instagram insta tiktok twitter fb facebook akun".split())
_ADDRESS_TOKENS = frozenset("jl jln jalan gg gang komplek kompleks komp perum perumahan".split())
# Word cues that can start a detection; a text with none of them, no digit, no "@" and
# none of the respondent's name parts is returned as is.
_CUE_TOKENS = (
    _HANDLE_CUE_TOKENS
    | _ADDRESS_TOKENS
    | _STRONG_CUE_TOKENS
    | _SELF_INTRO_TOKENS
    | _TITLE_WORDS
    | _RELATIVE_TOKENS
)
_DIGIT = re.compile(r"\d")
_NINE_DIGITS = re.compile(r"\d(?:\D{0,3}\d){8}")  # a NIK or phone has at least nine digits
_PLATE_SHAPE = re.compile(r"[A-Za-z][ \t]?\d")
_ASCII_PUNCT_TO_SPACE = bytes.maketrans(string.punctuation.encode(), b" " * len(string.punctuation))
_UNICODE_WORD = re.compile(r"[^\W_]+")


def _tokens(text: str) -> set[str]:
    """The casefolded words of a text (the gates' view; offsets are not needed)."""
    folded = text.casefold()
    if folded.isascii():  # bytes.translate is a C table look-up: 3x faster than str's
        return set(folded.encode().translate(_ASCII_PUNCT_TO_SPACE).decode().split())
    return set(_UNICODE_WORD.findall(folded))


def redact_text(text: str, names: Iterable[str] = ()) -> str:
    """`text` with personal data replaced by tags; `names`: the respondent's own name(s)."""
    return _redact(text, name_parts(names))


_ADJACENT_ADDRESSES = re.compile(r"\[ALAMAT\](?:[ \t]*,?[ \t]*\[ALAMAT\])+")


def _redact(text: str, parts: frozenset[str]) -> str:
    # Cheap gates first (C-level string operations): most answers hold no personal data
    # and should cost a few microseconds; each regex pass runs only when its cue exists.
    tokens = _tokens(text)
    has_at = "@" in text
    has_digit = _DIGIT.search(text) is not None
    if not (has_at or has_digit) and tokens.isdisjoint(_CUE_TOKENS):
        if tokens.isdisjoint(given_names()) and tokens.isdisjoint(parts):
            return text
    if has_at:
        for pattern, replacement in _EMAIL_PASSES:
            text = pattern.sub(replacement, text)
    if not tokens.isdisjoint(_HANDLE_CUE_TOKENS):
        text = _HANDLE_CUE.sub(_handle_cue_sub, text)
    if has_digit:
        if _NINE_DIGITS.search(text):
            if not tokens.isdisjoint(_NIK_CUE_TOKENS):
                text = _NIK_CUE.sub(_cue_sub("[NIK]"), text)
            text = _sub_candidates(_NIK, _nik_sub, text)
            text = _sub_candidates(_PHONE, _phone_sub, text)
            if not tokens.isdisjoint(_PHONE_CUE_TOKENS):
                text = _PHONE_CUE.sub(_cue_sub("[TELEPON]"), text)
        if _PLATE_SHAPE.search(text):
            text = _sub_candidates(_PLATE, _plate_sub, text)
    if not tokens.isdisjoint(_ADDRESS_TOKENS):
        text = _ADDRESS.sub(_address_sub, text)
        if "[ALAMAT]" in text:  # "jl. kali pasir gg. 3 no. 11" is one address
            text = _ADJACENT_ADDRESSES.sub("[ALAMAT]", text)
    # in a text typed all in capitals, capitals say nothing about names: decide on the
    # lowercase copy (same length, so the spans apply to the original)
    lowered = text.lower()
    view = lowered if not _caps_informative(text) and len(lowered) == len(text) else text
    return _apply_name_spans(text, _name_spans(view, tokens, parts))


def redact_series(
    texts: pd.Series | Iterable[Any], names_per_row: Iterable[Any] | None = None
) -> pd.Series:
    """`redact_text` over many texts; missing values stay missing, index and dtype are kept.

    `names_per_row`: for each text, the respondent's name (a string) or names (a list).
    Distinct texts without names are redacted once.
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    parts = None if names_per_row is None else [_parts_cached(n) for n in names_per_row]
    return redact_series_with_parts(series, parts)


def redact_series_with_parts(
    series: pd.Series, parts_per_row: list[frozenset[str]] | None
) -> pd.Series:
    """`redact_series` with the name parts already computed (see `name_parts`), so that a
    frame with several free-text columns computes them once per row."""
    values = series.tolist()
    if parts_per_row is not None and len(parts_per_row) != len(values):
        raise ValueError("names_per_row must have one entry per text")
    out: list[Any] = list(values)
    cache: dict[str, str] = {}
    empty: frozenset[str] = frozenset()
    for i, value in enumerate(values):
        if not isinstance(value, str):
            continue
        parts = parts_per_row[i] if parts_per_row is not None else empty
        if parts:
            folded = value.casefold()
            if any(p in folded for p in parts):
                out[i] = _redact(value, parts)
                continue
        hit = cache.get(value)
        if hit is None:
            hit = cache[value] = _redact(value, empty)
        out[i] = hit
    return pd.Series(out, index=series.index, name=series.name, dtype=series.dtype)


def parts_per_row(names_per_row: Iterable[Any]) -> list[frozenset[str]]:
    """`name_parts` for each row's name (a string), names (a list) or None."""
    return [_parts_cached(n) for n in names_per_row]


def _parts_cached(names: Any) -> frozenset[str]:
    if isinstance(names, str):
        return _name_parts_of(names)
    if isinstance(names, (list, tuple, set, frozenset)):
        return _name_parts_of(tuple(n for n in names if isinstance(n, str)))
    return frozenset()  # None / NaN: no name known


@lru_cache(maxsize=4096)
def _name_parts_of(names: str | tuple[str, ...]) -> frozenset[str]:
    return name_parts(names)
