"""Text figures corrected by the human-coded answers: prediction-powered estimates per cell.

For every cell (wave × side × group, and the totals) and every text figure the warehouse
publishes, the machine's figure over all scored answers is set beside an estimate corrected
by the cell's coded answers (`sentiment.analysis.ppi`; docs/method.md section 10):

- measure `sentiment`: the share of each label (positif / netral / negatif) among scored answers;
- measure `topic`: the share of scored answers carrying each topic code;
- measure `text_component`: the tension index's text component (0–100: per respondent the
  share of their answers negative on a target topic, averaged over the cell's respondents).

A coded answer is one with a human label (the majority of its coders; a tie is no label).
Coders' topics count only in a wave where some coder gave topics (an empty cell then means
"no topic"); elsewhere topic shares and the text component stay `uncorrected`. A coded
answer a model was trained on (`coding_training`) is never used for the correction: it is
counted in `n_training` instead. A cell without a usable coded answer is `uncorrected`: the
machine figure only, no estimate and no interval. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from sentiment.analysis.config import IndexConfig
from sentiment.analysis.index import CELL, RESPONDENT, _bare, with_totals
from sentiment.analysis.ppi import ppi_mean
from sentiment.analysis.suppress import suppress

LABELS = ("positif", "netral", "negatif")
TEXT_COMPONENT = "text_component"
COLUMNS = [*CELL, "measure", "label", "estimate", "ci_low", "ci_high", "machine_share",
           "n_scored", "n_coded", "n_training", "method"]


def _split(topics: pd.Series) -> pd.Series:
    return topics.fillna("").astype(str).map(lambda s: frozenset(t for t in s.split("|") if t))


def consensus(codes: pd.DataFrame) -> pd.DataFrame:
    """One human reading per coded answer: text_id, label, topics (frozenset), topics_coded.

    `codes`: text_id, coder, label, topics (codes joined by |, None when left empty), and
    optionally coded_at / coding_id (each coder's latest code per answer counts). The label
    is the majority over coders (a tie: no label, the answer is not coded); a topic is
    present when more than half of the answer's coders gave it.
    """
    out_cols = ["text_id", "label", "topics", "topics_coded"]
    if codes is None or codes.empty:
        return pd.DataFrame(columns=out_cols)
    frame = codes.copy()
    order = [c for c in ("coded_at", "coding_id") if c in frame.columns]
    if order:
        frame = frame.sort_values(order)
    frame = frame.drop_duplicates(["text_id", "coder"], keep="last")
    frame["topic_set"] = _split(frame["topics"])
    frame["gave_topics"] = frame["topics"].fillna("").astype(str).str.strip() != ""
    rows = []
    for text_id, part in frame.groupby("text_id", sort=True):
        counts = part["label"].value_counts()
        if len(counts) > 1 and counts.iloc[0] == counts.iloc[1]:
            continue  # coders tie: no human label
        tally: dict[str, int] = {}
        for topic_set in part["topic_set"]:
            for t in topic_set:
                tally[t] = tally.get(t, 0) + 1
        topics = frozenset(t for t, k in tally.items() if k * 2 > len(part))
        rows.append((int(text_id), str(counts.index[0]), topics, bool(part["gave_topics"].any())))
    return pd.DataFrame(rows, columns=out_cols)


def _answers(texts: pd.DataFrame, human: pd.DataFrame, trained: Collection[int],
             cfg: IndexConfig) -> pd.DataFrame:
    """Scored answers with the machine's and (where coded) the human reading."""
    rows = texts[texts["sentiment"].notna()]
    if cfg.scorer is not None and "scorer" in rows:
        rows = rows[rows["scorer"] == cfg.scorer]
    rows = rows.copy()
    rows["text_id"] = rows["text_id"].astype(int)
    rows["m_topics"] = _split(rows["topics"])
    merged = rows.merge(human.rename(columns={"label": "h_label", "topics": "h_topics"}),
                        on="text_id", how="left")
    merged["is_coded"] = merged["h_label"].notna()
    merged["is_trained"] = merged["text_id"].isin(set(int(t) for t in trained))
    merged["use"] = merged["is_coded"] & ~merged["is_trained"]
    merged["topics_coded"] = merged["topics_coded"].astype("boolean").fillna(False).astype(bool)
    wave_topics = merged[merged["use"]].groupby("wave_id")["topics_coded"].any()
    merged["wave_topics"] = merged["wave_id"].map(wave_topics).fillna(False).astype(bool)
    merged["h_topics"] = [t if isinstance(t, frozenset) else frozenset()
                          for t in merged["h_topics"]]
    return merged


def _row(cell: tuple, measure: str, label: str, machine_all: np.ndarray, machine_coded: np.ndarray,
         human_coded: np.ndarray, n_training: int, alpha: float, scale: float = 1.0,
         correctable: bool = True) -> list:
    machine = float(np.mean(machine_all)) * scale if len(machine_all) else None
    n_scored = len(machine_all)
    if not correctable or len(human_coded) == 0 or n_scored == 0:
        return [*cell, measure, label, None, None, None, machine, n_scored, 0, n_training,
                "uncorrected"]
    est = ppi_mean(machine_all, machine_coded, human_coded, alpha, bounds=(0.0, 1.0))
    return [*cell, measure, label, est.estimate * scale, est.ci_low * scale, est.ci_high * scale,
            machine, n_scored, est.n_coded, n_training, est.method]


def _text_component_rows(answers: pd.DataFrame, respondents: pd.DataFrame | None,
                         cfg: IndexConfig, alpha: float) -> list[list]:
    """Per respondent: the machine's text value over all their counted answers, and over
    their coded answers the machine's and the human's value; PPI over respondents."""
    rows = answers
    if cfg.text_questions:
        rows = rows[_bare(rows["question_id"]).isin(cfg.text_questions)]
    if respondents is not None:
        keep = respondents[RESPONDENT].drop_duplicates()
        rows = rows.merge(keep, on=RESPONDENT, how="inner")
    if rows.empty:
        return []
    target = frozenset(cfg.text_topics)
    negative = cfg.negative_label
    rows = rows.assign(
        m_flag=[float(bool(t & target) and s == negative)
                for t, s in zip(rows["m_topics"], rows["sentiment"].astype(str), strict=True)],
        h_flag=[float(bool(t & target) and s == negative)
                for t, s in zip(rows["h_topics"], rows["h_label"].astype(str), strict=True)],
        trained_coded=rows["is_coded"] & rows["is_trained"])
    used = rows[rows["use"] & rows["wave_topics"]]
    per = rows.groupby(RESPONDENT, as_index=False).agg(
        machine=("m_flag", "mean"), wave_topics=("wave_topics", "any"),
        trained=("trained_coded", "any"))
    coded = used.groupby(RESPONDENT, as_index=False).agg(m_coded=("m_flag", "mean"),
                                                         h_coded=("h_flag", "mean"))
    per = per.merge(coded, on=RESPONDENT, how="left")
    out = []
    for cell, part in with_totals(per, cfg.total).groupby(CELL, sort=True):
        sample = part[part["h_coded"].notna()]
        out.append(_row(cell, "text_component", TEXT_COMPONENT, part["machine"].to_numpy(),
                        sample["m_coded"].to_numpy(), sample["h_coded"].to_numpy(),
                        int(part["trained"].sum()), alpha, scale=100.0,
                        correctable=bool(part["wave_topics"].any())))
    return out


def text_estimates(texts: pd.DataFrame, codes: pd.DataFrame | None, trained: Collection[int],
                   cfg: IndexConfig, topics: Sequence[str], cells: pd.DataFrame | None = None,
                   respondents: pd.DataFrame | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Every text figure per cell with its correction; `suppressed` marks rows no view shows.

    texts: v_text_scores-shaped rows with text_id and respondent_key (compute.TEXTS_SQL);
    codes: the `coding` rows (text_id, coder, label, topics[, coded_at, coding_id]);
    trained: text_ids a model was trained on; cells: the index cells with `suppressed`
    (a cell withheld there is withheld here); respondents: the index's respondents (the
    text component counts the same people as `tension_index.text_component`).
    """
    if texts is None or texts.empty:
        return pd.DataFrame(columns=[*COLUMNS, "suppressed"])
    if "text_id" not in texts.columns:  # frames without ids (pure tests): no code can match
        texts = texts.assign(text_id=-np.arange(1, len(texts) + 1))
    answers = _answers(texts, consensus(codes), trained, cfg)
    if answers.empty:
        return pd.DataFrame(columns=[*COLUMNS, "suppressed"])
    out: list[list] = []
    for cell, part in with_totals(answers, cfg.total).groupby(CELL, sort=True):
        sample = part[part["use"]]
        n_training = int((part["is_coded"] & part["is_trained"]).sum())
        for label in LABELS:
            out.append(_row(cell, "sentiment", label, (part["sentiment"] == label).to_numpy(float),
                            (sample["sentiment"] == label).to_numpy(float),
                            (sample["h_label"] == label).to_numpy(float), n_training, alpha))
        topic_sample = sample[sample["wave_topics"]]
        for t in topics:
            out.append(_row(cell, "topic", t, part["m_topics"].map(lambda s, t=t: t in s).to_numpy(float),
                            topic_sample["m_topics"].map(lambda s, t=t: t in s).to_numpy(float),
                            topic_sample["h_topics"].map(lambda s, t=t: t in s).to_numpy(float),
                            n_training, alpha, correctable=bool(part["wave_topics"].any())))
    out += _text_component_rows(answers, respondents, cfg, alpha)
    table = pd.DataFrame(out, columns=COLUMNS)
    return suppress_estimates(table, cells, cfg)


def suppress_estimates(table: pd.DataFrame, cells: pd.DataFrame | None,
                       cfg: IndexConfig) -> pd.DataFrame:
    """A cell is withheld as the topic table withholds it: its index cell is withheld, or it
    has fewer than min_n scored answers (with complements); a text component resting on fewer
    than min_n respondents is withheld (as in tension_index)."""
    answers = table[table["measure"] == "sentiment"].drop_duplicates(CELL)[[*CELL, "n_scored"]]
    if cells is not None and not cells.empty:
        answers = answers.merge(cells[[*CELL, "suppressed"]].rename(
            columns={"suppressed": "index_hidden"}), on=CELL, how="left")
        primary = answers["index_hidden"].astype("boolean").fillna(True).astype(bool)
    else:
        primary = pd.Series(True, index=answers.index)  # no index cell: nothing is published
    hidden = suppress(answers.reset_index(drop=True), "n_scored", CELL, cfg.total,
                      threshold=cfg.min_n, primary=primary.reset_index(drop=True))
    out = table.merge(hidden[[*CELL, "suppressed"]], on=CELL, how="left")
    out["suppressed"] = out["suppressed"].astype("boolean").fillna(True).astype(bool)
    thin = (out["measure"] == "text_component") & (out["n_scored"] < cfg.min_n)
    out.loc[thin, "suppressed"] = True
    return out[[*COLUMNS, "suppressed"]]
