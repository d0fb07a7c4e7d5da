"""Throughput of the NLP stage: answers/s per scorer, peak memory, cached vs plain Sastrawi stems/s.

Run: `.venv/bin/python bench/bench_nlp.py [--answers 100000] [--sastrawi-sample 20000]`.
Answers are synthetic: one to three answers of the labelled corpus (when present) or of the
built-in templates below, joined in random order; the answer memo is cleared before timing.
Rates are wall-clock; "per CPU-second" divides by the CPU time of the process and its workers
(steadier than wall-clock when other work shares the machine).
Stems: the persisted cache in a fresh process on the token stream as a list of fresh str
objects (`stem_many`) and as a categorical column (`stem_categorical`: one lookup per
distinct word), against plain Sastrawi on the same tokens; stems are asserted identical.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CORPUS = ROOT / "src" / "sentiment" / "nlp" / "corpus" / "labelled.csv"
TEMPLATES = [
    "gw gak ngerasa aman klo lewat jembatan malem2",
    "semoga gak ada tawuran lagi, anak2 bisa main bola dgn tenang",
    "mantap bgt, tiap malem ada konser petasan",
    "tawuran terjadi karena saling ejek di medsos",
    "patroli polisi sekarang rutin, warga lebih tenang",
    "lampu jalan di jembatan mati, gelap banget dan rawan jambret",
    "karang taruna ngadain turnamen futsal, seru dan kompak",
    "banyak pemuda nganggur krn susah cari kerja",
    "ustadz di musala rajin ngajak remaja pengajian",
    "ortu sibuk kerja jadi anak kurang diawasi",
    "sudah tidak ada tawuran lagi sejak ada kegiatan di balai warga",
    "aman sih, tapi kadang masih ada yang mabok di kolong jembatan",
]


def answers(n: int, seed: int = 7) -> list[str]:
    """`n` distinct synthetic answers."""
    rng = random.Random(seed)
    pool = TEMPLATES
    if CORPUS.is_file():
        import pandas as pd

        pool = pd.read_csv(CORPUS)["text"].dropna().astype(str).tolist() or TEMPLATES
    out = []
    for _ in range(n):
        parts = rng.sample(pool, rng.choice((1, 2, 2, 3)))
        out.append(" ".join(parts))
    return out


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (parallel scoring)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def bench_scorer(texts: list[str], scorer: str, workers: int | None = None) -> dict[str, float]:
    """Answers/s with a warm cache (imports, codebook, stems, model loaded), then peak memory.

    Timing runs without tracemalloc (it slows Python several-fold); peak RSS is the whole
    process (imports included) and the traced peak is the Python allocations of one call.
    """
    from sentiment.nlp import score_texts
    from sentiment.nlp.pipeline import clear_memo

    score_texts(texts[:2000], scorer=scorer)  # warm
    clear_memo()  # every answer below is new to the answer memo
    base_rss = _max_rss_mib()
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    frame = score_texts(texts, scorer=scorer, workers=workers)
    elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    assert len(frame) == len(texts)
    peak_rss = _max_rss_mib()
    clear_memo()
    tracemalloc.start()
    score_texts(texts[:20_000], scorer=scorer, workers=1)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"answers_per_s": len(texts) / elapsed, "seconds": elapsed,
            "answers_per_cpu_s": len(texts) / cpu, "distinct": len(set(texts)),
            "rss_before_mib": base_rss, "peak_rss_mib": peak_rss,
            "traced_peak_20k_mib": traced / 2**20}


_FRESH = r"""
import json, sys, time
start = time.perf_counter()
from sentiment.nlp.stem import default_cache, sastrawi_stemmer
tokens = json.load(open(sys.argv[1]))
cache = default_cache()
import numpy as np, pandas as pd
loaded = time.perf_counter()
cpu = time.process_time()
stems = cache.stem_many(tokens)
done = time.perf_counter()
cpu = time.process_time() - cpu
# The same stream as a categorical column (built outside the timing, as a Parquet/Arrow
# dictionary column or `astype("category")` would hand it over), then with building it.
t0, c0 = time.perf_counter(), time.process_time()
column = pd.Categorical(tokens)
build_s, build_cpu = time.perf_counter() - t0, time.process_time() - c0
t0, c0 = time.perf_counter(), time.process_time()
cat_stems = cache.stem_categorical(column)
cat_s, cat_cpu = time.perf_counter() - t0, time.process_time() - c0
assert list(np.asarray(cat_stems, dtype=object)) == stems, "categorical stems differ"
json.dump({"load_s": loaded - start, "stem_s": done - loaded, "stem_cpu_s": cpu,
           "cat_s": cat_s, "cat_cpu_s": cat_cpu, "cat_build_s": build_s,
           "cat_build_cpu_s": build_cpu,
           "sastrawi_built": sastrawi_stemmer.cache_info().currsize,
           "stems": dict(zip(tokens, stems))}, open(sys.argv[2], "w"))
"""


def bench_stems(texts: list[str], sample: int) -> dict[str, float]:
    """Stems/s: persisted cache in a fresh process vs plain Sastrawi, same token stream."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    from sentiment.nlp.normalise import normalise_tokens
    from sentiment.nlp.tokenise import is_word

    tokens = [t for text in texts for t in normalise_tokens(text) if is_word(t)]
    unique = sorted(set(tokens))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    with tempfile.TemporaryDirectory() as tmp:
        env["SENTIMENT_CACHE_DIR"] = tmp
        tok_file, out_file = Path(tmp) / "tokens.json", Path(tmp) / "out.json"
        # 1) a first process stems the vocabulary and persists what the shipped cache lacks
        tok_file.write_text(json.dumps(unique))
        subprocess.run([sys.executable, "-c", _FRESH, str(tok_file), str(out_file)],
                       env=env, check=True)
        # 2) a fresh process stems the whole token stream from the persisted cache
        tok_file.write_text(json.dumps(tokens))
        subprocess.run([sys.executable, "-c", _FRESH, str(tok_file), str(out_file)],
                       env=env, check=True)
        fresh = json.loads(out_file.read_text())
    cached_rate = len(tokens) / fresh["stem_s"]
    cat_rate = len(tokens) / fresh["cat_s"]
    cat_cpu_rate = len(tokens) / fresh["cat_cpu_s"]
    cat_build_rate = len(tokens) / (fresh["cat_s"] + fresh["cat_build_s"])
    cached_rate_with_load = len(tokens) / (fresh["stem_s"] + fresh["load_s"])

    factory = StemmerFactory().create_stemmer()  # Sastrawi's own (in-memory cached) stemmer
    plain = factory.delegatedStemmer  # the uncached algorithm behind it
    stream = tokens[:sample]
    start, cpu = time.perf_counter(), time.process_time()
    for word in stream:
        plain.stem(word)
    plain_rate = len(stream) / (time.perf_counter() - start)
    plain_cpu_rate = len(stream) / (time.process_time() - cpu)
    start = time.perf_counter()
    for word in stream:
        factory.stem(word)
    factory_rate = len(stream) / (time.perf_counter() - start)

    # The same comparison on the corpus vocabulary (each distinct word once): the work a
    # batch must do at least once with plain Sastrawi, against lookups in the persisted cache.
    vocab = random.Random(1).sample(unique, min(len(unique), sample))
    start = time.perf_counter()
    for word in vocab:
        plain.stem(word)
    plain_vocab_rate = len(vocab) / (time.perf_counter() - start)
    lookup = {w: fresh["stems"][w] for w in unique}
    reps = max(1, 2_000_000 // max(1, len(vocab)))
    start = time.perf_counter()
    for _ in range(reps):
        list(map(lookup.__getitem__, vocab))
    cached_vocab_rate = reps * len(vocab) / (time.perf_counter() - start)

    mismatches = [w for w in unique if fresh["stems"][w] != factory.stem(w)]
    assert not mismatches, f"stems differ from Sastrawi for {mismatches[:10]}"
    assert fresh["sastrawi_built"] == 0, "fresh process needed Sastrawi: cache not reused"
    return {
        "tokens": len(tokens),
        "unique": len(unique),
        "cache_load_s": fresh["load_s"],
        "cached_stems_per_s": cached_rate,
        "cached_stems_per_s_incl_load": cached_rate_with_load,
        "sastrawi_plain_stems_per_s": plain_rate,
        "sastrawi_cachedstemmer_stems_per_s": factory_rate,
        "speedup_vs_plain": cached_rate / plain_rate,
        "categorical_stems_per_s": cat_rate,
        "speedup_categorical": cat_rate / plain_rate,
        "speedup_categorical_cpu": cat_cpu_rate / plain_cpu_rate,
        "speedup_categorical_incl_build": cat_build_rate / plain_rate,
        "speedup_categorical_incl_build_cpu": (
            len(tokens) / (fresh["cat_cpu_s"] + fresh["cat_build_cpu_s"])) / plain_cpu_rate,
        "speedup_vs_plain_cpu": (len(tokens) / fresh["stem_cpu_s"]) / plain_cpu_rate,
        "speedup_vs_plain_incl_load": cached_rate_with_load / plain_rate,
        "speedup_vs_sastrawi_cachedstemmer": cached_rate / factory_rate,
        "plain_vocab_stems_per_s": plain_vocab_rate,
        "cached_vocab_stems_per_s": cached_vocab_rate,
        "speedup_vocab": cached_vocab_rate / plain_vocab_rate,
    }


def _calibrate() -> float:
    start = time.perf_counter()
    total = 0
    for i in range(10**7):
        total += i
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--sastrawi-sample", type=int, default=20_000)
    parser.add_argument("--scorers", default="lexicon,model")
    parser.add_argument("--skip-stems", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # one scorer in a child process
    parser.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    texts = answers(args.answers)
    if args.worker:
        print(json.dumps(bench_scorer(texts, args.worker, args.workers)))
        return
    print(f"{len(texts):,} synthetic answers, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; calibration: a 10^7-step Python loop takes "
          f"{_calibrate():.2f} s here (about 0.5 s on an idle modern core)")
    runs = [("lexicon", 1), ("lexicon", None)] if "lexicon" in args.scorers.split(",") else []
    runs += [(s, None) for s in args.scorers.split(",") if s != "lexicon"]
    for scorer, workers in runs:
        # each run in its own process, so peak memory is its own
        command = [sys.executable, __file__, "--worker", scorer, "--answers", str(args.answers)]
        if workers is not None:
            command += ["--workers", str(workers)]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0:
            reason = (run.stderr.strip().splitlines() or ["failed"])[-1]
            print(f"scorer {scorer}: skipped ({reason})")
            continue
        result = json.loads(run.stdout.strip().splitlines()[-1])
        mode = "1 process" if workers == 1 else "default workers"
        print(
            f"scorer {scorer} ({mode}): {result['answers_per_s']:,.0f} answers/s "
            f"({result['seconds']:.1f} s; {result['answers_per_cpu_s']:,.0f} per CPU-second incl. workers; "
            f"{result['distinct']:,} distinct answers); peak RSS {result['peak_rss_mib']:.0f} MiB "
            f"(after warm-up {result['rss_before_mib']:.0f} MiB); traced Python peak for "
            f"20,000 answers {result['traced_peak_20k_mib']:.0f} MiB"
        )
    if args.skip_stems:
        return
    stems = bench_stems(texts, args.sastrawi_sample)
    print(f"stems: {stems['tokens']:,} tokens ({stems['unique']:,} distinct), identical to Sastrawi")
    print(f"  persisted cache, fresh process: {stems['cached_stems_per_s']:,.0f} stems/s "
          f"({stems['cached_stems_per_s_incl_load']:,.0f} incl. {stems['cache_load_s']:.2f} s load)")
    print(f"  plain Sastrawi:                 {stems['sastrawi_plain_stems_per_s']:,.0f} stems/s")
    print(f"  Sastrawi CachedStemmer (fresh): {stems['sastrawi_cachedstemmer_stems_per_s']:,.0f} stems/s")
    print(f"  speed-up vs plain Sastrawi: {stems['speedup_vs_plain']:,.0f}x wall, "
          f"{stems['speedup_vs_plain_cpu']:,.0f}x per CPU-second "
          f"({stems['speedup_vs_plain_incl_load']:,.0f}x incl. load); "
          f"vs Sastrawi's CachedStemmer: {stems['speedup_vs_sastrawi_cachedstemmer']:,.1f}x")
    print(f"  categorical token column (stem_categorical): {stems['categorical_stems_per_s']:,.0f} "
          f"stems/s: {stems['speedup_categorical']:,.0f}x wall, "
          f"{stems['speedup_categorical_cpu']:,.0f}x per CPU-second vs plain Sastrawi; "
          f"incl. building the categorical from the str list: "
          f"{stems['speedup_categorical_incl_build']:,.0f}x wall, "
          f"{stems['speedup_categorical_incl_build_cpu']:,.0f}x per CPU-second")
    print(f"  distinct words only: plain Sastrawi {stems['plain_vocab_stems_per_s']:,.0f} stems/s, "
          f"cache {stems['cached_vocab_stems_per_s']:,.0f} stems/s: "
          f"{stems['speedup_vocab']:,.0f}x")


if __name__ == "__main__":
    main()
