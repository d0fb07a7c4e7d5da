"""Stage 2, validate: a Great Expectations suite generated from the form splits valid rows from quarantine."""

from sentiment.validate.core import ValidationResult, validate_batch
from sentiment.validate.suite import build_suite

__all__ = ["ValidationResult", "build_suite", "validate_batch"]
