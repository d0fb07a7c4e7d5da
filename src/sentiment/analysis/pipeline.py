"""All analysis results from the two view-shaped frames, suppression applied (pure, no database)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import pandas as pd

from sentiment.analysis.change import CHANGE_COLUMNS, TREND_COLUMNS, trends, wave_changes
from sentiment.analysis.config import IndexConfig
from sentiment.analysis.index import CELL, CELL_COLUMNS, index_cells, respondent_scores
from sentiment.analysis.reliability import RELIABILITY_COLUMNS, reliability_table
from sentiment.analysis.suppress import suppress
from sentiment.analysis.text_estimates import COLUMNS as ESTIMATE_COLUMNS
from sentiment.analysis.text_estimates import text_estimates
from sentiment.analysis.topics import COLUMNS as TOPIC_COLUMNS
from sentiment.analysis.topics import topic_shares


@dataclass
class Analysis:
    """Every table the warehouse stores; `suppressed` marks rows no view may publish."""

    respondents: pd.DataFrame  # never leaves the warehouse process: not stored
    cells: pd.DataFrame
    reliability: pd.DataFrame
    changes: pd.DataFrame
    trends: pd.DataFrame
    topics: pd.DataFrame
    text_estimates: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=[*ESTIMATE_COLUMNS, "suppressed"]))


def suppress_cells(cells: pd.DataFrame, cfg: IndexConfig) -> pd.DataFrame:
    """Primary + complementary suppression on respondents; thin components inside a cell NULLed."""
    out = suppress(cells, "n", CELL, cfg.total, threshold=cfg.min_n)
    # A published cell's brawl or text component may rest on fewer answers than the cell's n.
    out.loc[out["n_brawls"] < cfg.min_n, ["brawls_component", "mean_brawls"]] = float("nan")
    out.loc[out["n_text"] < cfg.min_n, "text_component"] = float("nan")
    return out


def suppress_topics(table: pd.DataFrame, cells: pd.DataFrame, cfg: IndexConfig) -> pd.DataFrame:
    """Hide a whole cell where its index cell is hidden or it has too few texts (with complements);
    hide a topic's negative share where the topic has too few texts (with complements)."""
    if table.empty:
        return table.assign(suppressed=pd.Series(dtype=bool), negative_suppressed=pd.Series(dtype=bool))
    per_cell = table.drop_duplicates(CELL)[[*CELL, "n"]].merge(
        cells[[*CELL, "suppressed"]].rename(columns={"suppressed": "index_hidden"}),
        on=CELL, how="left")
    hidden = suppress(per_cell, "n", CELL, cfg.total, threshold=cfg.min_n,
                      primary=per_cell["index_hidden"].fillna(True).astype(bool))
    out = table.merge(hidden[[*CELL, "suppressed"]], on=CELL, how="left")
    neg = suppress(out, "n_topic", [*CELL, "topic"], cfg.total, threshold=cfg.min_n,
                   primary=out["suppressed"])
    out["negative_suppressed"] = neg["suppressed"].to_numpy()
    return out


def analyse(responses: pd.DataFrame, texts: pd.DataFrame, cfg: IndexConfig,
            topics: Sequence[str], order: Sequence[str] | None = None,
            codes: pd.DataFrame | None = None, trained: Collection[int] = ()) -> Analysis:
    """Index, reliability, change, trend, topic shares and the text estimates (machine figure
    and, where `codes` has human-coded answers not in `trained`, the corrected one) for every
    wave in the frames."""
    resp = respondent_scores(responses, texts, cfg)
    if resp.empty:
        return _empty(resp)
    cells = suppress_cells(index_cells(resp, cfg), cfg)

    hidden = cells.loc[cells["side"] == cfg.total, ["wave_id", "respondent_group", "suppressed"]]
    rel = reliability_table(responses, cfg).merge(hidden, on=["wave_id", "respondent_group"],
                                                  how="left")
    rel["suppressed"] = rel["suppressed"].fillna(True).astype(bool) | (rel["n"] < cfg.min_n)

    changes = wave_changes(resp, cfg, order)
    flags = cells.set_index(CELL)["suppressed"]
    now = pd.MultiIndex.from_frame(changes[CELL])
    before = pd.MultiIndex.from_arrays([changes["prev_wave_id"], changes["side"],
                                        changes["respondent_group"]])
    changes["suppressed"] = (flags.reindex(now).fillna(True).to_numpy(dtype=bool)
                             | flags.reindex(before).fillna(True).to_numpy(dtype=bool))

    trend = trends(cells[~cells["suppressed"]], cfg, order)
    shares = suppress_topics(topic_shares(texts, cfg, topics), cells, cfg)
    estimates = text_estimates(texts, codes, trained, cfg, topics, cells, resp)
    return Analysis(resp, cells, rel, changes, trend, shares, estimates)


def _empty(resp: pd.DataFrame) -> Analysis:
    """No respondent has an index (empty warehouse): every table empty, with its columns."""
    def frame(columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame(columns=columns)

    return Analysis(resp, frame([*CELL_COLUMNS, "suppressed", "suppression"]),
                    frame([*RELIABILITY_COLUMNS, "suppressed"]),
                    frame([*CHANGE_COLUMNS, "suppressed"]), frame(TREND_COLUMNS),
                    frame([*TOPIC_COLUMNS, "suppressed", "negative_suppressed"]))
