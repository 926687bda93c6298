"""Writing the site: into a temporary directory beside the output, swapped in only when complete.

The output directory carries a marker file listing every file the build wrote. A later build
replaces the directory only when it holds nothing else, so a file someone put there by hand is
never deleted, and a directory scholarsite did not write is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from scholarsite.errors import ScholarsiteError

MARKER = ".scholarsite-build"
_MARKER_HEAD = "This directory is written by `scholarsite build` and replaced on every build.\n"
_FILES_HEADING = "Files written by the build:\n"
_SHOWN = 5


def check_output_target(output: Path, source: Path, contents: bool = True) -> None:
    """Refuse outputs whose replacement would destroy input or unrelated files (``contents``:
    also look inside an existing output for files the last build did not write)."""
    out = output.resolve()
    src = source.resolve()
    _refuse_special(out)
    if out == src or src.is_relative_to(out):
        raise ScholarsiteError(
            f"refusing to write the site into {out}: it holds the site source {src}"
        )
    if out.is_relative_to(src):
        raise ScholarsiteError(
            f"refusing to write the site into {out}: it is inside the site source {src}"
        )
    if out.exists() and not out.is_dir():
        raise ScholarsiteError(f"--output {out} is a file, not a directory")
    if contents and out.is_dir():
        _refuse_foreign(out)


def _refuse_special(out: Path) -> None:
    """The filesystem root, the home directory and any directory holding it."""
    home = Path.home().resolve()
    if out == Path(out.anchor) or home.is_relative_to(out):
        raise ScholarsiteError(
            f"refusing to write the site into {out}: choose a dedicated --output directory"
        )


def _refuse_foreign(out: Path) -> None:
    """A non-empty directory must be a previous build holding only the files that build wrote."""
    if not any(out.iterdir()):
        return
    written = written_files(out)
    if written is None:
        raise ScholarsiteError(
            f"refusing to replace {out}: it is not empty and was not written by scholarsite "
            f"(no {MARKER} file); empty it or choose another --output"
        )
    foreign = [f for f in files_under(out) if f not in written and not _replaceable(f)]
    if foreign:
        shown = ", ".join(foreign[:_SHOWN]) + (", …" if len(foreign) > _SHOWN else "")
        raise ScholarsiteError(
            f"refusing to replace {out}: {len(foreign)} file(s) in it were not written by the "
            f"last build ({shown}); move them out (or delete them) and build again"
        )


def _replaceable(rel: str) -> bool:
    """The marker itself, and theme files: the preview server copies a changed theme file
    straight into ``static/``, and a copy of a theme file loses nothing when replaced."""
    return rel == MARKER or rel.startswith("static/")


def files_under(root: Path) -> list[str]:
    """Every file and link below ``root`` as a POSIX path relative to it, sorted; links are not
    followed."""
    found = []
    for folder, dirs, files in os.walk(root):
        base = Path(folder).relative_to(root)
        links = [d for d in dirs if (Path(folder) / d).is_symlink()]
        for name in [*files, *links]:
            found.append((base / name).as_posix())
    return sorted(found)


def written_files(output: Path) -> set[str] | None:
    """The files the marker says the last build wrote; None when there is no marker. A marker
    from before the file list existed vouches for every file."""
    marker = output / MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    text = marker.read_text(encoding="utf-8", errors="replace")
    if _FILES_HEADING not in text:
        return set(files_under(output))
    listed = text.split(_FILES_HEADING, 1)[1]
    return {line for line in listed.splitlines() if line}


_INPUTS = "Inputs: "
_SUMMARY = "Summary: "


def marker_text(files: Iterable[str], inputs: str = "", summary: str = "") -> bytes:
    """The marker's bytes; ``summary`` (one line) is recorded only with ``inputs``."""
    head = _MARKER_HEAD
    if inputs:
        head += f"{_INPUTS}{inputs}\n" + (f"{_SUMMARY}{summary}\n" if summary else "")
    return (head + _FILES_HEADING + "".join(f"{f}\n" for f in sorted(files))).encode()


class Recorded(NamedTuple):
    """What the last build recorded in its marker: the digest of its inputs, and its summary
    (``""`` when it recorded none)."""

    inputs: str
    summary: str


def recorded_build(output: Path) -> Recorded | None:
    """What the last build recorded, when it recorded its inputs and its every file is still in
    place."""
    marker = output / MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    head, _, listed = marker.read_text(encoding="utf-8", errors="replace").partition(_FILES_HEADING)
    fields = {
        name: line[len(name) :]
        for line in head.splitlines()
        for name in (_INPUTS, _SUMMARY)
        if line.startswith(name)
    }
    root = str(output)
    listed_files = (rel for rel in listed.splitlines() if rel)
    if _INPUTS not in fields or not all(
        os.path.isfile(os.path.join(root, rel)) for rel in listed_files
    ):
        return None
    return Recorded(fields[_INPUTS], fields.get(_SUMMARY, ""))


def _remove_empty_parents(path: Path, root: Path) -> None:
    folder = path.parent
    while folder != root and folder.is_relative_to(root) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` as the whole of the file at ``path``, made if it is missing.

    The plain system calls: a large site is hundreds of thousands of small files, and
    ``Path.write_bytes`` costs about twice the CPU per file (path objects, a buffered file
    object, a ``fstat`` of the new file)."""
    fd = os.open(path, _NEW_FILE, 0o666)
    try:
        left = memoryview(data)
        while left:
            left = left[os.write(fd, left) :]
    except OSError as error:
        error.filename = path  # a full disk is reported with the file it stopped at
        raise
    finally:
        os.close(fd)


def make_folder(path: str) -> None:
    """Make the folder ``path`` and any of its parents missing: a single system call when only
    the folder itself is new, as each page's is."""
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def recover_interrupted_swap(output: Path) -> None:
    """Put a previous build back if a swap was interrupted between its two renames."""
    if output.exists():
        return
    olds = sorted(output.parent.glob(f".{output.name}.old-*"))
    complete = [old for old in olds if (old / MARKER).is_file()]
    if complete:
        os.rename(complete[-1], output)


# Forks: the process the build waits for ends at once, and its child removes the trees.
_REMOVE_TREES = """import os, shutil, sys
if os.fork() == 0:
    os.setsid()
    for tree in sys.argv[1:]:
        shutil.rmtree(tree, ignore_errors=True)
"""


def remove_in_background(trees: list[Path]) -> None:
    """Delete directory trees in a process of their own, so that a build ends as soon as its
    output is in place: on some filesystems removing tens of thousands of files takes longer
    than the build. A tree left behind (the machine stopped first) goes with the next build's."""
    if not trees:
        return
    if not hasattr(os, "fork"):
        for tree in trees:
            shutil.rmtree(tree, ignore_errors=True)
        return
    quiet = subprocess.DEVNULL
    command = [sys.executable, "-c", _REMOVE_TREES, *map(str, trees)]
    subprocess.run(command, stdin=quiet, stdout=quiet, stderr=quiet, check=False)


class SiteWriter:
    """Collects files in a staging directory; ``commit`` swaps it in, ``abort`` removes it.

    With ``update=True`` (rebuilds in the preview server) the staging directory holds only the
    files that changed; ``commit_update`` moves each into place and removes files the site no
    longer has.
    """

    def __init__(self, output: Path, update: bool = False) -> None:
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        recover_interrupted_swap(self.output)
        self.staging = Path(
            tempfile.mkdtemp(prefix=f".{self.output.name}.tmp-", dir=self.output.parent)
        )
        self.written: list[str] = []
        self.site_files: set[str] = set()
        self.inputs = ""
        self.summary = ""  # one line, recorded with the inputs (see :func:`recorded_build`)
        self.update = update and (self.output / MARKER).is_file()

    def _target(self, rel: str) -> Path:
        target = self.staging / rel
        if rel.startswith("/") or ".." in Path(rel).parts or rel in ("", MARKER):
            raise ScholarsiteError(f"refusing to write {rel!r}: not a path inside the site")
        return target

    def write(self, rel: str, data: bytes) -> None:
        target = self._target(rel)
        self.site_files.add(rel)
        if self.update and _holds(self.output / rel, data):
            return
        make_folder(os.path.dirname(target))
        write_file(str(target), data)
        self.written.append(rel)

    def keep(self, paths: Iterable[str]) -> bool:
        """In an update, record files of the last build as part of this one, if they are all
        still in the output; say whether they were."""
        paths = list(paths)
        if not self.update or not all((self.output / rel).is_file() for rel in paths):
            return False
        self.site_files.update(paths)
        return True

    def drop_unchanged(self, written: list[str]) -> list[str]:
        """Of files written to the staging directory, those that differ from the output's; the
        others are removed from it (an update only)."""
        changed = []
        for rel in written:
            staged = self.staging / rel
            if _holds(self.output / rel, staged.read_bytes()):
                staged.unlink()
            else:
                changed.append(rel)
        return changed

    def copy_tree(self, source: Path, rel: str) -> None:
        """Copy a theme directory; a link in it that points outside it is refused."""
        if not source.is_dir():
            return
        root = source.resolve()
        for name in files_under(source):
            path = source / name
            if any(part.startswith(".") or part == "__pycache__" for part in Path(name).parts):
                continue
            if not path.resolve().is_relative_to(root):
                raise ScholarsiteError(
                    f"refusing to publish {path}: it is a link to a file outside {source}; "
                    "replace it with a copy of the file"
                )
            if path.is_file() and path.name != "__init__.py":
                self.write(f"{rel}/{name}", path.read_bytes())

    def commit(self) -> None:
        """Swap the staging directory in; the previous build is removed only after the swap."""
        # Every file in the staging directory was recorded as written there: no need to list it.
        (self.staging / MARKER).write_bytes(marker_text(self.site_files, self.inputs, self.summary))
        os.chmod(self.staging, 0o755)
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
            os.rmdir(old)
            os.rename(self.output, old)
        os.rename(self.staging, self.output)
        if old is not None:
            (old / MARKER).unlink(missing_ok=True)  # never again a build to put back
        remove_in_background(sorted(self.output.parent.glob(f".{self.output.name}.old-*")))

    def move_staged(self, interim: bool = False) -> None:
        """Move the files written so far into the output, one by one (an update only).

        ``interim``: the update goes on after this, so the marker lists these files too, with no
        input digest; if the update never ends, a later build still knows every file as its own
        and builds again instead of finding the site up to date."""
        assert self.update, "a full build swaps its staging directory in whole"
        moved = files_under(self.staging)
        for rel in moved:
            target = self.output / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / rel, target)
        if interim:
            marker = self.output / MARKER
            text = marker.read_text(encoding="utf-8", errors="replace")
            _, heading, listed = text.partition(_FILES_HEADING)
            if heading and _lists_all(listed, moved):
                unfinished = (_MARKER_HEAD + heading + listed).encode()  # with no input digest
            else:
                unfinished = marker_text((written_files(self.output) or set()) | set(moved))
            if unfinished != text.encode():
                marker.write_bytes(unfinished)

    def commit_update(self) -> None:
        """Move the changed files into the output one by one, then drop files no longer built."""
        keep = self.site_files
        previous = written_files(self.output) or set()
        self.move_staged()
        for rel in sorted(previous - keep - {MARKER}):
            (self.output / rel).unlink(missing_ok=True)
            _remove_empty_parents(self.output / rel, self.output)
        (self.output / MARKER).write_bytes(marker_text(keep, self.inputs, self.summary))
        shutil.rmtree(self.staging, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _lists_all(listed: str, paths: list[str]) -> bool:
    """Whether the marker's list of files (one per line) has every one of ``paths``: a search
    for each of a few, a set of the lines for many."""
    if len(paths) > 16:
        return set(listed.splitlines()).issuperset(paths)
    lines = "\n" + listed if listed.endswith("\n") else "\n" + listed + "\n"
    return all(f"\n{path}\n" in lines for path in paths)
