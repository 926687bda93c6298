"""End-to-end builds: the shipped site's pages, links, export, determinism and failure modes."""

from __future__ import annotations

import functools
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from scholarsite.build import BuildOptions, BuildResult, build_site
from scholarsite.errors import ScholarsiteError

ROOT = Path(__file__).resolve().parent.parent


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name] or "")
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


@functools.cache
def parse_html(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_shipped_site_has_every_page_kind(shipped_build: BuildResult) -> None:
    out = shipped_build.output
    for rel in (
        "index.html",
        "papers/index.html",
        "authors/index.html",
        "about/index.html",
        "search/index.html",
        "404.html",
        "corpus.json",
        "papers/gpt-4o-system-card/index.html",
        "authors/cheng-lu/index.html",
    ):
        assert (out / rel).is_file(), rel
    assert shipped_build.papers == 24
    assert len(list((out / "papers").glob("*/index.html"))) == 24


def test_every_internal_link_resolves(shipped_build: BuildResult) -> None:
    out = shipped_build.output
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    broken = []
    for page in html_files(out):
        if page.name == "404.html":
            continue  # links from the published root at any depth: checked by `scholarsite check`
        here = page.parent.relative_to(out).as_posix()
        for link in set(parse_html(page).links):
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = (
                posixpath.normpath(posixpath.join(here, unquote(parts.path)))
                if parts.path
                else page.relative_to(out).as_posix()
            )
            if target not in files and f"{target}/index.html" in files:
                target = f"{target}/index.html"
            if target not in files:
                broken.append(f"{page.relative_to(out)} → {link}")
            elif parts.fragment and parts.fragment not in parse_html(out / target).ids:
                broken.append(f"{page.relative_to(out)} → {link} (no #{parts.fragment})")
    assert broken == []


def test_links_end_in_index_html_so_the_site_works_from_disk(shipped_build: BuildResult) -> None:
    page = parse_html(shipped_build.output / "papers/gpt-4o-system-card/index.html")
    internal = [u for u in page.links if not urlsplit(u).scheme and not u.startswith("#")]
    assert internal and all(not urlsplit(u).path.endswith("/") for u in internal)
    assert "../../authors/aaron-hurst/index.html" in internal


def test_math_is_typeset_as_mathml(shipped_build: BuildResult) -> None:
    page = shipped_build.output / "papers/arxiv-2109-13956/index.html"
    text = page.read_text()
    assert "<math" in text and 'encoding="application/x-tex"' in text
    assert "$\\tilde" not in text.split('encoding="application/x-tex"')[0].rsplit("<math", 1)[0]


def test_long_author_list_is_collapsed(shipped_build: BuildResult) -> None:
    text = (shipped_build.output / "papers/gpt-4o-system-card/index.html").read_text()
    assert "<details" in text
    assert "Show all 416 authors" in text


def test_untitled_paper_has_marker_and_lead(shipped_build: BuildResult) -> None:
    text = (shipped_build.output / "papers/arxiv-2407-16226/index.html").read_text()
    assert "Untitled" in text and "We characterize compatible families" in text
    data = json.loads((shipped_build.output / "corpus.json").read_text())
    paper = next(p for p in data["papers"] if p["arxiv"] == "2407.16226")
    assert paper["title"] is None


def test_corpus_json_follows_the_spec(shipped_build: BuildResult) -> None:
    data = json.loads((shipped_build.output / "corpus.json").read_text())
    assert set(data) == {"papers", "authors", "warnings"}
    paper = next(p for p in data["papers"] if p["id"] == "gpt-4o-system-card")
    assert set(paper) == {
        "id",
        "url",
        "title",
        "authors",
        "authors_complete",
        "abstract",
        "arxiv",
        "year",
        "comments",
        "profiles",
        "sources",
    }
    assert paper["url"] == "papers/gpt-4o-system-card/"
    assert (paper["arxiv"], paper["year"], paper["authors_complete"]) == ("2410.21276", 2024, True)
    assert len(paper["authors"]) == len(set(paper["authors"])) == 416
    assert paper["authors"][0] == "openai"
    assert paper["profiles"] == [
        "cheng-lu",
        "sam-schoenholz",
        "sean-metzger",
        "nick-ryder",
        "allison-tam",
    ]
    assert {"file": "corpus/000_db022e47a3265ebc.txt", "line": 2} in paper["sources"]
    person = next(a for a in data["authors"] if a["id"] == "cheng-lu")
    assert set(person) == {"id", "name", "url", "papers", "profiles"}
    assert person["profiles"] == [{"file": "corpus/000_db022e47a3265ebc.txt"}]
    assert len(person["papers"]) == 10
    ids = {a["id"] for a in data["authors"]}
    assert all(a in ids for p in data["papers"] for a in p["authors"] + p["profiles"])
    warning = data["warnings"][0]
    assert set(warning) == {"file", "line", "message", "acknowledged"}


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build_site(BuildOptions(ROOT / "site_src", tmp_path / "a")).output
    second = build_site(BuildOptions(ROOT / "site_src", tmp_path / "b")).output
    files_a = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert files_a == files_b
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files_a)


HOSTILE = '<script>alert(1)</script>" onload="x" </script><!--'


def hostile_site(tmp_path: Path) -> Path:
    source = tmp_path / "site_src"
    (source / "corpus").mkdir(parents=True)
    (source / "corpus" / "a.txt").write_text(
        f"Evil, Eve{HOSTILE}\n"
        f"A Title {HOSTILE}\n"
        f"Evil, Eve{HOSTILE}, Doe, Jane\n"
        f"An abstract with {HOSTILE} and $<img src=x onerror=alert(1)>$ and more words to be an "
        "abstract of some length. It has sentences.\n"
    )
    return source


def test_hostile_corpus_text_is_escaped_everywhere(tmp_path: Path) -> None:
    out = build_site(BuildOptions(hostile_site(tmp_path), tmp_path / "out")).output
    for page in html_files(out):
        parsed = parse_html(page)
        assert not any("onload" in attrs or "onerror" in attrs for _, attrs in parsed.tags), page
        for tag, attrs in parsed.tags:
            if tag == "script":
                assert attrs.get("src") or attrs.get("type") == "application/ld+json", page
        for body in parsed.scripts:
            assert "alert(1)" not in body or "<script" not in body.lower(), page
    for data in out.rglob("*.json"):
        json.loads(data.read_text())
    raw = (out / "corpus.json").read_text()
    assert HOSTILE.split('"')[0] in json.loads(raw)["papers"][0]["title"]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholarsite", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_strict_build_of_the_shipped_site_passes(tmp_path: Path) -> None:
    result = run_cli("build", "--strict", "--output", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 24 papers")


def test_strict_build_without_curation_fails_naming_the_quirks(
    site_copy: Path, tmp_path: Path
) -> None:
    (site_copy / "curation.yaml").unlink()
    result = run_cli(
        "build", "--strict", "--source", str(site_copy), "--output", str(tmp_path / "out")
    )
    assert result.returncode == 1
    assert "corpus/000_db022e47a3265ebc.txt:3: dropped the author pair ':, null'" in result.stderr
    assert "corpus/003_756d1246c2756f21.txt:1: the dump names no owner" in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_usage_exits_2() -> None:
    assert run_cli("build", "--jobs", "0").returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_output_that_holds_the_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScholarsiteError, match="holds the site source"):
        build_site(BuildOptions(ROOT / "site_src", ROOT))


def test_source_elsewhere_uses_the_default_theme(tmp_path: Path) -> None:
    source = tmp_path / "elsewhere" / "site_src"
    shutil.copytree(ROOT / "site_src", source)
    out = build_site(BuildOptions(source, tmp_path / "out")).output
    assert (out / "static" / "search.js").is_file()
    assert "<main" in (out / "index.html").read_text()


def test_parallel_and_serial_builds_in_separate_processes_are_byte_identical(
    tmp_path: Path,
) -> None:
    for jobs, seed in (("1", "1"), ("2", "2")):  # different hash seeds: no set order may leak
        result = subprocess.run(
            [sys.executable, "-m", "scholarsite", "build", "--jobs", jobs, "--output",
             str(tmp_path / jobs)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    files = sorted(
        p.relative_to(tmp_path / "1") for p in (tmp_path / "1").rglob("*") if p.is_file()
    )
    assert len(files) > 500
    for name in files:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


# In a process of its own: a child is forked only from a process with no other threads, which a
# test process cannot promise. Every build reads apart, however small its dumps; "rebuild"
# builds with a state, adds a line to a dump and builds again.
BUILD_APART = """
import json, sys
from pathlib import Path
from scholarsite import build
from scholarsite.build import BuildOptions, build_site
from scholarsite.errors import ScholarsiteError
from scholarsite.workers import made_apart

reads = []
load_state = build.load_state

def counted(task, make):
    reads.append(task)
    return made_apart(task, make)

def loaded(*args):
    reads.append("the last state")
    return load_state(*args)

build.READ_APART_BYTES = 0
build.made_apart = counted
build.load_state = loaded
source, output, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
found = {"builds": []}
try:
    options = BuildOptions(source, output, cache=mode == "rebuild")
    found["builds"].append(build_site(options).rendered)
    if mode == "rebuild":
        dump = sorted((source / "corpus").iterdir())[0]
        dump.write_bytes(dump.read_bytes() + b"\\n")
        found["builds"].append(build_site(options).rendered)
except ScholarsiteError as error:
    found["error"] = [type(error).__name__, str(error)]
print(json.dumps(found | {"reads": reads}))
"""


def build_apart(source: Path, output: Path, mode: str = "once") -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", BUILD_APART, str(source), str(output), mode],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_a_site_read_in_a_child_process_is_the_same_site(tmp_path: Path) -> None:
    here = build_site(BuildOptions(ROOT / "site_src", tmp_path / "here")).output
    apart = tmp_path / "apart"
    assert build_apart(ROOT / "site_src", apart)["reads"] == ["reading the site"]
    files = sorted(p.relative_to(here) for p in here.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(apart) for p in apart.rglob("*") if p.is_file())
    assert all((here / f).read_bytes() == (apart / f).read_bytes() for f in files)


def test_bad_input_read_in_a_child_process_fails_as_it_does_here(
    site_copy: Path, tmp_path: Path
) -> None:
    (site_copy / "curation.yaml").write_text("papers:\n  - arxiv: [1\n", encoding="utf-8")
    with pytest.raises(ScholarsiteError) as here:
        build_site(BuildOptions(site_copy, tmp_path / "here"))
    found = build_apart(site_copy, tmp_path / "apart")
    assert found["reads"] == ["reading the site"]
    assert found["error"] == [type(here.value).__name__, str(here.value)]
    assert "curation.yaml:2" in str(here.value)
    assert not (tmp_path / "apart").exists()


def test_a_rebuild_reads_apart_before_it_loads_the_last_state(
    site_copy: Path, tmp_path: Path
) -> None:
    """So the child reading the dumps is not forked from a process holding the state."""
    found = build_apart(site_copy, tmp_path / "out", "rebuild")
    first, second = found["builds"]
    assert second < first  # from the state, not from scratch
    assert found["reads"] == ["reading the site", "reading the site", "the last state"]


def test_each_year_chip_is_named_as_its_heading(shipped_build: BuildResult) -> None:
    page = (shipped_build.output / "papers" / "index.html").read_text(encoding="utf-8")
    chips = dict(re.findall(r'<a href="#(y\d+|undated)">([^<]*?) <span', page))
    headings = dict(re.findall(r'<h2 id="h-(y\d+|undated)">([^<]*?) <span', page))
    assert chips["undated"] == "Year unknown"
    assert chips == headings
