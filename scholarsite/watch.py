"""Watching the site's sources: which file-system changes matter, and batching them.

A watchdog observer (native events, or polling where those are unavailable) feeds the changed
paths that matter into a :class:`ChangeQueue`, which hands them out in one batch once the file
system has been quiet for a moment: an editor's save, a ``git checkout`` or a copied folder makes
one rebuild.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

# --------------------------------------------------------------------------------------------
# Which file-system changes matter

VCS_AND_CACHE_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
TEMP_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".crdownload", "___jb_tmp___", "___jb_old___")
TEMP_PREFIXES = (".#", ".~lock.")
TEMP_NAMES = frozenset({"4913", ".DS_Store"})


def is_editor_temp_name(name: str) -> bool:
    """True for the scratch files editors write around a save (vim, emacs, JetBrains, ...)."""
    if name in TEMP_NAMES or name.startswith(TEMP_PREFIXES) or name.endswith(TEMP_SUFFIXES):
        return True
    return len(name) > 2 and name.startswith("#") and name.endswith("#")


def path_variants(path: Path) -> tuple[Path, ...]:
    """The absolute and the symlink-resolved form of ``path`` (they differ under symlinks)."""
    absolute = Path(os.path.abspath(path))
    return (absolute, absolute.resolve())


def is_within(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def build_scratch_prefixes(output_dir: Path) -> tuple[str, ...]:
    """Names a build may give its scratch copy of ``output_dir`` beside it (``build.tmp``...)."""
    name = output_dir.name
    return (f"{name}.", f".{name}", f"{name}~", f"{name}-tmp", f"{name}_tmp")


def is_beside_output_scratch(path: Path, output_dir: Path) -> bool:
    """True for paths inside a sibling of the output directory named like its scratch copy."""
    parent = output_dir.parent
    if not path.is_relative_to(parent) or path == parent:
        return False
    parts = path.relative_to(parent).parts
    if parts[0] == output_dir.name or not parts[0].startswith(build_scratch_prefixes(output_dir)):
        return False
    return len(parts) > 1 or not path.is_file()  # ``build.py`` beside ``build/`` still counts


def is_ignored_change(path: Path, output_dir: Path, ignore: Sequence[Path] = ()) -> bool:
    """True if a change at ``path`` must not trigger a rebuild.

    The build's own output (and a scratch copy beside it), the paths in ``ignore``, version
    control and cache directories, and editor temp files are ignored.
    """
    absolute = Path(os.path.abspath(path))
    if VCS_AND_CACHE_DIRS.intersection(absolute.parts) or is_editor_temp_name(absolute.name):
        return True
    outputs = path_variants(output_dir)
    ignored = [variant for extra in ignore for variant in path_variants(extra)]
    if is_within(absolute, [*outputs, *ignored]):
        return True
    return any(is_beside_output_scratch(absolute, out) for out in outputs)


@dataclass(frozen=True)
class WatchRoot:
    """A watched path: a directory (watched recursively) or a single file."""

    path: Path
    is_file: bool

    def covers(self, changed: Path) -> bool:
        if self.is_file:
            return changed == self.path
        return changed.is_relative_to(self.path)


def watch_roots(watch: Sequence[Path]) -> tuple[WatchRoot, ...]:
    """The existing watch paths as absolute roots; a file is watched through its directory."""
    roots = []
    for path in watch:
        absolute = Path(os.path.abspath(path))
        if absolute.exists():
            roots.append(WatchRoot(absolute, absolute.is_file()))
    return tuple(roots)


RELEVANT_EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
RELEVANT_EVENT_NAMES = frozenset({"created", "modified", "deleted", "moved", "closed"})


def event_paths(event: FileSystemEvent) -> list[Path]:
    """The paths a watchdog event touches (both ends of a move: editors save by renaming)."""
    if event.event_type not in RELEVANT_EVENT_NAMES:
        return []
    if event.is_directory and event.event_type == "modified":
        return []  # a directory's mtime changes with every child, which has its own event
    paths = [Path(os.fsdecode(event.src_path))]
    if event.event_type == "moved":
        paths.append(Path(os.fsdecode(event.dest_path)))
    return paths


# --------------------------------------------------------------------------------------------
# Debounce: many events, one rebuild


class ChangeQueue:
    """Collects changed paths and hands them out in batches once the file system is quiet.

    A batch is released when no new path arrived for ``quiet`` seconds, or at the latest
    ``max_wait`` seconds after its first path, so a never-ending stream still rebuilds.
    """

    def __init__(self, quiet: float = 0.05, max_wait: float = 2.0) -> None:
        self._quiet = quiet
        self._max_wait = max_wait
        self._paths: set[Path] = set()
        self._first = 0.0
        self._last = 0.0
        self._closed = False
        self._cond = threading.Condition()

    def add(self, paths: Iterable[Path]) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._paths.update(paths)
            self._last = now  # a repeated path still means the file system is busy
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def next_batch(self) -> frozenset[Path] | None:
        """Block until a quiet batch is ready; None once the queue is closed."""
        with self._cond:
            while not self._closed:
                if not self._paths:
                    self._cond.wait()
                    continue
                now = time.monotonic()
                due = min(self._last + self._quiet, self._first + self._max_wait)
                if now >= due:
                    batch = frozenset(self._paths)
                    self._paths.clear()
                    return batch
                self._cond.wait(due - now)
            return None


class ChangeHandler(FileSystemEventHandler):
    """Feeds relevant watchdog events into a ChangeQueue."""

    def __init__(
        self,
        changes: ChangeQueue,
        roots: Sequence[WatchRoot],
        output_dir: Path,
        ignore: Sequence[Path],
    ) -> None:
        super().__init__()
        self._changes = changes
        self._roots = tuple(roots)
        self._output_dir = output_dir
        self._ignore = tuple(ignore)

    def on_any_event(self, event: FileSystemEvent) -> None:
        relevant = [path for path in event_paths(event) if self.is_relevant(path)]
        if relevant:
            self._changes.add(relevant)

    def is_relevant(self, path: Path) -> bool:
        covered = any(root.covers(path) for root in self._roots)
        return covered and not is_ignored_change(path, self._output_dir, self._ignore)


def start_observer(
    handler: ChangeHandler,
    roots: Sequence[WatchRoot],
    *,
    polling: bool,
    poll_interval: float,
    log: Callable[[str], None],
) -> BaseObserver:
    """Start a native observer, or watchdog's polling one if native events are unavailable."""
    if not polling:
        try:
            return schedule_and_start(Observer(), handler, roots)
        except OSError as error:
            log(
                f"native file watching failed ({error}); polling every {poll_interval:g} s "
                "instead (raise fs.inotify.max_user_watches to avoid this)"
            )
    return schedule_and_start(PollingObserver(timeout=poll_interval), handler, roots)


def schedule_and_start(
    observer: BaseObserver, handler: ChangeHandler, roots: Sequence[WatchRoot]
) -> BaseObserver:
    for directory, recursive in watched_directories(roots):
        observer.schedule(
            handler, str(directory), recursive=recursive, event_filter=RELEVANT_EVENT_TYPES
        )
    try:
        observer.start()
    except OSError:
        observer.unschedule_all()
        raise
    return observer


def watched_directories(roots: Sequence[WatchRoot]) -> list[tuple[Path, bool]]:
    """The directories to schedule: each root directory recursively, a file's parent flat.

    A file is watched through its directory because editors replace it on save (a new inode).
    """
    recursive = sorted({root.path for root in roots if not root.is_file})
    flat = sorted({root.path.parent for root in roots if root.is_file} - set(recursive))
    return [(path, True) for path in recursive] + [(path, False) for path in flat]
