"""Typed view of `schemas/index.yaml` and `schemas/alerts.yaml`, checked against the forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentiment.config import load_yaml
from sentiment.errors import SentimentError
from sentiment.forms import FormRegistry, load_registry

METRICS = ("tension_index", "mean_brawls", "topic_negative_share")
CONDITIONS = ("rise_at_least", "ratio_at_least", "ci_excludes_zero", "min_n", "value_at_least")


class ConfigError(SentimentError):
    """schemas/index.yaml or schemas/alerts.yaml is inconsistent."""


@dataclass(frozen=True)
class Item:
    """One Likert item of the index: warehouse question id and its direction."""

    question_id: str  # "<form_id>.<question_id>"
    respondent_group: str
    reverse: bool  # True: agreeing means MORE tension


@dataclass(frozen=True)
class IndexConfig:
    method_version: str
    likert_weight: float
    items: tuple[Item, ...]
    scale_min: float
    scale_max: float
    min_items: int
    brawls_weight: float
    brawls_question: str  # bare question id
    brawls_cap: float
    text_weight: float
    text_topics: tuple[str, ...]
    negative_label: str
    text_questions: tuple[str, ...]  # bare question ids; empty = all
    scorer: str | None
    total: str
    min_n: int
    confidence: float
    resamples: int
    seed: int
    alpha_floor: float

    def items_of(self, group: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.respondent_group == group)

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.respondent_group for i in self.items))


@dataclass(frozen=True)
class AlertRule:
    id: str
    metric: str
    conditions: dict[str, float | bool]
    message: str
    message_en: str
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlertConfig:
    rules: tuple[AlertRule, ...]
    notify_block: str | None = None
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    labels_en: dict[str, dict[str, str]] = field(default_factory=dict)


def _items(raw: dict[str, list[str]], registry: FormRegistry) -> tuple[Item, ...]:
    """Resolve bare item names per group against every version of that group's form."""
    items: list[Item] = []
    for group, names in raw.items():
        forms = [f for f in registry.forms if f.respondent_group == group]
        if not forms:
            raise ConfigError(f"index.yaml: no form for respondent group {group!r}")
        for name in names:
            found = {
                (form.form_id, fld.reverse)
                for form in forms for fld in form.fields
                if fld.question_id == name and fld.type == "likert"
            }
            if len(found) != 1:
                raise ConfigError(
                    f"index.yaml: item {name!r} of group {group!r} must be one Likert question "
                    f"with one direction in the {group} forms (found {sorted(found)})"
                )
            form_id, reverse = found.pop()
            items.append(Item(f"{form_id}.{name}", group, reverse))
    return tuple(items)


def load_index_config(path: str | Path = "index.yaml",
                      registry: FormRegistry | None = None) -> IndexConfig:
    """Read `schemas/index.yaml`; item directions come from the form definitions."""
    raw: dict[str, Any] = load_yaml(path)
    comp = raw["components"]
    lik, brw, txt = comp["likert"], comp["brawls"], comp["text"]
    weights = (float(lik["weight"]), float(brw["weight"]), float(txt["weight"]))
    if min(weights) < 0 or sum(weights) <= 0:
        raise ConfigError("index.yaml: weights must be >= 0 and not all zero")
    if float(brw["cap"]) <= 0:
        raise ConfigError("index.yaml: components.brawls.cap must be > 0")
    return IndexConfig(
        method_version=str(raw["method_version"]),
        likert_weight=weights[0],
        items=_items(lik["items"], registry or load_registry()),
        scale_min=float(lik["scale_min"]),
        scale_max=float(lik["scale_max"]),
        min_items=int(lik["min_items"]),
        brawls_weight=weights[1],
        brawls_question=str(brw["question"]),
        brawls_cap=float(brw["cap"]),
        text_weight=weights[2],
        text_topics=tuple(txt["topics"]),
        negative_label=str(txt.get("negative_label", "negatif")),
        text_questions=tuple(txt.get("questions") or ()),
        scorer=txt.get("scorer"),
        total=str(raw["cells"]["total"]),
        min_n=int(raw["cells"]["min_n"]),
        confidence=float(raw["uncertainty"]["confidence"]),
        resamples=int(raw["uncertainty"]["bootstrap_resamples"]),
        seed=int(raw["uncertainty"]["seed"]),
        alpha_floor=float(raw["reliability"]["alpha_floor"]),
    )


def load_alert_config(path: str | Path = "alerts.yaml") -> AlertConfig:
    """Read `schemas/alerts.yaml`; unknown metrics or conditions are refused."""
    raw: dict[str, Any] = load_yaml(path)
    rules: list[AlertRule] = []
    for r in raw.get("rules") or []:
        if r["metric"] not in METRICS:
            raise ConfigError(f"alerts.yaml: rule {r['id']!r}: unknown metric {r['metric']!r}")
        unknown = set(r.get("conditions", {})) - set(CONDITIONS)
        if unknown:
            raise ConfigError(f"alerts.yaml: rule {r['id']!r}: unknown conditions {sorted(unknown)}")
        rules.append(AlertRule(
            id=str(r["id"]), metric=r["metric"], conditions=dict(r.get("conditions") or {}),
            message=str(r["message"]).strip(), message_en=str(r["message_en"]).strip(),
            topics=tuple(r.get("topics") or ()),
        ))
    return AlertConfig(tuple(rules), raw.get("notify_block") or None,
                       raw.get("labels") or {}, raw.get("labels_en") or {})
