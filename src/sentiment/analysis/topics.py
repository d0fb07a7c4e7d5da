"""Topic shares of free-text answers per cell, and the negative share within each topic, with Wilson CIs."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sentiment.analysis.config import IndexConfig
from sentiment.analysis.index import CELL, with_totals
from sentiment.analysis.intervals import wilson_interval
from sentiment.config import load_yaml

COLUMNS = [*CELL, "topic", "n", "n_topic", "share", "ci_low", "ci_high", "n_negative",
           "negative_share", "negative_ci_low", "negative_ci_high"]


def topic_codes() -> list[str]:
    """The codebook's topic codes, in codebook order (`schemas/topics.yaml`)."""
    return list(load_yaml("topics.yaml")["codes"])


def topic_shares(texts: pd.DataFrame, cfg: IndexConfig, topics: Sequence[str]) -> pd.DataFrame:
    """Per cell (all four levels) × topic: share of scored answers carrying the topic, and the
    share of those that are negative, each with its Wilson interval and denominator.

    n = scored answers in the cell; n_topic = answers with the topic (an answer can carry up
    to three topics, so shares over topics add up to more than 1).
    """
    rows = texts[texts["sentiment"].notna()]
    if cfg.scorer is not None and "scorer" in rows:
        rows = rows[rows["scorer"] == cfg.scorer]
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    codes = rows["topics"].fillna("").astype(str).str.split("|")
    negative = (rows["sentiment"].astype(str) == cfg.negative_label).astype(int)
    flags = {t: codes.map(lambda c, t=t: t in c).astype(int) for t in topics}
    wide = rows[CELL].assign(_neg=negative.to_numpy(), _one=1,
                             **{f"t:{t}": f.to_numpy() for t, f in flags.items()},
                             **{f"nt:{t}": (f & negative).to_numpy() for t, f in flags.items()})
    sums = with_totals(wide, cfg.total).groupby(CELL, sort=True).sum(numeric_only=True)
    out = []
    for t in topics:
        part = pd.DataFrame({"n": sums["_one"], "n_topic": sums[f"t:{t}"],
                             "n_negative": sums[f"nt:{t}"]}).reset_index()
        part.insert(3, "topic", t)
        out.append(part)
    table = pd.concat(out, ignore_index=True)
    for col in ("n", "n_topic", "n_negative"):
        table[col] = table[col].astype(int)
    table["share"] = table["n_topic"] / table["n"]
    table["ci_low"], table["ci_high"] = wilson_interval(table["n_topic"], table["n"], cfg.confidence)
    table["negative_share"] = (table["n_negative"] / table["n_topic"]).where(table["n_topic"] > 0)
    low, high = wilson_interval(table["n_negative"], table["n_topic"], cfg.confidence)
    table["negative_ci_low"], table["negative_ci_high"] = low, high
    return table[COLUMNS]

