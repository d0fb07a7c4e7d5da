"""Report charts as PNG bytes (matplotlib, Agg): legible in black and white and on a phone."""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede any pyplot import elsewhere

import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sentiment.report.data import TopicRow, Wave  # noqa: E402
from sentiment.report.participation import SafetyRow  # noqa: E402

# Line style, marker and fill tell the series apart; colour only helps (Okabe–Ito palette).
# Sides in declaration order (areas.yaml) get these styles; the legend text names them.
SIDE_STYLES = (
    ({"color": "#0072B2", "linestyle": "-", "marker": "o"}, "Garis utuh dengan bulatan"),
    ({"color": "#D55E00", "linestyle": "--", "marker": "s"}, "Garis putus-putus dengan kotak"),
    ({"color": "#009E73", "linestyle": "-.", "marker": "^"}, "Garis titik-strip dengan segitiga"),
    ({"color": "#CC79A7", "linestyle": ":", "marker": "D"}, "Garis titik-titik dengan belah ketupat"),
)


def side_style(side: str, side_labels: dict[str, str]) -> dict[str, str]:
    order = list(side_labels)
    index = order.index(side) if side in order else len(order)
    return SIDE_STYLES[index % len(SIDE_STYLES)][0]


def side_legend(side_labels: dict[str, str]) -> list[tuple[str, str]]:
    """(side label, how its line looks) for the chart's text alternative."""
    return [(label.split(" (")[0], SIDE_STYLES[i % len(SIDE_STYLES)][1])
            for i, label in enumerate(side_labels.values())]
# Respondent groups in declaration order get these styles (print-safe: shade and hatch).
GROUP_STYLES = (
    {"color": "#404040", "hatch": "", "edgecolor": "black"},
    {"color": "white", "hatch": "///", "edgecolor": "black"},
    {"color": "#a0a0a0", "hatch": "..", "edgecolor": "black"},
    {"color": "white", "hatch": "xx", "edgecolor": "black"},
)
# Figures about 6.4 in wide with 18 pt text: on a 400 px phone screen the text is still ~12 px.
FONT = {
    "font.size": 18,
    "axes.titlesize": 18,
    "axes.labelsize": 18,
    "xtick.labelsize": 17,
    "ytick.labelsize": 17,
    "legend.fontsize": 17,
    "font.family": "DejaVu Sans",
}
DPI = 120


def short_wave_label(wave: Wave) -> str:
    """'Gelombang 4 (Agustus 2025)' → 'Agu 2025'; otherwise the wave id."""
    match = re.search(r"\(([A-Za-z]+)\s+(\d{4})\)", wave.label)
    if match:
        return f"{match.group(1)[:3]} {match.group(2)}"
    return wave.wave_id


def _whisker(upper: float | None, lower: float | None) -> float:
    """Length of an error bar in percent; 0 when a bound is missing (never negative: a Wilson
    bound can sit a rounding error past a share of 0 or 1)."""
    if upper is None or lower is None:
        return 0.0
    return max(0.0, 100 * (upper - lower))


def _wrap(label: str, width: int = 15) -> str:
    return textwrap.fill(label, width)


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(FONT):
        return Figure(figsize=(width, height), layout="constrained")


def tension_chart(
    tension: pd.DataFrame, waves: Sequence[Wave], sides: dict[str, str], total: str, current: str
) -> bytes:
    """Index per side (all respondents) over every wave, 95% interval as error bars."""
    with matplotlib.rc_context(FONT):
        fig = _figure(6.4, 4.6)
        ax = fig.subplots()
        xs = {w.wave_id: i for i, w in enumerate(waves)}
        offsets = dict(zip(sides, (-0.06, 0.06, 0.0), strict=False))
        lows, highs = [], []
        for side, label in sides.items():
            part = tension[
                (tension["side"] == side)
                & (tension["respondent_group"] == total)
                & tension["wave_id"].isin(xs)
            ]
            part = part.assign(_x=part["wave_id"].map(xs)).sort_values("_x")
            if part.empty:
                continue
            x = part["_x"] + offsets.get(side, 0.0)
            y = part["tension_index"].astype(float)
            err = [y - part["ci_low"].astype(float), part["ci_high"].astype(float) - y]
            style = side_style(side, sides)
            ax.errorbar(
                x,
                y,
                yerr=err,
                capsize=6,
                linewidth=2.5,
                markersize=9,
                elinewidth=1.6,
                label=label.split(" (")[0],
                **style,
            )
            lows.append(part["ci_low"].min())
            highs.append(part["ci_high"].max())
        ax.set_xticks(range(len(waves)), [short_wave_label(w) for w in waves])
        if current in xs:
            ax.axvspan(xs[current] - 0.3, xs[current] + 0.3, color="#e8e8e8", zorder=0)
        if lows:
            pad = 5.0
            ax.set_ylim(max(0.0, min(lows) - pad), min(100.0, max(highs) + pad))
        ax.set_ylabel("Indeks ketegangan (0–100)")
        ax.grid(axis="y", linestyle=":", color="#999999")
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
        return _png(fig)


def topic_chart(topics: Sequence[TopicRow], group_labels: dict[str, str]) -> bytes:
    """Share of free-text answers per topic this wave: the respondent groups side by side."""
    with matplotlib.rc_context(FONT):
        fig = _figure(6.4, 1.4 + 0.9 * max(len(topics), 1))
        ax = fig.subplots()
        rows = list(reversed(topics))  # largest topic on top
        height = 0.76 / max(len(group_labels), 1)
        middle = (len(group_labels) - 1) / 2
        for k, group in enumerate(group_labels):
            ys = [i + (k - middle) * height for i in range(len(rows))]
            vals = [100 * (t.share.get(group) or 0.0) for t in rows]
            low = [_whisker(t.share.get(group), t.ci_low.get(group)) for t in rows]
            high = [_whisker(t.ci_high.get(group), t.share.get(group)) for t in rows]
            style = GROUP_STYLES[k % len(GROUP_STYLES)]
            ax.barh(
                ys,
                vals,
                height=height,
                color=style["color"],
                hatch=style["hatch"],
                edgecolor=style["edgecolor"],
                linewidth=1.2,
                label=group_labels.get(group, group),
                xerr=[low, high],
                error_kw={"ecolor": "#555555", "capsize": 4, "elinewidth": 1.2},
            )
        ax.set_yticks(range(len(rows)), [_wrap(t.label) for t in rows])
        ax.set_xlabel("% jawaban yang menyebut topik")
        ax.set_xlim(0, 100)
        ax.grid(axis="x", linestyle=":", color="#999999")
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
        return _png(fig)


def safety_chart(rows: Sequence[SafetyRow]) -> bytes:
    """Mean feeling safe at night (1–5) of participants vs others, per activity shown."""
    shown = [r for r in rows if r.mean_part is not None and r.mean_other is not None]
    with matplotlib.rc_context(FONT):
        fig = _figure(6.4, 1.6 + 0.9 * max(len(shown), 1))
        ax = fig.subplots()
        shown = list(reversed(shown))
        height = 0.38
        series = (
            ("Ikut", "mean_part", {"color": "white", "hatch": "xx", "edgecolor": "black"}),
            ("Tidak ikut", "mean_other", {"color": "#9a9a9a", "hatch": "", "edgecolor": "black"}),
        )
        for k, (label, attr, style) in enumerate(series):
            ys = [i + (0.5 - k) * height for i in range(len(shown))]
            ax.barh(
                ys,
                [getattr(r, attr) for r in shown],
                height=height,
                label=label,
                linewidth=1.2,
                **style,
            )
        ax.set_yticks(range(len(shown)), [_wrap(r.label) for r in shown])
        ax.set_xlim(1, 5)
        ax.set_xticks([1, 2, 3, 4, 5], ["1\nsangat\ntidak aman", "2", "3", "4", "5\nsangat\naman"])
        ax.grid(axis="x", linestyle=":", color="#999999")
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
        return _png(fig)
