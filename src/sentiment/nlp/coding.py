"""Human coding loop: export a sample to code, import coders' labels, measure agreement, re-score.

Pure helpers (`stratified_sample`, `clean_codes`, `agreement_from_codes`) work on DataFrames;
the rest read or write the warehouse through SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sentiment.errors import InputError, SentimentError
from sentiment.nlp.labels import LABEL_ALIASES

LABELS = ("positif", "netral", "negatif")
EXPORT_COLUMNS = ["text_id", "wave_id", "side", "group", "question_id", "text", "label", "topics",
                  "note"]
MACHINE = "machine"


# --- pure helpers ----------------------------------------------------------------------------
def stratified_sample(frame: pd.DataFrame, n: int, seed: int = 0,
                      strata: Sequence[str] = ("side", "group", "sentiment")) -> pd.DataFrame:
    """`n` rows, allocated to strata in proportion to their size (largest remainders).

    Every stratum gets at least one row when `n` allows; order is shuffled so coders do not
    see the strata.
    """
    if n <= 0 or frame.empty:
        return frame.iloc[0:0]
    if n >= len(frame):
        return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    keys = [c for c in strata if c in frame.columns]
    groups = frame.fillna({c: "?" for c in keys}).groupby(keys, dropna=False, sort=True) \
        if keys else [((), frame)]
    sizes = {key: len(part) for key, part in groups}
    quota = _allocate(sizes, n, seed)
    parts = [part.sample(min(quota[key], len(part)), random_state=seed) for key, part in groups]
    return pd.concat(parts).sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _allocate(sizes: dict[Any, int], n: int, seed: int) -> dict[Any, int]:
    """Hamilton apportionment of `n` over strata, at least one each when n >= strata."""
    total = sum(sizes.values())
    exact = {k: n * v / total for k, v in sizes.items()}
    quota = {k: min(sizes[k], math.floor(x)) for k, x in exact.items()}
    if n >= len(sizes):
        quota = {k: max(1, q) for k, q in quota.items()}
    rng = np.random.default_rng(seed)
    order = sorted(sizes, key=lambda k: (-(exact[k] - math.floor(exact[k])), rng.random()))
    while sum(quota.values()) < n:  # hand out rounding leftovers
        open_keys = [k for k in order if quota[k] < sizes[k]]
        if not open_keys:
            break
        quota[open_keys[0]] += 1
        order = order[1:] + order[:1]
    while sum(quota.values()) > n:  # the at-least-one rule overshot: trim the largest
        largest = max(quota, key=lambda k: quota[k])
        quota[largest] -= 1
    return quota


def clean_codes(frame: pd.DataFrame, known_ids: set[int], source: str) -> pd.DataFrame:
    """Validate a coder's file: text_id known, label one of positif/netral/negatif.

    Rows with an empty label are skipped (not coded yet). Errors name the spreadsheet row.
    Returns text_id, label, topics.
    """
    for column in ("text_id", "label"):
        if column not in frame.columns:
            raise InputError(source, f"no column {column!r}; keep the exported columns")
    out = []
    for offset, record in enumerate(frame.to_dict("records")):
        row = offset + 2  # header is row 1
        raw_label = "" if record.get("label") is None else str(record["label"]).strip()
        if raw_label in ("", "nan", "None"):
            continue
        raw_id = str(record.get("text_id", "")).strip().lstrip("'")
        try:
            text_id = int(float(raw_id))
        except ValueError:
            raise InputError(source, f"text_id {raw_id!r} is not a number", row=row,
                             field="text_id") from None
        if text_id not in known_ids:
            raise InputError(source, f"unknown text_id {text_id}: not in the warehouse",
                             row=row, field="text_id")
        label = LABEL_ALIASES.get(raw_label.lower())
        if label is None:
            raise InputError(source, f"label {raw_label!r} must be positif, netral or negatif",
                             row=row, field="label")
        topics = record.get("topics")
        topics = "" if topics is None or str(topics) in ("nan", "None") else str(topics).strip()
        topics = "|".join(t.strip() for t in topics.replace(",", "|").split("|") if t.strip())
        out.append({"text_id": text_id, "label": label, "topics": topics or None})
    result = pd.DataFrame(out, columns=["text_id", "label", "topics"])
    dupes = result["text_id"].duplicated(keep=False)
    if dupes.any():
        raise InputError(source, f"text_id {int(result.loc[dupes, 'text_id'].iloc[0])} is coded twice")
    return result


@dataclass
class AgreementReport:
    """Cohen's kappa per pair (coders, and each coder vs the machine), Krippendorff's alpha."""

    pairs: list[dict[str, Any]] = field(default_factory=list)
    alpha: float | None = None
    n_coders: int = 0
    n_units: int = 0

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.pairs, columns=["a", "b", "n", "kappa"])


def _kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    from sklearn.metrics import cohen_kappa_score

    if len(a) < 2:
        return None
    if len(set(a) | set(b)) < 2:
        return 1.0 if list(a) == list(b) else None  # one category only: kappa undefined
    return round(float(cohen_kappa_score(a, b, labels=list(LABELS))), 4)


def agreement_from_codes(codes: pd.DataFrame, machine: pd.DataFrame | None = None) -> AgreementReport:
    """`codes`: text_id, coder, label (latest per coder and text); `machine`: text_id, sentiment."""
    import krippendorff

    report = AgreementReport()
    if codes.empty:
        return report
    wide = codes.pivot_table(index="text_id", columns="coder", values="label", aggfunc="last")
    coders = sorted(wide.columns)
    report.n_coders = len(coders)
    report.n_units = int(wide.notna().sum(axis=1).ge(2).sum())
    for a, b in itertools.combinations(coders, 2):
        both = wide[[a, b]].dropna()
        report.pairs.append({"a": a, "b": b, "n": len(both),
                             "kappa": _kappa(both[a].tolist(), both[b].tolist())})
    if machine is not None and not machine.empty:
        by_text = machine.dropna(subset=["sentiment"]).set_index("text_id")["sentiment"]
        for coder in coders:
            coded = wide[coder].dropna()
            common = coded.index.intersection(by_text.index)
            report.pairs.append({"a": coder, "b": MACHINE, "n": len(common),
                                 "kappa": _kappa(coded[common].tolist(), by_text[common].tolist())})
    if len(coders) >= 2 and report.n_units >= 1:
        codes_num = wide.T.replace({label: i for i, label in enumerate(LABELS)})
        matrix = codes_num.astype(float).to_numpy()
        values = matrix[~np.isnan(matrix)]
        if len(set(values.tolist())) >= 2:
            report.alpha = round(float(krippendorff.alpha(reliability_data=matrix,
                                                          level_of_measurement="nominal")), 4)
        else:
            report.alpha = 1.0
    return report


# --- warehouse access ------------------------------------------------------------------------
def _tables(engine: Engine) -> dict[str, sa.Table]:
    meta = sa.MetaData()
    names = ["fact_text", "fact_response", "fact_text_score", "coding"]
    meta.reflect(bind=engine, only=[n for n in names if sa.inspect(engine).has_table(n)])
    missing = {"fact_text", "fact_response"} - set(meta.tables)
    if missing:
        raise SentimentError(f"warehouse has no {', '.join(sorted(missing))} table: run "
                             "`sentiment ingest` first (or the migrations)")
    return dict(meta.tables)


def wave_texts(engine: Engine, wave: str | None = None) -> pd.DataFrame:
    """Current answers (redacted text) with wave, side, group and the current machine score."""
    t = _tables(engine)
    text, resp = t["fact_text"], t["fact_response"]
    # the redacted answer column: `text_redacted` (ORM) or `text` (older schema)
    body = text.c.text_redacted if "text_redacted" in text.c else text.c.text
    cols = [text.c.text_id, resp.c.wave_id, resp.c.side, resp.c.respondent_group.label("group"),
            text.c.question_id, body.label("text"), resp.c.respondent_key]
    query = sa.select(*cols).join(resp, resp.c.response_id == text.c.response_id)
    if "is_current" in resp.c:
        query = query.where(resp.c.is_current.is_(True))
    if wave is not None:
        query = query.where(resp.c.wave_id == wave)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query.order_by(text.c.text_id)).all(),
                             columns=["text_id", "wave_id", "side", "group", "question_id", "text",
                                      "respondent_key"])
    if "fact_text_score" in t and not frame.empty:
        frame = frame.merge(current_scores(engine), on="text_id", how="left")
    else:
        frame["sentiment"] = None
    if wave is not None and frame.empty:
        raise SentimentError(f"no free-text answers for wave {wave!r} in the warehouse")
    return frame


def current_scores(engine: Engine) -> pd.DataFrame:
    """text_id, sentiment of the current machine score per text."""
    score = _tables(engine)["fact_text_score"]
    query = sa.select(score.c.text_id, score.c.sentiment).where(score.c.is_current.is_(True))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["text_id", "sentiment"]).drop_duplicates("text_id", keep="last")


def _write_table(frame: pd.DataFrame, out_path: Path) -> None:
    try:
        from sentiment.privacy.safe_export import neutralise_frame
    except ImportError:  # privacy package missing: refuse rather than write unsafe cells
        raise SentimentError("sentiment.privacy.safe_export is missing; cannot export safely") from None
    safe = neutralise_frame(frame)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if out_path.suffix.lower() == ".xlsx":
        safe.to_excel(out_path, index=False, sheet_name="coding")
    elif out_path.suffix.lower() == ".csv":
        safe.to_csv(out_path, index=False, encoding="utf-8-sig")
    else:
        raise SentimentError(f"{out_path.name}: export must end in .csv or .xlsx")


def export_sample(engine: Engine, wave: str, n: int, seed: int, out_path: str | Path) -> int:
    """Write a stratified sample (side × group × machine sentiment) of a wave's answers to code.

    Texts are already redacted in the warehouse; they are redacted again here as a safety net,
    and cells are neutralised against spreadsheet formula injection. Returns the row count.
    """
    from sentiment.privacy.redact import redact_text

    frame = wave_texts(engine, wave)
    frame = frame[frame["text"].fillna("").str.strip() != ""]
    sample = stratified_sample(frame, n, seed)
    sample = sample.assign(text=sample["text"].map(redact_text), label="", topics="", note="")
    _write_table(sample[EXPORT_COLUMNS], Path(out_path))
    return len(sample)


def respondent_sample(frame: pd.DataFrame, n: int, seed: int, by: Sequence[str] = ()) -> pd.DataFrame:
    """All answers of `n` respondents drawn at random (proportionally within the strata `by`,
    e.g. side and respondent group; none: a simple random sample). The machine's labels play
    no part in the draw, so the coded answers can correct the machine's figures (docs/method.md
    section 10)."""
    people = frame.drop_duplicates("respondent_key")[["respondent_key", *by]]
    chosen = stratified_sample(people, n, seed, strata=tuple(by))
    keep = frame[frame["respondent_key"].isin(set(chosen["respondent_key"]))]
    return keep.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def export_respondent_sample(engine: Engine, wave: str, n: int, seed: int, by: Sequence[str],
                             out_path: str | Path) -> tuple[int, int]:
    """Write every scored answer of a random sample of the wave's respondents for coders,
    without the machine's labels. Returns (respondents, answers)."""
    from sentiment.privacy.redact import redact_text

    frame = wave_texts(engine, wave).rename(columns={"group": "respondent_group"})
    frame = frame[frame["text"].fillna("").str.strip() != ""]
    frame = frame[frame["sentiment"].notna()]  # scored answers only: the ones a share counts
    unknown = [c for c in by if c not in ("side", "respondent_group")]
    if unknown:
        raise SentimentError(f"--by accepts side and respondent_group, not {', '.join(unknown)}")
    sample = respondent_sample(frame, n, seed, by)
    sample = sample.rename(columns={"respondent_group": "group"})
    sample = sample.assign(text=sample["text"].map(redact_text), label="", topics="", note="")
    _write_table(sample[EXPORT_COLUMNS], Path(out_path))
    return sample["respondent_key"].nunique(), len(sample)


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(path.name, "file not found")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # unreadable: name the file
        raise InputError(path.name, f"cannot read ({exc})") from exc


def import_codes(engine: Engine, path: str | Path, coder: str) -> int:
    """Load one coder's labels into `coding` (one transaction). Returns the number of codes."""
    source = Path(path)
    coder = coder.strip()
    if not coder:
        raise SentimentError("--coder must not be empty")
    t = _tables(engine)
    if "coding" not in t:
        raise SentimentError("warehouse has no coding table: run the migrations (alembic upgrade head)")
    with engine.connect() as conn:
        known = {int(r[0]) for r in conn.execute(sa.select(t["fact_text"].c.text_id))}
    codes = clean_codes(_read_table(source), known, source.name)
    now = dt.datetime.now(dt.UTC)
    rows = [{"text_id": int(r.text_id), "coder": coder, "label": r.label, "topics": r.topics,
             "coded_at": now, "source_file": source.name} for r in codes.itertuples()]
    if rows:
        with engine.begin() as conn:
            conn.execute(sa.insert(t["coding"]), rows)
    return len(rows)


def latest_codes(engine: Engine) -> pd.DataFrame:
    """text_id, coder, label: each coder's latest label per text."""
    t = _tables(engine)
    if "coding" not in t:
        raise SentimentError("warehouse has no coding table: run the migrations (alembic upgrade head)")
    c = t["coding"]
    query = sa.select(c.c.text_id, c.c.coder, c.c.label, c.c.coded_at, c.c.coding_id)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(),
                             columns=["text_id", "coder", "label", "coded_at", "coding_id"])
    frame = frame.sort_values(["coded_at", "coding_id"]).drop_duplicates(["text_id", "coder"], keep="last")
    return frame[["text_id", "coder", "label"]].reset_index(drop=True)


def agreement(engine: Engine) -> AgreementReport:
    """Kappa per coder pair and coder × machine (current scores), Krippendorff's alpha."""
    codes = latest_codes(engine)
    if codes.empty:
        raise SentimentError("no coded answers yet: run `sentiment coding import` first")
    machine = current_scores(engine) if "fact_text_score" in _tables(engine) else None
    return agreement_from_codes(codes, machine)


def consensus_labels(db_url: str) -> pd.DataFrame:
    """text_id, text, label for coded answers: the majority label over coders (ties: dropped)."""
    engine = sa.create_engine(db_url)
    try:
        codes = latest_codes(engine)
        if codes.empty:
            raise SentimentError("no coded answers in the warehouse coding table")
        counts = codes.groupby(["text_id", "label"]).size().rename("n").reset_index()
        top = counts.sort_values("n", ascending=False).groupby("text_id")
        best = top.head(1).set_index("text_id")
        second = top.nth(1).set_index("text_id")["n"] if len(counts) > len(best) else pd.Series(dtype=int)
        tie = best.index.isin(second[second == best.loc[second.index, "n"]].index)
        chosen = best[~tie].reset_index()[["text_id", "label"]]
        texts = wave_texts(engine)[["text_id", "text"]]
        return chosen.merge(texts, on="text_id")[["text_id", "text", "label"]]
    finally:
        engine.dispose()


def record_training(db_url: str, text_ids: Sequence[int], model_version: str) -> int:
    """Note in `coding_training` that a model was trained on these coded answers, so that the
    analysis never uses them to correct text figures (docs/method.md section 10). Returns the
    number of answers recorded (an answer already recorded for this model is not repeated)."""
    ids = sorted({int(t) for t in text_ids})
    engine = sa.create_engine(db_url)
    try:
        if not sa.inspect(engine).has_table("coding_training"):
            raise SentimentError("warehouse has no coding_training table: run "
                                 "`sentiment db upgrade` before training from its codes")
        table = sa.Table("coding_training", sa.MetaData(), autoload_with=engine)
        now = dt.datetime.now(dt.UTC)
        with engine.begin() as conn:
            known = {int(t) for t in conn.execute(sa.select(table.c.text_id).where(
                table.c.model_version == model_version)).scalars()}
            rows = [{"text_id": t, "model_version": model_version, "trained_at": now}
                    for t in ids if t not in known]
            if rows:
                conn.execute(sa.insert(table), rows)
        return len(rows)
    finally:
        engine.dispose()


def rescore(engine: Engine, scorer: str = "model", model_path: str | Path | None = None,
            batch_size: int = 2000) -> int:
    """Score every fact_text again and append the scores as the current ones (old kept).

    Returns the number of texts scored.
    """
    from sentiment.nlp import score_texts

    frame = wave_texts(engine)
    if frame.empty:
        return 0
    try:
        from sentiment.warehouse.load import record_scores
    except ImportError:
        record_scores = None
    total = 0
    for start in range(0, len(frame), batch_size):
        part = frame.iloc[start:start + batch_size]
        scores = score_texts(part["text"].tolist(), scorer=scorer, model_path=model_path)
        scores.insert(0, "text_id", part["text_id"].to_numpy())
        if record_scores is not None:
            with engine.begin() as conn:
                record_scores(conn, scores)
        else:
            _append_scores(engine, scores)
        total += len(part)
    return total


def _append_scores(engine: Engine, scores: pd.DataFrame) -> None:
    """Fallback writer: mark older scores not current, insert the new ones as current."""
    table = _tables(engine)["fact_text_score"]
    names = set(table.c.keys())
    now = dt.datetime.now(dt.UTC)
    ids = [int(i) for i in scores["text_id"]]
    rows = []
    for rec in scores.to_dict("records"):
        row = {k: (None if isinstance(v, float) and math.isnan(v) else v)
               for k, v in rec.items() if k in names}
        row["text_id"] = int(rec["text_id"])
        row["is_current"] = True
        if "scored_at" in names:
            row["scored_at"] = now
        rows.append(row)
    with engine.begin() as conn:
        conn.execute(sa.update(table).where(table.c.text_id.in_(ids)).values(is_current=False))
        conn.execute(sa.insert(table), rows)
