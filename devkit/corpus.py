"""Build the labelled corpus (labelled.csv) from hand-written seeds by controlled variation.

Run `python -m devkit.corpus` to regenerate; the output is deterministic.
Every row keeps the ids of the seeds/templates it came from so evaluation can hold whole
templates out (see `build_rows`).
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parents[1] / "src" / "sentiment" / "nlp" / "corpus"
SEEDS_PATH = CORPUS_DIR / "seeds.txt"
LABELLED_PATH = CORPUS_DIR / "labelled.csv"

LABELS = {"+": "positif", "0": "netral", "-": "negatif"}
GROUPS = {"o": "orang_tua", "r": "remaja"}
TOPICS = {
    "kl": "keamanan_lingkungan",
    "tk": "tawuran_kekerasan",
    "pp": "patroli_polisi",
    "kp": "kegiatan_pemuda",
    "ps": "pendidikan_sekolah",
    "ek": "ekonomi_pekerjaan",
    "ms": "media_sosial_provokasi",
    "nm": "narkoba_miras",
    "kg": "keluarga_pengasuhan",
    "fi": "fasilitas_infrastruktur",
    "hl": "hubungan_antarwarga",
    "ta": "tokoh_agama_masyarakat",
}


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    topics: tuple[str, ...]
    group: str
    seeds: tuple[str, ...]  # seed/template ids the row was built from


def parse_seeds(path: Path = SEEDS_PATH) -> list[Row]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        head, text = line.split("\t", 1)
        label, group, topics = head.split()
        codes = () if topics == "." else tuple(TOPICS[c] for c in topics.split("|"))
        rows.append(Row(text.strip(), LABELS[label], codes, GROUPS[group], (f"s{number}",)))
    return rows


# --- register: standard Indonesian -> phone-typed Jakarta slang -------------------------
# Youth get heavy swaps, parents light ones; the first choice is the most common form.
_YOUTH = {
    "tidak": ["gak", "ga", "nggak", "gk", "enggak", "kagak", "tdk"],
    "gak": ["gak", "ga", "gk", "nggak", "ngga"],
    "sudah": ["udah", "udh", "dah", "sdh"],
    "udah": ["udah", "udh", "dah"],
    "yang": ["yg", "yang"],
    "kalau": ["klo", "kalo", "kl"],
    "banget": ["bgt", "banget", "bngt", "bgtt"],
    "karena": ["krn", "karna", "soalnya"],
    "tapi": ["tp", "tapi", "tpi"],
    "sekarang": ["skrg", "sekarang", "skrng", "skarang"],
    "belum": ["blm", "belom"],
    "saja": ["aja", "aja"],
    "saya": ["gw", "gue", "aku"],
    "gw": ["gw", "gue", "gua", "aku", "w"],
    "teman": ["temen"],
    "temen": ["temen", "tmn"],
    "sama": ["sama", "sm"],
    "dengan": ["sama", "dgn"],
    "untuk": ["buat", "utk"],
    "malam": ["malem", "mlm"],
    "malam-malam": ["malem2", "mlm2"],
    "pengen": ["pengen", "pgn", "pngen", "pingin"],
    "lagi": ["lagi", "lg"],
    "juga": ["jg", "juga"],
    "bisa": ["bisa", "bs"],
    "orang": ["org"],
    "anak-anak": ["anak2", "bocah2", "anak-anak"],
    "ribut-ribut": ["ribut2"],
    "dulu": ["dulu", "dlu"],
    "semoga": ["semoga", "smoga", "moga", "semoga aja"],
    "habis": ["abis"],
    "terus": ["terus", "trs", "mulu"],
    "kemarin": ["kmrn", "kemaren"],
    "begitu": ["gitu"],
    "dekat": ["deket", "dkt"],
    "datang": ["dateng"],
    "senang": ["seneng", "happy"],
    "benar": ["bener"],
    "tahu": ["tau", "tw"],
    "tau": ["tau", "tw"],
    "malas": ["males"],
    "ramai": ["rame"],
    "cepat": ["cepet"],
    "pas": ["pas", "waktu"],
    "mau": ["mau", "mo"],
    "apa": ["apa", "ap"],
    "emang": ["emang", "emg"],
    "diam": ["diem"],
    "masih": ["masih", "msh"],
    "takut": ["takut", "tkt"],
    "khawatir": ["khawatir", "kuatir", "khawatir bgt"],
    "banyak": ["banyak", "byk"],
    "kampung": ["kampung", "kmpg"],
    "jembatan": ["jembatan", "jmbtn"],
    "bagaimana": ["gimana", "gmn"],
    "kenapa": ["knp", "kenapa", "napa"],
    "jadi": ["jadi", "jd"],
    "di": ["di", "d"],
    "aman": ["aman", "amann"],
    "ada": ["ada", "ad"],
    "parah": ["parah", "parahh"],
}
_PARENT = {
    "tidak": ["tidak", "tdk", "gak", "nggak", "ga"],
    "sudah": ["sudah", "sdh", "udah"],
    "yang": ["yang", "yg"],
    "anak-anak": ["anak-anak", "anak2"],
    "dengan": ["dengan", "dgn"],
    "karena": ["karena", "krn", "karna"],
    "saya": ["saya", "sy", "aku"],
    "kalau": ["kalau", "kalo", "klo"],
    "bapak-bapak": ["bapak-bapak", "bapak2"],
    "untuk": ["untuk", "utk", "buat"],
    "sekarang": ["sekarang", "skrg"],
    "semoga": ["semoga", "mudah-mudahan", "semoga saja"],
    "sekali": ["sekali", "sekali", "banget"],
    "belum": ["belum", "blm"],
    "tapi": ["tapi", "tetapi", "tp"],
    "juga": ["juga", "jg"],
    "malam": ["malam", "malem"],
    "lagi": ["lagi", "lg"],
}
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def restyle(text: str, group: str, rng: random.Random, strength: float) -> str:
    """Swap words for their informal spellings with probability `strength`."""
    table = _YOUTH if group == "remaja" else _PARENT

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        options = table.get(word.lower())
        if not options or rng.random() > strength:
            return word
        return rng.choice(options)

    return _WORD.sub(swap, text)


def typo(text: str, rng: random.Random) -> str:
    """One realistic phone typo: dropped/doubled/swapped letter or a stretched word."""
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not idx:
        return text
    i = rng.choice(idx)
    w = words[i]
    kind = rng.random()
    j = rng.randrange(1, len(w) - 1)
    if kind < 0.3:
        w = w[:j] + w[j + 1 :]
    elif kind < 0.5:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind < 0.7:
        w = w[:j] + w[j] + w[j:]
    else:
        w = w + w[-1] * rng.randint(1, 3)
    words[i] = w
    return " ".join(words)


_PREFIX = {
    "orang_tua": ["Menurut saya, ", "Kalau saya pribadi, ", "Jujur saja, ", "Begini, ", "Ya ",
                  "Kalau di sini, ", "Sebagai orang tua, "],
    "remaja": ["jujur ", "klo gw sih ", "menurut gw ", "ya ", "hmm ", "sebenernya ",
               "pokoknya ", "ya gitu, ", "emg "],
}
_SUFFIX = {
    "orang_tua": [" Terima kasih.", " Itu saja.", " Pak.", " Bu.", " Sekian."],
    "remaja": [" sih", " deh", " bro", " wkwk", " bang", " aja", " dah", " gitu"],
}
_EMOTICON = {"positif": [" :)", " 🙏", " 👍", " :D"], "negatif": [" :(", " 😡", " 😢", " -_-"],
             "netral": [""]}


def surface(text: str, group: str, label: str, rng: random.Random) -> str:
    """Casing and punctuation as typed on a phone."""
    youth = group == "remaja"
    if youth and rng.random() < 0.8 or rng.random() < 0.3:
        text = text.lower()
    if rng.random() < 0.5:
        text = text.rstrip(".")
    if rng.random() < 0.12:
        text = text.rstrip(".!") + rng.choice(["!!", "...", "!", " .."])
    if rng.random() < 0.08:
        text = text + rng.choice(_EMOTICON[label])
    if rng.random() < 0.03:
        text = text.upper()
    return text


def vary(row: Row, rng: random.Random, heavy: bool) -> Row:
    text = row.text
    if rng.random() < 0.25:
        prefix = rng.choice(_PREFIX[row.group])
        text = prefix + (text[0].lower() + text[1:] if prefix.strip() else text)
    if rng.random() < 0.2:
        text = text.rstrip(".") + rng.choice(_SUFFIX[row.group])
    strength = (0.8 if heavy else 0.4) if row.group == "remaja" else (0.35 if heavy else 0.15)
    text = restyle(text, row.group, rng, strength)
    for _ in range(rng.choice([0, 0, 1, 1, 2]) if heavy else rng.choice([0, 0, 0, 1])):
        text = typo(text, rng)
    text = surface(text, row.group, row.label, rng)
    return Row(text, row.label, row.topics, row.group, row.seeds)


# --- template families: the hard cases, built systematically -----------------------------
EVENTS = [
    ("tawuran", ("tk",)), ("ribut-ribut", ("tk",)), ("perang sarung", ("tk",)),
    ("lempar-lemparan batu", ("tk",)), ("balap liar", ("kl",)), ("pemalakan", ("kl",)),
    ("mabuk-mabukan", ("nm",)), ("petasan tengah malam", ("kl", "tk")),
    ("bacok-bacokan", ("tk",)), ("anak-anak bawa sajam", ("tk",)),
    ("keributan antar geng", ("tk", "hl")), ("jambret", ("kl",)), ("tawuran sahur", ("tk",)),
    ("saling serang antar kampung", ("tk", "hl")), ("orang mabuk di jembatan", ("nm", "kl")),
    ("transaksi obat di gang", ("nm",)), ("provokasi di grup WA", ("ms",)),
]
CAUSES = [
    ("saling ejek di medsos", ("ms",)), ("rebutan wilayah nongkrong", ("hl",)),
    ("dendam lama antar kampung", ("hl",)), ("gengsi antar kelompok", ("hl",)),
    ("ikut-ikutan teman", ("kg",)), ("diajak senior", ("ps",)), ("masalah sepele", ()),
    ("saling tantang di Instagram", ("ms",)), ("pengaruh minuman keras", ("nm",)),
    ("cari pengakuan", ()), ("tidak ada kegiatan sepulang sekolah", ("kp",)),
    ("anak-anak kurang diawasi orang tua", ("kg",)), ("masalah pacar", ()),
    ("balas dendam", ("hl",)), ("janjian lewat DM", ("ms",)),
]
STATES = ["aman", "rukun", "damai", "tenang", "adem", "kondusif", "akur", "lebih tertib",
          "saling sapa", "lebih nyaman"]
PLACES = [("jembatan", ("kl",)), ("gang kami", ("kl",)), ("kolong jembatan", ("kl", "fi")),
          ("kampung sini", ("kl",)), ("pinggir kali", ("kl", "fi")), ("jalan ke sekolah", ("ps", "kl"))]
ACTIVITIES = [("lomba futsal", ("kp",)), ("pengajian remaja", ("ta", "kp")),
              ("pelatihan kerja", ("ek",)), ("kerja bakti", ("hl",)),
              ("penyuluhan narkoba", ("nm",)), ("kelas musik", ("kp",)),
              ("bimbel gratis", ("ps",)), ("patroli malam", ("pp",))]

FAMILIES: dict[str, tuple[str, str, list[str]]] = {
    # id: (label, slot kind, templates)
    "hope": ("positif", "event", [
        "Semoga tidak ada {x} lagi.", "Mudah-mudahan {x} tidak terjadi lagi.",
        "Jangan sampai ada {x} lagi.", "harapannya sih tidak ada {x} lagi",
        "Saya berharap {x} hilang dari kampung kita.", "semoga {x} cepat berhenti",
        "Doa saya cuma satu, jangan ada {x} lagi.", "pengen banget kampung bebas {x}"]),
    "gone": ("positif", "event", [
        "Sudah tidak ada {x} lagi.", "Sekarang sudah tidak ada {x} lagi, alhamdulillah.",
        "{x} sudah jarang sekarang.", "{x} sudah berkurang jauh.",
        "Alhamdulillah {x} sudah berhenti.", "udah lama gak ada {x}",
        "sekarang gak pernah ada {x} lagi", "{x} udah gak ada, lega"]),
    "ongoing": ("negatif", "event", [
        "Masih ada {x}.", "{x} makin sering.", "Tiap malam ada {x}.",
        "{x} lagi, {x} lagi.", "Saya khawatir masih ada {x}.", "kok masih aja ada {x}",
        "{x} gak berhenti-berhenti", "Yang saya takutkan {x} makin parah.",
        "belum aman, {x} masih sering", "capek dengar {x} terus"]),
    "sarcasm": ("negatif", "event", [
        "mantap banget, tiap malam ada {x}", "keren, {x} terus tiap minggu",
        "hebat ya, {x} jadi tontonan", "asik banget tiap malam ditemani {x}",
        "wah seru, {x} sudah kayak agenda rutin", "bagus, {x} sampai masuk berita",
        "luar biasa kampung kita, {x} tiap hari", "enak ya tinggal di sini, tiap malam {x}"]),
    "explain": ("netral", "cause", [
        "Tawuran biasanya karena {x}.", "Menurut saya tawuran terjadi karena {x}.",
        "Kebanyakan ributnya gara-gara {x}.", "penyebabnya biasanya {x}",
        "setahu saya awalnya dari {x}", "ya karena {x} aja sih",
        "Tawuran sering terjadi karena {x}.", "kalau ditanya kenapa, biasanya {x}"]),
    "turn_pos": ("positif", "state", [
        "Awalnya takut, tapi sekarang sudah {x}.", "Dulu sering ribut, sekarang sudah {x}.",
        "Dulu saya khawatir, tapi sekarang warga sudah {x}.",
        "Memang dulu ada tawuran, tapi sekarang {x}.", "awalnya was-was tp skrg udah {x}",
        "dulu serem, sekarang {x}", "Sempat ada keributan, tapi sekarang sudah {x} lagi."]),
    "turn_neg": ("negatif", "event", [
        "Kelihatannya aman, tapi {x} masih ada.", "katanya sudah damai, tapi kemarin ada {x} lagi",
        "Siang aman, tapi malam masih ada {x}.", "sekarang sih tenang, cuma masih ada {x}",
        "Ada patroli, tapi {x} tetap jalan.", "Acaranya bagus, sayangnya {x} masih terjadi."]),
    "neg_place": ("negatif", "place", [
        "{x} tidak aman.", "Tidak nyaman lewat {x}.", "{x} belum aman buat anak-anak.",
        "Kurang aman kalau malam di {x}.", "gak berani lewat {x} sendirian",
        "{x} gelap dan tidak ada yang jaga."]),
    "pos_place": ("positif", "place", [
        "Sudah tidak takut lagi lewat {x}.", "{x} sudah tidak seram lagi.",
        "Tidak ada masalah, {x} aman.", "sekarang {x} terang dan aman",
        "gak was-was lagi lewat {x}", "{x} sekarang ramai dan nyaman"]),
    "question": ("netral", "activity", [
        "Kapan ada {x} lagi?", "Ada {x} tidak di sini?", "{x} itu daftarnya di mana?",
        "Siapa yang mengurus {x}?", "{x} jadwalnya kapan ya?"]),
    "complaint_q": ("negatif", "event", [
        "Kenapa {x} tidak pernah ditindak?", "Sampai kapan mau {x} terus?",
        "Mana patrolinya kalau ada {x}?", "Kok dibiarkan saja ada {x}?"]),
    "lack": ("negatif", "activity", [
        "Tidak ada {x} lagi, anak-anak jadi nongkrong.", "{x} sudah lama berhenti, sayang sekali.",
        "Sudah lama tidak ada {x}.", "{x} cuma wacana, tidak pernah jalan."]),
    "want": ("positif", "activity", [
        "Semoga ada {x} lagi.", "Saya berharap {x} rutin diadakan.",
        "pengen ada {x} tiap bulan", "{x} kemarin bagus, semoga berlanjut",
        "Senang sekali ada {x}."]),
}
_SLOTS = {"event": EVENTS, "cause": CAUSES, "place": PLACES, "activity": ACTIVITIES,
          "state": [(s, ("hl",)) for s in STATES]}


def family_rows(rng: random.Random, per_family: int = 30) -> list[Row]:
    rows = []
    for fam, (label, slot, templates) in FAMILIES.items():
        fills = _SLOTS[slot]
        # neutral is the smallest class in real answers too; give its families more rows
        count = per_family * 3 // 2 if label == "netral" else per_family
        for _ in range(count):
            t_index = rng.randrange(len(templates))
            fill, codes = rng.choice(fills)
            text = templates[t_index].replace("{x}", fill)
            text = text[0].upper() + text[1:]
            topics = tuple(dict.fromkeys(TOPICS[c] for c in codes)) or (TOPICS["tk"],)
            if slot == "cause":
                topics = tuple(dict.fromkeys((TOPICS["tk"], *topics)))
            group = rng.choice(list(GROUPS.values()))
            rows.append(Row(text, label, topics[:3], group, (f"{fam}{t_index}",)))
    return rows


# --- clause combinations ------------------------------------------------------------------
_CONTRAST = [", tapi ", ". Tapi ", ", namun ", ", cuma ", ". Sayangnya ", ", tapi sekarang "]
_JOIN = [". ", ", ", " dan ", ". Terus ", ". Selain itu "]
_WISH = ["Semoga cepat aman.", "Semoga ada solusi.", "Mudah-mudahan ada perhatian.",
         "semoga cepet beres", "Tolong diperhatikan."]


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def combine(a: Row, b: Row, glue: str, label: str) -> Row:
    first = a.text.rstrip(".!?")
    second = b.text if glue.endswith(". ") else _lower_first(b.text)
    if glue == ", tapi sekarang ":
        second = re.sub(r"^(sekarang|skrg)\s+", "", second, flags=re.I)
    topics = tuple(dict.fromkeys(a.topics + b.topics))[:3]
    return Row(first + glue + second, label, topics, a.group, a.seeds + b.seeds)


def combination_rows(seeds: list[Row], rng: random.Random, n: int) -> list[Row]:
    by = {(lab, g): [s for s in seeds if s.label == lab and s.group == g and s.topics
                     and len(s.text) > 12]
          for lab in LABELS.values() for g in GROUPS.values()}
    rows = []
    for k in range(n):
        group = rng.choice(list(GROUPS.values()))
        kind = k % 7
        if kind == 6:
            kind = 4  # extra neutral pairs: the neutral class is the smallest
        if kind in (0, 1):  # the clause after the contrast decides
            first, second = ("negatif", "positif") if kind == 0 else ("positif", "negatif")
            a = rng.choice(by[(first, group)])
            # prefer a second clause on a shared topic so the answer reads as one thought
            near = [s for s in by[(second, group)] if set(s.topics) & set(a.topics)]
            b = rng.choice(near or by[(second, group)])
            rows.append(combine(a, b, rng.choice(_CONTRAST), second))
        elif kind in (2, 3, 4):  # same polarity twice
            label = ["positif", "negatif", "netral"][kind - 2]
            a = rng.choice(by[(label, group)])
            near = [s for s in by[(label, group)] if set(s.topics) & set(a.topics) and s != a]
            b = rng.choice(near or by[(label, group)])
            rows.append(combine(a, b, rng.choice(_JOIN), label))
        else:  # a present problem plus a generic wish stays negative (coding guide, rule 6)
            a = rng.choice(by[("negatif", group)])
            wish = rng.choice(_WISH)
            rows.append(Row(a.text.rstrip(".!") + ". " + wish, "negatif", a.topics, group,
                            a.seeds))
    return rows


# --- assembly -----------------------------------------------------------------------------
def dedupe_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def build_rows(seed: int = 20241) -> list[Row]:
    """All corpus rows (deduplicated), with their seed ids."""
    rng = random.Random(seed)
    seeds = parse_seeds()
    base = seeds + family_rows(rng) + combination_rows(seeds, rng, 350)
    out: list[Row] = []
    seen: set[str] = set()

    def add(row: Row) -> None:
        key = dedupe_key(row.text) or row.text
        if key not in seen:
            seen.add(key)
            out.append(row)

    for row in base:
        add(vary(row, rng, heavy=False) if row.seeds[0][0] != "s" or len(row.seeds) > 1
            else row)
        copies = 3 if len(row.seeds) == 1 and row.seeds[0].startswith("s") else 1
        for _ in range(copies):
            add(vary(row, rng, heavy=True))
    return out


def write_csv(rows: list[Row], path: Path = LABELLED_PATH) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "topics", "group"])
        for row in rows:
            writer.writerow([row.text, row.label, "|".join(row.topics), row.group])


if __name__ == "__main__":
    built = build_rows()
    write_csv(built)
    print(f"{len(built)} rows -> {LABELLED_PATH}")
