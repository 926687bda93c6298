"""axe-core finds no accessibility violations on each kind of page, in light and dark schemes.

axe-core is installed from npm into the pytest temporary area and injected with Playwright
into Debian's chromium; the built site is served over loopback. A missing chromium or npm
fails the test rather than skipping it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from scholarsite.build import BuildResult

pytestmark = pytest.mark.browser

AXE_PACKAGE = "axe-core@4"
SCHEMES = ("light", "dark")
SEARCH_QUERY = "consistency"
# Page kinds by the path they are served at; the untitled paper is looked up in corpus.json.
PAGES = {
    "home": "",
    "paper": "papers/gpt-4o-system-card/",
    "untitled paper": None,
    "author": "authors/cheng-lu/",
    "papers list": "papers/",
    "authors list": "authors/",
    "search": "search/",
    "header search popup": "",
}


@pytest.fixture(scope="module")
def axe_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """axe.min.js, installed from npm into a temporary folder."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("`npm` is missing, and the accessibility gate needs it: apt-get install -y npm")
    prefix = tmp_path_factory.mktemp("axe")
    command = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), AXE_PACKAGE]
    installed = subprocess.run(command, capture_output=True, text=True, check=False)
    if installed.returncode != 0:
        pytest.fail(f"`npm install {AXE_PACKAGE}` failed:\n{installed.stderr[-2000:]}")
    script = prefix / "node_modules" / "axe-core" / "axe.min.js"
    assert script.is_file(), f"{AXE_PACKAGE} did not install {script}"
    return script


@pytest.fixture(scope="module")
def site_url(shipped_build: BuildResult, serve_directory: Callable[[Path], str]) -> str:
    """The shipped site served over loopback from a thread."""
    return serve_directory(shipped_build.output)


def untitled_paper_path(output: Path) -> str:
    corpus = json.loads((output / "corpus.json").read_text(encoding="utf-8"))
    untitled = [paper["url"] for paper in corpus["papers"] if paper["title"] is None]
    assert untitled, "the shipped corpus has no untitled paper to check"
    return str(untitled[0])


def page_path(kind: str, output: Path) -> str:
    path = PAGES[kind]
    return untitled_paper_path(output) if path is None else path


def show_search_results(page: Page) -> None:
    """Type a query on the search page and wait until its results are listed."""
    box = page.locator("#ss-page-q")
    box.fill(SEARCH_QUERY)
    box.press("Enter")
    page.locator("[data-search-results=page] .ss-result").first.wait_for()


def open_header_popup(page: Page) -> None:
    """Type into the header box and select the first suggestion, as a keyboard user would."""
    box = page.locator("#ss-box-q")
    box.click()
    box.press_sequentially(SEARCH_QUERY, delay=20)
    page.locator("[data-search-results=popup] a.ss-hit").first.wait_for()
    box.press("ArrowDown")
    page.locator("[data-search-results=popup] [aria-selected=true]").wait_for()


def axe_violations(page: Page, script: Path) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(script))
    result: dict[str, Any] = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}".replace("\n", " "))
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", list(PAGES))
def test_no_axe_violations(
    browser: Browser,
    site_url: str,
    shipped_build: BuildResult,
    axe_script: Path,
    kind: str,
    scheme: str,
) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    context.set_default_timeout(90_000)  # a loaded CI machine can be slow to paint
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(site_url + page_path(kind, shipped_build.output))
        if kind == "search":
            show_search_results(page)
        elif kind == "header search popup":
            open_header_popup(page)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
            scheme == "dark"
        )
        violations = axe_violations(page, axe_script)
        assert not errors, f"JavaScript errors on the {kind} page: {errors}"
    finally:
        context.close()
    if violations:
        pytest.fail(
            f"axe-core on the {kind} page ({scheme}):\n{describe(violations)}", pytrace=False
        )


def test_axe_reports_a_known_violation(browser: Browser, axe_script: Path) -> None:
    """The gate can fail: an image without alt text and an unlabelled input are reported."""
    page = browser.new_page()
    try:
        page.set_content(
            '<!DOCTYPE html><html lang="en"><title>t</title><main><img src="x.png">'
            "<input></main></html>"
        )
        found = {violation["id"] for violation in axe_violations(page, axe_script)}
    finally:
        page.close()
    assert {"image-alt", "label"} <= found
