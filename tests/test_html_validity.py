"""Every page of the shipped site passes the Nu HTML Checker (vnu), run once over all pages.

The checker is the current release of the W3C's Nu HTML Checker, installed from npm
(`vnu-jar`, the project's own distribution) into the pytest temporary area. It needs Java:
on Debian, `apt-get install -y default-jre-headless`. A missing `java` or `npm` fails the
test rather than skipping it, so the gate cannot silently disappear.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU_PACKAGE = "vnu-jar@26"
BASE_URL = "https://example.org/site/"
# A page the checker must reject: proof that it ran and that its report is read.
CANARY_NAME = "canary-invalid.html"
CANARY_HTML = "<!DOCTYPE html><title>x</title><p><div>block inside p</div><img src=a.png>\n"
# Pages of the base-URL build that are checked too: one of each template, since a base URL
# only changes absolute links in the head (canonical, og:url, feed and search links).
BASE_URL_SAMPLE = (
    "index.html",
    "404.html",
    "about/index.html",
    "papers/index.html",
    "papers/gpt-4o-system-card/index.html",
    "authors/index.html",
    "authors/cheng-lu/index.html",
    "search/index.html",
)


@dataclass(frozen=True)
class CheckerMessage:
    path: Path
    line: int
    text: str

    def describe(self, roots: dict[Path, str]) -> str:
        for root, label in roots.items():
            if self.path.is_relative_to(root):
                return f"{label}/{self.path.relative_to(root)}:{self.line}: {self.text}"
        return f"{self.path}:{self.line}: {self.text}"


def require_tool(name: str, how: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is missing, and the HTML validity gate needs it: {how}")
    return found


@pytest.fixture(scope="module")
def vnu_jar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Nu HTML Checker's jar, installed from npm into a temporary folder."""
    npm = require_tool("npm", "install Node.js and npm (apt-get install -y npm)")
    prefix = tmp_path_factory.mktemp("vnu")
    command = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), VNU_PACKAGE]
    installed = subprocess.run(command, capture_output=True, text=True, check=False)
    if installed.returncode != 0:
        pytest.fail(f"`npm install {VNU_PACKAGE}` failed:\n{installed.stderr[-2000:]}")
    jar = prefix / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    assert jar.is_file(), f"{VNU_PACKAGE} did not install {jar}"
    return jar


def build_shipped_site(output: Path, *extra: str) -> Path:
    command = [sys.executable, "-m", "scholarsite", "build", "--output", str(output), *extra]
    built = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert built.returncode == 0, f"build failed:\n{built.stdout}\n{built.stderr}"
    return output


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The shipped site built plainly and with a base URL, as CI publishes it."""
    root = tmp_path_factory.mktemp("validity")
    plain = build_shipped_site(root / "plain")
    based = build_shipped_site(root / "based", "--base-url", BASE_URL)
    return plain, based


def parse_report(report: str) -> list[CheckerMessage]:
    """The checker's JSON report (`--format json`) as messages with file and line."""
    messages: list[dict[str, Any]] = json.loads(report)["messages"]
    return [
        CheckerMessage(
            path=Path(unquote(message.get("url", "file:?").removeprefix("file:"))),
            line=int(message.get("lastLine", message.get("firstLine", 0))),
            text=f"{message['type']}: {message['message']}",
        )
        for message in messages
    ]


def run_checker(jar: Path, pages: list[Path]) -> list[CheckerMessage]:
    """One JVM start for every page; errors only (warnings are advice, not failures)."""
    java = require_tool("java", "install a Java runtime (apt-get install -y default-jre-headless)")
    command = [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)]
    checked = subprocess.run(command, capture_output=True, text=True, check=False)
    # The checker writes its report to stderr and exits 1 when it found errors.
    if checked.returncode not in (0, 1) or not checked.stderr.lstrip().startswith("{"):
        pytest.fail(f"the checker did not run (exit {checked.returncode}):\n{checked.stderr}")
    return parse_report(checked.stderr)


@pytest.fixture(scope="module")
def checked(
    vnu_jar: Path, builds: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[CheckerMessage], dict[Path, str], Path]:
    plain, based = builds
    canary = tmp_path_factory.mktemp("canary") / CANARY_NAME
    canary.write_text(CANARY_HTML, encoding="utf-8")
    pages = sorted(plain.rglob("*.html")) + [based / name for name in BASE_URL_SAMPLE]
    messages = run_checker(vnu_jar, [*pages, canary])
    roots = {plain.resolve(): "build", based.resolve(): f"build --base-url {BASE_URL}"}
    return messages, roots, canary.resolve()


def test_the_build_has_pages_of_every_kind(builds: tuple[Path, Path]) -> None:
    plain, based = builds
    assert len(list(plain.rglob("*.html"))) > 400
    missing = [name for name in BASE_URL_SAMPLE if not (plain / name).is_file()]
    missing += [name for name in BASE_URL_SAMPLE if not (based / name).is_file()]
    assert not missing, f"pages the validity check expects are not built: {missing}"
    assert BASE_URL in (based / "papers/gpt-4o-system-card/index.html").read_text("utf-8")


def test_the_checker_reports_an_invalid_page(
    checked: tuple[list[CheckerMessage], dict[Path, str], Path],
) -> None:
    messages, _, canary = checked
    assert any(m.path.resolve() == canary and "error" in m.text for m in messages)


def test_every_page_passes_the_nu_html_checker(
    checked: tuple[list[CheckerMessage], dict[Path, str], Path],
) -> None:
    messages, roots, canary = checked
    site = [m for m in messages if m.path.resolve() != canary]
    if site:
        report = "\n".join(m.describe(roots) for m in site[:200])
        pytest.fail(f"{len(site)} Nu HTML Checker errors:\n{report}", pytrace=False)
