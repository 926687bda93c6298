"""The preview server: build, serve, watch, rebuild, live-reload.

The server knows nothing of how the site is built. It is handed a build function, calls it
once with ``None`` for a full build and then with the set of changed source paths (and the
pages the open tabs show), and serves the output, with the live-reload script added to every
page. Watching the sources is :mod:`scholarsite.watch`'s job; what each build tells the open
tabs is :mod:`scholarsite.livereload`'s; which file a request gets is
:mod:`scholarsite.routing`'s.
"""

from __future__ import annotations

import contextlib
import errno
import html
import io
import os
import queue
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import parse_qs, urlsplit

from watchdog.observers.api import BaseObserver

from scholarsite.errors import ScholarsiteError
from scholarsite.livereload import (
    EVENTS_PATH,
    LIVERELOAD_JS,
    SCRIPT_PATH,
    BuildOutcome,
    LiveEvent,
    LiveHub,
    hello_event,
    inject_script,
)
from scholarsite.routing import (
    CONTENT_TYPES,
    add_root_base,
    content_type,
    route_request,
    viewed_file,
)
from scholarsite.watch import (
    ChangeHandler,
    ChangeQueue,
    WatchRoot,
    start_observer,
    watch_roots,
)

# --------------------------------------------------------------------------------------------
# The contract with the build: it is given the changed sources (None for a full build) and the
# output paths of the pages open in a tab, and says what it did

BuildFunction = Callable[[frozenset[Path] | None, frozenset[str]], BuildOutcome]

PORT_SEARCH_SPAN = 20
STREAM_CHECK_INTERVAL = 1.0

FALLBACK_404 = (
    "<!doctype html><html><head><meta charset=utf-8><title>Not found</title></head>"
    "<body><h1>Not found</h1><p>{path} is not part of the site (yet).</p></body></html>"
)

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
        generation = self.shown_generation()  # before reading: never too new
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

    def shown_generation(self) -> int:
        """The build generation the page at this request's path is up to date at: a tab
        showing it reloads when its event stream says otherwise."""
        return self.httpd.site.hub.state.generation_for(viewed_file(urlsplit(self.path).path))

    def send_not_found(self, send_body: bool) -> None:
        generation = self.shown_generation()
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
        except OSError as error:  # the system refused a write: a full disk, a read-only folder
            return BuildOutcome(ok=False, errors=(str(error),))
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
