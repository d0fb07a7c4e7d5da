"""The unit of work between pipeline stages: one export file, read into canonical columns."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sentiment.forms.model import Form

META_COLUMNS = (
    "_source_file",
    "_source_row",
    "_submission_id",
    "_supersedes",
    "_submitted_at",
    "_form_id",
    "_form_version",
)


@dataclass
class RawBatch:
    """One export file as read: canonical field columns (text or None) plus meta columns.

    See docs/architecture.md, stage 1, for the column contract.
    """

    source_file: str
    sha256: str
    source_format: str
    form: Form
    frame: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)
