"""A digest of everything a build reads, so a rebuild with nothing changed can stop at once."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from pathlib import Path

import scholarsite

_PACKAGE = Path(scholarsite.__file__).resolve().parent
SETTLED_NS = 2_000_000_000  # a file last written this long before it was hashed keeps its hash

# path -> (modification time, size, SHA-256) of files hashed in this process: the preview
# server digests the site on every rebuild, and reads again only the files that changed.
_HASHED: dict[str, tuple[int, int, bytes]] = {}


def _files(root: Path) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def content_hash(path: Path) -> bytes:
    """The SHA-256 of a file's bytes, kept while its modification time and size stay what they
    were. Only a file written well before it was hashed keeps its hash: one written just now
    could be written again within the same clock tick, at the same size."""
    stat = path.stat()
    known = _HASHED.get(str(path))
    if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    digest = hashlib.sha256(path.read_bytes()).digest()
    if time.time_ns() - stat.st_mtime_ns > SETTLED_NS:
        _HASHED[str(path)] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def input_digest(roots: Iterable[Path], settings: str) -> str:
    """SHA-256 over the generator's own code, ``settings`` and every file below ``roots``
    (names and contents, in a fixed order)."""
    digest = hashlib.sha256(f"{scholarsite.__version__}\0{settings}\0".encode())
    for root in (_PACKAGE, *roots):
        for path in _files(root):
            digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
            digest.update(content_hash(path))
    return digest.hexdigest()
