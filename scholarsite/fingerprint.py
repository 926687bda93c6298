"""A digest of everything a build reads, so a rebuild with nothing changed can stop at once."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import scholarsite

_PACKAGE = Path(scholarsite.__file__).resolve().parent


def _files(root: Path) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def input_digest(roots: Iterable[Path], settings: str) -> str:
    """SHA-256 over the generator's own code, ``settings`` and every file below ``roots``
    (names and contents, in a fixed order)."""
    digest = hashlib.sha256(f"{scholarsite.__version__}\0{settings}\0".encode())
    for root in (_PACKAGE, *roots):
        for path in _files(root):
            digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()
