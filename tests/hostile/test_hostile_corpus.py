"""Every malformed file of the corpus is refused with an InputError naming it (and its row or
field where there is one), or is read with its bad rows quarantined: never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from devkit.audit import broken_files, try_file
from sentiment.errors import InputError
from sentiment.forms.readers import ReadLimits, read_export

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "exports"
CASES = {case.name: case for case in broken_files(SAMPLES)}
# Where the error must point: (row, field) for the cases that have one place to fix
LOCATED = {
    "cell_1mb.csv": ("row", "field"), "cell_32k.xlsx": ("row", "field"),
    "cell_1mb.json": ("row", "field"), "ragged_row.csv": ("row", None),
    "duplicated_question_header.csv": (None, "field"), "duplicated_uuid_header.csv": (None, "field"),
    "list_of_lists.json": ("row", None), "list_of_nulls.json": ("row", None),
}
KNOWN_CRASHES: dict[str, str] = {}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("broken")
    for case in CASES.values():
        (folder / case.name).write_bytes(case.data)
    return folder


def test_corpus_covers_every_reader() -> None:
    suffixes = {Path(name).suffix for name in CASES}
    assert suffixes == {".csv", ".xlsx", ".json"}
    assert len(CASES) >= 50


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.expect == "error"))
def test_broken_file_is_refused_with_its_name(corpus: Path, name: str) -> None:
    with pytest.raises(InputError) as raised:
        read_export(corpus / name)
    error = raised.value
    assert error.file == name
    assert str(error).startswith(name)
    assert "Traceback" not in str(error)
    row, field = LOCATED.get(name, (None, None))
    if row:
        assert isinstance(error.row, int) and error.row >= 1
    if field:
        assert error.field


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.expect == "rows"))
def test_readable_damage_ends_in_quarantine_not_a_crash(corpus: Path, name: str) -> None:
    if name in KNOWN_CRASHES:
        pytest.xfail(KNOWN_CRASHES[name])
    outcome = try_file(corpus / name)
    assert outcome.status == "rows", outcome.message
    assert outcome.read > 0
    assert outcome.rows_lost == 0  # every row read is valid, quarantined or a duplicate


def test_lone_surrogate_json_is_refused_or_quarantined(corpus: Path) -> None:
    assert try_file(corpus / "lone_surrogate.json").status in ("error", "rows")


def test_formula_cells_are_read_as_text_not_evaluated(corpus: Path) -> None:
    batch = read_export(corpus / "formula_injection.xlsx")
    assert batch.frame["harapan"].iloc[0].startswith("=HYPERLINK(")


def test_size_limits_are_configurable() -> None:
    sample = SAMPLES / "2025-05_remaja_kobo.csv"
    with pytest.raises(InputError, match="above the limit"):
        read_export(sample, limits=ReadLimits(max_file_bytes=1000))
    with pytest.raises(InputError, match="above the limit of 5") as raised:
        read_export(sample, limits=ReadLimits(max_cell_chars=5))
    assert raised.value.row is not None and raised.value.field
    with pytest.raises(InputError, match="more than 10 data rows"):
        read_export(sample, limits=ReadLimits(max_rows=10))
    with pytest.raises(InputError, match="deeper than 1 levels"):
        read_export(SAMPLES / "2025-08_remaja_kobo_api.json", limits=ReadLimits(max_json_depth=1))
