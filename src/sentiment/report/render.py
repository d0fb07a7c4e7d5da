"""Render the wave report: self-contained HTML (Jinja2, charts inline), PDF (WeasyPrint), files."""

from __future__ import annotations

import base64
import logging
import math
import re
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from sentiment.config import db_url as resolve_db_url
from sentiment.report import charts
from sentiment.report.data import ReportData, build_report_data
from sentiment.report.participation import ANY_ACTIVITY

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
SUPPRESSED_WHAT = {"index": "indeks", "participation": "keikutsertaan kegiatan"}


# --- Indonesian number formats (decimal comma) ------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def num1(value: Any) -> str:
    """42.345 → '42,3'."""
    return "–" if _missing(value) else f"{float(value):.1f}".replace(".", ",")


def num2(value: Any) -> str:
    return "–" if _missing(value) else f"{float(value):.2f}".replace(".", ",")


def signed(value: Any) -> str:
    """+3,2 or −3,2 (a true minus sign, clearer in print)."""
    if _missing(value):
        return "–"
    text = num1(abs(float(value)))
    return ("−" if float(value) < 0 else "+") + text if text != "0,0" else "0,0"


def pct(value: Any) -> str:
    """0.354 → '35%'."""
    return "–" if _missing(value) else f"{100 * float(value):.0f}%"


def pp(value: Any) -> str:
    """A change of shares in words: 'naik 5 poin', 'turun 3 poin', 'sama'."""
    if _missing(value):
        return ""
    points = round(100 * float(value))
    if points == 0:
        return "sama"
    return f"{'naik' if points > 0 else 'turun'} {abs(points)} poin"


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def id_decimals(text: str) -> str:
    """Alert messages come formatted with a decimal point; Indonesian readers expect a comma."""
    return _DECIMAL_POINT.sub(",", text)


def tanggal(value: Any) -> str:
    """'2025-08-01' → '1 Agustus 2025'."""
    if _missing(value) or not str(value):
        return ""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters.update(
        num1=num1,
        num2=num2,
        signed=signed,
        pct=pct,
        pp=pp,
        tanggal=tanggal,
        id_decimals=id_decimals,
    )
    return env


# --- HTML ---------------------------------------------------------------------------------------


def _b64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")


def _current_rows(data: ReportData) -> list[dict[str, Any]]:
    """This wave's rows of v_tension_by_wave in reading order: per side, groups then total."""
    now = data.tension[data.tension["wave_id"] == data.wave.wave_id]
    sides = [*data.side_labels, data.total]
    groups = [*data.group_labels, data.total]
    rows = []
    for side in sides:
        for group in groups:
            hit = now[(now["side"] == side) & (now["respondent_group"] == group)]
            if hit.empty:
                continue
            r = hit.iloc[0]
            rows.append(
                {
                    "wave_id": data.wave.wave_id,
                    "side": side,
                    "respondent_group": group,
                    "side_label": data.side_labels.get(side, data.total_side_label).split(" (")[0],
                    "group_label": data.group_labels.get(group, group),
                    "tension_index": float(r["tension_index"]),
                    "ci_low": float(r["ci_low"]),
                    "ci_high": float(r["ci_high"]),
                    "n": int(r["n"]),
                }
            )
    return rows


def _suppressed_text(data: ReportData) -> str:
    parts = []
    for note in data.suppressed:
        what, side, group = note.split(":")
        parts.append(
            f"{SUPPRESSED_WHAT.get(what, what)} {data.group_labels.get(group, group).lower()} "
            f"{data.side_labels.get(side, side).split(' (')[0].lower()}"
        )
    withheld_safety = [
        r.label.lower() for r in data.safety if r.mean_part is None or r.mean_other is None
    ]
    if withheld_safety:
        parts.append("rasa aman peserta/bukan peserta untuk " + ", ".join(withheld_safety))
    return "; ".join(parts)


def render_html(data: ReportData) -> str:
    """The whole report as one HTML string: CSS inline, charts as base64 PNG, no scripts."""
    shown_safety = [r for r in data.safety if r.mean_part is not None and r.mean_other is not None]
    images = {
        "tension": _b64(
            charts.tension_chart(
                data.tension, data.waves, data.side_labels, data.total, data.wave.wave_id
            )
        ),
        "topics": _b64(charts.topic_chart(data.topics, data.group_labels)) if data.topics else "",
        "safety": _b64(charts.safety_chart(data.safety)) if shown_safety else "",
    }
    current = _current_rows(data)
    method_rows = [
        r for r in current if r["side"] != data.total and r["respondent_group"] != data.total
    ]
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
            charts=images,
            current_rows=current,
            method_rows=method_rows,
            groups=list(data.group_labels),
            activities=[a for a in data.activity_labels if a != ANY_ACTIVITY],
            safety_rows=shown_safety,
            suppressed_text=_suppressed_text(data),
            any_activity=ANY_ACTIVITY,
            side_styles=charts.side_legend(data.side_labels),
        )
    )


# --- PDF, files, artifact -------------------------------------------------------------------


def render_pdf(html: str, path: str | Path) -> Path:
    """The same HTML printed to A4 by WeasyPrint (the CSS's @media print rules apply)."""
    from weasyprint import HTML

    # WeasyPrint logs every CSS property it ignores at WARNING; those are expected here.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    out = Path(path)
    HTML(string=html, base_url=str(TEMPLATES)).write_pdf(out)
    return out


def report_stem(wave_id: str) -> str:
    return f"laporan-gelombang-{wave_id}"


def headline_markdown(data: ReportData) -> str:
    """Headline figures for a Prefect artifact: index, interval, n, change and light per side.

    Figures only: no quotes, no free text, nothing below the small-cell threshold.
    """
    # Markdown, not HTML: no autoescaping (labels come from schemas/, not from respondents).
    env = environment()
    env.autoescape = False
    return env.get_template("headline.md.j2").render(data=data)


def write_report(
    db_url: str | None = None, wave: str = "latest", out_dir: str | Path = "reports"
) -> dict[str, Any]:
    """Build the report for `wave` and write `<out_dir>/laporan-gelombang-<wave>.html` and `.pdf`.

    Also writes the all-waves dashboard `<out_dir>/dasbor.html`.
    Returns {"html": path, "pdf": path, "dashboard": path, "wave": wave id,
    "headline_markdown": text}.
    """
    # A plain engine: the report only reads, so it needs none of the loader's locking.
    engine = sa.create_engine(resolve_db_url(db_url))
    try:
        data = build_report_data(engine, wave)
    finally:
        engine.dispose()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html = render_html(data)
    html_path = out / f"{report_stem(data.wave.wave_id)}.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path = render_pdf(html, out / f"{report_stem(data.wave.wave_id)}.pdf")
    from sentiment.report.dashboard import write_dashboard  # it imports this module

    dashboard = write_dashboard(data, out)
    log.info("wrote %s, %s and %s", html_path, pdf_path, dashboard)
    return {
        "html": str(html_path),
        "pdf": str(pdf_path),
        "dashboard": str(dashboard),
        "wave": data.wave.wave_id,
        "headline_markdown": headline_markdown(data),
    }
