"""Property-based: whatever bytes arrive, `read_export` returns a batch or raises InputError
naming the file; it never raises anything else."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sentiment.errors import InputError
from sentiment.forms.batch import RawBatch
from sentiment.forms.readers import ReadLimits, read_export

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CSV = (ROOT / "examples" / "exports" / "2025-05_remaja_kobo.csv").read_bytes()[:6000]
SAMPLE_JSON = json.loads((ROOT / "examples" / "exports" / "2025-08_remaja_kobo_api.json").read_bytes())
SAMPLE_RECORD = SAMPLE_JSON["results"][0]
LIMITS = ReadLimits(max_file_bytes=200_000, max_cell_chars=2_000, max_rows=500)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(name: str, data: bytes) -> RawBatch | InputError:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return read_export(path, limits=LIMITS)
        except InputError as exc:
            return exc


def _check(name: str, outcome: RawBatch | InputError) -> None:
    if isinstance(outcome, InputError):
        assert outcome.file == name and str(outcome).startswith(name)
    else:
        assert outcome.rows == len(outcome.frame) > 0
        assert outcome.frame["_source_row"].is_unique


@FAST
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".csv", ".xlsx", ".json"]))
def test_random_bytes_never_crash_a_reader(data: bytes, suffix: str) -> None:
    _check(f"x{suffix}", _read(f"x{suffix}", data))


@FAST
@given(cut=st.integers(0, len(SAMPLE_CSV)), junk=st.binary(max_size=64),
       where=st.integers(0, len(SAMPLE_CSV)))
def test_damaged_sample_csv_never_crashes(cut: int, junk: bytes, where: int) -> None:
    data = SAMPLE_CSV[:cut]
    data = data[:where] + junk + data[where:]
    _check("rusak.csv", _read("rusak.csv", data))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children,
                                                                      max_size=4),
    max_leaves=30,
)


@FAST
@given(document=json_values)
def test_any_json_document_is_read_or_refused(document: object) -> None:
    _check("api.json", _read("api.json", json.dumps(document).encode()))


@FAST
@given(changes=st.dictionaries(st.sampled_from(sorted(SAMPLE_RECORD)), json_values, max_size=5))
def test_sample_record_with_odd_values_is_read_or_refused(changes: dict) -> None:
    document = {"results": [{**SAMPLE_RECORD, **changes}, SAMPLE_JSON["results"][1]]}
    _check("api.json", _read("api.json", json.dumps(document).encode()))
