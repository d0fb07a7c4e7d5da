"""Inbox bookkeeping: loaded files archived under their hash, unusable ones rejected with a reason."""

from __future__ import annotations

from pathlib import Path

from sentiment import inbox
from sentiment.flows.steps import file_sha256


def _drop(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def test_loaded_file_is_archived_under_its_hash(tmp_path: Path) -> None:
    path = _drop(tmp_path, "2025-08_remaja.CSV", "a,b\n1,2\n")
    sha = file_sha256(path)
    target = inbox.settle(path, {"source_file": path.name, "loaded": 1}, sha)
    assert target == tmp_path / "archive" / f"{sha}.csv"
    assert not path.exists() and target.read_text() == "a,b\n1,2\n"
    manifest = (tmp_path / "archive" / "manifest.tsv").read_text().splitlines()
    assert manifest[0].split("\t")[:2] == [sha, "2025-08_remaja.CSV"]


def test_same_content_twice_keeps_one_archived_copy(tmp_path: Path) -> None:
    first = _drop(tmp_path, "a.csv", "x\n1\n")
    sha = file_sha256(first)
    inbox.archive_file(first, sha)
    again = _drop(tmp_path, "a-copy.csv", "x\n1\n")
    inbox.settle(again, {"skipped": True}, sha)  # already loaded: still leaves the inbox
    assert not again.exists()
    assert sorted(p.name for p in (tmp_path / "archive").iterdir()) == [f"{sha}.csv", "manifest.tsv"]
    assert len((tmp_path / "archive" / "manifest.tsv").read_text().splitlines()) == 2


def test_failed_file_is_rejected_with_reason_and_never_overwritten(tmp_path: Path) -> None:
    for round_ in (1, 2):
        path = _drop(tmp_path, "2025-08_rusak.xlsx", f"not a workbook {round_}")
        target = inbox.settle(path, {"status": "failed: 2025-08_rusak.xlsx: not an XLSX file"},
                              file_sha256(path))
        assert target.parent == tmp_path / "rejected" and not path.exists()
        reason = target.with_name(target.name + ".reason.txt").read_text()
        assert "reason: 2025-08_rusak.xlsx: not an XLSX file" in reason
    rejected = sorted(p.name for p in (tmp_path / "rejected").iterdir())
    workbooks = [n for n in rejected if n.endswith(".xlsx")]
    assert len(workbooks) == 2 and "2025-08_rusak.xlsx" in workbooks
    contents = {(tmp_path / "rejected" / n).read_text() for n in workbooks}
    assert contents == {"not a workbook 1", "not a workbook 2"}


def test_archive_and_rejected_folders_are_not_picked_up_again(tmp_path: Path) -> None:
    from sentiment.flows.steps import discover_exports

    path = _drop(tmp_path, "b.csv", "x\n1\n")
    inbox.archive_file(path, file_sha256(path))
    bad = _drop(tmp_path, "c.json", "{")
    inbox.reject_file(bad, "broken JSON")
    _drop(tmp_path, ".d.csv.part", "x\n")
    assert discover_exports(tmp_path) == []
