"""Writing the site: into a temporary directory beside the output, swapped in only when complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from scholarsite.errors import ScholarsiteError

MARKER = ".scholarsite-build"
_MARKER_TEXT = b"This directory is written by `scholarsite build` and replaced on every build.\n"


def check_output_target(output: Path, source: Path) -> None:
    """Refuse outputs whose replacement would destroy input or unrelated files."""
    out = output.resolve()
    src = source.resolve()
    dangerous = {Path("/").resolve(), Path.home().resolve()}
    if out in dangerous:
        raise ScholarsiteError(f"refusing to write the site into {out}: choose a dedicated --output directory")
    if out == src or src.is_relative_to(out):
        raise ScholarsiteError(f"refusing to write the site into {out}: it holds the site source {src}")
    if out.is_relative_to(src):
        raise ScholarsiteError(f"refusing to write the site into {out}: it is inside the site source {src}")
    if out.exists() and not out.is_dir():
        raise ScholarsiteError(f"--output {out} is a file, not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ScholarsiteError(
            f"refusing to replace {out}: it is not empty and was not written by scholarsite "
            f"(no {MARKER} file); empty it or choose another --output"
        )


class SiteWriter:
    """Collects files in a staging directory; ``commit`` swaps it in, ``abort`` removes it."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.tmp-", dir=self.output.parent))
        self.count = 0

    def write(self, rel: str, data: bytes) -> None:
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.count += 1

    def write_all(self, files: Iterable[tuple[str, bytes]]) -> None:
        for rel, data in files:
            self.write(rel, data)

    def copy_tree(self, source: Path, rel: str) -> None:
        if source.is_dir():
            shutil.copytree(
                source,
                self.staging / rel,
                dirs_exist_ok=True,
                copy_function=shutil.copyfile,
                ignore=shutil.ignore_patterns("__pycache__", "__init__.py", ".*"),
            )

    def commit(self) -> None:
        (self.staging / MARKER).write_bytes(_MARKER_TEXT)
        os.chmod(self.staging, 0o755)
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
            os.rmdir(old)
            os.rename(self.output, old)
        os.rename(self.staging, self.output)
        if old is not None:
            shutil.rmtree(old)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
