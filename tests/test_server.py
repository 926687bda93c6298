"""The preview server, driven over loopback with a small stand-in build function."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page

from scholarsite.errors import ScholarsiteError
from scholarsite.livereload import BuildOutcome
from scholarsite.routing import viewed_file
from scholarsite.server import PreviewServer

WAIT = 10.0  # generous: the machine is shared, and a late answer is not a wrong one
SECRET = "TOP-SECRET-OUTSIDE-THE-SITE"

# --------------------------------------------------------------------------------------------
# A stand-in for the real build: sources in src/, output in out/


class FakeSite:
    """``page.txt`` → ``index.html``, ``other.txt`` → ``other/index.html``, CSS copied.

    A source containing ``BROKEN`` fails the build (nothing written), like a template error.
    """

    PAGES: ClassVar[dict[str, str]] = {"page.txt": "index.html", "other.txt": "other/index.html"}

    def __init__(self, root: Path) -> None:
        self.src = root / "src"
        self.out = root / "out"
        self.src.mkdir()
        (self.src / "page.txt").write_text("Hello")
        (self.src / "other.txt").write_text("Other")
        (self.src / "style.css").write_text("h1 { color: rgb(255, 0, 0); }")
        self.calls: list[frozenset[Path] | None] = []
        self.viewing: list[frozenset[str]] = []  # the pages open in a tab, at each call
        self.delay = 0.0
        self.raise_error: Exception | None = None
        self.then: Callable[[], BuildOutcome] | None = None  # the rest, after the pages
        self.moved: tuple[tuple[str, str], ...] = ()  # pages the build says moved

    def __call__(self, changed: frozenset[Path] | None, viewing: frozenset[str]) -> BuildOutcome:
        self.calls.append(changed)
        self.viewing.append(viewing)
        if self.raise_error is not None:
            raise self.raise_error
        sources = sorted(self.src.iterdir()) if changed is None else sorted(changed)
        sources = [path for path in sources if path.is_file() and path.parent == self.src]
        broken = [path for path in sources if "BROKEN" in path.read_text()]
        if broken:
            errors = tuple(f"src/{path.name}:1: the source says BROKEN" for path in broken)
            return BuildOutcome(ok=False, errors=errors)
        time.sleep(self.delay)  # a slow build: any early reload would see the old page
        written = [self.write_output(path) for path in sources]
        if changed is None:
            (self.out / "404.html").write_text(page_html("Lost", "not here"))
            written.append("404.html")
        return BuildOutcome(ok=True, changed=tuple(written), then=self.then, moved=self.moved)

    def write_output(self, source: Path) -> str:
        name = self.PAGES.get(source.name, source.name)
        target = self.out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".css":
            shutil.copyfile(source, target)
        else:
            target.write_text(page_html(source.stem, source.read_text()))
        return name

    @property
    def rebuilds(self) -> list[frozenset[Path] | None]:
        return self.calls[1:]


def page_html(title: str, heading: str) -> str:
    depth = "" if title in ("page", "Lost") else "../"
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title>"
        f'<link rel="stylesheet" href="{depth}style.css"></head>'
        f"<body><h1>{heading}</h1></body></html>"
    )


@pytest.fixture
def site(tmp_path: Path) -> FakeSite:
    return FakeSite(tmp_path)


ServerFactory = Callable[..., PreviewServer]


@pytest.fixture
def start_server(site: FakeSite) -> Iterator[ServerFactory]:
    servers: list[PreviewServer] = []

    def start(**options: object) -> PreviewServer:
        options.setdefault("port", 0)
        options.setdefault("log", lambda message: None)
        server = PreviewServer(site, site.out, [site.src], **options)  # type: ignore[arg-type]
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(start_server: ServerFactory) -> PreviewServer:
    return start_server()


def port_of(server: PreviewServer) -> int:
    return int(server.url.rsplit(":", 1)[1].strip("/"))


# --------------------------------------------------------------------------------------------
# Raw HTTP and a server-sent-events reader (urllib would normalise the paths under test)


def raw_request(port: int, target: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        request = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode("latin-1"))
        data = read_until_closed(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def read_until_closed(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def get(port: int, target: str) -> tuple[int, str]:
    status, _, body = raw_request(port, target)
    return status, body.decode()


class EventStream:
    """Reads ``/__scholarsite/events`` on a thread; ``next()`` returns (event, data)."""

    def __init__(self, port: int, page: str | None = None) -> None:
        """``page``: the URL path of the page the tab shows, as the live-reload script sends it."""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        target = "/__scholarsite/events" + ("" if page is None else f"?page={quote(page)}")
        self.sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self.lines = self.sock.makefile("rb")
        self.status = self.lines.readline().decode()
        while self.lines.readline() not in (b"\r\n", b"\n", b""):
            pass
        self.events: queue.Queue[tuple[str, dict[str, object]]] = queue.Queue()
        self.reader = threading.Thread(target=self.read_events)
        self.reader.start()

    def read_events(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.lines:
                line = raw.decode().rstrip("\r\n")
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif not line and data:
                    self.events.put((name, json.loads(data)))
                    name, data = "message", ""
        except OSError:
            return

    def next(self, timeout: float = WAIT) -> tuple[str, dict[str, object]]:
        return self.events.get(timeout=timeout)

    def assert_silent(self, seconds: float) -> None:
        with pytest.raises(queue.Empty):
            self.events.get(timeout=seconds)

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.reader.join()
        self.lines.close()  # the socket's descriptor stays open while its file object does
        self.sock.close()


@pytest.fixture
def events(server: PreviewServer) -> Iterator[EventStream]:
    stream = EventStream(port_of(server))
    yield stream
    stream.close()


def wait_until(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def settle() -> None:
    """Give the watcher and the debounce window time to (wrongly) start another build."""
    time.sleep(0.8)


# --------------------------------------------------------------------------------------------
# Building and live reload


def test_first_build_is_served_with_the_reload_script(server: PreviewServer, site: FakeSite):
    status, page = get(port_of(server), "/")
    assert status == 200
    assert "<h1>Hello</h1>" in page
    assert '<script src="/__scholarsite/livereload.js"' in page
    assert page.index("livereload.js") < page.index("</body>")
    assert "livereload" not in (site.out / "index.html").read_text()  # never written to disk
    assert site.calls == [None]


def test_the_stream_greets_with_the_current_generation(server: PreviewServer, events: EventStream):
    assert events.status.split()[1] == "200"
    name, data = events.next()
    assert name == "hello"
    assert data == {"generation": server.hub.state.generation, "ok": True, "errors": []}


def test_an_edit_rebuilds_once_and_reloads_after_the_page_is_written(
    server: PreviewServer, site: FakeSite, events: EventStream
):
    site.delay = 0.4
    assert events.next()[0] == "hello"
    (site.src / "page.txt").write_text("Changed")
    name, _ = events.next()
    assert name == "reload"
    assert "<h1>Changed</h1>" in (site.out / "index.html").read_text()
    assert "<h1>Changed</h1>" in get(port_of(server), "/")[1]
    settle()
    assert site.rebuilds == [frozenset({site.src / "page.txt"})]
    events.assert_silent(0.1)


def test_a_build_that_returns_with_its_pages_reloads_before_the_rest_is_done(
    server: PreviewServer, site: FakeSite, events: EventStream
):
    assert events.next()[0] == "hello"
    started, release = threading.Event(), threading.Event()

    def rest() -> BuildOutcome:
        started.set()
        release.wait(WAIT)
        (site.out / "index.js").write_text("made after the pages")
        return BuildOutcome(ok=True, changed=("index.html", "index.js"))

    site.then = rest
    (site.src / "page.txt").write_text("Changed")
    assert events.next()[0] == "reload"
    assert started.wait(WAIT) and not (site.out / "index.js").exists()
    release.set()
    wait_until(lambda: server.builds == 2)
    events.assert_silent(0.3)  # the rest reloads nothing: the pages were live already

    def failing() -> BuildOutcome:
        raise RuntimeError("index on fire")

    site.then = failing
    (site.src / "page.txt").write_text("Again")
    assert events.next()[0] == "reload"
    name, data = events.next()
    assert name == "error"
    assert data["errors"] == ["internal error in the build: RuntimeError: index on fire"]


def test_a_build_is_told_which_pages_the_open_tabs_show(server: PreviewServer, site: FakeSite):
    streams = [EventStream(port_of(server), page) for page in ("/other/", "/", "/other/")]
    try:
        assert [stream.next()[0] for stream in streams] == ["hello"] * 3
        (site.src / "page.txt").write_text("Changed")
        wait_until(lambda: len(site.calls) == 2)
        assert site.viewing == [frozenset(), frozenset({"index.html", "other/index.html"})]
    finally:
        for stream in streams:
            stream.close()
    wait_until(lambda: server.hub.viewing() == frozenset())


def test_the_rest_of_a_build_reloads_only_the_tabs_showing_a_page_it_wrote(
    server: PreviewServer, site: FakeSite
):
    home, other = EventStream(port_of(server), "/"), EventStream(port_of(server), "/other/")
    try:
        assert home.next()[0] == other.next()[0] == "hello"
        site.then = lambda: BuildOutcome(ok=True, changed=("other/index.html", "x.json"))
        (site.src / "page.txt").write_text("Changed")
        first = home.next()
        assert first[0] == "reload" and other.next() == first  # every tab, for the first pages
        name, data = other.next()
        assert name == "reload" and data["generation"] == first[1]["generation"] + 1
        home.assert_silent(0.3)
        assert server.hub.state.generation == data["generation"]  # a hidden tab catches up
    finally:
        home.close()
        other.close()


def test_a_page_served_between_the_first_pages_and_the_rest_is_not_reloaded_again(
    server: PreviewServer, site: FakeSite
):
    """A tab that reloaded at the first pages and reconnects once the rest of the build is done
    is told its own page's generation: it reloads again only when the rest wrote its page."""
    site.then = lambda: BuildOutcome(ok=True, changed=("other/index.html",))
    (site.src / "page.txt").write_text("Changed")
    wait_until(lambda: server.builds == 2)
    for path, written_later in (("/", False), ("/other/", True)):
        served = re.search(r'data-generation="(\d+)"', get(port_of(server), path)[1])
        assert served is not None
        stream = EventStream(port_of(server), path)
        try:
            name, data = stream.next()
            assert name == "hello" and data["generation"] == int(served[1])  # no reload loop
            latest = server.hub.state.generation  # the rest of the build's
            assert data["generation"] == (latest if written_later else latest - 1)
        finally:
            stream.close()


@pytest.mark.parametrize(
    ("page", "path"),
    [
        ("/", "index.html"),
        ("", None),  # no page given
        ("/papers/a-paper/", "papers/a-paper/index.html"),
        ("/404.html", "404.html"),
        ("/authors/%C5%82ukasz/", "authors/łukasz/index.html"),
        ("/../secret/", None),
        ("/a%2fb/", None),
        ("papers/", None),
    ],
)
def test_the_page_a_tab_shows_is_named_by_its_output_path(page: str, path: str | None):
    assert viewed_file(page) == path


def test_a_burst_of_fifty_saves_coalesces_into_few_rebuilds(
    start_server: ServerFactory, site: FakeSite
):
    # A wider quiet window than an editor needs, so a loaded machine's late wake-ups
    # between two saves do not read as the end of the burst.
    server = start_server(quiet=0.3, max_wait=10.0)
    for number in range(50):
        (site.src / "page.txt").write_text(f"Version {number}")
        time.sleep(0.02)
    wait_until(lambda: "Version 49" in (site.out / "index.html").read_text())
    settle()
    assert 1 <= len(site.rebuilds) <= 3
    assert "<h1>Version 49</h1>" in get(port_of(server), "/")[1]


def test_many_files_changed_at_once_give_one_rebuild_with_all_of_them(
    server: PreviewServer, site: FakeSite
):
    (site.src / "page.txt").write_text("One")
    (site.src / "other.txt").write_text("Two")
    (site.src / "style.css").write_text("h1 { color: blue; }")
    wait_until(lambda: len(site.rebuilds) >= 1)
    settle()
    assert site.rebuilds == [
        frozenset(site.src / name for name in FakeSite.PAGES.keys() | {"style.css"})
    ]


def test_an_atomic_save_by_rename_is_seen(server: PreviewServer, site: FakeSite):
    scratch = site.src / ".page.txt.tmp"
    scratch.write_text("Renamed into place")
    os.replace(scratch, site.src / "page.txt")
    wait_until(lambda: "Renamed into place" in get(port_of(server), "/")[1])
    settle()
    assert all(site.src / "page.txt" in batch for batch in site.rebuilds if batch)
    assert not any(scratch in batch for batch in site.rebuilds if batch)


def test_editor_temp_files_and_the_output_never_trigger_a_rebuild(
    server: PreviewServer, site: FakeSite
):
    for name in (".page.txt.swp", "page.txt~", "4913", ".#page.txt", "draft.tmp"):
        (site.src / name).write_text("scratch")
    (site.src / ".git").mkdir()
    (site.src / ".git" / "index").write_text("git")
    (site.out / "extra.html").write_text("written by the build")
    settle()
    assert site.rebuilds == []


def test_a_stylesheet_only_change_sends_css(
    server: PreviewServer, site: FakeSite, events: EventStream
):
    hello = events.next()[1]
    (site.src / "style.css").write_text("h1 { color: rgb(0, 128, 0); }")
    name, data = events.next()
    assert name == "css"
    assert data["changed"] == ["style.css"]
    assert data["generation"] == int(str(hello["generation"])) + 1
    assert "rgb(0, 128, 0)" in get(port_of(server), "/style.css")[1]


def test_a_failed_build_reports_errors_and_keeps_the_last_good_site(
    server: PreviewServer, site: FakeSite, events: EventStream
):
    assert events.next()[0] == "hello"
    (site.src / "page.txt").write_text("BROKEN template")
    name, data = events.next()
    assert name == "error"
    assert data["errors"] == ["src/page.txt:1: the source says BROKEN"]
    status, page = get(port_of(server), "/")
    assert (status, "<h1>Hello</h1>" in page) == (200, True)

    late = EventStream(port_of(server))  # a tab opened now sees the error at once
    try:
        name, data = late.next()
        assert (name, data["ok"], data["errors"]) == (
            "hello",
            False,
            ["src/page.txt:1: the source says BROKEN"],
        )
    finally:
        late.close()

    (site.src / "page.txt").write_text("Fixed")
    assert events.next()[0] == "reload"
    assert "<h1>Fixed</h1>" in get(port_of(server), "/")[1]
    assert server.hub.state.ok


def test_a_build_that_raises_is_reported_and_the_server_lives_on(
    server: PreviewServer, site: FakeSite, events: EventStream
):
    assert events.next()[0] == "hello"
    site.raise_error = RuntimeError("disk on fire")
    (site.src / "page.txt").write_text("Anything")
    name, data = events.next()
    assert name == "error"
    assert data["errors"] == ["internal error in the build: RuntimeError: disk on fire"]
    site.raise_error = ScholarsiteError("site.yaml:3: unknown key 'titel'; did you mean 'title'?")
    (site.src / "page.txt").write_text("Again")
    assert events.next()[1]["errors"] == ["site.yaml:3: unknown key 'titel'; did you mean 'title'?"]
    site.raise_error = OSError(28, "No space left on device", "out/papers/x/index.html")
    (site.src / "page.txt").write_text("Once more")
    message = "[Errno 28] No space left on device: 'out/papers/x/index.html'"
    assert events.next()[1]["errors"] == [message]  # the system's words, not an internal error
    assert get(port_of(server), "/")[0] == 200


def test_a_watched_config_file_is_seen_even_when_replaced(site: FakeSite, tmp_path: Path):
    config = tmp_path / "site.yaml"
    config.write_text("title: one")
    (tmp_path / "unrelated.txt").write_text("x")
    server = PreviewServer(site, site.out, [site.src, config], port=0, log=lambda message: None)
    server.start()
    try:
        (tmp_path / "unrelated.txt").write_text("y")
        settle()
        assert site.rebuilds == []
        replacement = tmp_path / "site.yaml.new"
        replacement.write_text("title: two")
        os.replace(replacement, config)
        wait_until(lambda: len(site.rebuilds) == 1)
        assert config in (site.rebuilds[0] or ())
    finally:
        server.stop()


def test_the_polling_watcher_rebuilds_too(start_server: ServerFactory, site: FakeSite):
    server = start_server(polling=True, poll_interval=0.1)
    (site.src / "page.txt").write_text("Polled")
    wait_until(lambda: "<h1>Polled</h1>" in get(port_of(server), "/")[1])


def test_stop_ends_open_streams_and_joins_every_thread(site: FakeSite):
    server = PreviewServer(site, site.out, [site.src], port=0, log=lambda message: None)
    server.start()
    stream = EventStream(port_of(server))
    assert stream.next()[0] == "hello"
    server.stop()
    stream.reader.join(WAIT)
    assert not stream.reader.is_alive()
    stream.sock.close()
    names = [thread.name for thread in threading.enumerate()]
    assert not [name for name in names if name.startswith("scholarsite-")]


# --------------------------------------------------------------------------------------------
# Serving files


@pytest.fixture
def served_tree(server: PreviewServer, site: FakeSite, tmp_path: Path) -> int:
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(SECRET)
    (site.out / "link.txt").symlink_to(tmp_path / "secret.txt")
    (site.out / "linkdir").symlink_to(tmp_path / "outside")
    (site.out / "inside-link.txt").symlink_to(site.out / "style.css")
    (site.out / "empty").mkdir()
    (site.out / "data").mkdir()
    for name, text in {
        "app.js": "console.log(1)",
        "data.json": "{}",
        "icon.svg": "<svg/>",
        "feed.xml": "<feed/>",
        "robots.txt": "User-agent: *",
        "font.woff2": "w",
        "blob.unknownext": "?",
    }.items():
        (site.out / "data" / name).write_text(text)
    return port_of(server)


TRAVERSALS = [
    "/../secret.txt",
    "/../../secret.txt",
    "/other/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt",
    "/.%2e/secret.txt",
    "/..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/..%5csecret.txt",
    "/%252e%252e/secret.txt",
    "/link.txt",
    "/linkdir/secret.txt",
    "/linkdir/",
    "//../secret.txt",
    "/secret.txt%00.html",
    "/%00/../secret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "../secret.txt",
    "http://127.0.0.1/../secret.txt",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_never_reaches_outside_the_output(served_tree: int, target: str):
    status, _, body = raw_request(served_tree, target)
    assert status in (400, 403, 404)
    assert SECRET.encode() not in body


def test_a_symlink_inside_the_output_is_served(served_tree: int):
    assert get(served_tree, "/inside-link.txt") == (200, "h1 { color: rgb(255, 0, 0); }")


def test_missing_paths_get_the_sites_404_page_with_status_404(served_tree: int):
    status, headers, body = raw_request(served_tree, "/no/such/page/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"<h1>not here</h1>" in body
    assert b'<base href="/">' in body  # its relative links work at any depth
    assert b"livereload.js" in body  # so the tab reloads when the page appears


def test_without_a_404_page_a_plain_one_is_sent(server: PreviewServer, site: FakeSite):
    (site.out / "404.html").unlink()
    status, page = get(port_of(server), "/missing<script>")
    assert status == 404
    assert "Not found" in page
    assert "<script>" not in page.replace('<script src="/__scholarsite', "")


def test_directories_redirect_to_the_slash_form_and_serve_index_html(served_tree: int):
    status, headers, _ = raw_request(served_tree, "/other?x=1")
    assert (status, headers["location"]) == (302, "/other/?x=1")
    status, page = get(served_tree, "/other/")
    assert (status, "<h1>Other</h1>" in page) == (200, True)


def test_no_directory_listings(served_tree: int):
    status, page = get(served_tree, "/data/")
    assert status == 404
    assert "app.js" not in page
    assert get(served_tree, "/empty/")[0] == 404


def test_a_file_with_a_trailing_slash_is_not_found(served_tree: int):
    assert get(served_tree, "/style.css/")[0] == 404


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/data/app.js", "text/javascript; charset=utf-8"),
        ("/data/data.json", "application/json"),
        ("/data/icon.svg", "image/svg+xml"),
        ("/data/feed.xml", "application/xml"),
        ("/data/robots.txt", "text/plain; charset=utf-8"),
        ("/data/font.woff2", "font/woff2"),
        ("/data/blob.unknownext", "application/octet-stream"),
        ("/__scholarsite/livereload.js", "text/javascript; charset=utf-8"),
    ],
)
def test_content_types(served_tree: int, path: str, expected: str):
    status, headers, _ = raw_request(served_tree, path)
    assert (status, headers["content-type"]) == (200, expected)
    assert headers["x-content-type-options"] == "nosniff"


def test_every_answer_forbids_caching(served_tree: int):
    for path in ("/", "/style.css", "/nothing", "/other", "/__scholarsite/livereload.js"):
        assert raw_request(served_tree, path)[1]["cache-control"] == "no-store", path


def test_head_sends_headers_without_a_body(served_tree: int):
    status, headers, body = raw_request(served_tree, "/style.css", method="HEAD")
    assert (status, body) == (200, b"")
    assert headers["content-length"] == str(len("h1 { color: rgb(255, 0, 0); }"))


def test_an_absurdly_long_url_gets_414(served_tree: int):
    assert raw_request(served_tree, "/" + "a" * 5000)[0] == 414
    assert raw_request(served_tree, "/" + "a" * 70000)[0] == 414


def test_other_methods_are_refused(served_tree: int):
    assert raw_request(served_tree, "/", method="POST")[0] == 501


# --------------------------------------------------------------------------------------------
# Ports, load, and hostile clients


def test_a_busy_port_asked_for_explicitly_is_a_clear_error(site: FakeSite):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        busy = blocker.getsockname()[1]
        server = PreviewServer(site, site.out, [site.src], port=busy, strict_port=True)
        with pytest.raises(ScholarsiteError) as raised:
            server.start()
    message = str(raised.value)
    assert f"port {busy} on 127.0.0.1 is already in use" in message
    assert "--port " in message
    assert site.calls == []  # nothing built before the port was settled


def test_a_busy_default_port_moves_to_the_next_free_one_and_says_so(site: FakeSite):
    messages: list[str] = []
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        busy = blocker.getsockname()[1]
        server = PreviewServer(site, site.out, [site.src], port=busy, log=messages.append)
        port = server.start()
        try:
            assert port != busy
            assert f"port {busy} on 127.0.0.1 is in use; serving on port {port} instead" in messages
            assert get(port, "/")[0] == 200
        finally:
            server.stop()


def test_two_hundred_concurrent_requests_are_all_answered(served_tree: int):
    sockets = [socket.create_connection(("127.0.0.1", served_tree), timeout=30) for _ in range(200)]
    try:
        for number, sock in enumerate(sockets):
            path = "/style.css" if number % 2 else "/"
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        answers = [read_until_closed(sock) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
    assert all(answer.startswith(b"HTTP/1.0 200 ") for answer in answers)


def test_an_idle_connection_is_closed(start_server: ServerFactory):
    server = start_server(idle_timeout=0.5)
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=WAIT) as sock:
        assert sock.recv(1024) == b""  # closed by the server, not by our timeout


def test_a_client_trickling_its_headers_is_cut_off(start_server: ServerFactory):
    server = start_server(idle_timeout=0.6)
    port = port_of(server)
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < WAIT and not closed:
            try:
                sock.sendall(b"X")
                time.sleep(0.1)
            except OSError:
                closed = True
        assert closed or sock.recv(1024) == b""
    assert get(port, "/")[0] == 200


def test_idle_connections_cannot_starve_the_server(start_server: ServerFactory):
    server = start_server(idle_timeout=0.5, max_connections=4)
    port = port_of(server)
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
    try:
        assert get(port, "/")[0] == 200  # answered once the idle ones time out
    finally:
        for sock in idle:
            sock.close()


def test_event_streams_are_capped(start_server: ServerFactory):
    server = start_server(max_streams=2)
    streams = [EventStream(port_of(server)) for _ in range(2)]
    try:
        assert [stream.next()[0] for stream in streams] == ["hello", "hello"]
        assert raw_request(port_of(server), "/__scholarsite/events")[0] == 503
    finally:
        for stream in streams:
            stream.close()
    wait_until(lambda: server.hub.client_count == 0)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_cleanly_on_ctrl_c_and_sigterm(tmp_path: Path, stop_signal: int):
    script = tmp_path / "run.py"
    script.write_text(
        textwrap.dedent(
            """
            import signal, sys
            from pathlib import Path
            from scholarsite.livereload import BuildOutcome
            from scholarsite.server import serve

            # as in a terminal: a shell running tests in the background ignores SIGINT
            signal.signal(signal.SIGINT, signal.default_int_handler)
            out = Path(sys.argv[1])
            def build(changed, viewing):
                out.mkdir(exist_ok=True)
                (out / "index.html").write_text("<p>ok</p>")
                return BuildOutcome(ok=True, changed=("index.html",))
            sys.exit(serve(build, out, [Path(sys.argv[2])], port=0))
            """
        )
    )
    (tmp_path / "src").mkdir()
    process = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "out"), str(tmp_path / "src")],
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    lines: list[str] = []
    assert process.stderr is not None
    reader = threading.Thread(target=lambda: lines.extend(process.stderr or ()))
    reader.start()
    try:
        wait_until(lambda: any("serving http://127.0.0.1:" in line for line in lines))
        process.send_signal(stop_signal)
        assert process.wait(WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(WAIT)
        process.stderr.close()
    output = "".join(lines)
    assert "Traceback" not in output
    assert "stopping" in output


# --------------------------------------------------------------------------------------------
# In a real browser (headless Debian Chromium)

BROWSER_WAIT_MS = 15000


@pytest.fixture
def open_tab(browser: Browser, server: PreviewServer) -> Iterator[Callable[[], Page]]:
    pages: list[Page] = []

    def open_page() -> Page:
        page = browser.new_page()
        page.set_default_timeout(BROWSER_WAIT_MS)
        page.goto(server.url)
        wait_until(lambda: server.hub.client_count >= len(pages) + 1)
        page.evaluate("() => { window.__marker = 'still the same page'; }")
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


def heading_color(page: Page) -> str:
    return str(page.evaluate("() => getComputedStyle(document.querySelector('h1')).color"))


def marker(page: Page) -> object:
    return page.evaluate("() => window.__marker ?? null")


@pytest.mark.browser
def test_browser_tabs_reload_after_an_edit_and_swap_css_in_place(
    open_tab: Callable[[], Page], site: FakeSite
):
    first, second = open_tab(), open_tab()
    assert heading_color(first) == "rgb(255, 0, 0)"

    (site.src / "style.css").write_text("h1 { color: rgb(0, 128, 0); }")
    for page in (first, second):
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('h1')).color === 'rgb(0, 128, 0)'"
        )
        assert marker(page) == "still the same page"  # swapped, not reloaded

    (site.src / "page.txt").write_text("Edited in the browser test")
    for page in (first, second):
        page.wait_for_selector("h1:text('Edited in the browser test')")
        assert marker(page) is None  # a fresh page: it reloaded
        # with the edited stylesheet, once the fresh page has loaded it (it may still be loading)
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('h1')).color === 'rgb(0, 128, 0)'"
        )


@pytest.mark.browser
def test_browser_tabs_say_which_page_they_show_and_follow_pages_written_later(
    open_tab: Callable[[], Page], server: PreviewServer, site: FakeSite
):
    home, other = open_tab(), open_tab()
    other.goto(server.url + "other/")
    wait_until(lambda: server.hub.viewing() == {"index.html", "other/index.html"})

    def rest() -> BuildOutcome:  # the rest of the build writes the other page
        time.sleep(1.0)  # long after the first reload: the tab shows the old page again by then
        (site.out / "other/index.html").write_text(page_html("Other", "Written later"))
        return BuildOutcome(ok=True, changed=("other/index.html",))

    site.then = rest
    (site.src / "page.txt").write_text("Edited")
    home.wait_for_selector("h1:text('Edited')")
    other.wait_for_selector("h1:text('Written later')")
    assert site.viewing[-1] == {"index.html", "other/index.html"}


@pytest.mark.browser
def test_a_browser_tab_follows_its_page_when_it_moves(
    open_tab: Callable[[], Page], server: PreviewServer, site: FakeSite
):
    tab = open_tab()
    tab.goto(server.url + "other/")
    wait_until(lambda: server.hub.viewing() == {"other/index.html"})
    site.moved = (("other/index.html", "index.html"),)
    (site.src / "page.txt").write_text("Moved here")
    tab.wait_for_selector("h1:text('Moved here')")
    assert tab.url == server.url


@pytest.mark.browser
def test_browser_shows_the_error_overlay_and_clears_it(
    open_tab: Callable[[], Page], site: FakeSite
):
    page = open_tab()
    (site.src / "page.txt").write_text("BROKEN on purpose")
    overlay = page.wait_for_selector("scholarsite-error-overlay pre.errors")
    assert overlay is not None
    assert overlay.text_content() == "src/page.txt:1: the source says BROKEN"
    assert page.text_content("h1") == "Hello"  # the last good page stays

    page.reload()  # a page loaded while the build is broken shows the overlay too
    page.wait_for_selector("scholarsite-error-overlay pre.errors")

    (site.src / "page.txt").write_text("Repaired")
    page.wait_for_selector("h1:text('Repaired')")
    assert page.query_selector("scholarsite-error-overlay") is None


@pytest.mark.browser
def test_a_hidden_tab_lets_go_of_its_stream_and_catches_up_when_shown(
    open_tab: Callable[[], Page], server: PreviewServer, site: FakeSite
):
    page = open_tab()
    set_visibility = """(state) => {
        Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => state});
        document.dispatchEvent(new Event('visibilitychange'));
    }"""
    page.evaluate(set_visibility, "hidden")
    wait_until(lambda: server.hub.client_count == 0)

    (site.src / "page.txt").write_text("Changed while hidden")
    wait_until(lambda: len(site.rebuilds) == 1)
    settle()
    assert marker(page) == "still the same page"

    page.evaluate(set_visibility, "visible")
    page.wait_for_selector("h1:text('Changed while hidden')")
    assert marker(page) is None


@pytest.mark.browser
def test_a_tab_left_open_across_a_restart_reloads(browser: Browser, site: FakeSite):
    quiet = {"log": lambda message: None}
    first = PreviewServer(site, site.out, [site.src], port=0, **quiet)  # type: ignore[arg-type]
    port = first.start()
    page = browser.new_page()
    try:
        page.set_default_timeout(BROWSER_WAIT_MS)
        page.goto(first.url)
        wait_until(lambda: first.hub.client_count == 1)
        page.evaluate("() => { window.__marker = 'before the restart'; }")
        first.stop()
        (site.src / "page.txt").write_text("Changed while the server was down")
        second = PreviewServer(site, site.out, [site.src], port=port, strict_port=True, **quiet)  # type: ignore[arg-type]
        second.start()
        try:
            page.wait_for_selector("h1:text('Changed while the server was down')")
            assert marker(page) is None
        finally:
            second.stop()
    finally:
        page.close()
