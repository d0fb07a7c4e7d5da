"""The leaders' dashboard: one self-contained HTML page (`dasbor.html`) with every wave so far,
readable on a phone, printable, numbers only from the published views."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from sentiment.report.data import ReportData
from sentiment.report.render import environment, num1, signed

WIDTH, HEIGHT, PAD = 320, 170, 28
STYLES = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#555555")  # colour-blind safe


@dataclass(frozen=True)
class Point:
    wave_id: str
    value: float
    low: float
    high: float
    n: int


def _series(data: ReportData) -> dict[str, list[Point]]:
    """Index of all respondents per side (and both sides) for every published wave."""
    frame = data.tension[data.tension["respondent_group"] == data.total]
    order = {w.wave_id: i for i, w in enumerate(data.waves)}
    out: dict[str, list[Point]] = {}
    for side in [*data.side_labels, data.total]:
        rows = frame[frame["side"] == side].sort_values("wave_id", key=lambda s: s.map(order))
        out[side] = [Point(str(r.wave_id), float(r.tension_index), float(r.ci_low), float(r.ci_high),
                           int(r.n)) for r in rows.itertuples() if not math.isnan(r.tension_index)]
    return {side: points for side, points in out.items() if points}


def _chart(series: dict[str, list[Point]], waves: list[str]) -> list[dict]:
    """SVG polylines (and interval whiskers) per side on a 0-100 scale."""
    step = (WIDTH - 2 * PAD) / max(len(waves) - 1, 1)

    def x(wave: str) -> float:
        return PAD + waves.index(wave) * step

    def y(value: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / 100

    lines = []
    for k, (side, points) in enumerate(series.items()):
        lines.append({
            "side": side, "colour": STYLES[k % len(STYLES)],
            "points": " ".join(f"{x(p.wave_id):.1f},{y(p.value):.1f}" for p in points),
            "whiskers": [(x(p.wave_id), y(p.low), y(p.high)) for p in points],
            "dots": [(x(p.wave_id), y(p.value)) for p in points],
        })
    return lines


def _sentence(head, previous_label: str | None) -> str:
    """What changed on one side since the last wave, in one plain sentence (the change and its
    interval decide the words: see traffic_light)."""
    if head.value is None:
        return f"{head.label}: tidak ditampilkan (terlalu sedikit responden)."
    if head.status is None or head.diff is None:
        return f"{head.label}: indeks {num1(head.value)}; belum ada gelombang sebelumnya."
    since = f" sejak {previous_label}" if previous_label else ""
    if head.status == "membaik":
        return f"{head.label}: ketegangan turun {num1(abs(head.diff))} poin{since} (perubahan jelas)."
    if head.status == "memburuk":
        return f"{head.label}: ketegangan naik {num1(head.diff)} poin{since}; perlu perhatian."
    return (f"{head.label}: tidak ada perubahan yang jelas{since} ({signed(head.diff)} poin, "
            "masih dalam batas ketidakpastian).")


def render_dashboard(data: ReportData) -> str:
    series = _series(data)
    waves = [w.wave_id for w in data.waves]
    labels = {**data.side_labels, data.total: data.total_side_label}
    return environment().get_template("dasbor.html.j2").render(
        data=data, series=series, waves=waves, labels=labels,
        lines=_chart(series, waves), width=WIDTH, height=HEIGHT, pad=PAD,
        sentences=[_sentence(h, data.previous_wave.label if data.previous_wave else None)
                   for h in data.headline],
    )


def write_dashboard(data: ReportData, out_dir: str | Path) -> Path:
    path = Path(out_dir) / "dasbor.html"
    path.write_text(render_dashboard(data), encoding="utf-8")
    return path
