"""Shared fixtures: the shipped site source and builds of it into temporary directories."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import settings
from playwright.sync_api import Browser, sync_playwright

from scholarsite.bench.search_bench import CHROMIUM, CHROMIUM_ARGS  # one launch recipe
from scholarsite.build import BuildOptions, BuildResult, build_site

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "site_src"

# The property tests try the same examples on every run, so a run's outcome depends on the code
# alone; `--hypothesis-profile=explore` tries new ones and keeps failures in `.hypothesis/`.
settings.register_profile("gate", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile("gate")


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The shipped site, built once per test session (read-only for tests)."""
    output = tmp_path_factory.mktemp("shipped") / "build"
    return build_site(BuildOptions(SHIPPED, output))


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped site source (with its theme beside it)."""
    source = tmp_path / "site_src"
    shutil.copytree(SHIPPED, source)
    return source


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright. Missing, it fails the test: it never skips."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


class _Server(ThreadingHTTPServer):
    request_queue_size = 64  # a browser opens several connections at once; the default is 5


@pytest.fixture(scope="session")
def serve_directory() -> Iterator[Callable[[Path], str]]:
    """Serve a directory over loopback from a thread; returns its base URL. Stopped at the end."""
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def serve(directory: Path) -> str:
        server = _Server(("127.0.0.1", 0), partial(_QuietHandler, directory=str(directory)))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join()
