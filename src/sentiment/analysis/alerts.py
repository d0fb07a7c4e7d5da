"""Early-warning rules (`schemas/alerts.yaml`) evaluated on published cells; optional Prefect notification."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from sentiment.analysis.change import ordered_waves, wave_order
from sentiment.analysis.config import AlertConfig, AlertRule, ConfigError
from sentiment.config import load_yaml

log = logging.getLogger(__name__)

FIRING_COLUMNS = ["rule_id", "metric", "wave_id", "prev_wave_id", "side", "respondent_group",
                  "topic", "value", "previous", "diff", "threshold", "n", "message", "message_en"]
KEY = ["side", "respondent_group", "topic"]


def _visible(table: pd.DataFrame | None) -> pd.DataFrame:
    if table is None:
        return pd.DataFrame()
    if "suppressed" in table:
        table = table[~table["suppressed"].astype(bool)]
    return table


def _pairs(table: pd.DataFrame, value: str, n: str, order: Sequence[str]) -> pd.DataFrame:
    """Each cell beside the same cell in the previous wave with data (topic "" = no topic)."""
    cols = ["wave_id", "prev_wave_id", *KEY, "value", "previous", "n", "n_prev", "ci_low",
            "ci_high"]
    if table.empty:
        return pd.DataFrame(columns=cols)
    topic = table["topic"] if "topic" in table else ""
    frame = table.assign(topic=topic)[["wave_id", *KEY, value, n]]
    frame = frame.rename(columns={value: "value", n: "n"})
    waves = ordered_waves(frame["wave_id"].unique().tolist(), order)
    prev_of = dict(zip(waves[1:], waves[:-1], strict=True))
    current = frame.assign(prev_wave_id=frame["wave_id"].map(prev_of)).dropna(subset=["prev_wave_id"])
    before = frame.rename(columns={"wave_id": "prev_wave_id", "value": "previous", "n": "n_prev"})
    merged = current.merge(before, on=["prev_wave_id", *KEY], how="inner")
    return merged.assign(ci_low=math.nan, ci_high=math.nan)[cols]


def _fires(rule: AlertRule, row: Any) -> bool:
    c = rule.conditions
    value, previous = float(row.value), float(row.previous)
    if math.isnan(value) or math.isnan(previous):
        return False
    if "min_n" in c and min(int(row.n), int(row.n_prev)) < float(c["min_n"]):
        return False
    if "rise_at_least" in c and value - previous < float(c["rise_at_least"]):
        return False
    if "ratio_at_least" in c and previous > 0 and value < float(c["ratio_at_least"]) * previous:
        return False
    if "ratio_at_least" in c and previous <= 0 and value <= 0:
        return False
    if "value_at_least" in c and value < float(c["value_at_least"]):
        return False
    if c.get("ci_excludes_zero"):
        if math.isnan(float(row.ci_low)):
            raise ConfigError(f"alerts.yaml: rule {rule.id!r}: ci_excludes_zero needs a metric "
                              "with an interval of the change (tension_index)")
        if not float(row.ci_low) > 0:
            return False
    return True


def _threshold(rule: AlertRule) -> float:
    for name in ("rise_at_least", "ratio_at_least", "value_at_least"):
        if name in rule.conditions:
            return float(rule.conditions[name])
    return math.nan


def _topic_labels() -> dict[str, str]:
    try:
        return {code: spec.get("label", code) for code, spec in load_yaml("topics.yaml")["codes"].items()}
    except FileNotFoundError:
        return {}


def _message(template: str, labels: dict[str, dict[str, str]], row: Any, topic: str) -> str:
    side = labels.get("side", {}).get(row.side, row.side)
    group = labels.get("group", {}).get(row.respondent_group, row.respondent_group)
    return " ".join(template.format(
        side=side, group=group, wave=row.wave_id, prev_wave=row.prev_wave_id, value=row.value,
        previous=row.previous, diff=row.value - row.previous, threshold=row.threshold,
        topic=topic, ci_low=row.ci_low, ci_high=row.ci_high, n=int(row.n)).split())


def evaluate_alerts(cells: pd.DataFrame, changes: pd.DataFrame, topic_table: pd.DataFrame | None,
                    config: AlertConfig, *, wave: str | None = None,
                    order: Sequence[str] | None = None) -> pd.DataFrame:
    """Every rule firing, one row each (pure: nothing is written or sent).

    cells: index cells (tension_index, mean_brawls, n_brawls per wave × side × group);
    changes: `wave_changes` output; topic_table: `topic_shares` output. Rows flagged
    `suppressed` are ignored, so an alert never reveals a withheld cell. `wave` keeps only
    firings for that wave. `threshold` is the rule's rise (else ratio, else level) threshold.
    """
    order = list(order or wave_order())
    cells, changes, topic_table = _visible(cells), _visible(changes), _visible(topic_table)
    topic_labels = _topic_labels()
    out: list[dict[str, Any]] = []
    for rule in config.rules:
        if rule.metric == "tension_index":
            pairs = changes.assign(topic="") if not changes.empty else _pairs(changes, "", "", order)
        elif rule.metric == "mean_brawls":
            pairs = _pairs(cells, "mean_brawls", "n_brawls", order)
        else:
            table = topic_table
            if "negative_suppressed" in table:  # the share itself may be withheld in a shown cell
                table = table[~table["negative_suppressed"].astype(bool)]
            if rule.topics and not table.empty:
                table = table[table["topic"].isin(rule.topics)]
            pairs = _pairs(table, "negative_share", "n_topic", order)
        if wave is not None and not pairs.empty:
            pairs = pairs[pairs["wave_id"] == wave]
        threshold = _threshold(rule)
        for row in pairs.assign(threshold=threshold).itertuples(index=False):
            if not _fires(rule, row):
                continue
            topic = row.topic or None
            out.append({
                "rule_id": rule.id, "metric": rule.metric, "wave_id": row.wave_id,
                "prev_wave_id": row.prev_wave_id, "side": row.side,
                "respondent_group": row.respondent_group, "topic": topic,
                "value": float(row.value), "previous": float(row.previous),
                "diff": float(row.value - row.previous), "threshold": threshold, "n": int(row.n),
                "message": _message(rule.message, config.labels, row,
                                    topic_labels.get(topic or "", topic or "")),
                "message_en": _message(rule.message_en, config.labels_en, row, topic or ""),
            })
    return pd.DataFrame(out, columns=FIRING_COLUMNS)


def send_alerts(firings: pd.DataFrame, notify_block: str | None) -> int:
    """Send the firings as one message through a Prefect notification block; 0 when none is set.

    `notify_block` is "<block-type-slug>/<block-name>" (alerts.yaml). Returns the number of
    firings sent; a failure propagates so the caller leaves them marked unsent.
    """
    if not notify_block or firings.empty:
        return 0
    from prefect.blocks.core import Block

    block = Block.load(notify_block)
    waves = ", ".join(sorted(firings["wave_id"].astype(str).unique()))
    body = "\n\n".join(f"• {m}\n  ({e})" for m, e in zip(firings["message"], firings["message_en"],
                                                        strict=True))
    block.notify(body=body, subject=f"Peringatan dini Kali Pasir — gelombang {waves}")
    log.info("sent %d alert(s) through %s", len(firings), notify_block)
    return len(firings)
