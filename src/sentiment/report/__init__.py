"""Wave report for community leaders (Bahasa Indonesia): view data, charts, HTML and PDF."""

from sentiment.report.data import ReportData, ReportError, build_report_data, traffic_light
from sentiment.report.render import headline_markdown, render_html, render_pdf, write_report

__all__ = [
    "ReportData",
    "ReportError",
    "build_report_data",
    "headline_markdown",
    "render_html",
    "render_pdf",
    "traffic_light",
    "write_report",
]
