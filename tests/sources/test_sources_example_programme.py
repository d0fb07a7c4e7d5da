"""The second example programme (`examples/kebun-warga/`) as a new user runs it, through the
CLI only: `init` → `forms import` (two XLSForm versions) → the programme's own settings →
`pull odk` from a local ODK Central → `tension` → `report`, and a second pull adds nothing;
a submission then deleted on Central leaves the views and the recomputed index.

No code knows this programme: its forms, roles, waves (quarters), groups and languages come
from the files in `examples/kebun-warga/`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from odk_server import PASSWORD, USER, FakeCentral, _json
from sample_paths import TEST_KEY
from typer.testing import CliRunner
from werkzeug.wrappers import Request, Response

from sentiment.settings import ODK_PASSWORD_ENV, ODK_USERNAME_ENV, PSEUDONYM_KEY_ENV

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kebun-warga"
PROJECT, FORM = 7, "kebun_warga"


class ExampleCentral(FakeCentral):
    """The local Central, serving the example's XLSForm (version 2) and its submissions."""

    def install(self, httpserver) -> None:
        httpserver.expect_request("/v1/sessions", method="POST").respond_with_handler(self._session)
        base = f"/v1/projects/{PROJECT}/forms/{FORM}"
        httpserver.expect_request(f"{base}.xlsx").respond_with_handler(self._xlsx)
        httpserver.expect_request(f"{base}.svc/Submissions").respond_with_handler(self._odata)

    def _xlsx(self, request: Request) -> Response:
        if not self._authorised(request):
            return _json({"code": 401.2, "message": "unauthorised"}, 401)
        return Response((EXAMPLE / "forms" / "kebun_warga_v2.xlsx").read_bytes(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def central(httpserver) -> ExampleCentral:
    document = json.loads((EXAMPLE / "central" / "submissions.json").read_text(encoding="utf-8"))
    server = ExampleCentral(records=document["value"])
    server.install(httpserver)
    return server


def _cli(*args: str) -> str:
    from sentiment.cli import app

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def _cell(table: str, first: str, column: int) -> str:
    """The text of one cell of a printed table, in the row whose first cell is `first`,
    joined over the lines the table wrapped it on."""
    rows = [line.split("│") for line in table.splitlines() if line.startswith("│")]
    start = next(i for i, row in enumerate(rows) if row[1].strip() == first)
    parts = [rows[start][column].strip()]
    for row in rows[start + 1:]:
        if row[1].strip():
            break
        parts.append(row[column].strip())
    return " ".join(p for p in parts if p)


def _scalar(url: str, sql: str):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).all()
    finally:
        engine.dispose()


def _programme(tmp_path: Path) -> Path:
    """`init`, both XLSForm versions imported, the example's own settings copied in."""
    prog = tmp_path / "kebun"
    _cli("init", str(prog))
    (prog / "forms" / "contoh.v1.yaml").unlink()  # the scaffold's example form
    for version in ("v1", "v2"):
        out = _cli("forms", "import", str(EXAMPLE / "forms" / f"kebun_warga_{version}.xlsx"),
                   "--schemas", str(prog))
        assert "interview_date=interview_date" in " ".join(out.split())
    for name in ("programme.yaml", "waves.yaml", "index.yaml", "alerts.yaml"):
        shutil.copy(EXAMPLE / "programme" / name, prog / name)
    return prog


def test_init_import_pull_index_report(httpserver, central, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, TEST_KEY.decode())
    monkeypatch.setenv(ODK_USERNAME_ENV, USER)
    monkeypatch.setenv(ODK_PASSWORD_ENV, PASSWORD)
    prog, url = _programme(tmp_path), f"sqlite:///{tmp_path / 'kebun.db'}"

    pull = ["pull", "odk", "--server", httpserver.url_for("/"), "--project", str(PROJECT),
            "--form", FORM, "--schemas", str(prog), "--db", url, "--page-size", "50"]
    _cli(*pull)
    n = len(central.records)
    current = _scalar(url, "SELECT form_version, count(*) FROM fact_response WHERE is_current "
                           "GROUP BY form_version ORDER BY form_version")
    # both versions routed to their own definitions; 2 device errors quarantined
    assert dict(current) == {"2026010101": 59, "2026040101": 59} and sum(dict(current).values()) == n - 2
    quarantined = _scalar(url, "SELECT field, rule, reason FROM quarantine")
    assert len(quarantined) == 2 and all("location" in f and "latitude" in r
                                         for f, _, r in quarantined), quarantined
    # the question version 2 added is an answer, not an unknown extra column; short text and
    # attachments are kept by name in fact_extra (the photo's file name, never the media)
    extras = dict(_scalar(url, "SELECT column_name, count(*) FROM fact_extra GROUP BY column_name"))
    assert extras == {"photo": sum(1 for r in central.records if r.get("photo")
                                   and r["location"]["coordinates"][1] < 90)}
    assert _scalar(url, "SELECT count(*) FROM fact_answer WHERE question_id LIKE '%fights_seen'")[0][0] == 59
    # multi-word choice labels kept as their codes
    options = {o for (o,) in _scalar(url, "SELECT DISTINCT option FROM fact_answer "
                                          "WHERE question_id LIKE '%activities'")}
    assert options == {"cleanup", "football", "workshop"}
    # no area question: responses load with no area and the views say 'unknown'
    assert _scalar(url, "SELECT count(*) FROM fact_response WHERE area IS NOT NULL")[0][0] == 0
    # the English answer is stored, marked, not given an Indonesian sentiment
    languages = dict(_scalar(url, "SELECT language, count(*) FROM fact_text GROUP BY language"))
    assert languages.get("en", 0) >= 1 and languages.get("id", 0) > languages["en"]
    scored_en = _scalar(url, "SELECT count(*) FROM fact_text t JOIN fact_text_score s "
                             "ON s.text_id = t.text_id WHERE t.language = 'en' "
                             "AND s.sentiment IN ('positif', 'negatif')")[0][0]
    assert scored_en == 0
    # no name reaches the warehouse
    names = {r["respondent"]["respondent_name"] for r in central.records}
    dump = "\n".join(str(row) for table in ("fact_response", "fact_answer", "fact_text",
                                             "fact_extra", "quarantine", "dim_respondent")
                     for row in _scalar(url, f"SELECT * FROM {table}"))
    assert not [name for name in names if name in dump]

    again = len(central.requests)
    _cli(*pull)  # a second pull asks only after the cursor and adds nothing
    assert "$filter" in central.requests[again]
    assert _scalar(url, "SELECT count(*) FROM fact_response")[0][0] == n - 2

    _cli("tension", "--schemas", str(prog), "--db", url)
    waves = _scalar(url, "SELECT DISTINCT wave_id FROM v_tension_by_wave ORDER BY wave_id")
    assert [w for (w,) in waves] == ["2026Q1", "2026Q2"]
    sides = {s for (s,) in _scalar(url, "SELECT DISTINCT side FROM v_tension_by_wave")}
    assert "unknown" in sides or "semua" in sides
    reports = tmp_path / "reports"
    _cli("report", "--schemas", str(prog), "--db", url, "--out", str(reports))
    html = "\n".join(p.read_text(encoding="utf-8") for p in reports.rglob("*.html"))
    assert "2026Q2" in html and not [name for name in names if name in html]

    # the first respondent's submission is deleted on Central: the next pull takes it out of
    # the views and says so, and the index computed again no longer counts it
    def counted() -> dict[str, int]:
        return dict(_scalar(url, "SELECT wave_id, max(n) FROM tension_index GROUP BY wave_id"))

    before = counted()
    deleted = central.delete(central.records[0]["__id"], "2026-07-01T00:00:00.000Z")
    out = _cli(*pull)
    assert "1 submission(s) marked deleted on the server (1 response(s) left the views" in \
        " ".join(out.split())
    assert _scalar(url, "SELECT count(*) FROM fact_response WHERE is_current")[0][0] == n - 3
    assert _scalar(url, "SELECT reason FROM response_withdrawal") == [("deleted on ODK Central",)]
    _cli("tension", "--schemas", str(prog), "--db", url)
    assert counted() == {**before, "2026Q1": before["2026Q1"] - 1}, (before, counted())
    assert deleted["interview"]["interview_date"].startswith("2026-01")


def test_one_file_of_both_versions_reads_each_with_its_own_form(tmp_path: Path, monkeypatch) -> None:
    """The same submissions as one downloaded file (rows of two versions): each version is read
    with its own definition, nothing lands as an unknown column, a second run adds nothing."""
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, TEST_KEY.decode())
    prog, url = _programme(tmp_path), f"sqlite:///{tmp_path / 'file.db'}"
    export = EXAMPLE / "central" / "submissions.json"
    out = _cli("ingest", str(export), "--schemas", str(prog), "--db", url)
    # one summary row names both versions (the table may wrap the cell over two lines)
    assert _cell(out, "submissions.json", 2) == "kebun_warga.2026010101 + kebun_warga.2026040101"
    current = dict(_scalar(url, "SELECT form_version, count(*) FROM fact_response "
                                "GROUP BY form_version"))
    assert current == {"2026010101": 59, "2026040101": 59}
    assert _scalar(url, "SELECT DISTINCT column_name FROM fact_extra") == [("photo",)]
    assert _scalar(url, "SELECT count(*) FROM ingest_batch")[0][0] == 2
    _cli("ingest", str(export), "--schemas", str(prog), "--db", url)
    assert _scalar(url, "SELECT count(*) FROM fact_response")[0][0] == 118
    assert _scalar(url, "SELECT count(*) FROM ingest_batch")[0][0] == 2
