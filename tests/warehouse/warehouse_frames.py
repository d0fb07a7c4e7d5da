"""Hand-built protected batches for the warehouse tests (fictional, no PII columns)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from sentiment.forms import load_registry
from sentiment.warehouse.load import LoadBatch

FORM = load_registry().get("remaja", "v2")
FINGERPRINT = "test-fp-000001"
INTS = ["rt", "umur", "aman_siang", "aman_malam", "percaya_polisi", "hubungan_warga_seberang",
        "tekanan_teman", "khawatir_tawuran", "medsos_provokasi", "tawuran_disaksikan"]
QUARANTINE_COLUMNS = ["source_file", "source_row", "submission_id", "field", "rule", "value",
                      "reason", "record_json"]
COUNTED = ["dim_respondent", "fact_response", "fact_answer", "fact_text", "fact_text_score",
           "quarantine", "ingest_batch"]


def key(i: int) -> str:
    return f"{i:064x}"


def responses(n: int = 3, start: int = 0, **over) -> pd.DataFrame:
    """`n` valid youth responses `sub-<start>`…, respondent keys from the same numbers."""
    rows = []
    for i in range(start, start + n):
        row = {f.name: None for f in FORM.fields if not f.pii}
        row.update(tanggal_wawancara=pd.Timestamp("2025-08-05").date(), rw="02", rt=3,
                   jenis_kelamin="L" if i % 2 else "P", umur=13 + i % 10, persetujuan_ortu="ya",
                   aman_siang=4, aman_malam=2, percaya_polisi=3, hubungan_warga_seberang=4,
                   tekanan_teman=2, khawatir_tawuran=5, medsos_provokasi=3, tawuran_disaksikan=1,
                   kegiatan="dialog seni", harapan=f"semoga damai {i}")
        row.update(_submission_id=f"sub-{i}", _supersedes=None,
                   _submitted_at=pd.Timestamp("2025-08-05 03:00", tz="UTC"), _source_row=i + 2,
                   _wave_id="2025-08", _side="barat", _respondent_key=key(i))
        row.update(over)
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.astype({c: "Int64" for c in INTS})


def texts(frame: pd.DataFrame, scored: bool = True) -> pd.DataFrame:
    out = frame[["_submission_id", "harapan"]].dropna().rename(columns={"harapan": "text_redacted"})
    out["question_id"] = "harapan"
    if scored:
        out = out.assign(sentiment="positif", sentiment_score=0.5, topics="kohesi_sosial",
                         topic_scores="{}", reasons="[]", scorer="lexicon", model_version="lex-1")
    return out.reset_index(drop=True)


def batch(frame: pd.DataFrame, sha: str, fingerprint: str = FINGERPRINT,
          text_frame: pd.DataFrame | None = None) -> LoadBatch:
    return LoadBatch(source_file=f"{sha[:8]}.csv", sha256=sha, source_format="kobo_csv",
                     form=FORM, flow_run_id=None, key_fingerprint=fingerprint, responses=frame,
                     texts=texts(frame) if text_frame is None else text_frame,
                     quarantine=pd.DataFrame(columns=QUARANTINE_COLUMNS),
                     rows_read=len(frame))


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in COUNTED}


def rows(engine: sa.Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]
