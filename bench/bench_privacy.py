"""Throughput of privacy.protect_frame on a synthetic 100k-row parent (orang_tua) batch.

Run: .venv/bin/python bench/bench_privacy.py [rows]
"""

from __future__ import annotations

import random
import sys
import time

import pandas as pd

from sentiment.forms import load_registry
from sentiment.privacy import protect_frame, redact_series

KEY = b"bench-key-not-secret-0123456789abcdef"
FIRST = ["budi", "siti", "joko", "ani", "rizky", "dewi", "ucok", "indah", "hendra", "yanti"]
LAST = ["santoso", "rahayu", "pratama", "wijaya", "kusuma", "", "", ""]
CLEAN = [
    "semoga tidak ada tawuran lagi di jembatan",
    "anak muda butuh lapangan dan kegiatan positif",
    "lampu jembatan mati, gelap kalau malam",
    "Pak RT sudah rapat sama warga RW {rw}",
    "tawuran jam {h}.00 tgl {d}/08/2025, {n} orang luka",
    "biaya Rp {n}.000 buat ronda tiap bulan",
    "saya khawatir anak saya ikut2an geng",
    "polisi harus patroli tiap malam minggu",
]
PII = [
    "nama saya {first}, wa {phone}",
    "tolong hubungi {phone} kalau ada kegiatan",
    "Pak {First} dari rw {rw} yang suka misahin",
    "rumah saya di jl kenari no {n} rt {rw}",
    "anak saya si {first} diajak tawuran sama @geng_{n}",
]


def synthetic_batch(rows: int, seed: int = 7) -> pd.DataFrame:
    rng = random.Random(seed)
    form = load_registry().get("orang_tua", "v1")

    def text() -> str:
        pool = PII if rng.random() < 0.2 else CLEAN
        first = rng.choice(FIRST)
        return rng.choice(pool).format(
            first=first,
            First=first.title(),
            rw=f"{rng.randint(1, 8):02d}",
            h=rng.randint(18, 23),
            d=rng.randint(1, 28),
            n=rng.randint(1, 999),
            phone=f"0812-0000-{rng.randint(0, 9999):04d}",
        ) + rng.choice(["", ".", " pak", " bu", " 🙏", f" ({rng.randint(1, 99)})"])

    data: dict[str, list[object]] = {f.name: [None] * rows for f in form.fields}
    for i in range(rows):
        first = rng.choice(FIRST)
        data["nama"][i] = f"{first.title()} {rng.choice(LAST)}".strip()
        data["telepon"][i] = f"0812 0000 {i % 10000:04d}" if rng.random() < 0.8 else None
        data["nik"][i] = f"3171{i:012d}" if rng.random() < 0.5 else None
        data["alamat"][i] = f"Jl. Kenari No. {rng.randint(1, 99)}"
        for field in form.free_text_fields:
            data[field.name][i] = text() if rng.random() < 0.9 else None
    frame = pd.DataFrame(data)
    frame["_submission_id"] = [f"uuid-{i}" for i in range(rows)]
    return frame


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    form = load_registry().get("orang_tua", "v1")
    frame = synthetic_batch(rows)
    redact_series(pd.Series(["warm up pak budi 0812 0000 0000"]))  # load word lists once
    start, cpu_start = time.perf_counter(), time.process_time()
    out = protect_frame(frame, form, KEY)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    texts = sum(frame[f.name].notna().sum() for f in form.free_text_fields)
    print(
        f"protect_frame: {rows} rows ({texts} free-text answers) in {seconds:.2f}s wall "
        f"= {rows / seconds:,.0f} rows/s; {cpu:.2f}s CPU = {rows / cpu:,.0f} rows/s; "
        f"output columns: {len(out.columns)}"
    )


if __name__ == "__main__":
    main()
