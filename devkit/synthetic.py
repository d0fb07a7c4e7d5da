"""Deterministic fictional survey responses (sample exports, benchmarks) with a story in the numbers.

Every name, number and address is invented. Tension falls wave by wave on side barat; side
timur is flat but flares up in 2025-05 and partly recovers in 2025-08.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sentiment.config import TIMEZONE, load_yaml
from sentiment.forms.model import Form, FormRegistry, load_registry

SAMPLE_SEED = 20241101
WAVES = ("2024-11", "2025-02", "2025-05", "2025-08")

# --- the story --------------------------------------------------------------------------------
# Mean latent sense of safety per side and wave (higher = calmer). Item responses are
# 3 + loading × latent + noise, so one latent unit moves a Likert mean by about 0.9 points.
SAFETY = {
    "barat": {"2024-11": -0.6, "2025-02": -0.15, "2025-05": 0.3, "2025-08": 0.75},
    "timur": {"2024-11": 0.05, "2025-02": 0.05, "2025-05": -1.3, "2025-08": -0.45},
}
# Brawls witnessed in the last 3 months (Poisson mean at the cell's average respondent).
BRAWLS = {
    "barat": {"2024-11": 4.0, "2025-02": 3.0, "2025-05": 2.0, "2025-08": 1.2},
    "timur": {"2024-11": 2.2, "2025-02": 2.2, "2025-05": 5.5, "2025-08": 3.2},
}
PARTICIPATION = {"2024-11": 0.15, "2025-02": 0.3, "2025-05": 0.42, "2025-08": 0.55}
PROGRAMME_BOOST = 0.35  # participants feel this much safer (latent units)
LOADING, ITEM_NOISE, TRAIT_SD, OCCASION_SD = 0.9, 0.85, 0.55, 0.55
ITEM_OFFSET = {"aman_siang": 0.7, "aman_malam": -0.3, "percaya_polisi": 0.1, "hubungan_seberang": 0.0,
               "hubungan_warga_seberang": 0.0, "tekanan_teman": -0.6, "khawatir_anak": 0.4,
               "khawatir_tawuran": 0.3, "medsos_provokasi": 0.2}
# Reverse-worded items rise when the latent sense of safety falls.
REVERSED = {"tekanan_teman", "khawatir_anak", "khawatir_tawuran", "medsos_provokasi"}
ANSWER_RATE = {"harapan": 0.82, "kekhawatiran": 0.72, "penyebab_tawuran": 0.6}
TEXT_BIAS = {"harapan": 0.6, "kekhawatiran": -0.5, "penyebab_tawuran": -0.4}
INVALID_KINDS = ("umur_di_luar_batas", "tanpa_izin_ortu", "likert_7", "rw_tidak_dikenal",
                 "jawaban_wajib_kosong", "tanggal_di_luar_gelombang")
ACTIVITIES = {
    "orang_tua": {"patroli_bersama": 3, "dialog": 3, "pengajian": 3, "parenting": 4, "olahraga": 1, "seni": 1},
    "remaja": {"olahraga": 5, "seni": 3, "dialog": 2, "pengajian": 2, "patroli_bersama": 1, "parenting": 0.2},
}

# --- invented identities ---------------------------------------------------------------------
GIVEN_M = ("Ardhanu Bayurendra Cakrawira Danuarsa Elangsa Fajrindo Galendra Harsatama Indrajali "
           "Jatmikarsa Kemalendra Lintangra Mahesvaro Nandiwira Oktarendi Prabasena Raditara "
           "Sandyakalo Tirtamulyo Umbaranu Wiradanu Yudhasena Zulkarnanda Arkananta Bagaspati "
           "Candrasena Dirgantoro Erlangsa Gemilangra Haryosena").split()
GIVEN_F = ("Ayuningrat Bintarani Citrawulan Dewisandra Embunsari Fitrianda Gendiswara Hanumarti "
           "Intanreswari Jelitasari Kinanthira Larasita Mayangsekar Nirmalarani Oktaviandra "
           "Puspitarani Ratnasekar Sekarwangi Tiarasanti Utarinda Wulandarsih Yasmirani Zahrandini "
           "Anindyara Kiranasih Melatiwangi Sundarisa Lestarinda Purnamasih Rembulanti").split()
SURNAMES = ("Pasirwangi Kalimaya Jembarasa Sukapasir Kaliandra Banyuwangsa Cipasiran Pramudiaksa "
            "Sastrawinata Kusumapasir Adiwangsa Suryapasir Kalijenar Wirakali Pasirmulya Hadikalis "
            "Jayapasir Brataseberang Pancakali Tuladewi Rekasana Gunapasir Mandalakali Sentosapura "
            "Larasakti").split()
STREETS = ("Jl. Pasir Fiktif", "Jl. Kali Khayalan", "Gg. Jembatan Fiktif", "Jl. Kenari Rekaan",
           "Gg. Bebek Fiktif", "Jl. Bantaran Rekaan")
PHONE_PREFIXES = ("0812", "0813", "0857", "0878")


def phone_formats(digits: str) -> list[str]:
    """One fake mobile number (`0812-0000-1234` digits) the ways people type it."""
    local = digits[1:]  # without the leading 0
    a, b, c = local[:3], local[3:7], local[7:]
    return [f"0{a}-{b}-{c}", f"0{local}", f"+62 {a}-{b}-{c}", f"62{local}", f"+62 {a} {b} {c}",
            f"0{a} {b} {c}", f"+62{local}"]


def nik_formats(nik: str) -> list[str]:
    return [nik, f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}", f"{nik[:4]}.{nik[4:10]}.{nik[10:]}"]


@dataclass
class Person:
    """One invented respondent; panel members come back in later waves with the same identity."""

    pid: int
    group: str
    given: str
    surname: str
    gender: str
    age0: int  # age at wave 2024-11
    rw: str
    rt: int
    phone: str  # digits, 0812-0000-xxxx style
    nik: str
    street: str
    house: int
    handle: str
    email: str
    trait: float  # persistent part of the latent sense of safety
    has_phone: bool
    has_nik: bool
    has_address: bool

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"

    @property
    def address(self) -> str:
        return f"{self.street} No. {self.house} RT {self.rt:02d}/RW {self.rw}"

    @property
    def side(self) -> str:
        return side_of(self.rw)


@dataclass
class PiiLog:
    """Every raw personal value written, for tests/fixtures/sample_pii.json."""

    values: dict[str, set[str]] = field(default_factory=lambda: {
        k: set() for k in ("names", "phones", "niks", "emails", "handles", "addresses", "plates",
                           "phone_digits", "nik_digits")})

    def add(self, kind: str, *items: str) -> None:
        """Log values exactly as written; phones and NIKs also as bare digits (`*_digits`)."""
        self.values[kind].update(i for i in items if i and len(i) >= 6)
        if kind in ("phones", "niks"):
            digits = {re.sub(r"\D", "", i) for i in items if i}
            self.values[kind.removesuffix("s") + "_digits"].update(d for d in digits if len(d) >= 10)

    def as_json(self) -> dict[str, list[str]]:
        """Sorted lists per kind, plus `name_parts`: every given name and surname on its own."""
        out = {k: sorted(v) for k, v in self.values.items()}
        out["name_parts"] = sorted({part for name in self.values["names"] for part in name.split()
                                    if len(part) >= 6})
        return out


class _NoPiiLog(PiiLog):
    """Nobody asked which PII was written: skip the bookkeeping (big benchmark frames)."""

    def add(self, kind: str, *items: str) -> None:
        return None


@cache
def _areas() -> dict[str, str]:
    return {str(a["code"]): a["side"] for a in load_yaml("areas.yaml")["areas"]}


def side_of(rw: str) -> str:
    return _areas().get(rw, "barat")


@cache
def wave_windows() -> dict[str, tuple[dt.date, dt.date]]:
    waves = load_yaml("waves.yaml")["waves"]
    return {str(w["wave_id"]): (_as_date(w["start"]), _as_date(w["end"])) for w in waves}


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _wave_index(wave_id: str) -> int:
    return WAVES.index(wave_id) if wave_id in WAVES else 0


class People:
    """A pool of invented people per group; `draw` mixes returning (panel) and new people."""

    def __init__(self, rng: random.Random, np_rng: np.random.Generator) -> None:
        self.rng, self.np_rng = rng, np_rng
        self.seen: dict[str, list[Person]] = {"orang_tua": [], "remaja": []}
        self._next = 0
        self._phones: set[str] = set()
        self._niks: set[str] = set()

    def new(self, group: str) -> Person:
        rng = self.rng
        gender = rng.choice("LP")
        given = rng.choice(GIVEN_M if gender == "L" else GIVEN_F)
        age0 = rng.randint(30, 64) if group == "orang_tua" else rng.choice(
            [13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 19, 20, 21, 22])
        self._next += 1
        # 0812-0000-xxxx: obviously fake; past 10,000 people the middle block counts up (0001, …)
        block = f"{self._next // 10_000:04d}"
        phone = self._unique(self._phones, lambda: rng.choice(PHONE_PREFIXES) + block + f"{rng.randint(0, 9999):04d}")
        nik = self._unique(self._niks, lambda: f"3171{rng.randrange(10**12):012d}")
        surname = rng.choice(SURNAMES)
        person = Person(
            pid=self._next, group=group, given=given, surname=surname, gender=gender, age0=age0,
            rw=f"{self._next % 8 + 1:02d}", rt=rng.randint(1, 12), phone=phone, nik=nik,
            street=rng.choice(STREETS) + " " + rng.choice(["I", "II", "III", "IV", "V"]),
            house=rng.randint(1, 120), handle=f"@{given.lower()}_{rng.choice(['kp', 'pasir', 'kali'])}{rng.randint(1, 99):02d}",
            email=f"{given.lower()}.{surname.lower()[:6]}{rng.randint(1, 99):02d}@contohmail.id",
            trait=float(self.np_rng.normal(0, TRAIT_SD)),
            has_phone=rng.random() < 0.86, has_nik=rng.random() < 0.9, has_address=rng.random() < 0.8,
        )
        return person

    @staticmethod
    def _unique(seen: set[str], make: Any) -> str:
        while True:
            value = make()
            if value not in seen:
                seen.add(value)
                return value

    def draw(self, group: str, n: int, panel_share: float) -> list[Person]:
        previous = list({p.pid: p for p in self.seen[group]}.values())
        returning = min(len(previous), round(n * panel_share))
        chosen = self.rng.sample(previous, returning) if returning else []
        chosen += [self.new(group) for _ in range(n - returning)]
        self.rng.shuffle(chosen)
        self.seen[group].extend(p for p in chosen if p not in previous)
        return chosen


# --- free text --------------------------------------------------------------------------------
# One phrase a line: polarity (+ calm, 0 neutral, - tense), questions (h harapan,
# k kekhawatiran, p penyebab_tawuran), text. Variation (slang, typos) is added on top.
PHRASES = """
# keamanan lingkungan
keamanan + h semoga lingkungan kita makin aman terus
keamanan + h pengen jembatan aman dilewatin kapan aja
keamanan + h semoga anak-anak bisa main di luar tanpa takut lagi
keamanan + hk alhamdulillah sekarang sudah jauh lebih aman, semoga bertahan
keamanan + h mudah-mudahan suasana tenang kayak sekarang terus
keamanan + h semoga malam hari bisa jalan kaki tanpa was-was
keamanan - k gw gak ngerasa aman klo lewat jembatan malem2
keamanan - k saya takut anak pulang sekolah lewat jembatan
keamanan - k malam hari jembatan sepi dan gelap, rawan banget
keamanan - k suka ada yang nongkrong bawa sajam di ujung jembatan
keamanan - k was-was tiap dengar suara motor ngebut tengah malam
keamanan - k anak saya pernah dipalak pas lewat gang sebelah kali
keamanan 0 k kadang aman kadang tidak, tergantung jam
keamanan 0 h semoga ada pos jaga di dekat jembatan
keamanan 0 h perlu ada jam malam buat anak di bawah umur
keamanan + k sekarang sudah tidak terlalu khawatir, lebih tenang
keamanan - p lingkungan sepi tidak ada yang jaga
keamanan 0 p karena tidak ada yang mengawasi jembatan malam hari
keamanan - k takut kejadian kayak tahun lalu terulang lagi
keamanan + h semoga kampung kita dikenal sebagai kampung aman bukan kampung tawuran
# tawuran dan kekerasan
tawuran - h semoga gak ada korban lagi
tawuran - k takut ada tawuran lagi pas malam minggu
tawuran - k anak saya hampir kena sabetan celurit waktu tawuran kemarin
tawuran - k tiap malam minggu ada aja yang tawuran di jembatan
tawuran - k kemarin tawuran lagi, batu beterbangan sampai ke rumah warga
tawuran - k takut anak ikut-ikutan tawuran karena diajak teman
tawuran - k serem banget lihat anak kecil bawa sajam
tawuran - p tawuran sudah kayak tradisi turun temurun antar kampung
tawuran - p dendam lama antara barat sama timur belum selesai
tawuran - p saling ejek di jalan terus jadi ribut
tawuran - p gara-gara saling tantang, gengsi kalau tidak datang
tawuran - p anak-anak cari pengakuan biar dianggap jagoan
tawuran 0 p karena masalah sepele kayak senggolan motor
tawuran - k tawuran makin sering akhir-akhir ini
tawuran + h semoga tawuran benar-benar berhenti selamanya
tawuran + k sudah lama tidak ada tawuran, semoga terus begitu
tawuran + h pengen lihat anak barat sama timur damai
tawuran - k korban luka kemarin masih anak smp
tawuran - p balas dendam karena temannya dipukul
tawuran 0 p ada yang ngompor-ngompori biar ribut
tawuran - k bunyi petasan tengah malam tanda mau tawuran
tawuran - h semoga yang bawa senjata tajam ditangkap semua
# patroli polisi
polisi + h semoga patroli polisi tiap malam terus ada
polisi + k makasih pak polisi sudah sering patroli, jadi tenang
polisi + h bhabinkamtibmas sering mampir, bagus banget
polisi - k polisi datang telat pas tawuran sudah bubar
polisi - k patroli cuma pas ada kejadian doang
polisi - p kurang tegas aparat, pelaku cepat dilepas
polisi 0 h perlu pos polisi permanen di ujung jembatan
polisi 0 h minta patroli gabungan polisi tni sama warga tiap malam minggu
polisi + h ronda bareng polisi bikin warga lebih berani
polisi - k lapor polisi malah ribet, jadi warga malas lapor
polisi - p hukuman buat pelaku tidak bikin jera
polisi + k semenjak ada patroli rutin, sudah jarang ribut
polisi 0 h semoga polisi lebih dekat sama anak muda, jangan cuma menangkap
polisi - k polisi tidak pernah kelihatan di gang dalam
polisi + h terima kasih buat babinsa dan bhabin yang rajin keliling
polisi 0 p penegakan hukum belum jalan
polisi - k takut lapor karena nanti dicari sama gengnya
polisi + h semoga patroli malam dilanjut terus
polisi 0 h perlu nomor pengaduan yang cepat direspon
polisi + k sekarang kalau ada yang ngumpul-ngumpul langsung dibubarin polisi, mantap
# kegiatan pemuda
pemuda + h mantap bgt skrg ada futsal bareng anak seberang
pemuda + h semoga kegiatan olahraga bareng diadain tiap minggu
pemuda + h pengen ada sanggar seni buat anak-anak muda
pemuda + k anak saya sekarang sibuk latihan band, tidak sempat nongkrong
pemuda + h turnamen bola antar rw seru, bikin akrab
pemuda - p anak muda tidak punya kegiatan, akhirnya nongkrong tidak jelas
pemuda - p kurang tempat main buat remaja
pemuda 0 h tolong adain pelatihan kerja buat pemuda putus sekolah
pemuda 0 h karang taruna perlu dihidupkan lagi
pemuda + h lomba 17an kemarin seru banget, barat timur bareng
pemuda + k dialog warga kemarin bagus, anak-anak bisa ngomong langsung
pemuda 0 h butuh lapangan yang bisa dipakai gratis
pemuda - p remaja nganggur ya larinya ke tawuran
pemuda + h semoga ada beasiswa atau kursus gratis buat remaja
pemuda 0 h pengen ada kelas musik sama desain grafis
pemuda + k ikut kegiatan seni bikin aku punya teman baru dari seberang
pemuda + h semoga program olahraga bareng terus jalan walau dana habis
pemuda - k kegiatan cuma sebentar, habis itu sepi lagi
pemuda 0 h perlu mentor yang bisa jadi contoh buat anak muda
pemuda + h main futsal bareng anak seberang ternyata asik
# sekolah
sekolah - k takut dicegat anak sekolah lain pas pulang
sekolah - k anak saya sering bolos diajak teman
sekolah - p antar sekolah saling ejek di medsos
sekolah 0 h sekolah harus lebih ketat mengawasi jam pulang
sekolah + h semoga guru bk lebih peduli sama murid
sekolah - p pelajar ikut-ikutan tawuran karena solidaritas angkatan
sekolah 0 h perlu kerja sama sekolah dengan rt rw
sekolah + k sekarang pulang sekolah dijemput rame-rame, aman
sekolah - k takut nilai turun gara-gara ikut nongkrong terus
sekolah + h pengen lanjut kuliah dan kerja bagus
sekolah 0 p budaya senioritas di sekolah
sekolah - k ada kakak kelas yang maksa ikut geng
sekolah + h semoga semua anak di sini bisa sekolah sampai lulus
sekolah 0 h sekolah bikin ekskul yang seru biar anak betah
sekolah - p banyak yang putus sekolah terus tidak ada kerjaan
sekolah + k wali kelas sering tanya kabar, jadi semangat sekolah
sekolah 0 k ujian sebentar lagi tapi suasana masih tidak kondusif
sekolah - k anak smp sudah berani bawa gir ke sekolah
# ekonomi dan pekerjaan
ekonomi - k susah cari kerja, anak muda banyak yang nganggur
ekonomi - p ekonomi susah, orang gampang emosi
ekonomi 0 h semoga ada lapangan kerja buat warga sini
ekonomi 0 h pengen ada pelatihan usaha buat ibu-ibu
ekonomi + h semoga warung-warung ramai lagi kayak dulu
ekonomi - k harga-harga naik terus, pusing mikirin biaya sekolah
ekonomi - k kalau ada tawuran warung tutup, rugi
ekonomi + h bazar umkm kemarin laku, semoga sering diadain
ekonomi - p orang tua sibuk kerja sampai malam, anak tidak terurus
ekonomi 0 h butuh modal usaha kecil-kecilan
ekonomi + k alhamdulillah sekarang dagangan lumayan karena jembatan ramai lagi
ekonomi - k ojol tidak mau ambil orderan ke sini karena takut
ekonomi 0 p kemiskinan bikin anak gampang terpengaruh
ekonomi + h semoga ada bursa kerja di kelurahan
ekonomi - k pengangguran makin banyak di gang kami
ekonomi + h semoga anak muda bisa buka usaha sendiri
ekonomi 0 h perlu koperasi warga
# media sosial dan provokasi
medsos - k banyak tantangan tawuran di ig sama tiktok
medsos - p saling tantang lewat medsos, terus ketemuan di jembatan
medsos - p konten live tawuran bikin anak-anak pengen eksis
medsos - k grup wa anak-anak isinya provokasi terus
medsos - k akun anonim menyebarkan video lama biar panas lagi
medsos 0 h perlu edukasi medsos buat remaja
medsos 0 h tolong akun provokator di medsos ditindak
medsos - p gara-gara status wa saling sindir
medsos + h semoga medsos dipakai buat promosi kegiatan positif
medsos + k sekarang akun tantangan tawuran sudah pada di-takedown
medsos - k video tawuran viral, nama kampung jadi jelek
medsos 0 p pengen viral jadi nekat
medsos - k anak saya sering lihat video kekerasan di hp
medsos + h bikin konten bareng anak seberang, bukan konten ribut
medsos - p hoaks di grup warga bikin salah paham antar rw
medsos 0 h orang tua harus mengecek hp anak
medsos + k akun kampung sekarang isinya kegiatan bagus
medsos - k ada yang ngetag-ngetag ngajak ribut tiap malam minggu
# narkoba dan miras
narkoba - k takut anak kena narkoba
narkoba - p banyak yang mabuk miras oplosan dulu sebelum tawuran
narkoba - k ada yang jualan obat keras di ujung gang
narkoba - p pengaruh minuman keras sama obat-obatan
narkoba 0 h tolong berantas peredaran obat terlarang di sini
narkoba - k anak muda nongkrong sambil mabuk tiap malam
narkoba 0 h perlu penyuluhan bahaya narkoba di sekolah
narkoba + h semoga kampung bersih dari narkoba
narkoba - p tramadol sama eximer gampang dibeli
narkoba + k warung yang jual miras sudah ditutup, lega
narkoba - k tetangga ada yang ketangkap narkoba, kasihan anaknya
narkoba 0 p lingkungan pergaulan yang salah
# keluarga dan pengasuhan
keluarga - k khawatir anak salah pergaulan
keluarga - p kurang perhatian orang tua
keluarga - p orang tua kurang mengawasi anak malam-malam
keluarga 0 h orang tua harus lebih dekat sama anak
keluarga + h kelas parenting bermanfaat banget buat saya
keluarga + k sekarang lebih sering ngobrol sama anak, jadi tahu temannya siapa
keluarga 0 h semoga ada konseling keluarga gratis
keluarga - k anak saya susah diatur, sering pulang pagi
keluarga - p broken home, anak cari perhatian di luar
keluarga + h semoga anak-anak kita tumbuh jadi orang baik
keluarga 0 k takut anak saya jadi korban salah sasaran
keluarga + k anak sekarang lebih betah di rumah
keluarga 0 h ibu-ibu pengajian bisa bantu mengawasi anak-anak
keluarga - k saya kerja malam, anak sendirian di rumah
keluarga - p kurang komunikasi orang tua sama anak
keluarga + h pengen keluarga kami hidup tenang
keluarga 0 h perlu jam malam yang disepakati keluarga
keluarga - k anak cowok saya sudah 2 kali ketahuan ikut ngumpul geng
# fasilitas: lampu jalan, CCTV
fasilitas 0 h tolong lampu jalan di jembatan dibenerin
fasilitas 0 h pasang cctv di ujung jembatan sama gang-gang
fasilitas - k lampu jembatan mati sudah sebulan, gelap banget
fasilitas + k sekarang sudah ada cctv, jadi lebih tenang
fasilitas + h semoga taman di pinggir kali dirawat
fasilitas - p jembatan gelap jadi tempat nongkrong
fasilitas 0 h butuh ruang terbuka buat anak main
fasilitas + k lampu baru di jembatan terang banget, mantap
fasilitas 0 h perlu gapura dan pos ronda yang layak
fasilitas - k cctv cuma pajangan, tidak nyala
fasilitas + h semoga jembatan dicat dan dihias biar jadi ikon kampung
fasilitas 0 h minta tempat sampah sama penerangan di bantaran
fasilitas - k jalan inspeksi kali gelap dan sepi
fasilitas + k pos ronda baru sering dipakai warga, ramai
fasilitas 0 h butuh lapangan olahraga bersama di tengah dua kampung
# hubungan antarwarga
hubungan + h semoga warga barat dan timur akur kayak dulu
hubungan + k sekarang sudah bisa menyapa warga seberang
hubungan + h pengen ada acara makan bareng dua kampung
hubungan - k masih ada rasa curiga sama warga seberang
hubungan - p warga dua kampung jarang ketemu, gampang salah paham
hubungan + k kerja bakti bareng kemarin bikin akrab
hubungan 0 h perlu forum warga rutin antar rw
hubungan - k anak saya dilarang main ke seberang sama bapaknya
hubungan + h semoga tidak ada lagi istilah anak barat anak timur
hubungan - p fanatik kampung berlebihan
hubungan + k tetangga seberang ternyata baik-baik
hubungan 0 h adain ronda gabungan warga dua sisi
hubungan - k kalau lewat seberang masih diliatin
hubungan + h jembatan ini harusnya menyambungkan bukan memisahkan
hubungan + k dialog warga dua sisi bikin saling mengerti
hubungan 0 h perlu mediasi kalau ada masalah antar warga
hubungan - p masalah kecil antar warga dibesar-besarkan
# tokoh agama dan masyarakat
tokoh + h pak rt sama pak rw sigap banget sekarang
tokoh + h semoga pak ustadz terus mengajak anak muda mengaji
tokoh 0 h tokoh agama harus turun langsung ke anak muda
tokoh + k kajian remaja di masjid ramai, bagus
tokoh - k tokoh masyarakat cuma ngomong pas ada kejadian
tokoh 0 h perlu tokoh pemuda yang dihormati dua kampung
tokoh + k pengajian bareng dua kampung adem banget
tokoh - p tokoh-tokohnya juga dulu bagian dari konflik
tokoh + h makasih buat ketua rw yang rajin bikin pertemuan
tokoh 0 h libatkan ulama dan pendeta buat damai
tokoh + k majelis taklim ikut mengawasi anak-anak, terima kasih
tokoh 0 h minta lurah lebih sering turun ke warga
tokoh - k rapat warga cuma formalitas
tokoh + h semoga pemuka agama jadi penengah kalau ada masalah
"""

QUESTION_CODE = {"harapan": "h", "kekhawatiran": "k", "penyebab_tawuran": "p"}
TOPIC_WEIGHT = {"keamanan": 3, "tawuran": 3, "polisi": 2, "pemuda": 2, "sekolah": 1.5, "ekonomi": 1.5,
                "medsos": 1.5, "narkoba": 1, "keluarga": 2, "fasilitas": 1.5, "hubungan": 2, "tokoh": 1}
FLARE_TOPICS = {"tawuran": 3.0, "medsos": 3.0}  # weight multipliers during a flare-up

SLANG = {
    "tidak": ["gak", "ga", "nggak", "ngga", "tdk", "gk"], "sudah": ["udah", "udh", "sdh"],
    "saya": ["aku", "sy", "gw", "gue"], "banget": ["bgt", "bngt", "bangettt"], "yang": ["yg"],
    "sekarang": ["skrg", "skrang"], "karena": ["krn", "karna", "soalnya"], "dengan": ["dgn", "sama"],
    "malam": ["malem", "mlm"], "untuk": ["utk", "buat"], "kalau": ["klo", "kalo", "kl"],
    "semoga": ["smoga", "mudah2an", "moga2"], "terus": ["trs", "mulu"], "lagi": ["lg"],
    "anak-anak": ["anak2", "bocah2"], "juga": ["jg"], "teman": ["temen"], "tahu": ["tau"],
    "lihat": ["liat"], "pengen": ["pgn", "pingin"], "bareng": ["brg"], "orang": ["org"],
    "sama": ["ama", "sm"], "bisa": ["bs"], "cuma": ["cm", "cuman"], "dulu": ["dlu"],
}
TAILS = ["", "", "", "", " sih", " aja", "!!", "..", " wkwk", " 🙏", " 😭", " pak", " dong", "…", " amin"]
PII_TEMPLATES = (
    ("phones", "kalo ada apa2 hubungi aja {phone}"), ("phones", "wa saya {phone} klo mau tanya2"),
    ("names", "nama saya {name}, {base}"), ("addresses", "rumah saya di {address}, {base}"),
    ("niks", "nik saya {nik}"), ("emails", "email aja ke {email} buat info kegiatan"),
    ("handles", "follow ig {handle} buat info kegiatan"), ("names", "kemarin {title} {other} yg bantuin lerai"),
    ("plates", "motor {plate} sering ngebut malem2 di jembatan"), ("names", "{base}, kata {title} {other}"),
)


@dataclass(frozen=True)
class Phrase:
    topic: str
    polarity: str
    questions: str
    text: str


@cache
def phrases() -> tuple[Phrase, ...]:
    rows = []
    for line in PHRASES.strip().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        topic, polarity, questions, text = line.split(" ", 3)
        rows.append(Phrase(topic, polarity, questions, text))
    return tuple(rows)


def vary(text: str, rng: random.Random) -> str:
    """Light phone-typing variation: slang swaps, dropped vowels, repeated letters, typos, tails."""
    words = text.split(" ")
    out = []
    for word in words:
        core = word.rstrip(",")
        if core in SLANG and rng.random() < 0.55:
            word = word.replace(core, rng.choice(SLANG[core]), 1)
        elif len(core) > 6 and core.isalpha() and rng.random() < 0.05:
            word = core[0] + re.sub(r"[aiueo]", "", core[1:-1]) + core[-1] + word[len(core):]
        elif len(core) > 3 and core.isalpha() and rng.random() < 0.03:
            i = rng.randrange(1, len(core) - 1)
            word = core[:i] + core[i + 1] + core[i] + core[i + 2:] + word[len(core):]
        out.append(word)
    text = " ".join(out)
    if rng.random() < 0.12:
        text = re.sub(r"([aiu])(\b)", lambda m: m.group(1) * rng.randint(2, 4) + m.group(2), text, count=1)
    roll = rng.random()
    if roll < 0.12:
        text = text[0].upper() + text[1:]
    elif roll < 0.16:
        text = text.upper()
    elif roll < 0.2:
        text = text.replace(",", "")
    return text + rng.choice(TAILS)


@cache
def _pool(code: str, polarity: str, boost: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    """Phrases for one question and polarity (topped up with neutral ones), cumulative weights."""
    pool = [p for p in phrases() if code in p.questions and p.polarity == polarity]
    if len(pool) < 8:
        pool += [p for p in phrases() if code in p.questions and p.polarity == "0"]
    factors = dict(boost)
    weights = np.cumsum([TOPIC_WEIGHT[p.topic] * factors.get(p.topic, 1.0) for p in pool]).tolist()
    return [p.text for p in pool], weights


@dataclass
class TextMaker:
    rng: random.Random
    pii: PiiLog
    pii_rate: float
    variants: int = 0  # > 0: draw from this many pre-varied texts per kind (fast, for big n)
    _cache: dict[tuple[str, str, tuple[tuple[str, float], ...]], list[str]] = field(default_factory=dict)

    def answer(self, question: str, latent: float, topic_boost: dict[str, float],
               person: Person) -> str | None:
        rng = self.rng
        if rng.random() > ANSWER_RATE[question]:
            return None
        z = 1.4 * latent + TEXT_BIAS[question] + rng.gauss(0, 0.7)
        polarity = "+" if z > 0.5 else "-" if z < -0.5 else "0"
        if self.variants:
            key = (question, polarity, tuple(sorted(topic_boost.items())))
            if key not in self._cache:
                self._cache[key] = [self._fresh(question, polarity, topic_boost) for _ in range(self.variants)]
            text = rng.choice(self._cache[key])
        else:
            text = self._fresh(question, polarity, topic_boost)
        if rng.random() < self.pii_rate:
            text = self._with_pii(text, person)
        return text

    def _fresh(self, question: str, polarity: str, topic_boost: dict[str, float]) -> str:
        text = self._phrase(question, polarity, topic_boost)
        if self.rng.random() < 0.22:
            text += self.rng.choice([", ", ". ", " "]) + self._phrase(question, polarity, topic_boost)
        return vary(text, self.rng)

    def _phrase(self, question: str, polarity: str, boost: dict[str, float]) -> str:
        texts, cumulative = _pool(QUESTION_CODE[question], polarity, tuple(sorted(boost.items())))
        return self.rng.choices(texts, cum_weights=cumulative, k=1)[0]

    def _with_pii(self, base: str, person: Person) -> str:
        rng = self.rng
        kind, template = rng.choice(PII_TEMPLATES)
        other_given = rng.choice(GIVEN_M + GIVEN_F)
        values = {
            "phone": rng.choice(phone_formats(person.phone)), "name": person.name,
            "address": person.address, "nik": rng.choice(nik_formats(person.nik)), "email": person.email,
            "handle": person.handle, "title": rng.choice(["Pak", "Bu", "Bang", "pak", "bu"]),
            "other": other_given,
            "plate": f"B {rng.randint(1000, 9999)} {''.join(rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ') for _ in range(rng.choice([2, 3])))}",
            "base": base,
        }
        text = template.format(**values)
        logged = {"phones": [values["phone"]], "addresses": [values["address"]], "niks": [values["nik"]],
                  "emails": [values["email"]], "handles": [values["handle"]], "plates": [values["plate"]]}
        if kind == "names":
            self.pii.add("names", person.name if "{name}" in template else other_given)
        else:
            self.pii.add(kind, *logged[kind])
        if kind == "addresses":
            self.pii.add("addresses", f"{person.street} No. {person.house}")
        return text


# --- responses ------------------------------------------------------------------------------------


def _registry(registry: FormRegistry | None) -> FormRegistry:
    return registry or load_registry()


def generate_responses(
    n: int, seed: int = 0, *, form_id: str = "remaja", version: str | None = None,
    wave_id: str = "2025-08", invalid_rate: float = 0.03, pii_text_rate: float = 0.03,
    panel_share: float = 0.0, people: People | None = None, pii: PiiLog | None = None,
    registry: FormRegistry | None = None, text_variants: int | None = None,
) -> pd.DataFrame:
    """`n` fictional responses of one form and wave as canonical columns (text or None).

    Columns: every field of the form, `_submission_id`, `_submitted_at` (UTC),
    `_supersedes`, plus `_invalid` (the kind of deliberate error, else None) and `_side`.
    Same arguments → same frame. `text_variants` (default: 0 up to 5,000 rows, else 2,000)
    draws free text from that many pre-varied answers per kind, which is faster for big `n`.
    """
    form = _registry(registry).get(form_id, version)
    rng = random.Random(f"{seed}-{form.key}-{wave_id}")
    np_rng = np.random.default_rng(abs(hash_seed(seed, form.key, wave_id)))
    people = people or People(random.Random(f"{seed}-people-{form.key}-{wave_id}"),
                              np.random.default_rng(abs(hash_seed(seed, "people", wave_id))))
    pii = pii if pii is not None else _NoPiiLog()
    variants = text_variants if text_variants is not None else (0 if n <= 5000 else 2000)
    texts = TextMaker(rng, pii, pii_text_rate, variants)
    persons = people.draw(form.respondent_group, n, panel_share)
    rows = [_response(form, wave_id, person, rng, np_rng, texts, pii) for person in persons]
    frame = pd.DataFrame(rows)
    frame["_submitted_at"] = pd.to_datetime(frame["_submitted_at"]).dt.tz_localize(TIMEZONE).dt.tz_convert("UTC")
    frame["_invalid"] = None
    frame = inject_invalid(frame, form, wave_id, rng, round(n * invalid_rate))
    return frame


def hash_seed(*parts: Any) -> int:
    """A stable integer seed from parts (Python's hash() is salted per process)."""
    return int(uuid.uuid5(uuid.NAMESPACE_OID, "|".join(map(str, parts))).int % (2**63))


def _response(form: Form, wave_id: str, person: Person, rng: random.Random, np_rng: np.random.Generator,
              texts: TextMaker, pii: PiiLog) -> dict[str, Any]:
    side = person.side
    participates = rng.random() < PARTICIPATION.get(wave_id, 0.3)
    base = SAFETY[side].get(wave_id, 0.0) - PARTICIPATION.get(wave_id, 0.3) * PROGRAMME_BOOST
    latent = base + person.trait + float(np_rng.normal(0, OCCASION_SD)) + (PROGRAMME_BOOST if participates else 0)
    deviation = latent - SAFETY[side].get(wave_id, 0.0)
    start, end = wave_windows().get(wave_id, (dt.date(2025, 8, 1), dt.date(2025, 8, 31)))
    day = start + dt.timedelta(days=rng.randint(0, min(24, (end - start).days)))
    age = person.age0 + (_wave_index(wave_id) * 3 + rng.randint(0, 2)) // 12
    flare = side == "timur" and wave_id == "2025-05"
    record: dict[str, Any] = {}
    for f in form.fields:
        name = f.name
        if f.type == "likert":
            sign = -1.0 if name in REVERSED else 1.0
            value = 3 + ITEM_OFFSET.get(name, 0.0) + sign * LOADING * latent + rng.gauss(0, ITEM_NOISE)
            record[name] = str(min(5, max(1, round(value))))
        elif name == "tanggal_wawancara":
            record[name] = day.isoformat()
        elif name == "nama":
            record[name] = person.name.upper() if rng.random() < 0.08 else person.name
            pii.add("names", record[name])
        elif name == "telepon":
            record[name] = rng.choice(phone_formats(person.phone)) if person.has_phone else None
            if record[name]:
                pii.add("phones", record[name])
        elif name == "nik":
            adult = person.group == "orang_tua" or age >= 17
            record[name] = (rng.choice(nik_formats(person.nik)[:2]) if rng.random() < 0.1 else person.nik) \
                if adult and person.has_nik else None
            if record[name]:
                pii.add("niks", record[name])
        elif name == "alamat":
            record[name] = person.address if person.has_address else None
            if record[name]:
                pii.add("addresses", person.address)
        elif name == "rw":
            record[name] = person.rw
        elif name == "rt":
            record[name] = str(person.rt)
        elif name == "jenis_kelamin":
            record[name] = person.gender
        elif name == "umur":
            record[name] = str(age)
        elif name == "jumlah_anak_remaja":
            record[name] = str(rng.choice([1, 1, 2, 2, 2, 3, 3, 4]))
        elif name == "persetujuan_ortu":
            record[name] = "ya" if age < 18 or rng.random() < 0.5 else None
        elif name == "tawuran_disaksikan":
            rate = BRAWLS[side].get(wave_id, 2.0) * float(np.exp(-0.45 * deviation))
            seen = int(np_rng.poisson(rate))
            if flare and seen < 3 and rng.random() < 0.6:
                seen = rng.randint(3, 8)
            record[name] = str(min(seen, 40))
        elif name == "kegiatan":
            record[name] = _activities(person.group, rng) if participates else None
        elif f.type == "free_text":
            boost = FLARE_TOPICS if flare else {}
            record[name] = texts.answer(name, latent, boost, person)
        else:
            record[name] = None
    local = dt.datetime.combine(day, dt.time(rng.randint(8, 20), rng.randint(0, 59), rng.randint(0, 59)))
    synced = local + dt.timedelta(minutes=rng.choice([5, 10, 30, 90, 60 * 20, 60 * 44]))
    record["_submission_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    record["_submitted_at"] = synced  # local clock time; converted to UTC for the whole frame
    record["_supersedes"] = None
    record["_side"] = side
    record["_person"] = person.pid
    return record


def _activities(group: str, rng: random.Random) -> str:
    options = ACTIVITIES[group]
    k = rng.choice([1, 1, 1, 2, 2, 3])
    chosen: list[str] = []
    while len(chosen) < k:
        pick = rng.choices(list(options), weights=list(options.values()), k=1)[0]
        if pick not in chosen:
            chosen.append(pick)
    order = list(options)
    return " ".join(sorted(chosen, key=order.index))


def inject_invalid(frame: pd.DataFrame, form: Form, wave_id: str, rng: random.Random, count: int,
                   kinds: Iterable[str] = INVALID_KINDS) -> pd.DataFrame:
    """Break `count` rows, one kind of field error each (kinds in turn), marked in `_invalid`."""
    frame = frame.copy()
    names = {f.name for f in form.fields}
    usable = [k for k in kinds if k != "tanpa_izin_ortu" or "persetujuan_ortu" in names]
    order = usable[:]
    rng.shuffle(order)
    positions = rng.sample(range(len(frame)), min(count, len(frame)))
    likert = [f.name for f in form.fields_of("likert") if f.required]
    for i, position in enumerate(positions):
        kind = order[i % len(order)]
        row = frame.index[position]
        if kind == "umur_di_luar_batas":
            frame.at[row, "umur"] = rng.choice(["17", "16"]) if form.respondent_group == "orang_tua" \
                else rng.choice(["25", "26", "11"])
            if form.respondent_group == "remaja":
                frame.at[row, "persetujuan_ortu"] = "ya"
        elif kind == "tanpa_izin_ortu":
            frame.at[row, "umur"] = rng.choice(["14", "15", "16"])
            frame.at[row, "persetujuan_ortu"] = rng.choice(["tidak", None])
        elif kind == "likert_7":
            frame.at[row, rng.choice(likert)] = "7"
        elif kind == "rw_tidak_dikenal":
            frame.at[row, "rw"] = rng.choice(["09", "12"])
        elif kind == "jawaban_wajib_kosong":
            frame.at[row, rng.choice(["jenis_kelamin", "aman_malam", "rt"])] = None
        elif kind == "tanggal_di_luar_gelombang":
            start, _ = wave_windows()[wave_id]
            frame.at[row, "tanggal_wawancara"] = (start - dt.timedelta(days=rng.randint(8, 25))).isoformat()
        frame.at[row, "_invalid"] = kind
    return frame


def add_resubmissions(frame: pd.DataFrame, rng: random.Random, *, duplicates: int = 0,
                      conflicts: int = 0, edits: int = 0) -> pd.DataFrame:
    """Append what field tools produce: exact resubmissions, same-id conflicts, edited submissions.

    Marked in `_resubmission` (`duplicate`, `conflict`, `edit`). Only valid rows are copied so
    the counts stay unambiguous.
    """
    frame = frame.copy()
    frame["_resubmission"] = None
    clean = [i for i in frame.index if frame.at[i, "_invalid"] is None]
    picks = rng.sample(clean, duplicates + conflicts + edits)
    extra = []
    for i, row in enumerate(picks):
        copy = frame.loc[row].copy()
        if i < duplicates:
            copy["_resubmission"] = "duplicate"
        elif i < duplicates + conflicts:
            copy["aman_malam"] = str(6 - int(copy["aman_malam"]))
            if copy["aman_malam"] == frame.at[row, "aman_malam"]:
                copy["aman_siang"] = str(6 - int(copy["aman_siang"])) if copy["aman_siang"] != "3" else "4"
            copy["_submitted_at"] = copy["_submitted_at"] + pd.Timedelta(hours=rng.randint(2, 30))
            copy["_resubmission"] = "conflict"
        else:
            copy["_supersedes"] = copy["_submission_id"]
            copy["_submission_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            copy["rt"] = str(int(copy["rt"]) % 12 + 1)  # the enumerator corrected the RT
            copy["_submitted_at"] = copy["_submitted_at"] + pd.Timedelta(days=rng.randint(1, 3))
            copy["_resubmission"] = "edit"
        extra.append(copy)
    out = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    # resubmissions arrive later: keep submission order, as the export lists it
    return out.sort_values("_submitted_at", kind="stable").reset_index(drop=True)


# --- the bundled sample -------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleFile:
    name: str
    form_id: str
    version: str
    wave_id: str
    fmt: str
    n: int
    options: tuple[tuple[str, Any], ...] = ()
    duplicates: int = 0
    conflicts: int = 0
    edits: int = 0
    invalid_kinds: tuple[str, ...] = INVALID_KINDS


SAMPLE_FILES = (
    SampleFile("2024-11_orang_tua_kobo.csv", "orang_tua", "v1", "2024-11", "kobo_csv", 170,
               duplicates=3, edits=1),
    SampleFile("2024-11_remaja_kobo.xlsx", "remaja", "v1", "2024-11", "xlsx", 150,
               (("style", "name"), ("serial_date_every", 9))),
    SampleFile("2024-11_remaja_susulan_1904.xlsx", "remaja", "v1", "2024-11", "xlsx", 22,
               (("style", "label"), ("labels", True), ("date1904", True), ("serial_date_every", 4),
                ("time_cells", True))),
    SampleFile("2025-02_orang_tua_kobo_api.json", "orang_tua", "v1", "2025-02", "kobo_json", 170,
               duplicates=2, conflicts=2),
    SampleFile("2025-02_remaja_gforms.csv", "remaja", "v1", "2025-02", "gforms_csv", 170,
               invalid_kinds=tuple(k for k in INVALID_KINDS if k != "likert_7")),
    SampleFile("2025-05_orang_tua_odk.csv", "orang_tua", "v1", "2025-05", "odk_csv", 170),
    SampleFile("2025-05_remaja_kobo.csv", "remaja", "v1", "2025-05", "kobo_csv", 170,
               (("encoding", "cp1252"),), duplicates=2, conflicts=1),
    SampleFile("2025-08_orang_tua.xlsx", "orang_tua", "v1", "2025-08", "xlsx", 170,
               (("style", "path"), ("time_cells", True))),
    SampleFile("2025-08_remaja_kobo_api.json", "remaja", "v2", "2025-08", "kobo_json", 170,
               duplicates=2, edits=1),
)
PANEL_SHARE = 0.3


@dataclass
class SampleResult:
    manifest: pd.DataFrame  # one row per file: counts
    pii: dict[str, list[str]]
    frames: dict[str, pd.DataFrame]


def build_sample(seed: int = SAMPLE_SEED, registry: FormRegistry | None = None) -> SampleResult:
    """Generate every sample file's rows (not yet written)."""
    registry = _registry(registry)
    people = People(random.Random(f"{seed}-people"), np.random.default_rng(hash_seed(seed, "people")))
    pii = PiiLog()
    frames: dict[str, pd.DataFrame] = {}
    rows = []
    for spec in SAMPLE_FILES:
        form = registry.get(spec.form_id, spec.version)
        rng = random.Random(f"{seed}-{spec.name}")
        frame = generate_responses(
            spec.n, seed, form_id=spec.form_id, version=spec.version, wave_id=spec.wave_id,
            invalid_rate=0.0, panel_share=PANEL_SHARE if spec.wave_id != WAVES[0] else 0.0,
            people=people, pii=pii, registry=registry,
        )
        invalid = max(1, round(spec.n * 0.03))
        frame = inject_invalid(frame, form, spec.wave_id, rng, invalid, spec.invalid_kinds)
        frame = add_resubmissions(frame, rng, duplicates=spec.duplicates, conflicts=spec.conflicts,
                                  edits=spec.edits)
        frames[spec.name] = frame
        kinds = frame["_invalid"].value_counts().to_dict()
        rows.append({
            "file": spec.name, "form": form.key, "wave": spec.wave_id, "format": spec.fmt,
            "rows": len(frame), "invalid": int(frame["_invalid"].notna().sum()),
            "duplicates": spec.duplicates, "conflicts": spec.conflicts, "edits": spec.edits,
            **{f"invalid_{k}": int(kinds.get(k, 0)) for k in INVALID_KINDS},
        })
    return SampleResult(pd.DataFrame(rows), pii.as_json(), frames)


def write_sample(out_dir: Path, seed: int = SAMPLE_SEED, registry: FormRegistry | None = None) -> SampleResult:
    """Write the bundled sample exports into `out_dir`; returns counts and the PII written."""
    from devkit.writers import write_export

    registry = _registry(registry)
    result = build_sample(seed, registry)
    out_dir.mkdir(parents=True, exist_ok=True)
    for spec in SAMPLE_FILES:
        form = registry.get(spec.form_id, spec.version)
        write_export(result.frames[spec.name], form, out_dir / spec.name, spec.fmt, **dict(spec.options))
    return result
