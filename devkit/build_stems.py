"""Rebuild the shipped stem cache: `python -m devkit.build_stems` (maintainers only)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from sentiment.nlp.lexicon import RULES_FILE, lexicon_terms
from sentiment.nlp.normalise import SLANG_FILE, _sastrawi_roots, read_slang_file
from sentiment.nlp.stem import SHIPPED_STEMS, build_shipped_cache, sastrawi_stemmer

_WORD = re.compile(r"^[a-z]+(?:-[a-z]+)*$")


def _men(root: str, prefix: str) -> str:
    """meN-/peN- with Indonesian nasal assimilation (tulis → menulis, pukul → memukul)."""
    head = root[0]
    base = prefix[:-1]  # "me" or "pe"
    if head in "aeiou":
        return base + "ng" + root
    if head in "bfv":
        return base + "m" + root
    if head == "p":
        return base + "m" + root[1:]
    if head in "dcjz":
        return base + "n" + root
    if head == "t":
        return base + "n" + root[1:]
    if head in "gh":
        return base + "ng" + root
    if head == "k":
        return base + "ng" + root[1:]
    if head == "s":
        return base + "ny" + root[1:]
    return base + root


def affixed_forms(root: str) -> set[str]:
    """Common derivations of a root word (many are not real words; Sastrawi decides)."""
    men, pen = _men(root, "meN"), _men(root, "peN")
    forms = {
        men, men + "kan", men + "i", "di" + root, "di" + root + "kan", "di" + root + "i",
        "ter" + root, "ter" + root + "kan", "ber" + root, "ber" + root + "an", "ke" + root + "an",
        pen, pen + "an", "pe" + root, "per" + root + "an", "pem" + root, "se" + root,
        root + "an", root + "kan", root + "i", root + "nya", root + "annya", root + "lah",
        root + "ku", root + "mu", "memper" + root + "kan", "diper" + root + "kan",
        "keter" + root + "an", "ber" + root + "-" + root, root + "-" + root,
        root + "-" + root + "nya", "di" + root + "nya", men + "nya", "ke" + root + "annya",
    }
    return {f for f in forms if _WORD.match(f)}


def seed_words(schemas: Path) -> set[str]:
    """Every word of the lexicon, the rules, slang targets and topic seed terms."""
    words = set(lexicon_terms())
    rules = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    for value in rules.values():
        if isinstance(value, list):
            words.update(str(w).replace("_", " ") for w in value)
    for target in read_slang_file(SLANG_FILE).values():
        words.update(target.split())
    codebook = yaml.safe_load((schemas / "topics.yaml").read_text(encoding="utf-8"))
    for spec in codebook["codes"].values():
        for term in (spec.get("terms") or []) + (spec.get("weak_terms") or []):
            words.update(str(term).lstrip("=").lower().split())
    return {w for part in words for w in part.split() if _WORD.match(w)}


def word_list(schemas: Path) -> set[str]:
    """Sastrawi's root words, our seed words, and derivations of their roots that Sastrawi
    maps back to the root (so the cache covers inflected forms seen in answers)."""
    stemmer = sastrawi_stemmer()
    seeds = seed_words(schemas)
    roots = {stemmer.stem(w) for w in seeds} | {w for w in seeds if " " not in w}
    words = set(_sastrawi_roots()) | seeds
    for root in sorted(roots):
        if len(root) < 3 or not _WORD.match(root):
            continue
        for form in affixed_forms(root):
            if stemmer.stem(form) == root:
                words.add(form)
    return words


def build(schemas: Path, path: Path = SHIPPED_STEMS, extra: Iterable[str] = ()) -> int:
    """Write the shipped cache for the word list (plus `extra` words); returns its size."""
    return build_shipped_cache(word_list(schemas) | set(extra), path)


if __name__ == "__main__":
    from sentiment.config import schemas_dir

    print(f"{build(schemas_dir())} stems written to {SHIPPED_STEMS}")
