"""A column the form does not declare (a question added on the server) is kept, redacted,
named in a warning on the summary and the batch record, and erased with its respondent."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import sqlalchemy as sa
from sample_paths import EXPORTS, TEST_KEY

from sentiment.flows import steps
from sentiment.settings import Settings

PHONE = "0812-0000-7788"


def _with_new_column(source: Path, target: Path) -> int:
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    header.append("pertanyaan_baru")
    for i, row in enumerate(body):
        row.append(f"hubungi saya di {PHONE}" if i == 0 else ("" if i % 3 else f"jawaban baru {i}"))
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    return len(body)


def test_undeclared_column_is_kept_redacted_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    rows = _with_new_column(EXPORTS / "2025-02_remaja_gforms.csv", folder / "remaja_baru.csv")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    [summary] = steps.ingest(folder, Settings.resolve(url, key=TEST_KEY))
    assert summary["read"] == rows
    assert any("pertanyaan_baru" in w and "kept" in w for w in summary["warnings"]), summary
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        extras = conn.execute(sa.text(
            "SELECT e.column_name, e.value_text FROM fact_extra e "
            "JOIN fact_response r USING (response_id)")).all()
        warnings = json.loads(conn.execute(sa.text("SELECT warnings FROM ingest_batch")).scalar_one())
        everything = " ".join(str(v) for table in ("fact_extra", "quarantine", "ingest_batch")
                              for row in conn.execute(sa.text(f"SELECT * FROM {table}")) for v in row)
    engine.dispose()
    assert {name for name, _ in extras} == {"pertanyaan_baru"}
    kept = [value for _, value in extras]
    assert len(kept) >= summary["loaded"] // 3 and any(v.startswith("jawaban baru") for v in kept)
    assert any("hubungi saya" in v for v in kept)  # the row's text is kept ...
    assert PHONE not in everything and PHONE.replace("-", "") not in everything  # ... redacted
    assert any("pertanyaan_baru" in w for w in warnings)

    from sentiment.erase import erase_respondents
    from sentiment.warehouse import db

    with engine.connect() as conn:
        key = conn.execute(sa.text("SELECT r.respondent_key FROM fact_extra e "
                                   "JOIN fact_response r USING (response_id) LIMIT 1")).scalar_one()
    removed = erase_respondents(db.get_engine(url), [key])
    assert removed["fact_extra"] >= 1
    with engine.connect() as conn:
        left = conn.execute(sa.text("SELECT count(*) FROM fact_extra e JOIN fact_response r "
                                    "USING (response_id) WHERE r.respondent_key = :k"), {"k": key}).scalar()
    engine.dispose()
    assert left == 0


def test_file_size_limit_comes_from_the_programme_or_the_option(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sentiment.cli import app
    from sentiment.study import programme

    assert programme().max_file_bytes == 200 * 1024 * 1024  # the bundled programme.yaml
    assert Settings.resolve(key=TEST_KEY).max_file_bytes is None  # no option: the programme's
    assert Settings.resolve(max_file_mb=1, key=TEST_KEY).max_file_bytes == 1024 * 1024
    folder = tmp_path / "in"
    folder.mkdir()
    text = (EXPORTS / "2025-02_remaja_gforms.csv").read_text(encoding="utf-8-sig")
    header, body = text.split("\n", 1)
    (folder / "besar.csv").write_text(header + "\n" + body * 40, encoding="utf-8")  # > 1 MB
    url = f"sqlite:///{tmp_path / 'w.db'}"
    [row] = steps.ingest(folder, Settings.resolve(url, max_file_mb=1, key=TEST_KEY))
    assert row["status"].startswith("failed:") and "MB" in row["status"], row
    result = CliRunner().invoke(app, ["ingest", "--help"])
    assert "--max-file-mb" in result.output
