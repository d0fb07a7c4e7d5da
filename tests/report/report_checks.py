"""Checks shared by the report tests: numbers out of the HTML, PDF text and pages, Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


class _Metrics(HTMLParser):
    """Every element with a data-metric attribute: its attributes and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self._open: dict[str, str] | None = None
        self.text: list[str] = []
        self.images: list[str] = []
        self.scripts = 0
        self._skip = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in ("style", "script"):
            self._skip = True
        if tag == "img":
            self.images.append(attrs.get("src") or "")
        if "data-metric" in attrs:
            self._open = {
                k.removeprefix("data-"): v or "" for k, v in attrs.items() if k.startswith("data-")
            } | {"text": ""}

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip = False
        if self._open is not None and tag == "span":
            self.rows.append(self._open)
            self._open = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._open is not None:
            self._open["text"] += data


def parse(html: str) -> _Metrics:
    parser = _Metrics()
    parser.feed(html)
    return parser


def metrics(html: str) -> pd.DataFrame:
    return pd.DataFrame(parse(html).rows)


def visible_text(html: str) -> str:
    return " ".join(parse(html).text)


def id_number(value: float) -> str:
    """How the report prints an index: one decimal, decimal comma."""
    return f"{value:.1f}".replace(".", ",")


def need(tool: str) -> str:
    """Path of a command-line tool; skip (fail in CI) when it is missing."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed in CI (scripts/test_setup.sh installs it)")
        pytest.skip(f"{tool} not installed: run scripts/test_setup.sh (apt-get install {tool})")
    return path


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(
        [need("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout


def pdf_pages(pdf: Path, out_dir: Path) -> list[Path]:
    subprocess.run(
        [need("pdftoppm"), "-png", "-r", "50", str(pdf), str(out_dir / "page")],
        check=True,
        timeout=60,
    )
    return sorted(out_dir.glob("page-*.png"))


def chromium_screenshot(html: Path, tmp: Path) -> tuple[Path, list[str]]:
    """Screenshot at a phone's width; returns the PNG and the page's console lines."""
    shot = tmp / "screenshot.png"
    run = subprocess.run(
        [
            need("chromium"),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=412,2000",
            html.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    return shot, console


def pii_found(text: str, values: dict[str, list[str]]) -> list[str]:
    """Every personal value (phones, NIK, e-mails, names) that occurs in `text`."""
    folded = text.casefold()
    # Digit runs as a phone or NIK is written: groups joined by one space, dot or dash.
    runs = {re.sub(r"\D", "", m) for m in re.findall(r"\d(?:[ .\-]?\d){8,}", text)}
    hits = [
        v
        for kind in ("phones", "niks", "emails", "names", "handles")
        for v in values.get(kind, [])
        if v.casefold() in folded
    ]
    hits += [
        d
        for kind in ("phone_digits", "nik_digits")
        for d in values.get(kind, [])
        if any(d in run for run in runs)
    ]
    return hits
