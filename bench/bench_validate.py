"""Time `validate_batch` on a large synthetic youth batch (default 100k rows, ~5% bad).

Usage: .venv/bin/python bench/bench_validate.py [rows]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from sentiment.forms import load_registry
from sentiment.forms.batch import RawBatch
from sentiment.validate import validate_batch


def synthetic(rows: int, seed: int = 0) -> RawBatch:
    """Fictional answers generated from the form: valid values plus a sprinkle of bad ones."""
    form = load_registry().get("remaja", "v2")
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    for f in form.fields:
        if f.type in ("select_one", "likert"):
            values = rng.choice(f.choice_values, rows)
        elif f.type == "select_multiple":
            values = np.array(
                [" ".join(rng.choice(f.choice_values, 2, replace=False)) for _ in range(rows)]
            )
        elif f.type == "integer":
            lo, hi = int(f.constraints.get("min", 0)), int(f.constraints.get("max", 50))
            values = rng.integers(lo, hi + 1, rows).astype(str)
        elif f.type == "date":
            values = (
                (pd.Timestamp("2025-08-01") + pd.to_timedelta(rng.integers(0, 31, rows), "D"))
                .strftime("%Y-%m-%d")
                .to_numpy()
            )
        elif f.name == "nama":
            values = np.array([f"Warga Fiktif {i}" for i in range(rows)])
        elif f.name == "nik":
            values = np.array([f"3171{i:012d}" for i in range(rows)])
        elif f.name == "telepon":
            values = np.array([f"0812-0000-{i % 10000:04d}" for i in range(rows)])
        else:
            values = np.array(["Semoga jembatan aman, tidak ada tawuran lagi."] * rows)
        data[f.name] = pd.Series(values, dtype=object)
    frame = pd.DataFrame(data)
    frame["persetujuan_ortu"] = "ya"
    bad = rng.random(rows) < 0.05
    frame.loc[bad, "umur"] = rng.choice(["27", "dua", "11"], int(bad.sum()))
    frame.loc[rng.random(rows) < 0.01, "aman_siang"] = "7"
    frame.loc[rng.random(rows) < 0.01, "rw"] = "09"
    frame.loc[rng.random(rows) < 0.01, "nama"] = None
    frame["_source_file"] = "bench.csv"
    frame["_source_row"] = np.arange(rows) + 2
    frame["_submission_id"] = [f"uuid-{i}" for i in range(rows)]
    frame.loc[rows - 100 :, "_submission_id"] = "uuid-0"  # 100 conflicting repeats
    frame["_supersedes"] = None
    frame["_submitted_at"] = pd.Timestamp("2025-08-10 03:00", tz="UTC")
    frame["_form_id"], frame["_form_version"] = form.form_id, form.version
    return RawBatch("bench.csv", "0" * 64, "kobo_csv", form, frame)


def main(rows: int) -> None:
    batch = synthetic(rows)
    validate_batch(synthetic(100))  # warm-up: GX context and suite are built once per process
    start = time.perf_counter()
    result = validate_batch(batch)
    elapsed = time.perf_counter() - start
    print(f"{rows} rows validated in {elapsed:.2f} s: {result.summary}")
    print(
        f"GX: {result.statistics['evaluated_expectations']} expectations evaluated, "
        f"{result.statistics['unsuccessful_expectations']} failed"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
