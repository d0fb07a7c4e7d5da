"""Rebuild the fictional sample exports in examples/exports/ and tests/fixtures/sample_pii.json.

Usage: .venv/bin/python scripts/make_sample_exports.py [--out DIR] [--pii FILE] [--seed N]
Deterministic: the same seed writes the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # devkit/
from devkit.synthetic import INVALID_KINDS, SAMPLE_SEED, write_sample  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
README = """# Sample exports (fictional)

Every person, phone number, NIK, address and e-mail in these files is invented by
`scripts/make_sample_exports.py` (seed {seed}); rebuild them with
`.venv/bin/python scripts/make_sample_exports.py`.

Four survey waves, parents (`orang_tua`) and youth (`remaja`), in the formats the field
teams send: KoboToolbox CSV (`;`, group paths, 0/1 option columns), KoboToolbox API JSON,
KoboToolbox XLSX (one workbook in the 1904 date system, Excel date cells and serial
numbers), ODK Central CSV (UTF-8 with BOM), Google Forms CSV (question titles, answer
labels, Jakarta timestamps) and one Kobo CSV re-saved by Excel in Windows-1252.

The story: tension falls wave by wave on side **barat** (RW 01–04); side **timur**
(RW 05–08) is flat but flares up in 2025-05 and partly recovers in 2025-08.

Deliberate field mess, per file (invalid rows have exactly one error each; duplicates are
exact resubmissions with the same `_uuid`; conflicts reuse a `_uuid` with other answers;
edits carry `meta/deprecatedID`):

{table}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "examples" / "exports")
    parser.add_argument("--pii", type=Path, default=ROOT / "tests" / "fixtures" / "sample_pii.json")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    args = parser.parse_args()

    result = write_sample(args.out, args.seed)
    manifest = result.manifest
    args.pii.parent.mkdir(parents=True, exist_ok=True)
    args.pii.write_text(json.dumps(result.pii, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (args.out / "README.md").write_text(
        README.format(seed=args.seed, table=markdown_table(manifest)), encoding="utf-8")
    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(markdown_table(manifest))
    print(f"\n{len(manifest)} files, {total / 1e6:.2f} MB in {args.out}; "
          f"{sum(len(v) for v in result.pii.values())} PII values in {args.pii}")


def markdown_table(manifest: pd.DataFrame) -> str:
    columns = ["file", "form", "rows", "invalid", "duplicates", "conflicts", "edits",
               *(f"invalid_{k}" for k in INVALID_KINDS)]
    titles = [c.removeprefix("invalid_") if c.startswith("invalid_") else c for c in columns]
    lines = ["| " + " | ".join(titles) + " |", "|" + "---|" * len(columns)]
    for row in manifest[columns].itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
