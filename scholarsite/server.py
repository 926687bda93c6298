"""The preview server: build, serve, watch, rebuild, live-reload.

The server knows nothing of how the site is built. It is handed a build function, calls it
once with ``None`` for a full build and then with the set of changed source paths (and the
pages the open tabs show), and tells the open browser tabs what happened through server-sent
events:

* ``reload`` after a good build that wrote pages (the files are on disk before the event); a
  build that goes on after that (``BuildOutcome.then``) reloads the tabs showing a page it
  writes later;
* ``css`` when every file a good build wrote is a stylesheet (the tab swaps them in place);
* ``error`` when a build failed (the tab shows an overlay; the last good site stays served).

A tab that (re)connects first receives ``hello`` with the current build generation and
errors, so a tab that was hidden or offline during a rebuild catches up by itself.
"""

from __future__ import annotations

import contextlib
import errno
import html
import io
import json
import mimetypes
import os
import queue
import re
import select
import shutil
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
import types
import webbrowser
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, cast
from urllib.parse import parse_qs, quote, unquote, urlsplit

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

from scholarsite.errors import ScholarsiteError

# --------------------------------------------------------------------------------------------
# The contract with the build


@dataclass(frozen=True)
class BuildOutcome:
    """What one build did: success, the errors to show, and the output files it wrote.

    ``then`` is the rest of the build, when it returned as soon as some pages were in place: the
    tabs reload at once, and the rest follows (its outcome may have a ``then`` of its own).
    ``moved``: pages now at another path (old, new), which the tabs showing them follow."""

    ok: bool
    errors: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    then: Callable[[], BuildOutcome] | None = None
    moved: tuple[tuple[str, str], ...] = ()


# (changed sources or None for a full build, output paths of the pages open in a tab)
BuildFunction = Callable[[frozenset[Path] | None, frozenset[str]], BuildOutcome]

EVENTS_PATH = "/__scholarsite/events"
SCRIPT_PATH = "/__scholarsite/livereload.js"
MAX_URL_LENGTH = 2048
PORT_SEARCH_SPAN = 20
STREAM_CHECK_INTERVAL = 1.0

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


# --------------------------------------------------------------------------------------------
# Live state and the event stream


@dataclass(frozen=True)
class LiveState:
    """What a freshly connected tab needs to know: the build generation and current errors."""

    generation: int = 0
    ok: bool = True
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class LiveEvent:
    name: str
    data: dict[str, Any]

    def encode(self) -> bytes:
        payload = json.dumps(self.data, sort_keys=True)
        return f"event: {self.name}\ndata: {payload}\n\n".encode()


def event_for_outcome(outcome: BuildOutcome, generation: int, was_ok: bool) -> LiveEvent | None:
    """The event a build's outcome sends to the tabs, or None when the tabs are up to date."""
    if not outcome.ok:
        return LiveEvent("error", {"generation": generation, "errors": list(outcome.errors)})
    if outcome.changed and all(path.endswith(".css") for path in outcome.changed):
        return LiveEvent("css", {"generation": generation, "changed": list(outcome.changed)})
    if outcome.changed or not was_ok:
        return reload_event(outcome, generation)
    return None


def reload_event(outcome: BuildOutcome, generation: int) -> LiveEvent:
    """``reload``, with the URL paths of the pages that moved (old → new) when some did."""
    data: dict[str, Any] = {"generation": generation}
    if outcome.moved:
        data["moved"] = {page_url(old): page_url(new) for old, new in outcome.moved}
    return LiveEvent("reload", data)


def page_url(path: str) -> str:
    """The URL path the server answers an output file at (``papers/x/index.html`` → /papers/x/)."""
    return "/" + quote(path.removesuffix("index.html"))


class LiveHub:
    """The build state and the queues of the connected event streams."""

    def __init__(
        self, max_clients: int = 32, client_backlog: int = 32, first_generation: int = 0
    ) -> None:
        self._lock = threading.Lock()
        self._state = LiveState(generation=first_generation)
        # Each stream's queue, with the output path of the page its tab shows (if known).
        self._clients: dict[queue.Queue[LiveEvent | None], str | None] = {}
        self._max_clients = max_clients
        self._client_backlog = client_backlog

    @property
    def state(self) -> LiveState:
        with self._lock:
            return self._state

    @property
    def client_count(self) -> int:
        with self._lock:
            return len(self._clients)

    def connect(
        self, page: str | None = None
    ) -> tuple[queue.Queue[LiveEvent | None], LiveState] | None:
        """Register a stream from a tab showing ``page``; None when too many are open already."""
        with self._lock:
            if len(self._clients) >= self._max_clients:
                return None
            client: queue.Queue[LiveEvent | None] = queue.Queue(self._client_backlog)
            self._clients[client] = page
            return client, self._state

    def disconnect(self, client: queue.Queue[LiveEvent | None]) -> None:
        with self._lock:
            self._clients.pop(client, None)

    def viewing(self) -> frozenset[str]:
        """The output paths of the pages the connected tabs show."""
        with self._lock:
            return frozenset(page for page in self._clients.values() if page is not None)

    def publish(self, outcome: BuildOutcome) -> LiveEvent | None:
        """Record a build's outcome and tell every connected stream."""
        with self._lock:
            previous = self._state
            wrote = outcome.ok and bool(outcome.changed)
            generation = previous.generation + 1 if wrote else previous.generation
            self._state = LiveState(generation, outcome.ok, outcome.errors)
            event = event_for_outcome(outcome, generation, previous.ok)
            if event is not None:
                for client in self._clients:
                    offer(client, event)
            return event

    def publish_later(self, outcome: BuildOutcome) -> LiveEvent | None:
        """Record what the rest of a build did after the tabs reloaded: a tab showing a page
        it wrote reloads again (it opened that page in between), a failure goes to every tab."""
        if not outcome.ok:
            return self.publish(outcome)
        pages = {path for path in outcome.changed if path.endswith(".html")}
        pages.update(old for old, _ in outcome.moved)
        if not pages:
            return None
        with self._lock:
            generation = self._state.generation + 1  # a tab shown again later catches up
            self._state = replace(self._state, generation=generation)
            event = reload_event(outcome, generation)
            for client, page in self._clients.items():
                if page in pages:
                    offer(client, event)
            return event

    def close(self) -> None:
        with self._lock:
            for client in self._clients:
                offer(client, None)


def offer(client: queue.Queue[LiveEvent | None], event: LiveEvent | None) -> None:
    """Queue an event; a client too slow to keep up is told to reconnect (it catches up)."""
    try:
        client.put_nowait(event)
    except queue.Full:
        with contextlib.suppress(queue.Empty):
            while True:
                client.get_nowait()
        client.put_nowait(None)


def hello_event(state: LiveState) -> LiveEvent:
    data = {"generation": state.generation, "ok": state.ok, "errors": list(state.errors)}
    return LiveEvent("hello", data)


# --------------------------------------------------------------------------------------------
# Mapping a request path to a file


@dataclass(frozen=True)
class Route:
    """Where a request path leads: a file to send, a redirect, or an error status."""

    status: int
    file: Path | None = None
    location: str | None = None


ENCODED_SEPARATORS = re.compile(r"%(2f|5c|00)", re.IGNORECASE)


def request_segments(target: str) -> list[str] | None:
    """The decoded path segments of a request target, or None if it is not a safe path.

    Refused: targets not starting with ``/``, encoded ``/``, ``\\`` or NUL, invalid UTF-8,
    backslashes, NUL, and ``.`` or ``..`` segments (plain or percent-encoded).
    """
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or ENCODED_SEPARATORS.search(path):
        return None
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or "\x00" in decoded:
        return None
    segments = [segment for segment in decoded.split("/") if segment]
    if any(segment in (".", "..") for segment in segments):
        return None
    return segments


def viewed_file(page: str) -> str | None:
    """The output path of the page at URL path ``page`` (``/papers/x/`` → papers/x/index.html),
    or None when it is not a safe path."""
    segments = request_segments(page)
    if segments is None:
        return None
    if not segments or page.endswith("/"):
        segments.append("index.html")
    return "/".join(segments)


def route_request(root: Path, target: str) -> Route:
    """Map a request target to a file under ``root``; never to a file outside it."""
    if len(target) > MAX_URL_LENGTH:
        return Route(414)
    segments = request_segments(target)
    if segments is None:
        return Route(403)
    real_root = root.resolve()
    candidate = real_root.joinpath(*segments)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return Route(404)
    if not is_within(real, [real_root]):
        return Route(404)  # a symlink leading out of the site
    if real.is_dir():
        return route_directory(real, segments, target)
    if target.split("?", 1)[0].endswith("/") or not real.is_file():
        return Route(404)
    return Route(200, file=real)


def route_directory(directory: Path, segments: list[str], target: str) -> Route:
    path = target.split("?", 1)[0]
    if not path.endswith("/"):
        query = target[len(path) :].split("#", 1)[0]
        location = "/" + "".join(quote(segment) + "/" for segment in segments) + query
        return Route(302, location=location)
    index = directory / "index.html"
    return Route(200, file=index) if index.is_file() else Route(404)


CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
    ".bib": "text/plain; charset=utf-8",
}


def content_type(path: Path | PurePosixPath) -> str:
    """The MIME type for a file name; fixed for the web types, the system's guess otherwise."""
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name, strict=False)
    return guessed or "application/octet-stream"


def inject_before(document: str, closing_tag: str, snippet: str) -> str | None:
    matches = list(re.finditer(re.escape(closing_tag), document, re.IGNORECASE))
    if not matches:
        return None
    at = matches[-1].start()
    return document[:at] + snippet + document[at:]


def inject_script(document: str, generation: int) -> str:
    """Add the live-reload script to an HTML page (before ``</body>`` when there is one)."""
    snippet = f'<script src="{SCRIPT_PATH}" data-generation="{generation}"></script>'
    for tag in ("</body>", "</html>"):
        injected = inject_before(document, tag, snippet)
        if injected is not None:
            return injected
    return document + snippet


def add_root_base(document: str) -> str:
    """Make a page served at another path (the 404 page) resolve its links from the site root."""
    if re.search(r"<base[\s>]", document, re.IGNORECASE):
        return document
    head = re.search(r"<head(\s[^>]*)?>", document, re.IGNORECASE)
    if head is None:
        return document
    return document[: head.end()] + '<base href="/">' + document[head.end() :]


FALLBACK_404 = (
    "<!doctype html><html><head><meta charset=utf-8><title>Not found</title></head>"
    "<body><h1>Not found</h1><p>{path} is not part of the site (yet).</p></body></html>"
)

# --------------------------------------------------------------------------------------------
# The browser side: connects to the event stream, reloads, swaps CSS, shows the error overlay

LIVERELOAD_JS = r"""(() => {
  "use strict";
  const script = document.currentScript;
  let generation = Number((script && script.dataset.generation) || 0);
  let source = null;
  let overlay = null;

  function showErrors(errors) {
    hideErrors();
    if (!errors || errors.length === 0) return;
    overlay = document.createElement("scholarsite-error-overlay");
    const root = overlay.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = ":host{position:fixed;inset:0;z-index:2147483647;" +
      "background:rgba(0,0,0,.66);display:flex;align-items:flex-start;justify-content:center}" +
      ".box{margin-top:8vh;max-width:min(60rem,92vw);max-height:80vh;overflow:auto;" +
      "background:#fff;color:#1a1a1a;border-top:6px solid #c62828;padding:1rem 1.5rem;" +
      "font:14px/1.5 system-ui,sans-serif;box-shadow:0 8px 32px rgba(0,0,0,.4)}" +
      "h2{margin:.2rem 0 .8rem;font-size:1.1rem;color:#c62828}" +
      "pre{white-space:pre-wrap;font:13px/1.5 ui-monospace,monospace;margin:0}" +
      "button{float:right;font:inherit;cursor:pointer}";
    const box = document.createElement("div");
    box.className = "box";
    box.setAttribute("role", "alert");
    const close = document.createElement("button");
    close.textContent = "Dismiss";
    close.addEventListener("click", hideErrors);
    const title = document.createElement("h2");
    title.textContent = "The build failed; this page shows the last good build";
    const list = document.createElement("pre");
    list.className = "errors";
    list.textContent = errors.join("\n");
    box.append(close, title, list);
    root.append(style, box);
    document.documentElement.append(overlay);
  }

  function hideErrors() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function swapStylesheets(stamp) {
    const links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    for (const link of links) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("__scholarsite", String(stamp));
      const fresh = link.cloneNode();
      fresh.href = url.href;
      const done = () => link.remove();
      fresh.addEventListener("load", done, { once: true });
      fresh.addEventListener("error", done, { once: true });
      link.after(fresh);
    }
  }

  function connect() {
    if (source || document.visibilityState === "hidden") return;
    source = new EventSource("/__scholarsite/events?page=" + encodeURIComponent(location.pathname));
    source.addEventListener("hello", (event) => {
      const state = JSON.parse(event.data);
      if (state.generation !== generation) { location.reload(); return; }
      if (state.ok) hideErrors(); else showErrors(state.errors);
    });
    source.addEventListener("reload", (event) => {
      const moved = JSON.parse(event.data).moved || {};
      if (moved[location.pathname]) location.replace(moved[location.pathname]);
      else location.reload();
    });
    source.addEventListener("css", (event) => {
      const data = JSON.parse(event.data);
      generation = data.generation;
      hideErrors();
      swapStylesheets(data.generation);
    });
    source.addEventListener("error", (event) => {
      if (typeof event.data !== "string") return;  // a dropped connection: it retries itself
      showErrors(JSON.parse(event.data).errors);
    });
  }

  function disconnect() {
    if (source) source.close();
    source = null;
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") disconnect(); else connect();
  });
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", connect);
  connect();
})();
"""

# --------------------------------------------------------------------------------------------
# HTTP


class DeadlineReader(io.RawIOBase):
    """Socket reads that fail once the current request's deadline has passed.

    A per-read timeout alone lets a client trickle one byte at a time (slowloris); a
    deadline bounds the whole request line and headers.
    """

    def __init__(self, sock: socket.socket, write_timeout: float) -> None:
        super().__init__()
        self._sock = sock
        self._write_timeout = write_timeout
        self.deadline = float("inf")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the client sent its request too slowly")
        self._sock.settimeout(min(remaining, self._write_timeout))
        try:
            return self._sock.recv_into(buffer)
        finally:
            self._sock.settimeout(self._write_timeout)


class SiteHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server with a cap on connections and a way to close them all."""

    daemon_threads = False
    block_on_close = True
    request_queue_size = 256

    def __init__(
        self,
        address: tuple[str, int],
        site: PreviewServer,
        *,
        max_connections: int,
        idle_timeout: float,
        write_timeout: float,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.site = site
        self.idle_timeout = idle_timeout
        self.write_timeout = write_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._closing = threading.Event()
        super().__init__(address, RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can stall on a bad resolver.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        while not self._slots.acquire(timeout=0.25):
            if self._closing.is_set():
                self.shutdown_request(request)
                return
        with self._open_lock:
            self._open.add(request)
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.release(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.release(request)

    def release(self, request: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(request)
        self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return  # the client went away or was too slow: nothing to report
        self.site.log(f"error while answering {client_address[0]}:")
        self.site.log(traceback.format_exc().rstrip())

    def close_connections(self) -> None:
        """Stop accepting, and end every open connection so its thread finishes now."""
        self._closing.set()
        with self._open_lock:
            open_sockets = list(self._open)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class RequestHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the built site, the live-reload script and the event stream."""

    server_version = "scholarsite"
    sys_version = ""
    protocol_version = "HTTP/1.0"

    @property
    def httpd(self) -> SiteHTTPServer:
        return cast(SiteHTTPServer, self.server)

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # replaced by a reader with a deadline
        self._reader = DeadlineReader(self.connection, self.httpd.write_timeout)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        self._reader.deadline = time.monotonic() + self.httpd.idle_timeout
        super().handle_one_request()

    def log_message(self, format: str, *args: Any) -> None:
        return  # a preview server that logs every request buries the build messages

    def do_HEAD(self) -> None:
        self.answer(send_body=False)

    def do_GET(self) -> None:
        self.answer(send_body=True)

    def answer(self, *, send_body: bool) -> None:
        own_path = self.path.split("?", 1)[0]
        if own_path == EVENTS_PATH and send_body:
            self.stream_events()
            return
        if own_path == SCRIPT_PATH:
            self.send_bytes(200, LIVERELOAD_JS.encode(), CONTENT_TYPES[".js"], send_body)
            return
        route = route_request(self.httpd.site.output_dir, self.path)
        if route.status == 200 and route.file is not None:
            self.send_file(route.file, send_body)
        elif route.status == 302 and route.location is not None:
            self.send_redirect(route.location)
        elif route.status == 404:
            self.send_not_found(send_body)
        else:
            self.send_status(route.status, send_body)

    def send_common_headers(self, status: int, mime: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def send_bytes(self, status: int, body: bytes, mime: str, send_body: bool = True) -> None:
        self.send_common_headers(status, mime, len(body))
        if send_body:
            self.wfile.write(body)

    def send_file(self, path: Path, send_body: bool) -> None:
        mime = content_type(path)
        generation = self.httpd.site.hub.state.generation  # before reading: never too new
        try:
            handle = path.open("rb")
        except FileNotFoundError:  # removed by a rebuild since it was routed
            self.send_not_found(send_body)
            return
        with handle:
            if mime.startswith("text/html"):
                page = inject_script(handle.read().decode("utf-8", "replace"), generation)
                self.send_bytes(200, page.encode(), mime, send_body)
                return
            self.send_common_headers(200, mime, os.fstat(handle.fileno()).st_size)
            if send_body:
                copy_file(handle, self.wfile)

    def send_not_found(self, send_body: bool) -> None:
        generation = self.httpd.site.hub.state.generation
        page_404 = self.httpd.site.output_dir / "404.html"
        try:
            document = add_root_base(page_404.read_text("utf-8", "replace"))
        except OSError:
            path = html.escape(self.path.split("?", 1)[0][:200])
            document = FALLBACK_404.format(path=path)
        page = inject_script(document, generation).encode()
        self.send_bytes(404, page, CONTENT_TYPES[".html"], send_body)

    def send_redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def send_status(self, status: int, send_body: bool) -> None:
        reason = self.responses.get(status, ("Error",))[0]
        self.send_bytes(status, f"{status} {reason}\n".encode(), CONTENT_TYPES[".txt"], send_body)

    def stream_events(self) -> None:
        hub = self.httpd.site.hub
        shown = parse_qs(urlsplit(self.path).query).get("page", [""])[0]
        connection = hub.connect(viewed_file(shown))
        if connection is None:
            self.send_status(503, True)
            return
        client, state = connection
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n" + hello_event(state).encode())
            self.wfile.flush()
            self.relay_events(client)
        finally:
            hub.disconnect(client)

    def relay_events(self, client: queue.Queue[LiveEvent | None]) -> None:
        keepalive = self.httpd.site.keepalive
        quiet_since = time.monotonic()
        while True:
            try:
                event = client.get(timeout=min(STREAM_CHECK_INTERVAL, keepalive))
            except queue.Empty:
                if peer_has_closed(self.connection):
                    return
                if time.monotonic() - quiet_since >= keepalive:
                    self.wfile.write(b": keepalive\n\n")  # also finds peers that vanished
                    self.wfile.flush()
                    quiet_since = time.monotonic()
                continue
            if event is None:
                return
            self.wfile.write(event.encode())
            self.wfile.flush()
            quiet_since = time.monotonic()


def peer_has_closed(sock: socket.socket) -> bool:
    """True if the other end closed the connection (a closed tab): it reads as end-of-file."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def copy_file(source: BinaryIO, target: Any) -> None:
    shutil.copyfileobj(source, target, 64 * 1024)


# --------------------------------------------------------------------------------------------
# Binding a port


def bind_server(
    host: str,
    port: int,
    make: Callable[[tuple[str, int]], SiteHTTPServer],
    *,
    strict_port: bool,
    log: Callable[[str], None],
) -> SiteHTTPServer:
    """Bind ``host:port``; if it is busy, take the next free port and say so (unless strict)."""
    try:
        return make((host, port))
    except OSError as error:
        if error.errno != errno.EADDRINUSE or port == 0:
            raise ScholarsiteError(bind_failure_message(host, port, error)) from error
        busy = error
    free = find_free_port(host, port + 1)
    if strict_port or free is None:
        raise ScholarsiteError(busy_port_message(host, port, free)) from busy
    log(f"port {port} on {host} is in use; serving on port {free} instead")
    return make((host, free))


def busy_port_message(host: str, port: int, free: int | None) -> str:
    hint = f"use --port {free} (free now)" if free else "use --port N with another port"
    return (
        f"port {port} on {host} is already in use (another `scholarsite serve`?): stop that "
        f"process or {hint}"
    )


def bind_failure_message(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EACCES:
        return f"not allowed to listen on port {port}: use --port 8000 or another port above 1023"
    if error.errno == errno.EADDRNOTAVAIL or isinstance(error, socket.gaierror):
        return f"cannot listen on host {host!r} ({error}): use --host 127.0.0.1"
    return f"cannot listen on {host}:{port}: {error}"


def find_free_port(host: str, start: int) -> int | None:
    """The first port from ``start`` that can be bound on ``host`` right now, if any."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in range(start, min(start + PORT_SEARCH_SPAN, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


# --------------------------------------------------------------------------------------------
# The server


def print_line(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class PreviewServer:
    """Builds the site, serves ``output_dir``, watches ``watch`` and rebuilds on changes.

    ``start()`` returns the bound port and leaves everything running on background threads;
    ``stop()`` ends and joins them. Tests use these two; the command uses :func:`serve`.
    """

    build: BuildFunction
    output_dir: Path
    watch: Sequence[Path]
    host: str = "127.0.0.1"
    port: int = 8000
    ignore: Sequence[Path] = ()
    strict_port: bool = False
    polling: bool = False
    poll_interval: float = 1.0
    quiet: float = 0.05  # an editor's save (write, rename, chmod) takes a few ms
    max_wait: float = 2.0
    max_connections: int = 64
    max_streams: int = 32
    idle_timeout: float = 10.0
    write_timeout: float = 30.0
    keepalive: float = 15.0
    log: Callable[[str], None] = print_line
    hub: LiveHub = field(init=False)
    builds: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.output_dir = Path(os.path.abspath(self.output_dir))
        # Generations start from the clock, so a tab left open across a restart reloads.
        self.hub = LiveHub(max_clients=self.max_streams, first_generation=time.time_ns() // 10**6)
        self._changes = ChangeQueue(self.quiet, self.max_wait)
        self._httpd: SiteHTTPServer | None = None
        self._observer: BaseObserver | None = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise ScholarsiteError("the preview server is not running: call start() first")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._httpd.server_port}/"

    def start(self) -> int:
        """Bind, build the whole site, start watching and serving; return the bound port."""
        self._httpd = bind_server(
            self.host, self.port, self.make_httpd, strict_port=self.strict_port, log=self.log
        )
        roots = watch_roots(self.watch)
        self.report_unwatched(roots)
        handler = ChangeHandler(self._changes, roots, self.output_dir, self.ignore)
        try:
            self._observer = start_observer(
                handler, roots, polling=self.polling, poll_interval=self.poll_interval, log=self.log
            )
            self.run_build(None)
        except BaseException:
            self.stop()
            raise
        self.spawn("scholarsite-http", self._httpd.serve_forever)
        self.spawn("scholarsite-rebuild", self.rebuild_loop)
        return self._httpd.server_port

    def make_httpd(self, address: tuple[str, int]) -> SiteHTTPServer:
        return SiteHTTPServer(
            address,
            self,
            max_connections=self.max_connections,
            idle_timeout=self.idle_timeout,
            write_timeout=self.write_timeout,
        )

    def report_unwatched(self, roots: Sequence[WatchRoot]) -> None:
        present = {root.path for root in roots}
        for path in self.watch:
            if Path(os.path.abspath(path)) not in present:
                self.log(f"not watching {path}: it does not exist")

    def spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        """Stop watching, finish a running build, close every connection, join all threads."""
        self._changes.close()
        if self._observer is not None:
            self._observer.stop()
            if self._observer.is_alive():
                self._observer.join()
        self.hub.close()
        if self._httpd is not None:
            self._httpd.close_connections()
            if any(thread.name == "scholarsite-http" for thread in self._threads):
                self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    def rebuild_loop(self) -> None:
        while (batch := self._changes.next_batch()) is not None:
            self.run_build(batch)

    def run_build(self, changed: frozenset[Path] | None) -> BuildOutcome:
        """Run one build (never two at once: only the rebuild thread calls this after start)."""
        started = time.monotonic()
        outcome = self.call_build(lambda: self.build(changed, self.hub.viewing()))
        self.hub.publish(outcome)
        written = list(outcome.changed)
        while outcome.ok and outcome.then is not None:
            outcome = self.call_build(outcome.then)
            self.hub.publish_later(outcome)
            written += outcome.changed
        self.builds += 1
        outcome = replace(outcome, changed=tuple(written))
        self.log(describe_outcome(outcome, changed, time.monotonic() - started))
        return outcome

    def call_build(self, build: Callable[[], BuildOutcome]) -> BuildOutcome:
        """The build's outcome; an exception from it becomes a failed outcome, never a crash."""
        try:
            return build()
        except ScholarsiteError as error:
            return BuildOutcome(ok=False, errors=tuple(str(error).splitlines()))
        except Exception as error:
            self.log(traceback.format_exc().rstrip())
            message = f"internal error in the build: {type(error).__name__}: {error}"
            return BuildOutcome(ok=False, errors=(message,))


def describe_outcome(outcome: BuildOutcome, changed: frozenset[Path] | None, seconds: float) -> str:
    """The terminal line(s) for one build."""
    what = "built the site" if changed is None else f"rebuilt after {describe_changes(changed)}"
    if not outcome.ok:
        details = "\n".join(f"  {line}" for line in outcome.errors)
        return f"build failed ({seconds:.2f} s); still serving the last good site:\n{details}"
    return f"{what} in {seconds:.2f} s: {len(outcome.changed)} file(s) written"


def describe_changes(changed: frozenset[Path]) -> str:
    names = sorted(path.name for path in changed)
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def serve(
    build: BuildFunction,
    output_dir: Path,
    watch: Sequence[Path],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    ignore: Sequence[Path] = (),
    strict_port: bool = False,
) -> int:
    """Run the preview server until Ctrl-C (or SIGTERM); return the exit code."""
    server = PreviewServer(
        build, output_dir, watch, host=host, port=port, ignore=ignore, strict_port=strict_port
    )
    try:
        server.start()
    except ScholarsiteError as error:
        print_line(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        return 0
    print_line(f"serving {server.url} (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(server.url)
    try:
        with terminate_as_interrupt():
            wait_forever()
    except KeyboardInterrupt:
        print_line("stopping")
    finally:
        server.stop()
    return 0


def wait_forever() -> None:
    stopped = threading.Event()
    while not stopped.wait(3600):
        pass


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while serving (main thread only), so both stop cleanly."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: types.FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
