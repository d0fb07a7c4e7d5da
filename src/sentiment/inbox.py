"""The inbox folder of a scheduled ingest: new files in, loaded files archived by hash,
unusable files set aside in `rejected/` with the reason next to them.

    inbox/                      field teams drop exports here (copy as `.part`, then rename)
    inbox/archive/<sha256>.csv  loaded (or already loaded) files, named by content hash
    inbox/archive/manifest.tsv  sha256, original name, archived at (UTC)
    inbox/rejected/<name>       files that could not be used at all
    inbox/rejected/<name>.reason.txt
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

ARCHIVE = "archive"
REJECTED = "rejected"
MANIFEST = "manifest.tsv"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/<stem>.<UTC time>[.n]<suffix>` when that is taken."""
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 0
    while target.exists():
        n += 1
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = folder / f"{stem}.{stamp}{'.' + str(n) if n > 1 else ''}{suffix}"
    return target


def archive_file(path: Path, sha256: str, inbox: Path | None = None) -> Path:
    """Move a loaded file to `archive/<sha256><suffix>`; a copy already there is the same
    content, so the incoming file is simply removed. Returns the archived path."""
    folder = (inbox or path.parent) / ARCHIVE
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha256}{path.suffix.lower()}"
    if target.exists():
        path.unlink()
    else:
        shutil.move(str(path), target)
    with open(folder / MANIFEST, "a", encoding="utf-8") as manifest:
        manifest.write(f"{sha256}\t{path.name}\t{_now()}\n")
    return target


def reject_file(path: Path, reason: str, inbox: Path | None = None) -> Path:
    """Move an unusable file to `rejected/` and write `<name>.reason.txt` beside it."""
    folder = (inbox or path.parent) / REJECTED
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, path.name)
    shutil.move(str(path), target)
    target.with_name(target.name + ".reason.txt").write_text(
        f"file: {path.name}\nrejected at: {_now()}\nreason: {reason}\n"
        "Fix the file and put it back into the inbox folder.\n",
        encoding="utf-8",
    )
    return target


def settle(path: Path, summary: dict[str, object], sha256: str) -> Path:
    """Archive or reject one inbox file after the flow dealt with it, from its summary row.

    A file whose load crashed (database down) has no summary row and stays in the inbox,
    so the next run tries it again.
    """
    status = str(summary.get("status", ""))
    if status.startswith("failed"):
        return reject_file(path, status.removeprefix("failed: "))
    return archive_file(path, sha256)
