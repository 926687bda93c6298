"""Shared fixtures: the shipped site source and builds of it into temporary directories."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from scholarsite.build import BuildOptions, BuildResult, build_site

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "site_src"


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


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright. Missing, it fails the test: it never skips."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
