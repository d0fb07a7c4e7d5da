"""Sastrawi stemming made fast: in-process memo, shipped precomputed stems, on-disk user cache."""

from __future__ import annotations

import atexit
import gzip
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_DATA = Path(__file__).resolve().parent / "data"
SHIPPED_STEMS = _DATA / "stems.json.gz"
CACHE_FORMAT = 1


def stemmer_id() -> str:
    """Names the Sastrawi release: cached stems from another release are not trusted."""
    try:
        return f"PySastrawi {metadata.version('PySastrawi')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - installed from source
        return "PySastrawi unknown"


def user_cache_path() -> Path:
    """`$SENTIMENT_CACHE_DIR/stems.json`, else `$XDG_CACHE_HOME` or ~/.cache/kali-pasir-pulse."""
    from sentiment.settings import stem_cache_dir

    return stem_cache_dir() / "stems.json"


@lru_cache(maxsize=1)
def sastrawi_stemmer() -> Any:
    """Sastrawi's own stemmer (factory default), built once and only when a word is missing."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


def _read_stems(path: Path, compressed: bool) -> dict[str, str]:
    """Stems from a cache file; an unreadable, corrupt or foreign file counts as empty."""
    try:
        raw = gzip.decompress(path.read_bytes()) if compressed else path.read_bytes()
        payload = json.loads(raw)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, EOFError) as exc:
        log.warning("stem cache %s unreadable (%s); ignoring it", path, exc)
        return {}
    if not isinstance(payload, dict) or payload.get("stemmer") != stemmer_id():
        log.warning("stem cache %s is for another stemmer; ignoring it", path)
        return {}
    stems = payload.get("stems")
    same = payload.get("same", [])
    if not isinstance(stems, dict) or not isinstance(same, list):
        log.warning("stem cache %s has no stems; ignoring it", path)
        return {}
    out = {w: w for w in same if isinstance(w, str)}
    out.update({k: v for k, v in stems.items() if isinstance(k, str) and isinstance(v, str)})
    return out


def _payload(stems: dict[str, str]) -> dict[str, Any]:
    same = sorted(w for w, s in stems.items() if w == s)
    changed = {w: s for w, s in sorted(stems.items()) if w != s}
    return {"format": CACHE_FORMAT, "stemmer": stemmer_id(), "same": same, "stems": changed}


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".stems-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the cache is not secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@lru_cache(maxsize=1)
def _shipped() -> dict[str, str]:
    return _read_stems(SHIPPED_STEMS, compressed=True)


def shipped_words() -> set[str]:
    """Words whose stems ship with the package."""
    return set(_shipped())


class StemCache:
    """Word → Sastrawi stem; misses go to Sastrawi once, then to memory and the user cache."""

    def __init__(self, user_path: Path | None = None, use_shipped: bool = True):
        self.user_path = user_path
        self._stems: dict[str, str] = dict(_shipped()) if use_shipped else {}
        if user_path is not None:
            self._stems.update(_read_stems(user_path, compressed=False))
        self._new: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def known(self) -> dict[str, str]:
        """The word → stem mapping itself (read-only use: fast lookups in hot loops)."""
        return self._stems

    def __len__(self) -> int:
        return len(self._stems)

    def __contains__(self, word: object) -> bool:
        return word in self._stems

    def stem(self, word: str) -> str:
        """Sastrawi's stem of one normalised word (identical output, cached)."""
        hit = self._stems.get(word)
        if hit is None:
            hit = sastrawi_stemmer().stem(word)
            with self._lock:
                self._stems[word] = hit
                self._new[word] = hit
        return hit

    def stem_many(self, words: Iterable[str]) -> list[str]:
        """Stems of many words in order."""
        words = words if isinstance(words, list) else list(words)
        try:  # all cached: a C-level loop over dict lookups
            return list(map(self._stems.__getitem__, words))
        except KeyError:
            stems, stem = self._stems, self.stem
            return [stems.get(w) or stem(w) for w in words]

    def stem_categorical(self, tokens: Any) -> Any:
        """Stems of a categorical token column (pandas Categorical or category Series).

        Each distinct word is looked up once and the row codes are reused, so the cost per
        token is an integer copy: the fast path for long token streams stored as categories
        (Arrow/Parquet dictionary columns, `Series.astype("category")`). Returns a Categorical.
        """
        import numpy as np
        import pandas as pd

        values = tokens.array if isinstance(tokens, pd.Series) else tokens
        stems = self.stem_many(values.categories.tolist())
        stem_codes, stem_values = pd.factorize(np.asarray(stems, dtype=object))
        # One extra slot for missing tokens: code -1 picks it and stays -1.
        remap = np.append(stem_codes, -1).astype(values.codes.dtype)
        return pd.Categorical.from_codes(remap[values.codes], categories=stem_values)

    def take_new(self) -> dict[str, str]:
        """Hand over the stems computed since the last save (they will not be saved here)."""
        with self._lock:
            new, self._new = self._new, {}
        return new

    def add(self, stems: dict[str, str]) -> None:
        """Adopt stems computed elsewhere (another process); saved with the next `save()`."""
        with self._lock:
            for word, stem_ in stems.items():
                if word not in self._stems:
                    self._stems[word] = stem_
                    self._new[word] = stem_

    @property
    def pending(self) -> int:
        """Stems computed since the last save."""
        return len(self._new)

    def save(self) -> bool:
        """Merge new stems into the user cache file (atomic); False when nothing to write."""
        if self.user_path is None or not self._new:
            return False
        with self._lock:
            new, self._new = self._new, {}
        on_disk = _read_stems(self.user_path, compressed=False)
        on_disk.update(new)
        shipped = _shipped()
        keep = {w: s for w, s in on_disk.items() if shipped.get(w) != s}
        try:
            data = json.dumps(_payload(keep), ensure_ascii=False, separators=(",", ":"))
            write_atomically(self.user_path, data.encode("utf-8"))
        except OSError as exc:  # a read-only home must not break scoring
            log.warning("could not write stem cache %s: %s", self.user_path, exc)
            return False
        return True


_DEFAULT: StemCache | None = None
_DEFAULT_LOCK = threading.Lock()


def default_cache() -> StemCache:
    """The process-wide stem cache (shipped stems + the user cache), saved at exit."""
    global _DEFAULT
    path = user_cache_path()
    with _DEFAULT_LOCK:
        if _DEFAULT is None or _DEFAULT.user_path != path:
            if _DEFAULT is not None:
                _DEFAULT.save()
            _DEFAULT = StemCache(path)
    return _DEFAULT


def reset_default_cache() -> None:
    """Forget the process-wide cache (after changing `$SENTIMENT_CACHE_DIR`, e.g. in tests)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        _DEFAULT = None


def stem(word: str) -> str:
    """Sastrawi stem of one word through the process-wide cache."""
    return default_cache().stem(word)


def stem_tokens(tokens: Iterable[str]) -> list[str]:
    """Sastrawi stems of tokens through the process-wide cache."""
    return default_cache().stem_many(tokens)


def save_cache() -> bool:
    """Persist stems computed in this process to the user cache."""
    return _DEFAULT.save() if _DEFAULT is not None else False


atexit.register(save_cache)


def build_shipped_cache(words: Iterable[str], path: Path = SHIPPED_STEMS) -> int:
    """Stem `words` with plain Sastrawi and write the shipped cache file; returns its size."""
    stemmer = sastrawi_stemmer()
    stems = {w: stemmer.stem(w) for w in sorted(set(words)) if w}
    data = json.dumps(_payload(stems), ensure_ascii=False, separators=(",", ":"))
    write_atomically(path, gzip.compress(data.encode("utf-8"), mtime=0))
    _shipped.cache_clear()
    return len(stems)
