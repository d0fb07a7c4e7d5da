"""The tension index: respondent scores from the views' rows, then cell means with bootstrap CIs.

Inputs are frames shaped like the warehouse views `v_responses_long` and `v_text_scores`
(the latter with `respondent_key`). docs/method.md states the formula with a worked example.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sentiment.analysis.config import IndexConfig
from sentiment.analysis.intervals import bootstrap_mean_ci, cell_rng

RESPONDENT = ["wave_id", "side", "respondent_group", "respondent_key"]
CELL = ["wave_id", "side", "respondent_group"]
CELL_COLUMNS = [*CELL, "n", "tension_index", "ci_low", "ci_high", "likert_component",
                "brawls_component", "text_component", "n_brawls", "mean_brawls", "n_text"]


def _bare(question_id: pd.Series) -> pd.Series:
    """'remaja.aman_siang' → 'aman_siang'."""
    return question_id.astype(str).str.split(".", n=1).str[-1]


def item_scores(responses: pd.DataFrame, cfg: IndexConfig) -> pd.DataFrame:
    """One row per respondent × Likert item: the answer and its tension score in [0, 1].

    tension = (max − x)/(max − min) for items where agreeing means calm (aman_siang …),
    (x − min)/(max − min) for `reverse` items where agreeing means tension (khawatir_tawuran …).
    """
    reverse = {i.question_id: i.reverse for i in cfg.items}
    rows = responses[responses["question_id"].isin(reverse) & responses["value_num"].notna()]
    # Several rows for one respondent and item (should not happen for current responses) average.
    rows = rows.groupby([*RESPONDENT, "question_id"], as_index=False, observed=True)["value_num"].mean()
    span = cfg.scale_max - cfg.scale_min
    is_rev = rows["question_id"].map(reverse).astype(bool)
    x = rows["value_num"].astype(float)
    rows["tension"] = np.where(is_rev, (x - cfg.scale_min) / span, (cfg.scale_max - x) / span)
    return rows


def text_flags(texts: pd.DataFrame, cfg: IndexConfig) -> pd.DataFrame:
    """Scored free-text answers that count, each flagged 1 if negative on a target topic."""
    cols = [*RESPONDENT, "question_id", "flag"]
    if texts is None or texts.empty:
        return pd.DataFrame(columns=cols)
    rows = texts[texts["sentiment"].notna()]
    if cfg.scorer is not None and "scorer" in rows:
        rows = rows[rows["scorer"] == cfg.scorer]
    if cfg.text_questions:
        rows = rows[_bare(rows["question_id"]).isin(cfg.text_questions)]
    target = set(cfg.text_topics)
    topics = rows["topics"].fillna("").astype(str).str.split("|")
    on_topic = topics.map(lambda codes: bool(target.intersection(codes)))
    negative = rows["sentiment"].astype(str) == cfg.negative_label
    rows = rows.assign(flag=(on_topic & negative).astype(float))
    return rows[cols]


def respondent_scores(responses: pd.DataFrame, texts: pd.DataFrame | None,
                      cfg: IndexConfig) -> pd.DataFrame:
    """One row per respondent and wave: component scores (0–1) and the index (0–100).

    Columns: wave_id, side, respondent_group, respondent_key, likert, n_items, brawls_raw,
    brawls, text, n_texts, tension_index. Respondents with fewer than `min_items` answered
    Likert items get no row. A missing brawl answer or no scored free text drops that
    component and the others are reweighted.
    """
    items = item_scores(responses, cfg)
    resp = items.groupby(RESPONDENT, as_index=False, observed=True).agg(
        likert=("tension", "mean"), n_items=("tension", "size"))
    resp = resp[resp["n_items"] >= cfg.min_items]

    brawl_rows = responses[(_bare(responses["question_id"]) == cfg.brawls_question)
                           & responses["value_num"].notna()]
    brawls = brawl_rows.groupby(RESPONDENT, as_index=False, observed=True).agg(
        brawls_raw=("value_num", "mean"))
    brawls["brawls"] = brawls["brawls_raw"].astype(float).clip(upper=cfg.brawls_cap) / cfg.brawls_cap

    flags = text_flags(texts, cfg)
    text = flags.groupby(RESPONDENT, as_index=False, observed=True).agg(
        text=("flag", "mean"), n_texts=("flag", "size"))

    resp = resp.merge(brawls, on=RESPONDENT, how="left").merge(text, on=RESPONDENT, how="left")
    resp["n_texts"] = resp["n_texts"].fillna(0).astype(int)
    weighted = cfg.likert_weight * resp["likert"]
    total = pd.Series(cfg.likert_weight, index=resp.index, dtype=float)
    for col, weight in (("brawls", cfg.brawls_weight), ("text", cfg.text_weight)):
        present = resp[col].notna()
        weighted = weighted + np.where(present, weight * resp[col].fillna(0.0), 0.0)
        total = total + np.where(present, weight, 0.0)
    resp["tension_index"] = 100.0 * weighted / total
    for col in ("likert", "brawls_raw", "brawls", "text", "tension_index"):
        resp[col] = resp[col].astype(float)
    return resp.reset_index(drop=True)


def with_totals(frame: pd.DataFrame, total: str) -> pd.DataFrame:
    """Four copies of the rows: as they are, side → total, group → total, both → total."""
    parts = [frame, frame.assign(respondent_group=total), frame.assign(side=total),
             frame.assign(side=total, respondent_group=total)]
    return pd.concat(parts, ignore_index=True)


def cell_key(wave: str, side: str, group: str) -> str:
    return f"{wave}|{side}|{group}"


def index_cells(resp: pd.DataFrame, cfg: IndexConfig) -> pd.DataFrame:
    """Cell means of the respondent scores at every level, with bootstrap CI and n.

    Columns: wave_id, side, respondent_group, n, tension_index, ci_low, ci_high,
    likert_component, brawls_component, text_component (0–100), n_brawls, mean_brawls
    (uncapped), n_text (respondents with a text score).
    """
    rows = []
    for (wave, side, group), cell in with_totals(resp, cfg.total).groupby(CELL, sort=True):
        values = cell["tension_index"].to_numpy(dtype=float)
        low, high = bootstrap_mean_ci(values, resamples=cfg.resamples, confidence=cfg.confidence,
                                      rng=cell_rng(cfg.seed, cell_key(wave, side, group)))
        rows.append({
            "wave_id": wave, "side": side, "respondent_group": group, "n": int(values.size),
            "tension_index": float(values.mean()), "ci_low": low, "ci_high": high,
            "likert_component": 100.0 * cell["likert"].mean(),
            "brawls_component": 100.0 * cell["brawls"].mean(),
            "text_component": 100.0 * cell["text"].mean(),
            "n_brawls": int(cell["brawls_raw"].notna().sum()),
            "mean_brawls": float(cell["brawls_raw"].mean()),
            "n_text": int(cell["text"].notna().sum()),
        })
    return pd.DataFrame(rows, columns=CELL_COLUMNS)
