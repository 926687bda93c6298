"""The default theme: every built page of the shipped site is accessible, self-contained HTML.

The site is built once into a temporary directory with the real command line; each page is parsed
with :mod:`html.parser` into a small element tree that the checks walk.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from scholarsite.build import read_site

ROOT = Path(__file__).resolve().parent.parent
STYLE = ROOT / "static" / "style.css"
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track"}
    | {"wbr"}
)
LANDMARKS = ("header", "nav", "main", "footer")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
# <link rel> values that name an address without the browser fetching it.
NOT_FETCHED = frozenset({"canonical", "alternate", "author", "license", "me"})


# ---------- A tiny element tree ----------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            yield from child.iter()

    def all_text(self) -> str:
        return " ".join([*self.text, *(c.all_text() for c in self.children)]).strip()


class TreeBuilder(HTMLParser):
    """Builds an :class:`Element` tree; end tags close back to their matching open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, 0)
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.getpos()[0])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.getpos()[0])
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].text.append(data)


def parse(path: Path) -> Element:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


# ---------- The built site ----------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped site, built by the command line into a temporary directory."""
    output = tmp_path_factory.mktemp("theme") / "site"
    subprocess.run(
        [sys.executable, "-m", "scholarsite", "build", "--output", str(output)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return output


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Element]:
    found = {str(p.relative_to(site)): parse(p) for p in sorted(site.rglob("*.html"))}
    assert len(found) > 100, "the shipped site should have hundreds of pages"
    return found


def tags(tree: Element, name: str) -> list[Element]:
    return [e for e in tree.iter() if e.tag == name]


def failures(pages: dict[str, Element], check: Callable[[Element], list[str]]) -> list[str]:
    return [f"{name}: {problem}" for name, tree in pages.items() for problem in check(tree)]


# ---------- Checks, each a function of one page's tree returning its problems ----------


def landmark_problems(tree: Element) -> list[str]:
    problems = [f"no <{t}> landmark" for t in LANDMARKS if not tags(tree, t)]
    if len(tags(tree, "main")) > 1:
        problems.append("more than one <main>")
    return problems


def heading_levels(tree: Element) -> list[int]:
    return [int(e.tag[1]) for e in tree.iter() if re.fullmatch(r"h[1-6]", e.tag)]


def heading_problems(tree: Element) -> list[str]:
    levels = heading_levels(tree)
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} <h1> elements (want exactly one)")
    if levels and levels[0] != 1:
        problems.append(f"the first heading is <h{levels[0]}>, not <h1>")
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"heading level skips from h{before} to h{after}")
    return problems


def text_by_id(tree: Element) -> dict[str, str]:
    return {e.attrs["id"]: e.all_text() for e in tree.iter() if "id" in e.attrs}


def alternative_problems(tree: Element) -> list[str]:
    ids = text_by_id(tree)
    problems = []
    for img in tags(tree, "img"):
        if "alt" not in img.attrs:
            problems.append(f"line {img.line}: <img> without alt")
    for svg in tags(tree, "svg"):
        if svg.attrs.get("role") != "img":
            continue
        labelled = " ".join(ids.get(i, "") for i in svg.attrs.get("aria-labelledby", "").split())
        titles = [c.all_text() for c in svg.children if c.tag == "title"]
        if not (svg.attrs.get("aria-label", "").strip() or labelled.strip() or any(titles)):
            problems.append(f"line {svg.line}: <svg role=img> without a text alternative")
    return problems


def external_problems(tree: Element) -> list[str]:
    problems = []
    for element in tree.iter():
        if element.tag not in ("link", "script", "img", "source", "iframe"):
            continue
        if element.tag == "link" and NOT_FETCHED & set(element.attrs.get("rel", "").split()):
            continue
        for attr in ("src", "href", "srcset"):
            value = element.attrs.get(attr, "").strip()
            if EXTERNAL.match(value):
                problems.append(
                    f"line {element.line}: <{element.tag} {attr}={value!r}> is external"
                )
    return problems


def duplicate_id_problems(tree: Element) -> list[str]:
    seen: set[str] = set()
    problems = []
    for element in tree.iter():
        ident = element.attrs.get("id")
        if ident is None:
            continue
        if ident in seen:
            problems.append(f"line {element.line}: duplicate id {ident!r}")
        seen.add(ident)
    return problems


def reference_problems(tree: Element) -> list[str]:
    """aria-labelledby, aria-describedby, label[for] and in-page #links name ids that exist."""
    ids = text_by_id(tree)
    problems = []
    for element in tree.iter():
        wanted = element.attrs.get("aria-labelledby", "").split()
        wanted += element.attrs.get("aria-describedby", "").split()
        if element.tag == "label" and "for" in element.attrs:
            wanted.append(element.attrs["for"])
        href = element.attrs.get("href", "") if element.tag == "a" else ""
        if href.startswith("#") and len(href) > 1:
            wanted.append(href[1:])
        problems += [f"line {element.line}: #{w} does not exist" for w in wanted if w not in ids]
    return problems


# ---------- The tests ----------


def test_every_page_has_the_landmarks(pages: dict[str, Element]) -> None:
    assert failures(pages, landmark_problems) == []


def test_every_page_has_one_h1_and_headings_never_skip_a_level(pages: dict[str, Element]) -> None:
    assert failures(pages, heading_problems) == []


def test_images_and_svg_images_have_text_alternatives(pages: dict[str, Element]) -> None:
    charts = [
        p
        for p, tree in pages.items()
        if any(s.attrs.get("role") == "img" for s in tags(tree, "svg"))
    ]
    assert charts, "author pages with several years should carry an svg chart"
    assert failures(pages, alternative_problems) == []


def test_no_page_loads_anything_from_another_site(pages: dict[str, Element]) -> None:
    assert failures(pages, external_problems) == []


def test_ids_are_unique_and_every_reference_resolves(pages: dict[str, Element]) -> None:
    assert failures(pages, duplicate_id_problems) == []
    assert failures(pages, reference_problems) == []


def test_arxiv_links_are_allowed_in_anchors(pages: dict[str, Element]) -> None:
    paper = pages["papers/gpt-4o-system-card/index.html"]
    hrefs = [a.attrs.get("href", "") for a in tags(paper, "a")]
    assert "https://arxiv.org/abs/2410.21276" in hrefs
    assert external_problems(paper) == []


def test_the_checks_catch_broken_pages(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<html><head><script src="https://cdn.example.com/x.js"></script></head><body>'
        '<h2>Skipped h1</h2><h4>Skipped h3</h4><img src="a.png"><svg role="img"></svg>'
        '<a href="#nowhere">x</a></body></html>',
        encoding="utf-8",
    )
    tree = parse(page)
    assert landmark_problems(tree) == [f"no <{t}> landmark" for t in LANDMARKS]
    assert "0 <h1> elements (want exactly one)" in heading_problems(tree)
    assert "heading level skips from h2 to h4" in heading_problems(tree)
    assert len(alternative_problems(tree)) == 2
    assert len(external_problems(tree)) == 1
    assert reference_problems(tree) == ["line 1: #nowhere does not exist"]


def test_long_author_lists_are_folded_behind_details(pages: dict[str, Element]) -> None:
    paper = pages["papers/gpt-4o-system-card/index.html"]
    details = [d for d in tags(paper, "details") if "more-authors" in d.attrs.get("class", "")]
    assert len(details) == 1
    summary = tags(details[0], "summary")[0].all_text()
    assert re.fullmatch(r"Show all \d{3} authors", summary)
    shown = [li for ol in tags(paper, "ol") for li in ol.children if li.tag == "li"]
    assert len(shown) >= 400


def test_author_pages_list_every_co_author_with_the_papers_shared(
    pages: dict[str, Element],
) -> None:
    corpus = read_site(ROOT / "site_src").corpus
    person = corpus.people_by_id["cheng-lu"]
    expected = [
        (corpus.people_by_id[pid].name or "Unnamed profile", str(count))
        for pid, count in corpus.coauthors(person)
    ]
    page = pages["authors/cheng-lu/index.html"]
    lists = [ul for ul in tags(page, "ul") if "coauthors" in ul.attrs.get("class", "")]
    shown = [
        (tags(li, "a")[0].all_text(), tags(li, "span")[0].all_text())
        for ul in lists
        for li in ul.children
    ]
    assert len(expected) > 400 and shown == expected
    assert expected[0][1] != "1"  # someone shares several papers, and comes first
    note = text_by_id(page)[lists[0].attrs["aria-describedby"]]
    assert "how many papers they share" in note


def test_untitled_papers_say_so_in_their_heading(pages: dict[str, Element]) -> None:
    untitled = [
        tree
        for name, tree in pages.items()
        if name.startswith("papers/arxiv-")
        and any("untitled" in h.attrs.get("class", "") for h in tags(tree, "h1"))
    ]
    assert untitled, "the shipped corpus has untitled papers"
    for tree in untitled:
        heading = tags(tree, "h1")[0].all_text()
        assert heading.startswith("Untitled "), heading
        assert tags(tree, "title")[0].all_text().startswith("Untitled paper")


def test_year_filter_links_name_year_sections(pages: dict[str, Element]) -> None:
    papers = pages["papers/index.html"]
    nav = next(n for n in tags(papers, "nav") if "year-filter" in n.attrs.get("class", ""))
    targets = [a.attrs["href"] for a in tags(nav, "a")]
    assert targets[0] == "#all"
    sections = {
        s.attrs["id"] for s in tags(papers, "section") if "year-group" in s.attrs.get("class", "")
    }
    assert {t[1:] for t in targets[1:]} == sections
    assert "#y2024" in targets


# ---------- The stylesheet ----------


def css_blocks(css: str, at_rule: str) -> list[str]:
    """The bodies of every ``@media`` block whose condition contains ``at_rule``."""
    bodies = []
    for match in re.finditer(r"@media[^{]*" + re.escape(at_rule) + r"[^{]*\{", css):
        depth, start = 1, match.end()
        index = start
        while depth:
            depth += {"{": 1, "}": -1}.get(css[index], 0)
            index += 1
        bodies.append(css[start : index - 1])
    return bodies


def custom_properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[a-z-]+)\s*:\s*(#[0-9a-fA-F]{6})\s*;", block))


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


TEXT_PAIRS = [
    ("--text", "--bg"),
    ("--text", "--surface"),
    ("--text", "--code-bg"),
    ("--muted", "--bg"),
    ("--muted", "--surface"),
    ("--link", "--bg"),
    ("--link", "--surface"),
    ("--link-visited", "--bg"),
    ("--accent", "--bg"),
    ("--badge-text", "--badge-bg"),
]


def test_stylesheet_has_dark_and_print_blocks() -> None:
    css = STYLE.read_text(encoding="utf-8")
    assert css_blocks(css, "prefers-color-scheme: dark")
    assert css_blocks(css, "print")
    print_css = "".join(css_blocks(css, "print"))
    assert ".site-nav" in print_css and "display: none" in print_css
    assert "attr(href)" in print_css, "print should show the address of external links"


def test_stylesheet_requests_nothing_external() -> None:
    css = STYLE.read_text(encoding="utf-8")
    assert "@import" not in css
    assert "@font-face" not in css
    assert re.findall(r"url\(", css) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_pairs_meet_wcag_aa(scheme: str) -> None:
    css = STYLE.read_text(encoding="utf-8")
    light = custom_properties(css.split("@media", 1)[0])
    colours = (
        light
        if scheme == "light"
        else {**light, **custom_properties(css_blocks(css, "prefers-color-scheme: dark")[0])}
    )
    low = {f"{fg} on {bg}": round(contrast(colours[fg], colours[bg]), 2) for fg, bg in TEXT_PAIRS}
    assert {pair: ratio for pair, ratio in low.items() if ratio < 4.5} == {}


# ---------- In a real browser ----------


PHONE_PAGES = [
    "index.html",
    "papers/index.html",
    "papers/gpt-4o-system-card/index.html",
    "authors/nick-ryder/index.html",
]


@pytest.mark.browser
def test_no_page_scrolls_sideways_on_a_390px_phone(site: Path, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    widths = {}
    for path in PHONE_PAGES:
        for fragment in ("", "#authors") if "gpt-4o" in path else ("",):
            page.goto((site / path).as_uri() + fragment)
            if fragment:  # open the full author list too: 416 names must wrap
                page.click("details.more-authors > summary")
                assert page.is_visible("button.copy"), "site.js shows the copy buttons"
            widths[path + fragment] = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
    page.close()
    assert {p: w for p, w in widths.items() if w[0] > w[1]} == {}


@pytest.mark.browser
def test_year_filter_shows_only_the_targeted_year_without_javascript(
    site: Path, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    url = (site / "papers" / "index.html").as_uri()
    visible = (
        "[...document.querySelectorAll('.year-group')].filter(s => s.offsetParent).map(s => s.id)"
    )
    page.goto(url)
    everything = page.evaluate(visible)
    assert len(everything) > 3
    page.goto(url + "#y2021")
    assert page.evaluate(visible) == ["y2021"]
    page.goto(url + "#all")
    assert page.evaluate(visible) == everything
    context.close()
