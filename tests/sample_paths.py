"""Paths and the test key shared by test modules (importable: `from sample_paths import …`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "examples" / "exports"
TEST_KEY = b"test-key-not-secret-0123456789abcdef"
