"""The three sentiment classes and the spellings people use for them (no heavy imports)."""

from __future__ import annotations

LABELS = ("negatif", "netral", "positif")
# Indonesian and English spellings people use for the three classes.
LABEL_ALIASES = {
    "positif": "positif", "positive": "positif", "pos": "positif", "p": "positif", "+": "positif",
    "1": "positif",
    "netral": "netral", "neutral": "netral", "neu": "netral", "n": "netral", "0": "netral",
    "negatif": "negatif", "negative": "negatif", "neg": "negatif", "-": "negatif",
    "-1": "negatif",
}
