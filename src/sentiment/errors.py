"""User-facing errors: each names what to fix (file, row, field)."""

from __future__ import annotations


class SentimentError(Exception):
    """Base class for errors shown to users without a traceback."""


class InputError(SentimentError):
    """An input file (or one row or field of it) cannot be used."""

    def __init__(self, file: str, message: str, row: int | None = None, field: str | None = None):
        self.file, self.row, self.field, self.message = file, row, field, message
        where = file
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


class MissingKeyError(SentimentError):
    """No pseudonymisation key is configured."""


class KeyMismatchError(SentimentError):
    """The configured pseudonymisation key differs from the one the warehouse was built with."""
