"""The fictional sample: reproducible bytes, the story in the numbers, the PII fixture."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from devkit.synthetic import (
    INVALID_KINDS,
    SAMPLE_FILES,
    build_sample,
    generate_responses,
    phrases,
    side_of,
    vary,
    write_sample,
)

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "examples" / "exports"
PII_FIXTURE = ROOT / "tests" / "fixtures" / "sample_pii.json"
LIKERT_ITEMS = ["aman_siang", "aman_malam", "percaya_polisi", "hubungan_seberang"]


@pytest.fixture(scope="module")
def sample():
    return build_sample()


@pytest.fixture(scope="module")
def responses(sample) -> pd.DataFrame:
    """All valid generated rows with wave, side and group (resubmissions dropped)."""
    frames = []
    for spec in SAMPLE_FILES:
        frame = sample.frames[spec.name]
        frame = frame[frame["_invalid"].isna() & frame["_resubmission"].isna()].copy()
        if "hubungan_warga_seberang" in frame:
            frame["hubungan_seberang"] = frame["hubungan_warga_seberang"]
        frame["wave"], frame["group"] = spec.wave_id, spec.form_id
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["side"] = out["rw"].map(side_of)
    for column in [*LIKERT_ITEMS, "khawatir_tawuran", "tawuran_disaksikan"]:
        out[column] = pd.to_numeric(out[column])
    return out


def test_same_seed_same_bytes_as_the_committed_sample(tmp_path):
    # the committed files were written by another process: equal bytes = reproducible
    write_sample(tmp_path)
    for spec in SAMPLE_FILES:
        assert (tmp_path / spec.name).read_bytes() == (EXPORTS / spec.name).read_bytes(), \
            f"{spec.name} differs: run scripts/make_sample_exports.py"


def test_other_seed_differs():
    one = generate_responses(20, seed=1, wave_id="2025-02")
    two = generate_responses(20, seed=2, wave_id="2025-02")
    assert one["_submission_id"].tolist() != two["_submission_id"].tolist()
    assert generate_responses(20, seed=1, wave_id="2025-02").equals(one)


def test_every_wave_has_enough_valid_parents_and_youth(responses):
    counts = responses.groupby(["wave", "group"]).size()
    assert len(counts) == 8
    assert (counts >= 150).all()
    cells = responses.groupby(["wave", "group", "side"]).size()
    assert (cells >= 40).all()


def test_barat_calms_wave_by_wave(responses):
    barat = responses[responses["side"] == "barat"].groupby("wave")
    safe_night = barat["aman_malam"].mean()
    assert safe_night.is_monotonic_increasing
    assert safe_night.iloc[-1] - safe_night.iloc[0] > 0.8
    assert barat["tawuran_disaksikan"].mean().is_monotonic_decreasing
    assert barat["khawatir_tawuran"].mean().is_monotonic_decreasing


def test_timur_flares_up_in_may_2025_then_partly_recovers(responses):
    timur = responses[responses["side"] == "timur"].groupby("wave")
    night = timur["aman_malam"].mean()
    assert abs(night["2025-02"] - night["2024-11"]) < 0.3  # flat before
    assert night["2025-02"] - night["2025-05"] > 0.7  # the flare-up
    assert night["2025-05"] < night["2025-08"] < night["2025-02"]  # partial recovery
    seen = timur["tawuran_disaksikan"].mean()
    assert seen["2025-05"] > 1.8 * seen["2025-02"]


def test_programme_grows_and_participants_feel_safer(responses):
    joined = responses["kegiatan"].notna()
    share = joined.groupby(responses["wave"]).mean()
    assert share.is_monotonic_increasing
    by_joined = responses.groupby(joined)["aman_malam"].mean()
    assert by_joined[True] > by_joined[False]


def test_likert_items_hang_together(responses):
    def alpha(items: pd.DataFrame) -> float:
        k = items.shape[1]
        return k / (k - 1) * (1 - items.var().sum() / items.sum(axis=1).var())

    parents = responses[responses["group"] == "orang_tua"]
    items = parents[LIKERT_ITEMS].assign(
        khawatir_tawuran=6 - parents["khawatir_tawuran"], khawatir_anak=6 - pd.to_numeric(parents["khawatir_anak"]))
    assert 0.7 <= alpha(items) <= 0.9


def test_negative_text_follows_tension(responses):
    negative = {p.text for p in phrases() if p.polarity == "-"}
    texts = responses[["side", "wave", "kekhawatiran"]].dropna()
    # variation rewrites words, so match on a phrase's first three words
    starts = {" ".join(t.split()[:3]) for t in negative}
    texts = texts.assign(neg=texts["kekhawatiran"].map(lambda t: " ".join(t.split()[:3]) in starts))
    share = texts.groupby(["side", "wave"])["neg"].mean()
    assert share[("barat", "2024-11")] > share[("barat", "2025-08")]
    assert share[("timur", "2025-05")] > share[("timur", "2025-02")]


def test_field_mess_per_file(sample):
    manifest = sample.manifest.set_index("file")
    assert (manifest["invalid"] >= 1).all()
    assert manifest["invalid"].sum() / manifest["rows"].sum() == pytest.approx(0.03, abs=0.01)
    for kind in INVALID_KINDS:
        assert manifest[f"invalid_{kind}"].sum() >= 3, kind
    assert manifest["duplicates"].sum() >= 6 and manifest["conflicts"].sum() >= 2 and manifest["edits"].sum() >= 2


def test_panel_members_return_with_the_same_identity(sample):
    frames = [sample.frames[s.name].assign(wave=s.wave_id) for s in SAMPLE_FILES]
    everyone = pd.concat(frames, ignore_index=True).drop_duplicates(["_person", "wave"])
    waves_per_person = everyone.groupby("_person")["wave"].nunique()
    later = everyone[everyone["wave"] != "2024-11"]
    returning = later["_person"].map(waves_per_person).gt(1).mean()
    assert 0.2 < returning < 0.6
    repeat = everyone[everyone["_person"] == waves_per_person.idxmax()]
    assert repeat["nama"].str.casefold().nunique() == 1
    assert repeat["nik"].dropna().str.replace(r"\D", "", regex=True).nunique() <= 1


def test_phrase_pool_and_variation():
    texts = {p.text for p in phrases()}
    assert len(texts) >= 200
    assert len({p.topic for p in phrases()}) == 12
    import random

    rng = random.Random(5)
    varied = [vary("saya tidak merasa aman kalau lewat jembatan malam", rng) for _ in range(50)]
    assert len(set(varied)) > 20
    assert any("gak" in v or "ga " in v or "nggak" in v for v in varied)


def test_pii_fixture_lists_values_that_are_in_the_exports():
    pii = json.loads(PII_FIXTURE.read_text("utf-8"))
    blob = ""
    for path in EXPORTS.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                blob += "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
        elif path.suffix in (".csv", ".json"):
            blob += path.read_bytes().decode("utf-8", errors="replace")
    for kind in ("names", "phones", "niks", "emails", "handles", "addresses", "plates"):
        assert pii[kind], kind
        missing = [v for v in pii[kind] if v not in blob]
        assert not missing, f"{kind}: {missing[:3]}"
        assert all(len(v) >= 6 for v in pii[kind])
    # free text carries PII too, in several phone formats
    assert any(v.startswith("+62") for v in pii["phones"]) and any(v.startswith("08") for v in pii["phones"])
    assert any(" " in v or "." in v for v in pii["niks"])
