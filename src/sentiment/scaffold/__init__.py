"""`sentiment init`: a new programme folder with commented starting files.

The files under `template/` are copied as they are; only `programme.yaml` gets the id and title.
"""

from __future__ import annotations

import re
from pathlib import Path

from sentiment.errors import SentimentError

TEMPLATE = Path(__file__).resolve().parent / "template"
FILES = ("programme.yaml", "waves.yaml", "areas.yaml", "topics.yaml", "index.yaml", "alerts.yaml",
         "forms/_choices.yaml", "forms/contoh.v1.yaml")


def init_programme(target: Path, *, title: str | None = None) -> list[Path]:
    """Write the programme folder `target`; refuses to overwrite any file already there."""
    target = Path(target)
    clashes = [name for name in FILES if (target / name).exists()]
    if clashes:
        raise SentimentError(f"{target}: already holds {', '.join(clashes)}; nothing written "
                             "(choose an empty or new folder)")
    programme_id = re.sub(r"[^0-9a-z_]+", "_", target.resolve().name.lower()).strip("_") or "programme"
    written = []
    for name in FILES:
        text = (TEMPLATE / name).read_text(encoding="utf-8")
        if name == "programme.yaml":
            text = text.replace("{programme_id}", programme_id).replace(
                "{title}", title or programme_id.replace("_", " ").title())
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
